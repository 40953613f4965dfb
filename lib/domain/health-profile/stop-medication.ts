// The patient records that they stopped a medication: today (in their own time
// zone) or on a date they give, never before it was started.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { AppError } from "@/lib/http/errors";
import { todayIn } from "./dates";
import { medicationFor } from "./queries";
import { stopBeforeStartError } from "./schemas";

export async function stopMedication(
  actor: AuthenticatedActor,
  medicationId: string,
  stoppedOn?: string | null,
): Promise<string> {
  const stored = await medicationFor(actor, medicationId);
  if (stored.stoppedOn !== null) {
    throw new AppError("CONFLICT", "This medication is already stopped. Change its stop date instead.");
  }
  const day = stoppedOn ?? todayIn(await accountTimeZone(actor));
  if (stored.startedOn && day < stored.startedOn) throw stopBeforeStartError();
  await transaction(async () => {
    await getDb().medication.update({
      where: { id: medicationId },
      data: { stoppedOn: day },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "medication.stopped",
      resourceType: "Medication",
      resourceId: medicationId,
      details: { patientId: stored.patientId, fields: ["stoppedOn"] },
    });
  });
  return day;
}
