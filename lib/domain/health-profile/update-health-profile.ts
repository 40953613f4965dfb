// The patient edits their own health profile. Only changed fields are written,
// and the audit row names them (never their values).
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { changedFields, pickChanges } from "./changes";
import { canEditHealthRecord } from "./policy";
import { profileOf } from "./queries";
import { type HealthProfileInput, PROFILE_FIELDS, type ProfileField } from "./schemas";

type ProfileChanges = { fullName?: string } & Partial<
  Record<Exclude<ProfileField, "fullName">, string | null>
>;

/** Saves the changes; returns the names of the fields that changed (none: nothing written). */
export async function updateHealthProfile(
  actor: AuthenticatedActor,
  patientId: string,
  input: HealthProfileInput,
): Promise<ProfileField[]> {
  // Treating doctors read the profile in the chart; only the patient edits it.
  if (!canEditHealthRecord(actor, patientId)) return refuseAsNotFound("PatientProfile", patientId);
  return transaction(async () => {
    const stored = await profileOf(patientId);
    const fields = changedFields(PROFILE_FIELDS, stored, input);
    if (fields.length === 0) return [];
    const data = pickChanges(fields, input) as ProfileChanges;
    const { id } = stored
      ? await getDb().patientProfile.update({ where: { userId: patientId }, data, select: { id: true } })
      : await getDb().patientProfile.create({
          data: { ...data, userId: patientId, fullName: input.fullName },
          select: { id: true },
        });
    await recordAuditEvent({
      action: "health-profile.updated",
      resourceType: "PatientProfile",
      resourceId: id,
      details: { patientId, fields },
    });
    return fields;
  });
}
