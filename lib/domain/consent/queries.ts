// Reads of consents: a patient's own overview (the privacy page), and the state of one kind for
// the gates (require-consent.ts). Consent rows hold no PHI (kinds, versions, hashes, times).
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb } from "@/lib/db/client";
import { CONSENT_KINDS, CONSENT_LABEL, type ConsentKind } from "./documents";
import type { ConsentOverview } from "./schemas";
import {
  CONSENT_STATUS_LABEL,
  type ConsentRow,
  type ConsentState,
  WITHDRAWAL_EFFECTS,
  consentHistoryOf,
  consentStateOf,
} from "./state";

const CONSENT_SELECT = {
  id: true,
  kind: true,
  version: true,
  documentHash: true,
  acceptedAt: true,
  withdrawnAt: true,
} as const;

/** Every consent row of a patient (all kinds, or those named). */
export async function consentRowsOf(
  patientId: string,
  kinds?: readonly ConsentKind[],
): Promise<ConsentRow[]> {
  return getDb().consent.findMany({
    where: { userId: patientId, ...(kinds ? { kind: { in: [...kinds] } } : {}) },
    select: CONSENT_SELECT,
    orderBy: { acceptedAt: "desc" },
  });
}

/** Where the patient stands on one consent. */
export async function consentStateFor(patientId: string, kind: ConsentKind): Promise<ConsentState> {
  return consentStateOf(kind, await consentRowsOf(patientId, [kind]));
}

/** Only the patient themself sees and changes their consents; anyone else gets the audited 404. */
export async function requireOwnConsents(actor: AuthenticatedActor, patientId: string): Promise<void> {
  if (actor.role !== "PATIENT" || actor.userId !== patientId) await refuseAsNotFound("Consent", patientId);
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** The privacy page's consents: one card per kind and the full history, newest first. */
export async function consentOverviewOf(
  actor: AuthenticatedActor,
  patientId: string,
): Promise<ConsentOverview> {
  await requireOwnConsents(actor, patientId);
  const rows = await consentRowsOf(patientId);
  const cards = CONSENT_KINDS.map((kind) => {
    const state = consentStateOf(kind, rows);
    const { current } = state;
    return {
      kind,
      label: CONSENT_LABEL[kind],
      status: state.status,
      statusLabel: CONSENT_STATUS_LABEL[state.status],
      version: state.latest?.version ?? null,
      acceptedAt: iso(state.latest?.acceptedAt),
      withdrawnAt: iso(state.latest?.withdrawnAt),
      required: kind !== "MESSAGING",
      current: {
        version: current.version,
        title: current.title,
        summary: current.summary,
        text: current.text,
        hash: current.hash,
      },
      withdrawalEffects: WITHDRAWAL_EFFECTS[kind],
    };
  });
  const history = consentHistoryOf(rows).map((entry) => ({
    id: entry.id,
    kind: entry.kind,
    label: CONSENT_LABEL[entry.kind],
    version: entry.version,
    documentHash: entry.documentHash,
    acceptedAt: entry.acceptedAt.toISOString(),
    withdrawnAt: iso(entry.withdrawnAt),
    superseded: entry.superseded,
  }));
  return { cards, history };
}
