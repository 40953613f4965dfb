// The audit viewer's filters, as a URL carries them and as a form submits them,
// and its keyset cursor. Pure functions (no database), shared by the pages, the
// export route, the benchmark and the unit tests. A URL holds ids only: an email
// typed into the form is resolved to an account id on the server first
// (actions.ts), so no address ever lands in a URL, a log or the browser history.
import { Temporal } from "temporal-polyfill";
import { z } from "zod";

export const AUDIT_PAGE_SIZE = 50;
/** The most rows one export holds; the file and the page say so when a filter matches more. */
export const AUDIT_EXPORT_CAP = 100_000;
export const AUDIT_OUTCOMES = ["SUCCESS", "FAILURE", "DENIED"] as const;
export type AuditOutcomeFilter = (typeof AUDIT_OUTCOMES)[number];

/** What the list, the charts and the export are filtered by (all optional; all present ones must hold). */
export interface AuditFilter {
  /** Who acted (audit_log.actor_id). */
  actorId: string | null;
  /** Whose data the event concerns (audit_log.subject_id): the "patient" filter. */
  subjectId: string | null;
  /** An exact action ("phi.read") or a prefix ("phi." matches phi.read, phi.update…). */
  action: { kind: "exact" | "prefix"; value: string } | null;
  resourceType: string | null;
  resourceId: string | null;
  outcome: AuditOutcomeFilter | null;
  /** [from, to): instants; the URL keeps the local times as typed, read in the admin's zone. */
  from: Date | null;
  to: Date | null;
}

export const EMPTY_FILTER: AuditFilter = {
  actorId: null,
  subjectId: null,
  action: null,
  resourceType: null,
  resourceId: null,
  outcome: null,
  from: null,
  to: null,
};

/** The filter's URL form: ids and codes only (never an email). */
export interface AuditQuery {
  actor?: string | undefined;
  subject?: string | undefined;
  action?: string | undefined;
  type?: string | undefined;
  resource?: string | undefined;
  outcome?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}
export const AUDIT_QUERY_KEYS = [
  "actor",
  "subject",
  "action",
  "type",
  "resource",
  "outcome",
  "from",
  "to",
] as const satisfies readonly (keyof AuditQuery)[];

/** A page boundary: rows older than a sequence (the "Older" link) or newer than one ("Newer"). */
export type AuditCursor = { direction: "older" | "newer"; sequence: bigint } | null;

const UUID = z.uuid();
export const isUuid = (text: string) => UUID.safeParse(text).success;
const ACTION = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const RESOURCE_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
// Any visible text up to 200 characters: resource ids include "(list)" and "(not an id)".
const RESOURCE_ID = /^[^\p{Cc}]{1,200}$/u;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const SEQUENCE = /^[1-9]\d{0,17}$/;

export const MESSAGES = {
  actor: "Enter the user's email address or account id.",
  subject: "Enter the patient's email address or account id.",
  actorId: "The user filter must be an account id.",
  subjectId: "The patient filter must be an account id.",
  action: 'Enter an action like phi.read, or a prefix ending in a dot like "phi.".',
  type: "Enter a resource type like PatientProfile.",
  resource: "The resource id is too long or has invalid characters.",
  resourceNeedsType: "Choose the resource type too when you filter by a resource id.",
  outcome: "Choose Success, Failure or Denied.",
  from: "Enter the start as a date and time, like 2026-12-01 08:00.",
  to: "Enter the end as a date and time, like 2026-12-01 18:00.",
  range: "The start of the time range is after its end.",
  cursor: "That page link is not valid; start from the newest entries.",
} as const;

/** "phi." or "phi.*" → prefix "phi."; "phi.read" → exact. Null when it is not an action name. */
export function parseActionFilter(text: string): AuditFilter["action"] {
  const trimmed = text.trim();
  const starred = trimmed.endsWith("*");
  const value = starred ? trimmed.slice(0, -1) : trimmed;
  if (!ACTION.test(value)) return null;
  return { kind: starred || value.endsWith(".") ? "prefix" : "exact", value };
}

/** The action filter as the URL and the form show it: a prefix ends in "." or "*". */
export function actionFilterText(action: AuditFilter["action"]): string {
  if (!action) return "";
  return action.kind === "prefix" && !action.value.endsWith(".") ? `${action.value}*` : action.value;
}

/**
 * A local date ("2026-12-01") or date and time ("2026-12-01T08:00") read in the
 * admin's zone. An end is inclusive as people mean it: the whole day, or the whole
 * minute, so it becomes the exclusive bound just after. Null when it is no such time.
 */
export function parseLocalTime(text: string, timeZone: string, end: boolean): Date | null {
  const value = text.trim().replace(" ", "T");
  try {
    if (LOCAL_DATE.test(value)) {
      let date = Temporal.PlainDate.from(value, { overflow: "reject" });
      if (end) date = date.add({ days: 1 });
      return new Date(date.toZonedDateTime({ timeZone }).epochMilliseconds);
    }
    if (LOCAL_DATE_TIME.test(value)) {
      let time = Temporal.PlainDateTime.from(value, { overflow: "reject" });
      if (end) time = time.add({ minutes: 1 });
      return new Date(time.toZonedDateTime(timeZone, { disambiguation: "compatible" }).epochMilliseconds);
    }
  } catch {
    return null;
  }
  return null;
}

/** The local date and time of an instant in a zone, as a datetime-local field wants it. */
export function localDateTimeText(instant: Date, timeZone: string): string {
  const zoned = Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
  return zoned.toPlainDateTime().toString({ smallestUnit: "minute" });
}

export type ParsedQuery =
  | { ok: true; filter: AuditFilter; query: AuditQuery; cursor: AuditCursor }
  | { ok: false; errors: Partial<Record<keyof AuditQuery | "range" | "cursor", string>>; query: AuditQuery };

/**
 * The filter a URL names (ids, codes, local times), or which parts are wrong.
 * `before`/`after` carry the keyset boundary (a sequence number); at most one.
 */
export function parseAuditQuery(params: Record<string, string | undefined>, timeZone: string): ParsedQuery {
  const query: AuditQuery = {};
  for (const key of AUDIT_QUERY_KEYS) {
    const value = params[key]?.trim();
    if (value) query[key] = value;
  }
  const errors: Partial<Record<keyof AuditQuery | "range" | "cursor", string>> = {};
  const filter: AuditFilter = { ...EMPTY_FILTER };

  if (query.actor !== undefined) {
    if (isUuid(query.actor)) filter.actorId = query.actor.toLowerCase();
    else errors.actor = MESSAGES.actorId;
  }
  if (query.subject !== undefined) {
    if (isUuid(query.subject)) filter.subjectId = query.subject.toLowerCase();
    else errors.subject = MESSAGES.subjectId;
  }
  if (query.action !== undefined) {
    filter.action = parseActionFilter(query.action);
    if (!filter.action) errors.action = MESSAGES.action;
  }
  if (query.type !== undefined) {
    if (RESOURCE_TYPE.test(query.type)) filter.resourceType = query.type;
    else errors.type = MESSAGES.type;
  }
  if (query.resource !== undefined) {
    if (!RESOURCE_ID.test(query.resource)) errors.resource = MESSAGES.resource;
    else if (query.type === undefined) errors.resource = MESSAGES.resourceNeedsType;
    else filter.resourceId = query.resource;
  }
  if (query.outcome !== undefined) {
    const outcome = query.outcome.toUpperCase();
    if ((AUDIT_OUTCOMES as readonly string[]).includes(outcome)) {
      filter.outcome = outcome as AuditOutcomeFilter;
    } else errors.outcome = MESSAGES.outcome;
  }
  if (query.from !== undefined) {
    filter.from = parseLocalTime(query.from, timeZone, false);
    if (!filter.from) errors.from = MESSAGES.from;
  }
  if (query.to !== undefined) {
    filter.to = parseLocalTime(query.to, timeZone, true);
    if (!filter.to) errors.to = MESSAGES.to;
  }
  if (filter.from && filter.to && filter.from >= filter.to) errors.range = MESSAGES.range;

  const cursor = parseCursor(params.before, params.after);
  if (cursor === undefined) errors.cursor = MESSAGES.cursor;

  if (Object.keys(errors).length) return { ok: false, errors, query };
  return { ok: true, filter, query, cursor: cursor ?? null };
}

/** The keyset boundary from `before` / `after`: null for the first page, undefined when invalid. */
export function parseCursor(before: string | undefined, after: string | undefined): AuditCursor | undefined {
  if (before !== undefined && after !== undefined) return undefined;
  const text = before ?? after;
  if (text === undefined) return null;
  if (!SEQUENCE.test(text)) return undefined;
  return { direction: before !== undefined ? "older" : "newer", sequence: BigInt(text) };
}

/** The URL parameters of a cursor (the inverse of parseCursor). */
export function cursorParams(cursor: AuditCursor): Record<string, string> {
  if (!cursor) return {};
  return cursor.direction === "older"
    ? { before: cursor.sequence.toString() }
    : { after: cursor.sequence.toString() };
}

/** The list's address for a query and a cursor (only the parameters that are set, in a stable order). */
export function auditListHref(query: AuditQuery, cursor: AuditCursor = null): string {
  const params = new URLSearchParams();
  for (const key of AUDIT_QUERY_KEYS) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  for (const [key, value] of Object.entries(cursorParams(cursor))) params.set(key, value);
  const text = params.toString();
  return text ? `/admin/audit?${text}` : "/admin/audit";
}

/** Which filters are in use, by name only: what an export's audit row records besides ids. */
export function filtersUsed(filter: AuditFilter): string[] {
  const used: string[] = [];
  if (filter.actorId) used.push("actor");
  if (filter.subjectId) used.push("subject");
  if (filter.action) used.push(filter.action.kind === "prefix" ? "actionPrefix" : "action");
  if (filter.resourceType) used.push("resourceType");
  if (filter.resourceId) used.push("resourceId");
  if (filter.outcome) used.push("outcome");
  if (filter.from) used.push("from");
  if (filter.to) used.push("to");
  return used;
}

// ---------------------------------------------------------------------------
// The filter form: what an admin typed, before emails are resolved to ids.

/** Whether a person field holds an email (to resolve) or an account id (used as is). */
export type PersonInput = { kind: "email"; email: string } | { kind: "id"; id: string } | null;

const EMAIL = z.email();

export function parsePersonInput(text: string): PersonInput | undefined {
  const value = text.trim();
  if (!value) return null;
  if (isUuid(value)) return { kind: "id", id: value.toLowerCase() };
  if (value.length <= 254 && EMAIL.safeParse(value).success) return { kind: "email", email: value };
  return undefined;
}

export interface FilterForm {
  user: PersonInput;
  patient: PersonInput;
  /** The rest as the URL will carry it (validated again when the page reads it). */
  rest: Omit<AuditQuery, "actor" | "subject">;
}

/**
 * The filter form's fields, checked: each wrong field gets its own message, and a
 * range whose start is after its end is refused before anything is looked up.
 */
export function parseFilterForm(
  fields: Record<string, string>,
  timeZone: string,
): { ok: true; form: FilterForm } | { ok: false; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  const text = (name: string) => (fields[name] ?? "").trim();
  const user = parsePersonInput(text("user"));
  if (user === undefined) fieldErrors.user = MESSAGES.actor;
  const patient = parsePersonInput(text("patient"));
  if (patient === undefined) fieldErrors.patient = MESSAGES.subject;
  const rest: FilterForm["rest"] = {};
  for (const key of ["action", "type", "resource", "outcome", "from", "to"] as const) {
    const value = text(key);
    if (value) rest[key] = value;
  }
  // The rest is what the URL will carry: the same checks the page applies.
  const parsed = parseAuditQuery(rest, timeZone);
  if (!parsed.ok) {
    for (const [key, message] of Object.entries(parsed.errors)) {
      fieldErrors[key === "range" ? "to" : key] ??= message;
    }
  }
  if (Object.keys(fieldErrors).length || user === undefined || patient === undefined) {
    return { ok: false, fieldErrors };
  }
  return { ok: true, form: { user, patient, rest } };
}

// ---------------------------------------------------------------------------
// Charts: the time range they cover and how it is bucketed.

export type BucketSize = "hour" | "day" | "month";
const DAY_MS = 86_400_000;
export const DEFAULT_CHART_DAYS = 14;

/** The chart's range: the filter's (an open end runs to now / 14 days back), bucketed by hour up to 2 days. */
export function chartRange(
  filter: Pick<AuditFilter, "from" | "to">,
  now = new Date(),
): { from: Date; to: Date; bucket: BucketSize } {
  const to = filter.to ?? now;
  const from = filter.from ?? new Date(to.getTime() - DEFAULT_CHART_DAYS * DAY_MS);
  const span = to.getTime() - from.getTime();
  return { from, to, bucket: span <= 2 * DAY_MS ? "hour" : span <= 400 * DAY_MS ? "day" : "month" };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A bucket's local start ("2026-12-01T14:00") as people read it: "1 Dec 14:00", "1 Dec", "Dec 2026". */
export function bucketLabel(start: string, bucket: BucketSize): string {
  const [date = "", time = ""] = start.split("T");
  const [year, month, day] = date.split("-");
  const monthName = MONTHS[Number(month) - 1] ?? month;
  if (bucket === "month") return `${monthName} ${year}`;
  const dayText = `${Number(day)} ${monthName}`;
  return bucket === "hour" ? `${dayText} ${time}` : dayText;
}
