// The care relationship, enforced: every clinical service asks here before it
// reads or writes a patient's record. A refusal is the same 404 as an id that
// does not exist, with an `authz.denied` audit row.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { type ChartAccess, canWriteClinical, careVisitFilter, chartAccess } from "@/lib/authz/care";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

/** The actor's access to a patient's record (one query, no PHI read). */
export async function chartAccessOf(actor: AuthenticatedActor, patientId: string): Promise<ChartAccess> {
  if (actor.role !== "DOCTOR") return chartAccess(actor, patientId, []);
  const visits = await getDb().appointment.findMany({
    where: { doctorId: actor.userId, patientId, ...careVisitFilter() },
    select: { doctorId: true, patientId: true, status: true, confirmedAt: true },
    take: 1,
  });
  return chartAccess(actor, patientId, visits);
}

/** Records a refusal and answers as if the record did not exist. */
export async function deny(resourceType: string, resourceId: string): Promise<never> {
  await recordAuditEvent({ action: "authz.denied", resourceType, resourceId, outcome: "DENIED" });
  throw new AppError("NOT_FOUND", "Not found.");
}

/** The access, or a 404 (audited). `write` needs a treating doctor. */
export async function requireChartAccess(
  actor: AuthenticatedActor,
  patientId: string,
  need: "read" | "write",
  resource: { type: string; id: string } = { type: "Chart", id: patientId },
): Promise<Exclude<ChartAccess, null>> {
  const access = await chartAccessOf(actor, patientId);
  if (access === null || (need === "write" && !canWriteClinical(access))) {
    return deny(resource.type, resource.id);
  }
  return access;
}
