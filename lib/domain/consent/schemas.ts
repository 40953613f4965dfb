// Consent: the form input and the DTOs the privacy page receives (no Prisma types leak out).
import { z } from "zod";
import type { ConsentKind } from "@/lib/db/generated/enums";
import type { ConsentStatus } from "./state";

export const CONSENT_KIND_MESSAGE = "Choose one of the consents on this page.";

export const consentKindSchema = z.enum(["TELEHEALTH", "PRIVACY", "MESSAGING"], {
  error: CONSENT_KIND_MESSAGE,
});

/** The Agree and Withdraw buttons post only the kind: a patient changes only their own consents. */
export const consentChangeSchema = z.object({ kind: consentKindSchema });

export interface ConsentDocumentView {
  version: string;
  title: string;
  summary: string;
  text: string;
  hash: string;
}

export interface ConsentCardView {
  kind: ConsentKind;
  label: string;
  status: ConsentStatus;
  statusLabel: string;
  /** The version of the grant in force, or of the last one withdrawn. */
  version: string | null;
  acceptedAt: string | null;
  withdrawnAt: string | null;
  /** Required at sign-up (telehealth, data processing) or optional (messaging). */
  required: boolean;
  current: ConsentDocumentView;
  /** What stops working if this is withdrawn. */
  withdrawalEffects: string;
}

export interface ConsentHistoryView {
  id: string;
  kind: ConsentKind;
  label: string;
  version: string;
  documentHash: string | null;
  acceptedAt: string;
  withdrawnAt: string | null;
  superseded: boolean;
}

export interface ConsentOverview {
  cards: ConsentCardView[];
  history: ConsentHistoryView[];
}
