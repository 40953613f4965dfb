// The patient adds a medication they take (or took) to their record.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { canEditHealthRecord } from "./policy";
import { type AddMedicationInput, stopBeforeStartError } from "./schemas";

export async function addMedication(
  actor: AuthenticatedActor,
  patientId: string,
  input: AddMedicationInput,
): Promise<string> {
  if (!canEditHealthRecord(actor, patientId)) return refuseAsNotFound("PatientProfile", patientId);
  const startedOn = input.startedOn ?? null;
  const stoppedOn = input.stoppedOn ?? null;
  if (startedOn && stoppedOn && stoppedOn < startedOn) throw stopBeforeStartError();
  return transaction(async () => {
    const { id } = await getDb().medication.create({
      data: { patientId, name: input.name, dosage: input.dosage, startedOn, stoppedOn },
      select: { id: true },
    });
    const fields = [
      "name",
      "dosage",
      ...(startedOn ? ["startedOn"] : []),
      ...(stoppedOn ? ["stoppedOn"] : []),
    ];
    await recordAuditEvent({
      action: "medication.added",
      resourceType: "Medication",
      resourceId: id,
      details: { patientId, fields },
    });
    return id;
  });
}
