// Emergency events as the actor may see them.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { careVisitFilter } from "@/lib/authz/care";
import { getDb } from "@/lib/db/client";
import type { DoctorAlert } from "./schemas";

/** Unacknowledged events of the doctor's patients (care relationship), newest first, with the patient's name. */
export async function openAlertsForDoctor(actor: AuthenticatedActor): Promise<DoctorAlert[]> {
  if (actor.role !== "DOCTOR") return [];
  const events = await getDb().emergencyEvent.findMany({
    where: {
      acknowledgedAt: null,
      patient: { appointmentsAsPatient: { some: { doctorId: actor.userId, ...careVisitFilter() } } },
    },
    select: { id: true, patientId: true, createdAt: true },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  if (events.length === 0) return [];
  const profiles = await getDb().patientProfile.findMany({
    where: { userId: { in: [...new Set(events.map((event) => event.patientId))] } },
    select: { userId: true, fullName: true },
  });
  const names = new Map(profiles.map((profile) => [profile.userId, profile.fullName]));
  return events.map((event) => ({ ...event, patientName: names.get(event.patientId) ?? "A patient" }));
}

/** What the patient's emergency page starts from: the country on their profile and their time zone. */
export async function emergencySettings(
  actor: AuthenticatedActor,
): Promise<{ profileCountry: string | null; timeZone: string | null }> {
  const user = await getDb().user.findUnique({
    where: { id: actor.userId },
    select: { timeZone: true, patientProfile: { select: { country: true } } },
  });
  return { profileCountry: user?.patientProfile?.country ?? null, timeZone: user?.timeZone ?? null };
}
