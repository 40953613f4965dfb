// The audit viewer's reads: keyset pages of audit_log (newest first, by
// sequence), one row with its seal, activity per hour/day for the charts, and
// an email resolved to an account id through the data layer's blind index.
// Admins only (audit:review); everyone else is refused, audited, as not found.
//
// Speed (2 million rows, see scripts/lib/bench-audit-viewer.ts): every query is
// Prisma.sql with bound values, shaped for the indexes audit_log has —
// (subject_id, sequence), (actor_id, sequence), (action, sequence),
// (outcome, sequence), (resource_type, resource_id), (occurred_at) and the
// primary key. A page is "ORDER BY sequence DESC LIMIT 51" under the filter, so
// PostgreSQL walks one of those indexes backwards from the boundary and stops
// after 51 matches; never OFFSET. A time range is first turned into sequence
// bounds through the occurred_at index (bounds()), so the same backward walk
// starts at the range's end instead of filtering the whole table. An action
// prefix ("phi.") is expanded to the actions that exist (a skip scan of the
// action index) and read as one small ordered scan per action, merged.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { roleCan } from "@/lib/authz/permissions";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { auditLogReader, getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/http/errors";
import {
  AUDIT_PAGE_SIZE,
  type AuditCursor,
  type AuditFilter,
  type AuditOutcomeFilter,
  type BucketSize,
  chartRange,
  filtersUsed,
} from "./schemas";

/**
 * Where the viewer's SELECTs run: lib/db's reader for audit_log (the PHI client
 * refuses raw SQL naming audit_log, which keeps writes on the one audited,
 * MAC-ing writer), inside the caller's transaction when there is one.
 */
export const auditReader = () => auditLogReader();

/** Only admins review the audit trail; anyone else is refused (audited) as if nothing were there. */
export async function assertAuditReviewer(actor: AuthenticatedActor, resourceId = "(list)"): Promise<void> {
  if (actor.role === "ADMIN" && roleCan(actor.role, "audit:review")) return;
  await refuseAsNotFound("AuditLog", resourceId);
}

/** A short id people can read and compare: the first 8 characters. */
export const shortId = (id: string) => id.slice(0, 8);

export interface AuditRowView {
  sequence: bigint;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string;
  /** "Doctor · Dr. Amara Okafor", "Patient · 3f2a9c1e", "System" */
  actorLabel: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: AuditOutcomeFilter;
  subjectId: string | null;
}

interface RawRow {
  sequence: bigint;
  occurred_at: Date;
  actor_id: string | null;
  actor_role: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: AuditOutcomeFilter;
  subject_id: string | null;
}

const LIST_COLUMNS = Prisma.sql`a."sequence", a.occurred_at, a.actor_id::text AS actor_id, a.actor_role, a.action,
  a.resource_type, a.resource_id, a.outcome::text AS outcome, a.subject_id::text AS subject_id`;

const ROLE_LABEL: Record<string, string> = {
  PATIENT: "Patient",
  DOCTOR: "Doctor",
  ADMIN: "Admin",
  SYSTEM: "System",
  ANONYMOUS: "Anonymous",
};
export const roleLabel = (role: string) => ROLE_LABEL[role] ?? role;

/** Doctors' display names (public, not PHI) for the doctors among these actors. */
async function doctorNames(rows: readonly RawRow[]): Promise<Map<string, string>> {
  const ids = [
    ...new Set(rows.filter((r) => r.actor_role === "DOCTOR" && r.actor_id).map((r) => r.actor_id!)),
  ];
  if (!ids.length) return new Map();
  const profiles = await getDb().doctorProfile.findMany({
    where: { userId: { in: ids } },
    select: { userId: true, displayName: true },
  });
  return new Map(profiles.map((p) => [p.userId, p.displayName]));
}

function actorLabel(row: RawRow, names: ReadonlyMap<string, string>): string {
  const role = roleLabel(row.actor_role);
  if (!row.actor_id) return role;
  return `${role} · ${names.get(row.actor_id) ?? shortId(row.actor_id)}`;
}

async function toViews(rows: RawRow[]): Promise<AuditRowView[]> {
  const names = await doctorNames(rows);
  return rows.map((row) => ({
    sequence: BigInt(row.sequence),
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    actorLabel: actorLabel(row, names),
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    subjectId: row.subject_id,
  }));
}

// ---------------------------------------------------------------------------
// Building blocks

/**
 * How far insertion order (sequence) and occurred_at may disagree: the writer
 * stamps the time with its own clock just before its INSERT takes the next
 * sequence, so milliseconds on one server, plus the clock skew between
 * application servers (kept far below this by NTP). A row stamped more than
 * this out of order (a server clock wrong by a quarter of an hour, a row
 * backdated by hand) would be missed by a time-range filter; verification
 * flags rows changed after they were sealed.
 */
const ORDER_SLACK_MS = 15 * 60_000;

/** Exclusive sequence bounds that contain every row of [from, to), found on the occurred_at index. */
export interface SequenceBounds {
  after: bigint | null;
  before: bigint | null;
}

async function sequenceBounds(filter: Pick<AuditFilter, "from" | "to">): Promise<SequenceBounds> {
  const db = auditReader();
  let after: bigint | null = null;
  let before: bigint | null = null;
  if (filter.from) {
    // The last row stamped well before the start: every row of the range was inserted after it.
    const [row] = await db.$queryRaw<{ sequence: bigint }[]>`
      SELECT "sequence" FROM audit_log
       WHERE occurred_at < ${new Date(filter.from.getTime() - ORDER_SLACK_MS)}::timestamptz
       ORDER BY occurred_at DESC LIMIT 1`;
    after = row ? BigInt(row.sequence) : null;
  }
  if (filter.to) {
    // The first row stamped well after the end: every row of the range was inserted before it.
    const [row] = await db.$queryRaw<{ sequence: bigint }[]>`
      SELECT "sequence" FROM audit_log
       WHERE occurred_at >= ${new Date(filter.to.getTime() + ORDER_SLACK_MS)}::timestamptz
       ORDER BY occurred_at ASC LIMIT 1`;
    before = row ? BigInt(row.sequence) : null;
  }
  return { after, before };
}

/** Every action name in the log, by a skip scan of the (action, sequence) index: one probe per name. */
export async function knownActions(): Promise<string[]> {
  const rows = await auditReader().$queryRaw<{ action: string }[]>`
    WITH RECURSIVE names(action) AS (
      SELECT min(action) FROM audit_log
      UNION ALL
      SELECT (SELECT min(a.action) FROM audit_log a WHERE a.action > names.action)
        FROM names WHERE names.action IS NOT NULL
    )
    SELECT action FROM names WHERE action IS NOT NULL`;
  return rows.map((row) => row.action);
}

/** The actions a filter matches: itself, or every existing action starting with the prefix. */
async function matchingActions(action: NonNullable<AuditFilter["action"]>): Promise<string[]> {
  if (action.kind === "exact") return [action.value];
  return (await knownActions()).filter((name) => name.startsWith(action.value));
}

/** The WHERE conditions of a filter, except the action (which the callers place). */
function conditions(filter: AuditFilter, bounds: SequenceBounds): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filter.actorId) where.push(Prisma.sql`a.actor_id = ${filter.actorId}::uuid`);
  if (filter.subjectId) where.push(Prisma.sql`a.subject_id = ${filter.subjectId}::uuid`);
  if (filter.resourceType) where.push(Prisma.sql`a.resource_type = ${filter.resourceType}`);
  if (filter.resourceId) where.push(Prisma.sql`a.resource_id = ${filter.resourceId}`);
  if (filter.outcome) where.push(Prisma.sql`a.outcome = ${filter.outcome}::"AuditOutcome"`);
  if (filter.from) where.push(Prisma.sql`a.occurred_at >= ${filter.from}::timestamptz`);
  if (filter.to) where.push(Prisma.sql`a.occurred_at < ${filter.to}::timestamptz`);
  if (bounds.after !== null) where.push(Prisma.sql`a."sequence" > ${bounds.after}`);
  if (bounds.before !== null) where.push(Prisma.sql`a."sequence" < ${bounds.before}`);
  return where;
}

const whereOf = (parts: readonly Prisma.Sql[]) =>
  parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}` : Prisma.empty;

/** The tighter of two exclusive bounds. */
const tighter = (a: bigint | null, b: bigint | null, lower: boolean): bigint | null =>
  a === null ? b : b === null ? a : lower ? (a > b ? a : b) : a < b ? a : b;

export interface RowsOptions {
  after?: bigint | null;
  before?: bigint | null;
  ascending?: boolean;
  limit: number;
  columns?: Prisma.Sql;
}

/**
 * The statement for rows matching the filter within exclusive sequence bounds,
 * newest first (oldest first for "newer" pages), at most `limit`; null when
 * nothing can match. Resolving it reads the occurred_at and action indexes.
 */
export async function auditRowsQuery(filter: AuditFilter, options: RowsOptions): Promise<Prisma.Sql | null> {
  const actions = filter.action ? await matchingActions(filter.action) : null;
  if (actions && actions.length === 0) return null;
  if (filter.from && filter.to && filter.from >= filter.to) return null;
  const range = filter.from || filter.to ? await sequenceBounds(filter) : { after: null, before: null };
  if (range.after !== null && range.before !== null && range.after >= range.before) return null;
  const bounds: SequenceBounds = {
    after: tighter(range.after, options.after ?? null, true),
    before: tighter(range.before, options.before ?? null, false),
  };
  const base = conditions(filter, bounds);
  const order = options.ascending ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const columns = options.columns ?? LIST_COLUMNS;
  const limit = options.limit;
  if (!actions || actions.length === 1) {
    const where = actions ? [Prisma.sql`a.action = ${actions[0]!}`, ...base] : base;
    return Prisma.sql`SELECT ${columns} FROM audit_log a ${whereOf(where)}
       ORDER BY a."sequence" ${order} LIMIT ${limit}`;
  }
  // One ordered index scan per action, each stopping after `limit` rows, merged.
  const branches = actions.map(
    (action) => Prisma.sql`(SELECT ${columns} FROM audit_log a
      ${whereOf([Prisma.sql`a.action = ${action}`, ...base])}
      ORDER BY a."sequence" ${order} LIMIT ${limit})`,
  );
  return Prisma.sql`SELECT * FROM (${Prisma.join(branches, " UNION ALL ")}) merged
     ORDER BY "sequence" ${order} LIMIT ${limit}`;
}

// Ordered index scans only. With two filters on separately indexed columns
// (action + outcome), PostgreSQL may AND two bitmaps, and the bitmap of a common
// value (phi.read: half the log) costs hundreds of milliseconds even when the
// answer is a handful of rows. Without bitmaps it walks the rarer value's
// (x, sequence) index backwards from the boundary, which is bounded by that
// value's rows and stops after the page (measured: scripts/lib/bench-audit-viewer.ts).
export const ORDERED_SCANS_ONLY = Prisma.sql`SELECT set_config('enable_bitmapscan', 'off', true)`;

/** The rows of auditRowsQuery: the one query shape behind the list, the export and the benchmark. */
export async function selectAuditRows<T = RawRow>(filter: AuditFilter, options: RowsOptions): Promise<T[]> {
  const query = await auditRowsQuery(filter, options);
  if (!query) return [];
  // SET LOCAL lasts until the transaction ends: the caller's (the export's, whose audit
  // row is an INSERT and unaffected), or this one.
  return transaction(async () => {
    await auditReader().$queryRaw(ORDERED_SCANS_ONLY);
    return auditReader().$queryRaw<T[]>(query);
  });
}

// ---------------------------------------------------------------------------
// The list

export interface AuditPage {
  rows: AuditRowView[];
  /** The "Older" link's boundary (null on the last page). */
  older: AuditCursor;
  /** The "Newer" link's boundary (null on the first page). */
  newer: AuditCursor;
}

/** One page of the filter, 50 rows, newest first, after the cursor. No permission check: callers check. */
export async function auditPageOf(filter: AuditFilter, cursor: AuditCursor): Promise<AuditPage> {
  const size = AUDIT_PAGE_SIZE;
  if (cursor?.direction === "newer") {
    const rows = await selectAuditRows(filter, { after: cursor.sequence, ascending: true, limit: size + 1 });
    // Fewer than a page newer than the boundary: that is the first page.
    if (rows.length <= size) return auditPageOf(filter, null);
    const page = rows.slice(0, size).reverse();
    return {
      rows: await toViews(page),
      newer: { direction: "newer", sequence: BigInt(page[0]!.sequence) },
      older: { direction: "older", sequence: BigInt(page.at(-1)!.sequence) },
    };
  }
  const rows = await selectAuditRows(filter, { before: cursor?.sequence ?? null, limit: size + 1 });
  const page = rows.slice(0, size);
  return {
    rows: await toViews(page),
    older: rows.length > size ? { direction: "older", sequence: BigInt(page.at(-1)!.sequence) } : null,
    newer: cursor && page.length ? { direction: "newer", sequence: BigInt(page[0]!.sequence) } : null,
  };
}

/** The admin's page of the filter; the search itself is audited (which filters, ids only). */
export async function listAuditEvents(
  actor: AuthenticatedActor,
  filter: AuditFilter,
  cursor: AuditCursor,
): Promise<AuditPage> {
  await assertAuditReviewer(actor);
  const page = await auditPageOf(filter, cursor);
  await recordAuditEvent({
    action: "audit.search",
    resourceType: "AuditLog",
    resourceId: null,
    details: searchDetails(filter, { rows: page.rows.length }),
  });
  return page;
}

/** What an audit row about the audit viewer records: filter names and ids, never an email. */
export function searchDetails(filter: AuditFilter, extra: Record<string, string | number | boolean> = {}) {
  return {
    filters: filtersUsed(filter),
    ...(filter.actorId ? { actorId: filter.actorId } : {}),
    ...(filter.subjectId ? { subjectId: filter.subjectId } : {}),
    ...(filter.action ? { action: filter.action.value } : {}),
    ...(filter.resourceType ? { resourceType: filter.resourceType } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.from ? { from: filter.from.toISOString() } : {}),
    ...(filter.to ? { to: filter.to.toISOString() } : {}),
    ...extra,
  };
}

// ---------------------------------------------------------------------------
// One row

export interface AuditRowDetail extends AuditRowView {
  eventId: string;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
  /** Written by Haven with a row MAC (v1/v2), or a legacy row of the old chain. */
  hasRowMac: boolean;
  seal: { sealSequence: bigint; verdict: string; sealedAt: Date } | null;
}

const SEQUENCE_TEXT = /^[1-9]\d{0,17}$/;

/** One audit row with its seal; an unknown or malformed sequence is a 404. The view is audited. */
export async function auditEventForAdmin(
  actor: AuthenticatedActor,
  sequenceText: string,
): Promise<AuditRowDetail> {
  await assertAuditReviewer(actor, sequenceText);
  if (!SEQUENCE_TEXT.test(sequenceText)) throw new AppError("NOT_FOUND", "No such audit entry.");
  const sequence = BigInt(sequenceText);
  const [row] = await auditReader().$queryRaw<
    (RawRow & {
      event_id: string;
      request_id: string | null;
      ip: string | null;
      user_agent: string | null;
      details: unknown;
      has_mac: boolean;
      seal_sequence: bigint | null;
      verdict: string | null;
      sealed_at: Date | null;
    })[]
  >`
    SELECT ${LIST_COLUMNS}, a.event_id::text AS event_id, a.request_id, a.ip, a.user_agent, a.details,
           (a.row_mac IS NOT NULL) AS has_mac, s.seal_sequence, s.verdict, s.sealed_at
      FROM audit_log a LEFT JOIN audit_seals s ON s.audit_sequence = a."sequence"
     WHERE a."sequence" = ${sequence}`;
  if (!row) throw new AppError("NOT_FOUND", "No such audit entry.");
  const [view] = await toViews([row]);
  await recordAuditEvent({
    action: "audit.view",
    resourceType: "AuditLog",
    resourceId: sequence.toString(),
  });
  return {
    ...view!,
    eventId: row.event_id,
    requestId: row.request_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details,
    hasRowMac: row.has_mac,
    seal:
      row.seal_sequence !== null && row.verdict !== null && row.sealed_at !== null
        ? { sealSequence: BigInt(row.seal_sequence), verdict: row.verdict, sealedAt: row.sealed_at }
        : null,
  };
}

// ---------------------------------------------------------------------------
// Resolving an email typed into the filter form

/** The account id of an email, through the blind index (never a scan of ciphertext); null if none. */
export async function accountIdByEmail(actor: AuthenticatedActor, email: string): Promise<string | null> {
  await assertAuditReviewer(actor);
  const user = await getDb().user.findFirst({ where: { email }, select: { id: true } });
  return user?.id ?? null;
}

/** Every known action name, for the filter form's suggestions. */
export async function actionSuggestions(actor: AuthenticatedActor): Promise<string[]> {
  await assertAuditReviewer(actor);
  return knownActions();
}

// ---------------------------------------------------------------------------
// Charts

export interface ActivityBucket {
  /** The bucket's start, local to the admin's zone: "2026-12-01T00:00". */
  start: string;
  total: number;
  /** FAILURE + DENIED */
  failures: number;
}

export interface Activity {
  from: Date;
  to: Date;
  bucket: BucketSize;
  buckets: ActivityBucket[];
}

/**
 * Events and failures per hour/day/month over the filter's time range (default
 * the last 14 days), in the admin's zone, every bucket present (0 where none).
 */
export async function auditActivity(
  actor: AuthenticatedActor,
  filter: AuditFilter,
  timeZone: string,
  now = new Date(),
): Promise<Activity> {
  await assertAuditReviewer(actor);
  const range = chartRange(filter, now);
  const ranged: AuditFilter = { ...filter, from: range.from, to: range.to };
  const rows =
    range.from < range.to
      ? await (async () => {
          const bounds = await sequenceBounds(ranged);
          const where = conditions(ranged, bounds);
          if (filter.action) {
            where.push(
              filter.action.kind === "exact"
                ? Prisma.sql`a.action = ${filter.action.value}`
                : Prisma.sql`starts_with(a.action, ${filter.action.value})`,
            );
          }
          return auditReader().$queryRaw<{ start: string; total: number; failures: number }[]>`
            SELECT to_char(date_trunc(${range.bucket}, a.occurred_at AT TIME ZONE ${timeZone}),
                           'YYYY-MM-DD"T"HH24:MI') AS start,
                   count(*)::int AS total,
                   (count(*) FILTER (WHERE a.outcome <> 'SUCCESS'))::int AS failures
              FROM audit_log a ${whereOf(where)}
             GROUP BY 1 ORDER BY 1`;
        })()
      : [];
  const counted = new Map(rows.map((row) => [row.start, row]));
  const buckets = bucketStarts(range.from, range.to, range.bucket, timeZone).map((start) => ({
    start,
    total: counted.get(start)?.total ?? 0,
    failures: counted.get(start)?.failures ?? 0,
  }));
  return { from: range.from, to: range.to, bucket: range.bucket, buckets };
}

/** The local starts of every bucket touching [from, to), oldest first (at most 1 000). */
export function bucketStarts(from: Date, to: Date, bucket: BucketSize, timeZone: string): string[] {
  const starts: string[] = [];
  const local = (at: Date) =>
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
    }).formatToParts(at);
  const key = (at: Date) => {
    const parts = Object.fromEntries(local(at).map((p) => [p.type, p.value]));
    const hour = bucket === "hour" ? parts.hour : "00";
    const day = bucket === "month" ? "01" : parts.day;
    return `${parts.year}-${parts.month}-${day}T${hour}:00`;
  };
  // Steps shorter than any bucket (DST days have 23 or 25 hours, months 28 to 31 days).
  const step = bucket === "hour" ? 1_800_000 : bucket === "day" ? 6 * 3_600_000 : 7 * 86_400_000;
  for (let t = from.getTime(); t < to.getTime() && starts.length < 1_000; t += step) {
    const start = key(new Date(t));
    if (starts.at(-1) !== start) starts.push(start);
  }
  const last = key(new Date(to.getTime() - 1));
  if (to > from && starts.at(-1) !== last && starts.length < 1_000) starts.push(last);
  return starts;
}
