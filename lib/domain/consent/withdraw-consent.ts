// A patient withdraws a consent: the grant in force gets its withdrawnAt (kept, so the history
// shows what was agreed and until when), audited in the same transaction. What was done before
// stays valid; the gates (require-consent.ts) refuse what comes after.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { lockConsentsOf } from "./change-lock";
import type { ConsentKind } from "./documents";
import type { ConsentChange } from "./grant-consent";
import { requireOwnConsents } from "./queries";

export async function withdrawConsent(
  actor: AuthenticatedActor,
  patientId: string,
  kind: ConsentKind,
): Promise<ConsentChange | null> {
  await requireOwnConsents(actor, patientId);
  return transaction(async () => {
    await lockConsentsOf(patientId);
    const db = getDb();
    // Every grant not yet withdrawn: the one in force and any older version it replaced.
    const active = await db.consent.findMany({
      where: { userId: patientId, kind, withdrawnAt: null },
      select: { id: true, version: true, acceptedAt: true },
      orderBy: { acceptedAt: "desc" },
    });
    const inForce = active[0];
    if (!inForce) return null;
    await db.consent.updateMany({
      where: { id: { in: active.map((row) => row.id) }, withdrawnAt: null },
      data: { withdrawnAt: new Date() },
    });
    await recordAuditEvent({
      action: "consent.withdrawn",
      resourceType: "Consent",
      resourceId: inForce.id,
      subjectId: patientId,
      details: { kind, version: inForce.version },
    });
    return { kind, version: inForce.version, changed: true };
  });
}
