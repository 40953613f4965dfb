// The patient corrects a medication's dosage or dates (the name identifies the
// entry: a different medicine is a new entry). Doctors never edit medications.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { changedFields, pickChanges } from "./changes";
import { medicationFor } from "./queries";
import { MEDICATION_FIELDS, type UpdateMedicationInput, stopBeforeStartError } from "./schemas";

/** Saves the changes; returns the names of the fields that changed. A stranger's or unknown id: 404. */
export async function updateMedication(
  actor: AuthenticatedActor,
  medicationId: string,
  input: UpdateMedicationInput,
): Promise<(typeof MEDICATION_FIELDS)[number][]> {
  const stored = await medicationFor(actor, medicationId);
  const fields = changedFields(MEDICATION_FIELDS, stored, input);
  if (fields.length === 0) return [];
  const after = { ...stored, ...pickChanges(fields, input) };
  if (after.startedOn && after.stoppedOn && after.stoppedOn < after.startedOn) throw stopBeforeStartError();
  await transaction(async () => {
    const data = pickChanges(fields, input) as {
      dosage?: string;
      startedOn?: string | null;
      stoppedOn?: string | null;
    };
    await getDb().medication.update({ where: { id: medicationId }, data, select: { id: true } });
    await recordAuditEvent({
      action: "medication.updated",
      resourceType: "Medication",
      resourceId: medicationId,
      details: { patientId: stored.patientId, fields },
    });
  });
  return fields;
}
