// Whether a doctor holds a live break-glass grant for a chart: asked by the
// care check (lib/domain/clinical/access.ts) on every read of a chart the
// doctor has no visit for. Its own module so the care check does not import
// the grant's use cases (which themselves ask the care check).
import "server-only";
import { getDb } from "@/lib/db/client";

/** When the doctor's emergency access to this chart ends, or null when there is none now. */
export async function activeGrantUntil(
  doctorId: string,
  patientId: string,
  now = new Date(),
): Promise<Date | null> {
  const grant = await getDb().breakGlassGrant.findFirst({
    where: { doctorId, patientId, expiresAt: { gt: now }, grantedAt: { lte: now } },
    select: { expiresAt: true },
    orderBy: { expiresAt: "desc" },
  });
  return grant?.expiresAt ?? null;
}
