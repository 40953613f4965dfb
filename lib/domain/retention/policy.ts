// The retention policy: how long each kind of data is kept (days from its creation, set in the
// configuration: RETENTION_*), the moment before which it has expired, and the words the admin
// page shows. Pure: the sweep (sweep.ts) and the page read it; tests set the clock.
import { getEnv } from "@/lib/env";

export const RETENTION_DATA_TYPES = ["messages", "documents", "auditLog"] as const;
export type RetentionDataType = (typeof RETENTION_DATA_TYPES)[number];

/** Six years: the least HIPAA 164.316(b)(2) allows for the audit log (the env check and a trigger enforce it). */
export const MIN_AUDIT_LOG_RETENTION_DAYS = 2_192;

const DAY_MS = 86_400_000;

export interface RetentionRule {
  dataType: RetentionDataType;
  days: number;
  label: string;
  /** What is destroyed, and why it is kept that long. */
  explanation: string;
  /** The setting that changes it. */
  setting: string;
}

const DESCRIPTIONS: Record<RetentionDataType, Omit<RetentionRule, "dataType" | "days">> = {
  messages: {
    label: "Messages",
    setting: "RETENTION_MESSAGES_DAYS",
    explanation:
      "Secure messages between patients and doctors are part of the clinical record, kept as long as the clinic's jurisdiction requires for medical records. A file sent with a message follows the documents rule.",
  },
  documents: {
    label: "Documents",
    setting: "RETENTION_DOCUMENTS_DAYS",
    explanation:
      "Uploaded files (results, letters, images) belong to the medical record. When they expire, the encrypted file is removed from the document store and its row deleted; a file still attached to a kept message is kept with it.",
  },
  auditLog: {
    label: "Audit log",
    setting: "RETENTION_AUDIT_LOG_DAYS",
    explanation:
      "Who accessed or changed what. HIPAA requires these records for at least six years. The oldest entries are removed from the start of the sealed chain only, with a signed anchor so the integrity check still passes.",
  },
};

export function retentionDaysOf(dataType: RetentionDataType, env = getEnv()): number {
  switch (dataType) {
    case "messages":
      return env.RETENTION_MESSAGES_DAYS;
    case "documents":
      return env.RETENTION_DOCUMENTS_DAYS;
    case "auditLog":
      return Math.max(env.RETENTION_AUDIT_LOG_DAYS, MIN_AUDIT_LOG_RETENTION_DAYS);
  }
}

/** Every rule, in the order the admin page lists them. */
export function retentionPolicy(env = getEnv()): RetentionRule[] {
  return RETENTION_DATA_TYPES.map((dataType) => ({
    dataType,
    days: retentionDaysOf(dataType, env),
    ...DESCRIPTIONS[dataType],
  }));
}

/** Data created strictly before this instant has expired (`days` whole days of 24 h before `now`). */
export function retentionCutoff(now: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 1) throw new Error("a retention period is a whole number of days");
  return new Date(now.getTime() - days * DAY_MS);
}

export function hasExpired(createdAt: Date, now: Date, days: number): boolean {
  return createdAt.getTime() < retentionCutoff(now, days).getTime();
}

/** "10 years" for whole years (365 or 366 days each), otherwise "45 days". */
export function describePeriod(days: number): string {
  const years = Math.round(days / 365.25);
  if (years >= 1 && Math.abs(days - years * 365.25) <= 1) return years === 1 ? "1 year" : `${years} years`;
  return days === 1 ? "1 day" : `${days} days`;
}

/** The calendar day (UTC) an item was created: what audit details say instead of the exact time. */
export function creationDay(createdAt: Date): string {
  return createdAt.toISOString().slice(0, 10);
}

/** What one run did, as stored in retention_runs.destroyed (counts and opaque storage keys only). */
export interface RetentionCounts {
  messages: number;
  documents: number;
  auditLog: number;
  /** Expired documents kept because a message that is kept still carries them. */
  documentsKeptForMessages: number;
  /** Expired items kept because their patient is under a legal hold, per type. */
  heldBack: { messages: number; documents: number; auditLog: number };
  /** The audit log's prune stopped at a row of a patient under a legal hold. */
  auditLogStoppedAtHold: boolean;
  /** Encrypted files whose rows are gone but whose removal from the store failed: retried next run. */
  filesPendingRemoval: string[];
}

export function emptyCounts(): RetentionCounts {
  return {
    messages: 0,
    documents: 0,
    auditLog: 0,
    documentsKeptForMessages: 0,
    heldBack: { messages: 0, documents: 0, auditLog: 0 },
    auditLogStoppedAtHold: false,
    filesPendingRemoval: [],
  };
}

/** Reads a stored run's counts, tolerating older or partial shapes. */
export function countsOf(stored: unknown): RetentionCounts {
  const counts = emptyCounts();
  if (!stored || typeof stored !== "object") return counts;
  const value = stored as Partial<Record<keyof RetentionCounts, unknown>>;
  const number = (input: unknown) => (typeof input === "number" && Number.isFinite(input) ? input : 0);
  counts.messages = number(value.messages);
  counts.documents = number(value.documents);
  counts.auditLog = number(value.auditLog);
  counts.documentsKeptForMessages = number(value.documentsKeptForMessages);
  const held = (value.heldBack ?? {}) as Record<string, unknown>;
  counts.heldBack = {
    messages: number(held.messages),
    documents: number(held.documents),
    auditLog: number(held.auditLog),
  };
  counts.auditLogStoppedAtHold = value.auditLogStoppedAtHold === true;
  counts.filesPendingRemoval = Array.isArray(value.filesPendingRemoval)
    ? value.filesPendingRemoval.filter((key): key is string => typeof key === "string")
    : [];
  return counts;
}
