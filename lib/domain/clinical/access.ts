// The care relationship, enforced: every clinical service asks here before it
// reads or writes a patient's record. A refusal is the same 404 as an id that
// does not exist, with an `authz.denied` audit row.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { type ChartAccess, canWriteClinical, careVisitFilter, chartAccess } from "@/lib/authz/care";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb } from "@/lib/db/client";
import { activeGrantUntil } from "@/lib/domain/security/active-grant";

/** The actor's access to a patient's record (one query, no PHI read). */
export async function chartAccessOf(actor: AuthenticatedActor, patientId: string): Promise<ChartAccess> {
  if (actor.role !== "DOCTOR") return chartAccess(actor, patientId, []);
  const visits = await getDb().appointment.findMany({
    where: { doctorId: actor.userId, patientId, ...careVisitFilter() },
    select: { doctorId: true, patientId: true, status: true, confirmedAt: true },
    take: 1,
  });
  if (visits.length) return chartAccess(actor, patientId, visits);
  // No care relationship: a live break-glass grant reads the chart, read-only.
  return chartAccess(actor, patientId, visits, (await activeGrantUntil(actor.userId, patientId)) !== null);
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
    return refuseAsNotFound(resource.type, resource.id);
  }
  return access;
}
