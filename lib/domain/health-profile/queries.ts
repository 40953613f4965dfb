// Reads of health profiles and medications, scoped to the actor: the patient's
// own, or a treating doctor's patient's (lib/domain/clinical/access.ts decides),
// through the encrypted, audited data layer. Anyone else gets a 404, audited.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, plainClientForBenchmark } from "@/lib/db/client";
import { requireChartAccess } from "@/lib/domain/clinical/access";
import { splitMedications } from "./medication-lists";
import { canEditHealthRecord } from "./policy";
import type { HealthProfileView, HealthSummary, MedicationView } from "./schemas";

export interface OwnHealthProfile {
  fullName: string;
  dateOfBirth: string | null;
  allergies: string | null;
}

/** The signed-in patient's profile (decrypted, one phi.read audit row), or null before it exists. */
export async function ownHealthProfile(actor: AuthenticatedActor): Promise<OwnHealthProfile | null> {
  return getDb().patientProfile.findUnique({
    where: { userId: actor.userId },
    select: { fullName: true, dateOfBirth: true, allergies: true },
  });
}

/** `npm run bench` only: the same read without encryption and audit (returns ciphertext). */
export async function plainOwnHealthProfileForBenchmark(actor: AuthenticatedActor) {
  return plainClientForBenchmark().patientProfile.findUnique({
    where: { userId: actor.userId },
    select: { fullName: true, dateOfBirth: true, allergies: true },
  });
}

export const PROFILE_SELECT = {
  fullName: true,
  dateOfBirth: true,
  phone: true,
  address: true,
  medicalHistory: true,
  allergies: true,
  emergencyContact: true,
  country: true,
} as const;

export const MEDICATION_SELECT = {
  id: true,
  name: true,
  dosage: true,
  startedOn: true,
  stoppedOn: true,
  createdAt: true,
} as const;

/** A patient's whole profile, for the person editing it (no access check: callers have made it). */
export async function profileOf(patientId: string): Promise<HealthProfileView | null> {
  return getDb().patientProfile.findUnique({ where: { userId: patientId }, select: PROFILE_SELECT });
}

async function medicationsOf(patientId: string): Promise<MedicationView[]> {
  return getDb().medication.findMany({ where: { patientId }, select: MEDICATION_SELECT });
}

/**
 * A patient's profile and medications, current and past: for the patient themself
 * and their treating doctors (the chart); a 404 (audited) for anyone else.
 */
export async function healthSummaryOf(actor: AuthenticatedActor, patientId: string): Promise<HealthSummary> {
  await requireChartAccess(actor, patientId, "read", { type: "HealthProfile", id: patientId });
  const [profile, medications] = await Promise.all([profileOf(patientId), medicationsOf(patientId)]);
  return { profile, ...splitMedications(medications) };
}

/** The signed-in patient's current medications (the home page's summary). */
export async function ownCurrentMedications(actor: AuthenticatedActor): Promise<MedicationView[]> {
  if (actor.role !== "PATIENT") return [];
  return splitMedications(await medicationsOf(actor.userId)).current;
}

/**
 * One medication, for its owner to change: anyone else (a treating doctor too:
 * doctors read medications in the chart but never edit them) gets a 404, audited,
 * the same as for an id that does not exist.
 */
export async function medicationFor(
  actor: AuthenticatedActor,
  medicationId: string,
): Promise<MedicationView & { patientId: string }> {
  const header = await getDb().medication.findUnique({
    where: { id: medicationId },
    select: { patientId: true },
  });
  if (!header || !canEditHealthRecord(actor, header.patientId)) {
    return refuseAsNotFound("Medication", medicationId);
  }
  const medication = await getDb().medication.findUniqueOrThrow({
    where: { id: medicationId },
    select: MEDICATION_SELECT,
  });
  return { ...medication, patientId: header.patientId };
}
