// The chart's own reads: who the patient is, their visits, and a doctor's list of
// patients. Each starts from the care relationship (access.ts); the other sections
// of the chart (profile, prescriptions, documents, readings) come from their areas.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { careVisitFilter } from "@/lib/authz/care";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import type { AppointmentStatus } from "@/lib/db/generated/enums";
import { activeGrantUntil } from "@/lib/domain/security/active-grant";
import { requireChartAccess } from "./access";

export interface ChartVisit {
  id: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  reason: string;
  doctorId: string;
  doctorName: string;
}

export interface ChartHeader {
  patientId: string;
  /** "emergency": a break-glass grant, read-only, until emergencyUntil. */
  access: "own" | "treating" | "emergency";
  emergencyUntil: Date | null;
  fullName: string;
  visits: ChartVisit[];
}

/** The patient's name and visits (newest first) for someone who may read the chart; else a 404 (audited). */
export async function chartHeaderOf(actor: AuthenticatedActor, patientId: string): Promise<ChartHeader> {
  const access = await requireChartAccess(actor, patientId, "read");
  const emergencyUntil = access === "emergency" ? await activeGrantUntil(actor.userId, patientId) : null;
  // Opening a chart is the event the security rules count as reading a patient's record.
  await recordAuditEvent({
    action: "chart.viewed",
    resourceType: "Chart",
    resourceId: patientId,
    subjectId: patientId,
    details: { access },
  });
  const [patient, visits] = await Promise.all([
    getDb().user.findUniqueOrThrow({
      where: { id: patientId },
      select: { patientProfile: { select: { fullName: true } } },
    }),
    getDb().appointment.findMany({
      // Visits that happened or will: not a hold, nor one that expired or was cancelled before confirmation.
      where: { patientId, ...careVisitFilter() },
      select: {
        id: true,
        startsAt: true,
        endsAt: true,
        status: true,
        reason: true,
        doctorId: true,
        doctor: { select: { doctorProfile: { select: { displayName: true } } } },
      },
      orderBy: { startsAt: "desc" },
      take: 100,
    }),
  ]);
  return {
    patientId,
    access,
    emergencyUntil,
    fullName: patient.patientProfile?.fullName ?? "Unnamed patient",
    visits: visits.map(({ doctor, ...visit }) => ({
      ...visit,
      doctorName: doctor.doctorProfile?.displayName ?? "A doctor",
    })),
  };
}

export interface PatientListEntry {
  patientId: string;
  fullName: string;
  lastVisit: Date | null;
  nextVisit: Date | null;
}

/** The doctor's patients (a care relationship), by name, with their last and next visit with this doctor. */
export async function patientsOfDoctor(actor: AuthenticatedActor): Promise<PatientListEntry[]> {
  const visits = await getDb().appointment.findMany({
    where: { doctorId: actor.userId, ...careVisitFilter() },
    select: { patientId: true, startsAt: true, status: true },
    orderBy: { startsAt: "asc" },
  });
  if (visits.length === 0) return [];
  const now = Date.now();
  const byPatient = new Map<string, PatientListEntry>();
  for (const visit of visits) {
    const entry = byPatient.get(visit.patientId) ?? {
      patientId: visit.patientId,
      fullName: "",
      lastVisit: null,
      nextVisit: null,
    };
    if (visit.startsAt.getTime() < now) entry.lastVisit = visit.startsAt;
    else if (!entry.nextVisit && visit.status !== "CANCELLED") entry.nextVisit = visit.startsAt;
    byPatient.set(visit.patientId, entry);
  }
  const profiles = await getDb().patientProfile.findMany({
    where: { userId: { in: [...byPatient.keys()] } },
    select: { userId: true, fullName: true },
  });
  for (const profile of profiles) {
    const entry = byPatient.get(profile.userId);
    if (entry) entry.fullName = profile.fullName;
  }
  return [...byPatient.values()].sort((a, b) => a.fullName.localeCompare(b.fullName));
}
