// The patient-rights forms' inputs (zod), and the pure rules the requests follow: which doctor a
// correction goes to, and how far a request is from its deadline. No server code: unit-tested, and
// the pages' components may use the deadline maths too.
import { z } from "zod";
import type { DataRequestKind, DataRequestStatus } from "@/lib/db/generated/enums";

const id = z.uuid({ error: "That link is not valid." });

/**
 * What a person typed, trimmed, without control characters other than line breaks and tabs (they
 * are invisible, and U+001E separates a correction request from the patient's later statement of
 * disagreement in the one encrypted column: see joinCorrectionDetails).
 */
const typedText = (min: number, max: number, what: string) =>
  z
    .string({ error: `Write ${what}.` })

    .transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "").trim())
    .pipe(
      z
        .string()
        .min(min, { error: `Write ${what} in at least ${min} characters.` })
        .max(max, { error: `Keep ${what} under ${max.toLocaleString("en")} characters.` }),
    );

export const CORRECTION_TEXT_MIN = 10;
export const CORRECTION_TEXT_MAX = 2_000;

export type CorrectionTargetType = "profile" | "note" | "prescription" | "other";

export interface CorrectionTarget {
  targetType: CorrectionTargetType;
  targetId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The form's one "what should be corrected" choice: "profile", "other", "note:<id>" or
 * "prescription:<id>" (one list, so the form needs no script to show a second one).
 */
export function parseCorrectionTarget(value: string): CorrectionTarget | null {
  if (value === "profile" || value === "other") return { targetType: value, targetId: null };
  const [type, targetId, ...rest] = value.split(":");
  if (rest.length || !targetId || !UUID.test(targetId)) return null;
  if (type === "note" || type === "prescription")
    return { targetType: type, targetId: targetId.toLowerCase() };
  return null;
}

export const correctionTargetValue = (target: CorrectionTarget): string =>
  target.targetId ? `${target.targetType}:${target.targetId}` : target.targetType;

export const requestCorrectionSchema = z.object({
  target: z.string({ error: "Choose what should be corrected." }).transform((value, context) => {
    const target = parseCorrectionTarget(value);
    if (!target) {
      context.addIssue({ code: "custom", message: "Choose what should be corrected from the list." });
      return z.NEVER;
    }
    return target;
  }),
  details: typedText(CORRECTION_TEXT_MIN, CORRECTION_TEXT_MAX, "what is wrong and what it should say"),
});
export type RequestCorrectionInput = z.infer<typeof requestCorrectionSchema>;

export const answerCorrectionSchema = z.object({
  requestId: id,
  answer: z.enum(["CORRECTED", "DECLINED"], { error: "Choose whether you corrected the record." }),
  resolution: typedText(
    CORRECTION_TEXT_MIN,
    CORRECTION_TEXT_MAX,
    "what you changed, or why the record stays as it is,",
  ),
});
export type AnswerCorrectionInput = z.infer<typeof answerCorrectionSchema>;

export const disagreementSchema = z.object({
  requestId: id,
  statement: typedText(CORRECTION_TEXT_MIN, CORRECTION_TEXT_MAX, "your statement"),
});

export const requestIdSchema = z.object({ requestId: id });

export const assignCorrectionSchema = z.object({
  requestId: id,
  doctorId: z.uuid({ error: "Choose a treating doctor." }),
});

export const rejectRequestSchema = z.object({
  requestId: id,
  reason: typedText(CORRECTION_TEXT_MIN, CORRECTION_TEXT_MAX, "the reason the patient will read"),
});

export const LEGAL_HOLD_TEXT_MIN = 10;
export const LEGAL_HOLD_TEXT_MAX = 1_000;

export const placeLegalHoldSchema = z.object({
  patientId: id,
  reason: typedText(LEGAL_HOLD_TEXT_MIN, LEGAL_HOLD_TEXT_MAX, "why the data must be kept"),
});

export const releaseLegalHoldSchema = z.object({
  holdId: id,
  note: typedText(LEGAL_HOLD_TEXT_MIN, LEGAL_HOLD_TEXT_MAX, "why the hold ends"),
});

// A declined correction's later statement of disagreement (HIPAA 164.526(d)) is the patient's
// words too: it is kept in the same encrypted column as the request, after a record separator
// that typed text cannot contain (typedText removes it).
const STATEMENT_SEPARATOR = "\u001e";

export function joinCorrectionDetails(request: string, statement: string): string {
  return `${request}${STATEMENT_SEPARATOR}${statement}`;
}

export function splitCorrectionDetails(details: string | null): {
  request: string | null;
  statement: string | null;
} {
  if (details === null) return { request: null, statement: null };
  const at = details.indexOf(STATEMENT_SEPARATOR);
  if (at < 0) return { request: details, statement: null };
  return { request: details.slice(0, at), statement: details.slice(at + 1) };
}

export interface RoutingFacts {
  /** Who wrote the note or signed the prescription the correction is about (null: profile, other). */
  recordAuthor: { id: string; active: boolean } | null;
  /** The patient's visits that make their doctor a treating doctor (confirmed), in any order. */
  careVisits: readonly { doctorId: string; startsAt: Date; doctorActive: boolean }[];
  now: Date;
}

/**
 * Who answers a correction: the author of the record it is about, else the doctor of the most
 * recent visit that has begun, else of the next one; only doctors whose account is active. Null:
 * nobody treats the patient, and the request waits for an admin.
 */
export function chooseCorrectionAssignee(facts: RoutingFacts): string | null {
  if (facts.recordAuthor?.active) return facts.recordAuthor.id;
  const visits = facts.careVisits.filter((visit) => visit.doctorActive);
  const now = facts.now.getTime();
  const begun = visits
    .filter((visit) => visit.startsAt.getTime() <= now)
    .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime());
  if (begun[0]) return begun[0].doctorId;
  const upcoming = visits
    .filter((visit) => visit.startsAt.getTime() > now)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return upcoming[0]?.doctorId ?? null;
}

const DAY_MS = 86_400_000;
/** A request due within this many days is highlighted in the queue. */
export const DUE_SOON_DAYS = 7;

export type DeadlineTone = "overdue" | "soon" | "on-track" | "closed";

export interface DeadlineState {
  tone: DeadlineTone;
  /** Whole days left (or overdue by, when overdue); null once the request is closed. */
  days: number | null;
  text: string;
}

const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

/** How a request stands against its deadline, as of now. */
export function deadlineState(dueAt: Date, now: Date, closed: boolean): DeadlineState {
  if (closed) return { tone: "closed", days: null, text: "answered" };
  const ms = dueAt.getTime() - now.getTime();
  const whole = Math.floor(Math.abs(ms) / DAY_MS);
  if (ms < 0) {
    return {
      tone: "overdue",
      days: whole,
      text: whole === 0 ? "overdue (since today)" : `overdue by ${days(whole)}`,
    };
  }
  return {
    tone: ms <= DUE_SOON_DAYS * DAY_MS ? "soon" : "on-track",
    days: whole,
    text: whole === 0 ? "due within a day" : `${days(whole)} left`,
  };
}

/** The queue's filters, from the page's query (anything else means "all"). */
export const QUEUE_STATUSES = ["RECEIVED", "IN_PROGRESS", "ON_HOLD", "COMPLETED", "REJECTED"] as const;
export const QUEUE_KINDS = ["EXPORT", "CORRECTION", "ERASURE"] as const;

export function queueFilterOf(query: { status?: string | undefined; kind?: string | undefined }): {
  status: DataRequestStatus | null;
  kind: DataRequestKind | null;
} {
  const status = (QUEUE_STATUSES as readonly string[]).includes(query.status ?? "")
    ? (query.status as DataRequestStatus)
    : null;
  const kind = (QUEUE_KINDS as readonly string[]).includes(query.kind ?? "")
    ? (query.kind as DataRequestKind)
    : null;
  return { status, kind };
}

export const TARGET_LABEL: Record<CorrectionTargetType, string> = {
  profile: "Health profile",
  note: "Consultation note",
  prescription: "Prescription",
  other: "Something else",
};

/** The patient's erasure request: the password confirms it is them; the box that they understand. */
export const requestErasureSchema = z.object({
  password: z.string().min(1, { error: "Enter your password to confirm it is you." }).max(1_024),
  understood: z.literal("on", {
    error: "Tick the box to confirm you understand that erasure cannot be undone.",
  }),
});
