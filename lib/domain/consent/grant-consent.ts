// A patient agrees to the current version of a consent: a new row with its version and the hash
// of its text, audited in the same transaction. Agreeing to what is already in force changes nothing.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { lockConsentsOf } from "./change-lock";
import { type ConsentKind, currentGrantOf } from "./documents";
import { consentStateFor, requireOwnConsents } from "./queries";

export interface ConsentChange {
  kind: ConsentKind;
  version: string;
  /** False when nothing had to change (already agreed to this version). */
  changed: boolean;
}

export async function grantConsent(
  actor: AuthenticatedActor,
  patientId: string,
  kind: ConsentKind,
): Promise<ConsentChange> {
  await requireOwnConsents(actor, patientId);
  return transaction(async () => {
    await lockConsentsOf(patientId);
    const grant = currentGrantOf(kind);
    if ((await consentStateFor(patientId, kind)).status === "GRANTED") {
      return { kind, version: grant.version, changed: false };
    }
    // An older version still in force stays as it was (the history shows it replaced).
    const { id } = await getDb().consent.create({
      data: { userId: patientId, ...grant },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "consent.granted",
      resourceType: "Consent",
      resourceId: id,
      subjectId: patientId,
      details: { kind, version: grant.version },
    });
    return { kind, version: grant.version, changed: true };
  });
}
