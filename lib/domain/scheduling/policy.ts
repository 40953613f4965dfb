// Who may do what to which appointment: pure functions of (actor, appointment).
import type { Role } from "@/lib/db/generated/enums";

export interface SchedulingActor {
  userId: string;
  role: Role;
}

export interface AppointmentParties {
  patientId: string;
  doctorId: string;
}

/** The patient and the doctor of a visit see it; nobody else does (a wrong id is a 404). */
export function canSee(actor: SchedulingActor, appointment: AppointmentParties): boolean {
  if (actor.role === "PATIENT") return appointment.patientId === actor.userId;
  if (actor.role === "DOCTOR") return appointment.doctorId === actor.userId;
  return false;
}

/** Patients change a visit online only until the cut-off before it starts (then they call the clinic). */
export function beforePatientCutoff(startsAt: Date, now: Date, patientCutoffMs: number): boolean {
  return startsAt.getTime() - now.getTime() >= patientCutoffMs;
}

/** Either party may cancel or move a visit; patients only before the cut-off. */
export function canChange(
  actor: SchedulingActor,
  appointment: AppointmentParties & { startsAt: Date },
  now: Date,
  patientCutoffMs: number,
): { allowed: true } | { allowed: false; reason: "not-a-party" | "past-cutoff" } {
  if (!canSee(actor, appointment)) return { allowed: false, reason: "not-a-party" };
  if (actor.role === "PATIENT" && !beforePatientCutoff(appointment.startsAt, now, patientCutoffMs)) {
    return { allowed: false, reason: "past-cutoff" };
  }
  return { allowed: true };
}

/** Only the visit's doctor starts it, completes it or marks the patient absent. */
export function canProgress(actor: SchedulingActor, appointment: AppointmentParties): boolean {
  return actor.role === "DOCTOR" && appointment.doctorId === actor.userId;
}
