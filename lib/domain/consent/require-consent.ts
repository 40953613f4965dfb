// The gates: a use case that needs a patient's consent asks here before it changes anything.
// A refusal is a FORBIDDEN whose message says which consent is missing and where to turn it back
// on (the patient) or what to do instead (a doctor), and an audit row with outcome DENIED.
// Call it before the use case's transaction: a refusal inside one would roll its audit row back.
import "server-only";
import { recordAuditEvent, transactionClient } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { currentContext } from "@/lib/request-context";
import type { ConsentKind } from "./documents";
import { consentRowsOf, consentStateFor } from "./queries";
import { consentRefusalMessage, consentStateOf } from "./state";

/** Whether the patient has agreed to the current version of this consent (no audit row). */
export async function hasConsent(patientId: string, kind: ConsentKind): Promise<boolean> {
  return (await consentStateFor(patientId, kind)).status === "GRANTED";
}

/** Refuses (audited) unless the patient has agreed to the current version of each consent named. */
export async function requireConsent(
  patientId: string,
  ...kinds: [ConsentKind, ...ConsentKind[]]
): Promise<void> {
  // One read for every kind asked about: this runs on every message sent and every booking.
  const rows = await consentRowsOf(patientId, kinds);
  for (const kind of kinds) {
    const state = consentStateOf(kind, rows);
    if (state.status === "GRANTED") continue;
    await recordAuditEvent({
      action: "consent.required",
      resourceType: "Consent",
      resourceId: state.latest?.id ?? null,
      subjectId: patientId,
      outcome: "DENIED",
      details: { kind, status: state.status, version: state.current.version },
    });
    throw refusal(patientId, kind, state.status);
  }
}

/** The refusal, worded for the patient themselves or for someone acting on their record. */
function refusal(patientId: string, kind: ConsentKind, status: Parameters<typeof consentRefusalMessage>[1]) {
  const actor = currentContext()?.actor;
  const audience = actor?.kind === "user" && actor.userId === patientId ? "self" : "other";
  return new AppError("FORBIDDEN", consentRefusalMessage(kind, status, audience));
}

/** The message a refusal would give now, or null when the consent is in force (for forms shown ahead). */
export async function consentNoticeFor(
  patientId: string,
  kind: ConsentKind,
  audience: "self" | "other",
): Promise<string | null> {
  const state = await consentStateFor(patientId, kind);
  return state.status === "GRANTED" ? null : consentRefusalMessage(kind, state.status, audience);
}

/**
 * Inside the use case's transaction, after requireConsent passed: holds the patient's row FOR SHARE
 * until the commit (a withdrawal, which locks it FOR NO KEY UPDATE, waits for the action or the
 * action for it) and checks again, so nothing a consent covers commits after the consent ended.
 * The rare refusal here is not audited (it would roll back); requireConsent audits the usual ones.
 */
export async function confirmConsentHeld(
  patientId: string,
  ...kinds: [ConsentKind, ...ConsentKind[]]
): Promise<void> {
  await transactionClient().$queryRaw`SELECT 1 FROM users WHERE id = ${patientId}::uuid FOR SHARE`;
  const rows = await consentRowsOf(patientId, kinds);
  for (const kind of kinds) {
    const state = consentStateOf(kind, rows);
    if (state.status !== "GRANTED") throw refusal(patientId, kind, state.status);
  }
}
