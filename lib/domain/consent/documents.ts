// The consent documents, versioned in code: what a patient agrees to is exactly one of these
// texts, and each grant stores the version and the SHA-256 of that text (consents.document_hash),
// so the history can show which words were agreed to, and when. A new version is a new entry at
// the end of its list (never an edit of an old one: the unit tests pin the hashes); patients who
// agreed to an older version are asked to agree again before the gated actions work.
//
// No server-only import: the sign-up page, the seed and the tests read the same texts.
import { createHash } from "node:crypto";
import type { ConsentKind } from "@/lib/db/generated/enums";

export type { ConsentKind };

export interface ConsentDocument {
  kind: ConsentKind;
  /** The version's id, e.g. "2026-12" (the month it took effect). */
  version: string;
  title: string;
  /** One or two sentences: what agreeing means. */
  summary: string;
  /** The full text, paragraphs separated by a blank line. */
  text: string;
  /** SHA-256 (hex) of `text` as UTF-8: what consents.document_hash records. */
  hash: string;
}

/** Every kind, in the order the privacy page shows them. */
export const CONSENT_KINDS: readonly ConsentKind[] = ["TELEHEALTH", "PRIVACY", "MESSAGING"];

/** The name people see for each kind. */
export const CONSENT_LABEL: Record<ConsentKind, string> = {
  TELEHEALTH: "Telehealth consent",
  PRIVACY: "Data processing",
  MESSAGING: "Secure messaging",
};

/** Where a patient turns a consent back on (named in every refusal). */
export const CONSENT_SETTINGS_PATH = "/patient/privacy";
export const CONSENT_SETTINGS_NAME = "Privacy & data";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

type DocumentSource = Omit<ConsentDocument, "kind" | "hash">;

const paragraphs = (...parts: string[]) => parts.join("\n\n");

// The texts people agreed to at sign-up before the documents were versioned here: the sign-up
// form's checkbox sentence was the whole of what was shown (their grants carry no hash).
const TELEHEALTH_2026_11: DocumentSource = {
  version: "2026-11",
  title: "Telehealth consent",
  summary: "Care by video and messaging.",
  text: "I consent to receive care by video and messaging.",
};
const PRIVACY_2026_11: DocumentSource = {
  version: "2026-11",
  title: "Privacy notice",
  summary: "How Haven keeps your health information.",
  text: "I have read the privacy notice: my health information is encrypted and every access is logged.",
};

const TELEHEALTH_2026_12: DocumentSource = {
  version: "2026-12",
  title: "Telehealth consent",
  summary:
    "You agree to receive care from Haven's doctors by video visit. Video care has limits, and it is not for emergencies.",
  text: paragraphs(
    "What this covers. By agreeing, you ask to receive care from the doctors on Haven by video visit: a doctor may assess you, give advice, write a consultation note and issue prescriptions based on what you tell and show them. You can book visits, pay for them and join them from your browser.",
    "What video care cannot do. A doctor cannot examine you in person over video. If your doctor decides that you need to be seen in person, have a test or go to hospital, they will tell you, and the visit may end with that advice. A visit can also be interrupted by a poor connection; your doctor will try to reach you again or rebook the visit.",
    "Your part. Join from a private place, tell the doctor the truth about your symptoms, medicines and allergies, and keep your contact details up to date so we can reach you if a visit is interrupted.",
    "Emergencies. Haven is not an emergency service. If you have chest pain, trouble breathing, signs of a stroke, severe bleeding, thoughts of harming yourself or any other emergency, call your local emergency number or go to the nearest emergency department. Do not book a visit or send a message and wait for an answer.",
    "Records. What happens in a visit is written into your health record, which your doctors keep as the law requires. Video and sound are not recorded.",
    "Withdrawing. You can withdraw this consent at any time in Privacy & data. From then on you cannot book or join video visits until you agree again; visits already booked stay on your list, and you can cancel them. Withdrawing does not undo care you already received, and it does not delete your record: what was written before stays, because doctors must keep it.",
  ),
};

const PRIVACY_2026_12: DocumentSource = {
  version: "2026-12",
  title: "Data processing",
  summary:
    "You agree that Haven stores and uses your health information to provide your care, encrypted and with every access logged.",
  text: paragraphs(
    "What this covers. To provide care, Haven stores your account details, your health profile (history, allergies, medicines), your visits, consultation notes, prescriptions, the documents you upload, the readings from your devices, your payments and your messages. Your doctors use this information to treat you; Haven's staff use it only to run the service (for example to answer a request you make or to investigate a security problem).",
    "How it is protected. Your health information is encrypted in our database with a key of your own. Only you and the doctors you have a visit with can open your record. Every time someone reads or changes it, this is written in an audit log that cannot be altered, and you can ask who accessed your record.",
    "Who else receives it. We share the minimum needed with the services that make Haven work: the payment provider you choose (your name and the amount, never your health information), the video service during a visit, and our email provider for notices that never contain health details. We do not sell your information or use it for advertising.",
    "Your rights. In Privacy & data you can download a copy of all your data, ask us to correct something that is wrong, and ask us to erase your account. Some records (consultation notes, prescriptions, payments) must be kept for the period the law sets even after erasure is requested; we tell you which, and for how long.",
    "Withdrawing. You can withdraw this consent at any time in Privacy & data. From then on Haven stops taking in new information about you: you cannot book or join visits, upload documents or add device readings until you agree again. Withdrawing does not affect what was done with your information before you withdrew, and it does not delete your record; to have it erased, make an erasure request.",
  ),
};

const MESSAGING_2026_12: DocumentSource = {
  version: "2026-12",
  title: "Secure messaging",
  summary:
    "You agree to exchange written messages and files with the doctors you have a visit with. Messages are not for emergencies.",
  text: paragraphs(
    "What this covers. Secure messaging lets you write to the doctors you have a visit with, and lets them write to you, with files attached if needed. Messages and files are encrypted, become part of your health record and are kept with it.",
    "Response times. Doctors answer when they are working, usually within two working days. Messages are not watched around the clock. For anything that cannot wait, book a visit.",
    "Emergencies. Never use messages for an emergency. If you have chest pain, trouble breathing, signs of a stroke, severe bleeding, thoughts of harming yourself or any other emergency, call your local emergency number or go to the nearest emergency department.",
    "Notifications. Haven tells you by email that you have a new message, but the email never contains what was written. Read your messages by signing in.",
    "Withdrawing. Messaging is optional, and you can withdraw this consent at any time in Privacy & data. From then on neither you nor your doctors can send new messages in your conversations until you agree again; your doctors will call you or ask you to book a visit instead. Withdrawing does not delete the messages already exchanged, which stay in your record, and it does not affect what was done with them before you withdrew.",
  ),
};

const SOURCES: Record<ConsentKind, readonly DocumentSource[]> = {
  TELEHEALTH: [TELEHEALTH_2026_11, TELEHEALTH_2026_12],
  PRIVACY: [PRIVACY_2026_11, PRIVACY_2026_12],
  MESSAGING: [MESSAGING_2026_12],
};

const DOCUMENTS: Record<ConsentKind, readonly ConsentDocument[]> = {
  TELEHEALTH: SOURCES.TELEHEALTH.map((source) => ({
    ...source,
    kind: "TELEHEALTH",
    hash: sha256Hex(source.text),
  })),
  PRIVACY: SOURCES.PRIVACY.map((source) => ({ ...source, kind: "PRIVACY", hash: sha256Hex(source.text) })),
  MESSAGING: SOURCES.MESSAGING.map((source) => ({
    ...source,
    kind: "MESSAGING",
    hash: sha256Hex(source.text),
  })),
};

/** Every version of a kind, oldest first. */
export function consentDocuments(kind: ConsentKind): readonly ConsentDocument[] {
  return DOCUMENTS[kind];
}

/** The version patients agree to now. */
export function currentConsentDocument(kind: ConsentKind): ConsentDocument {
  return DOCUMENTS[kind].at(-1)!;
}

/** One version of a kind, or null for a version this code does not know. */
export function consentDocument(kind: ConsentKind, version: string): ConsentDocument | null {
  return DOCUMENTS[kind].find((document) => document.version === version) ?? null;
}

/** The current version of each kind (what sign-up and "Agree" record). */
export const CURRENT_CONSENT_VERSIONS: Readonly<Record<ConsentKind, string>> = Object.freeze({
  TELEHEALTH: currentConsentDocument("TELEHEALTH").version,
  PRIVACY: currentConsentDocument("PRIVACY").version,
  MESSAGING: currentConsentDocument("MESSAGING").version,
});

/** A grant of the current version of each kind, as the consents table stores it. */
export function currentGrantOf(kind: ConsentKind): {
  kind: ConsentKind;
  version: string;
  documentHash: string;
} {
  const document = currentConsentDocument(kind);
  return { kind, version: document.version, documentHash: document.hash };
}
