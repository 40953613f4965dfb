// A treating doctor marks a patient's emergency as seen (any treating doctor:
// whoever gets there first). Anyone else gets the same audited 404 as an
// event that does not exist.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { requireChartAccess } from "@/lib/domain/clinical/access";

export async function acknowledgeEmergency(actor: AuthenticatedActor, eventId: string): Promise<void> {
  const event = await getDb().emergencyEvent.findUnique({
    where: { id: eventId },
    select: { id: true, patientId: true },
  });
  if (!event) return refuseAsNotFound("EmergencyEvent", eventId);
  await requireChartAccess(actor, event.patientId, "write", { type: "EmergencyEvent", id: eventId });
  await transaction(async () => {
    const { count } = await getDb().emergencyEvent.updateMany({
      where: { id: eventId, acknowledgedAt: null },
      data: { acknowledgedAt: new Date(), acknowledgedById: actor.userId },
    });
    // Already acknowledged by a colleague: nothing to record twice.
    if (count === 0) return;
    await recordAuditEvent({
      action: "emergency.acknowledged",
      resourceType: "EmergencyEvent",
      resourceId: eventId,
    });
  });
}
