// The doctor moves a visit along: start it, complete it, or record that the
// patient did not come.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db/client";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { AppError } from "@/lib/http/errors";
import { canProgress } from "./policy";
import { transitionAppointment } from "./transition-appointment";

export type Progress = "start" | "complete" | "no-show";
const TARGET = { start: "IN_PROGRESS", complete: "COMPLETED", "no-show": "NO_SHOW" } as const;
// A visit can be started from 10 minutes before its time; absence is recorded only once it has begun.
const EARLY_START_MS = 10 * 60_000;

export async function progressAppointment(
  actor: AuthenticatedActor,
  appointmentId: string,
  step: Progress,
): Promise<void> {
  const visit = await getDb().appointment.findUnique({
    where: { id: appointmentId },
    select: { patientId: true, doctorId: true, startsAt: true },
  });
  if (!visit || !canProgress(actor, visit)) {
    return refuseAsNotFound("Appointment", appointmentId, "No such visit.");
  }
  const now = Date.now();
  if (step === "start" && visit.startsAt.getTime() - now > EARLY_START_MS) {
    throw new AppError("CONFLICT", "A visit can be started from 10 minutes before its time.");
  }
  if (step === "no-show" && visit.startsAt.getTime() > now) {
    throw new AppError("CONFLICT", "Absence can be recorded once the visit's time has begun.");
  }
  await transitionAppointment(appointmentId, TARGET[step]);
}
