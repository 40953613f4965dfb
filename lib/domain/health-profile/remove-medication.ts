// The patient removes an entry added in error. A medication they took and
// stopped is history: stopping it (not removing it) keeps that for their doctors.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { medicationFor } from "./queries";

export async function removeMedication(actor: AuthenticatedActor, medicationId: string): Promise<void> {
  const stored = await medicationFor(actor, medicationId);
  await transaction(async () => {
    await getDb().medication.delete({ where: { id: medicationId }, select: { id: true } });
    await recordAuditEvent({
      action: "medication.removed",
      resourceType: "Medication",
      resourceId: medicationId,
      details: { patientId: stored.patientId },
    });
  });
}
