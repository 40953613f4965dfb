// Where a patient stands on each consent, computed from their rows of that kind (pure, unit-tested),
// and the words a refusal uses. A row is one grant: withdrawing sets its withdrawnAt; agreeing again,
// or agreeing to a newer version, adds a row. The newest grant not withdrawn is the one in force.
import {
  CONSENT_LABEL,
  CONSENT_SETTINGS_NAME,
  type ConsentDocument,
  type ConsentKind,
  consentDocument,
  currentConsentDocument,
} from "./documents";

export interface ConsentRow {
  id: string;
  kind: ConsentKind;
  version: string;
  documentHash: string | null;
  acceptedAt: Date;
  withdrawnAt: Date | null;
}

/**
 * GRANTED: agreed to the current version. OUTDATED: agreed to an older version, which must be
 * accepted again before the gated actions work. WITHDRAWN: agreed once, withdrew since. NEVER: no grant.
 */
export type ConsentStatus = "GRANTED" | "OUTDATED" | "WITHDRAWN" | "NEVER";

export const CONSENT_STATUS_LABEL: Record<ConsentStatus, string> = {
  GRANTED: "Agreed",
  OUTDATED: "New version to agree to",
  WITHDRAWN: "Withdrawn",
  NEVER: "Not agreed",
};

export interface ConsentState {
  kind: ConsentKind;
  status: ConsentStatus;
  /** The grant in force (GRANTED, OUTDATED) or the last one withdrawn (WITHDRAWN). */
  latest: ConsentRow | null;
  /** The version patients agree to now. */
  current: ConsentDocument;
}

const newestFirst = (a: ConsentRow, b: ConsentRow) => b.acceptedAt.getTime() - a.acceptedAt.getTime();

/** The state of one kind from all of the patient's rows (rows of other kinds are ignored). */
export function consentStateOf(kind: ConsentKind, rows: readonly ConsentRow[]): ConsentState {
  const current = currentConsentDocument(kind);
  const ofKind = rows.filter((row) => row.kind === kind).sort(newestFirst);
  const active = ofKind.find((row) => row.withdrawnAt === null) ?? null;
  if (active) {
    // A hash that differs from the text of its version was agreed to a text that is no longer this one.
    const isCurrent =
      active.version === current.version &&
      (active.documentHash === null || active.documentHash === current.hash);
    return { kind, status: isCurrent ? "GRANTED" : "OUTDATED", latest: active, current };
  }
  const lastWithdrawn = ofKind[0] ?? null;
  return { kind, status: lastWithdrawn ? "WITHDRAWN" : "NEVER", latest: lastWithdrawn, current };
}

export interface ConsentHistoryEntry extends ConsentRow {
  /** The text agreed to, when this code still knows the version. */
  document: ConsentDocument | null;
  /** A later grant of the same kind replaced this one without a withdrawal (a newer version). */
  superseded: boolean;
}

/** Every grant, newest first, each marked when a later grant of its kind replaced it. */
export function consentHistoryOf(rows: readonly ConsentRow[]): ConsentHistoryEntry[] {
  const sorted = [...rows].sort(newestFirst);
  return sorted.map((row, index) => ({
    ...row,
    document: consentDocument(row.kind, row.version),
    superseded: row.withdrawnAt === null && sorted.slice(0, index).some((later) => later.kind === row.kind),
  }));
}

/** What each consent allows, as a refusal names it. */
const WHAT_IT_ALLOWS: Record<ConsentKind, string> = {
  TELEHEALTH: "book or join video visits",
  PRIVACY: "book visits, upload documents or add device readings",
  MESSAGING: "send messages",
};

const CONSENT_NAME: Record<ConsentKind, string> = {
  TELEHEALTH: "telehealth consent",
  PRIVACY: "consent to data processing",
  MESSAGING: "consent to secure messaging",
};

/**
 * Why a gated action is refused, in words the person can act on. `self`: the patient whose consent
 * it is; `other`: someone acting towards them (a doctor).
 */
export function consentRefusalMessage(
  kind: ConsentKind,
  status: Exclude<ConsentStatus, "GRANTED">,
  audience: "self" | "other",
): string {
  if (audience === "other") {
    if (kind === "MESSAGING") {
      return "This patient has not agreed to secure messaging, so messages cannot be sent to them. Call them or book a visit instead.";
    }
    return `This patient has not given their ${CONSENT_NAME[kind]} (${CONSENT_LABEL[kind]}), so this cannot be done for them now. Call them instead.`;
  }
  const where = `in ${CONSENT_SETTINGS_NAME}`;
  switch (status) {
    case "WITHDRAWN":
      return `You withdrew your ${CONSENT_NAME[kind]}, so you cannot ${WHAT_IT_ALLOWS[kind]}. To turn it back on, agree to “${CONSENT_LABEL[kind]}” again ${where}.`;
    case "OUTDATED":
      return `The “${CONSENT_LABEL[kind]}” terms have changed since you agreed to them, so you cannot ${WHAT_IT_ALLOWS[kind]} until you read and agree to the new version ${where}.`;
    case "NEVER":
      return `You have not given your ${CONSENT_NAME[kind]}, so you cannot ${WHAT_IT_ALLOWS[kind]}. To turn it on, agree to “${CONSENT_LABEL[kind]}” ${where}.`;
  }
}

/** What stops working when a patient withdraws this consent (shown before they confirm). */
export const WITHDRAWAL_EFFECTS: Record<ConsentKind, string> = {
  TELEHEALTH:
    "You will not be able to book new visits or join video visits until you agree again. Visits already booked stay on your list; cancel them if you no longer want them.",
  PRIVACY:
    "Haven will stop taking in new information about you: you will not be able to book or join visits, upload documents or add device readings until you agree again. Your existing record is kept; to have it erased, make an erasure request below.",
  MESSAGING:
    "Neither you nor your doctors will be able to send new messages until you agree again. Messages already exchanged stay in your record.",
};
