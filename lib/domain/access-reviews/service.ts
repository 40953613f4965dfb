// Quarterly access reviews: a snapshot of every staff account (role, status,
// last activity, how many patients' records it read in the quarter, from the
// audit log), a Keep or Revoke attestation per account by an admin (Revoke
// deactivates the account and ends its sessions), completion once every account
// is decided, and an audited CSV or JSON export. One review per UTC quarter.
// Callers run inside a request context (lib/auth/current.ts runAs).
import "server-only";
import Papa from "papaparse";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { revokeAllSessions } from "@/lib/auth/sessions";
import { roleCan } from "@/lib/authz/permissions";
import { recordRefusal, refuseAsNotFound } from "@/lib/authz/refusal";
import { currentTransaction, getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import type { AccessDecision, Role, UserStatus } from "@/lib/db/generated/enums";
import { spreadsheetSafe } from "@/lib/domain/payments/admin-queries";
import { AppError } from "@/lib/http/errors";
import { isUuid } from "@/lib/http/params";
import { type Quarter, quarterOf } from "./quarter";
import type { AccessReviewDetail, AccessReviewEntryRow, AccessReviewSummary, ExportFormat } from "./schemas";

const STAFF_ROLES: Role[] = ["DOCTOR", "ADMIN"];
const NO_SUCH_REVIEW = "No such access review.";
const UNIQUE_VIOLATION = "P2002";

async function assertReviewer(actor: AuthenticatedActor): Promise<void> {
  if (roleCan(actor.role, "access-reviews:manage")) return;
  await recordRefusal("AccessReview", "(list)");
  throw new AppError("FORBIDDEN", "You do not have access to this.");
}

/** A review named by id: 404 (audited) for anyone but a reviewer, a malformed or an unknown id. */
async function reviewOr404(actor: AuthenticatedActor, reviewId: string) {
  if (!roleCan(actor.role, "access-reviews:manage") || !isUuid(reviewId)) {
    return refuseAsNotFound("AccessReview", reviewId, NO_SUCH_REVIEW);
  }
  const review = await getDb().accessReview.findUnique({ where: { id: reviewId } });
  if (!review) return refuseAsNotFound("AccessReview", reviewId, NO_SUCH_REVIEW);
  return review;
}

/** Locks the review's row for the rest of the transaction: decisions and completion take turns. */
async function lockReview(reviewId: string): Promise<{ completed: boolean }> {
  const rows = await currentTransaction()!.$queryRaw<{ completed_at: Date | null }[]>`
    SELECT completed_at FROM access_reviews WHERE id = ${reviewId}::uuid FOR UPDATE`;
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", NO_SUCH_REVIEW);
  return { completed: row.completed_at !== null };
}

export interface StaffActivity {
  lastActivityAt: Date | null;
  patientsAccessed: number;
}

/**
 * What each staff account did, from sessions and the audit log:
 * - last activity: the latest of its sessions' last_seen_at and its own latest audit row;
 * - patients accessed: count(DISTINCT subject_id) of its `phi.read` rows with
 *   from <= occurred_at < to whose subject is neither itself nor any other staff
 *   account (reading a colleague's email on an admin page is not reading a patient).
 * The database groups (actor, subject) pairs; only the pairs come back.
 */
export async function staffActivity(
  staffIds: readonly string[],
  from: Date,
  to: Date,
): Promise<Map<string, StaffActivity>> {
  const ids = [...staffIds];
  const result = new Map<string, StaffActivity>(
    ids.map((id) => [id, { lastActivityAt: null, patientsAccessed: 0 }]),
  );
  if (ids.length === 0) return result;
  const [sessions, actions, reads] = await Promise.all([
    getDb().session.groupBy({ by: ["userId"], where: { userId: { in: ids } }, _max: { lastSeenAt: true } }),
    getDb().auditLog.groupBy({
      by: ["actorId"],
      where: { actorId: { in: ids } },
      _max: { occurredAt: true },
    }),
    getDb().auditLog.groupBy({
      by: ["actorId", "subjectId"],
      where: {
        actorId: { in: ids },
        action: "phi.read",
        occurredAt: { gte: from, lt: to },
        subjectId: { not: null, notIn: ids },
      },
    }),
  ]);
  const later = (a: Date | null, b: Date | null | undefined) => (!b ? a : !a || b > a ? b : a);
  for (const row of sessions) {
    const entry = result.get(row.userId);
    if (entry) entry.lastActivityAt = later(entry.lastActivityAt, row._max.lastSeenAt);
  }
  for (const row of actions) {
    const entry = row.actorId ? result.get(row.actorId) : undefined;
    if (entry) entry.lastActivityAt = later(entry.lastActivityAt, row._max.occurredAt);
  }
  for (const row of reads) {
    const entry = row.actorId ? result.get(row.actorId) : undefined;
    if (entry && row.subjectId && row.subjectId !== row.actorId) entry.patientsAccessed += 1;
  }
  return result;
}

/**
 * Starts the review of the quarter `now` falls in (UTC), snapshotting every staff
 * account; if it exists already (started earlier, or by another admin at the same
 * moment), returns that one instead.
 */
export async function startAccessReview(
  actor: AuthenticatedActor,
  now = new Date(),
): Promise<{ reviewId: string; period: string; created: boolean }> {
  await assertReviewer(actor);
  const quarter: Quarter = quarterOf(now);
  const existing = await getDb().accessReview.findUnique({
    where: { period: quarter.period },
    select: { id: true },
  });
  if (existing) return { reviewId: existing.id, period: quarter.period, created: false };

  const staff = await getDb().user.findMany({
    where: { role: { in: STAFF_ROLES } },
    select: { id: true, role: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  const activity = await staffActivity(
    staff.map((user) => user.id),
    quarter.start,
    new Date(Math.min(now.getTime(), quarter.end.getTime())),
  );
  try {
    const review = await transaction(async () => {
      const created = await getDb().accessReview.create({
        data: {
          period: quarter.period,
          periodStart: quarter.start,
          periodEnd: quarter.end,
          startedById: actor.userId,
          entries: {
            create: staff.map((user) => ({
              userId: user.id,
              role: user.role,
              status: user.status,
              lastActivityAt: activity.get(user.id)?.lastActivityAt ?? null,
              patientsAccessed: activity.get(user.id)?.patientsAccessed ?? 0,
            })),
          },
        },
        select: { id: true },
      });
      await recordAuditEvent({
        action: "access-review.started",
        resourceType: "AccessReview",
        resourceId: created.id,
        details: { period: quarter.period, entries: staff.length },
      });
      return created;
    });
    return { reviewId: review.id, period: quarter.period, created: true };
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    const raced = await getDb().accessReview.findUniqueOrThrow({
      where: { period: quarter.period },
      select: { id: true },
    });
    return { reviewId: raced.id, period: quarter.period, created: false };
  }
}

interface StaffFacts {
  name: string;
  email: string;
  status: UserStatus;
}

/** Names (a doctor's public name, else the email), emails and current status of staff accounts. */
async function staffFacts(userIds: readonly string[]): Promise<Map<string, StaffFacts>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const users = await getDb().user.findMany({
    where: { id: { in: ids }, role: { in: STAFF_ROLES } },
    select: { id: true, email: true, status: true, doctorProfile: { select: { displayName: true } } },
  });
  return new Map(
    users.map((user) => [
      user.id,
      { name: user.doctorProfile?.displayName ?? user.email, email: user.email, status: user.status },
    ]),
  );
}

const unknownName = (userId: string) => `Account ${userId.slice(0, 8)}`;

/** Every review, newest quarter first, with how many of its accounts are decided. */
export async function listAccessReviews(actor: AuthenticatedActor): Promise<AccessReviewSummary[]> {
  await assertReviewer(actor);
  const reviews = await getDb().accessReview.findMany({ orderBy: { periodStart: "desc" }, take: 40 });
  const counts = await getDb().accessReviewEntry.groupBy({
    by: ["reviewId"],
    where: { reviewId: { in: reviews.map((review) => review.id) } },
    _count: { _all: true, decision: true },
  });
  const countOf = new Map(counts.map((row) => [row.reviewId, row._count]));
  const names = await staffFacts(
    reviews.flatMap((review) => [
      review.startedById,
      ...(review.completedById ? [review.completedById] : []),
    ]),
  );
  return reviews.map((review) => ({
    id: review.id,
    period: review.period,
    periodStart: review.periodStart,
    periodEnd: review.periodEnd,
    startedAt: review.startedAt,
    startedByName: names.get(review.startedById)?.name ?? unknownName(review.startedById),
    completedAt: review.completedAt,
    completedByName: review.completedById
      ? (names.get(review.completedById)?.name ?? unknownName(review.completedById))
      : null,
    entries: countOf.get(review.id)?._all ?? 0,
    decided: countOf.get(review.id)?.decision ?? 0,
  }));
}

/** One review with its entries (doctors first, then by name); 404 (audited) for anyone else or an unknown id. */
export async function accessReviewForAdmin(
  actor: AuthenticatedActor,
  reviewId: string,
): Promise<AccessReviewDetail> {
  const review = await reviewOr404(actor, reviewId);
  const entries = await getDb().accessReviewEntry.findMany({ where: { reviewId } });
  const facts = await staffFacts([
    review.startedById,
    ...(review.completedById ? [review.completedById] : []),
    ...entries.map((entry) => entry.userId),
    ...entries.flatMap((entry) => (entry.decidedById ? [entry.decidedById] : [])),
  ]);
  const nameOf = (userId: string) => facts.get(userId)?.name ?? unknownName(userId);
  const order: Record<Role, number> = { DOCTOR: 0, ADMIN: 1, PATIENT: 2 };
  const rows: AccessReviewEntryRow[] = entries
    .map((entry) => ({
      id: entry.id,
      userId: entry.userId,
      name: nameOf(entry.userId),
      email: facts.get(entry.userId)?.email ?? "",
      role: entry.role,
      status: entry.status,
      currentStatus: facts.get(entry.userId)?.status ?? null,
      lastActivityAt: entry.lastActivityAt,
      patientsAccessed: entry.patientsAccessed,
      decision: entry.decision,
      decidedById: entry.decidedById,
      decidedByName: entry.decidedById ? nameOf(entry.decidedById) : null,
      decidedAt: entry.decidedAt,
    }))
    .sort(
      (a, b) => order[a.role] - order[b.role] || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
    );
  return {
    id: review.id,
    period: review.period,
    periodStart: review.periodStart,
    periodEnd: review.periodEnd,
    startedAt: review.startedAt,
    startedByName: nameOf(review.startedById),
    completedAt: review.completedAt,
    completedByName: review.completedById ? nameOf(review.completedById) : null,
    entries: rows.length,
    decided: rows.filter((row) => row.decision !== null).length,
    rows,
  };
}

/**
 * Records Keep or Revoke for one account of an open review, with who and when.
 * Revoke also deactivates the account and ends its sessions (same transaction);
 * it cannot be undone here (the account page reactivates). Nobody revokes themselves.
 */
export async function decideAccessReviewEntry(
  actor: AuthenticatedActor,
  input: { reviewId: string; entryId: string; decision: AccessDecision },
): Promise<{ changed: boolean; sessionsEnded: number }> {
  await reviewOr404(actor, input.reviewId);
  const entry = isUuid(input.entryId)
    ? await getDb().accessReviewEntry.findFirst({
        where: { id: input.entryId, reviewId: input.reviewId },
        select: { id: true, userId: true },
      })
    : null;
  if (!entry) return refuseAsNotFound("AccessReviewEntry", input.entryId, "No such account in this review.");
  if (input.decision === "REVOKE" && entry.userId === actor.userId) {
    throw new AppError(
      "BAD_REQUEST",
      "You cannot revoke your own access. Another admin has to decide about your account.",
    );
  }
  return transaction(async () => {
    const { completed } = await lockReview(input.reviewId);
    if (completed) throw new AppError("CONFLICT", "This review is complete: its decisions are final.");
    const current = await getDb().accessReviewEntry.findUniqueOrThrow({
      where: { id: entry.id },
      select: { decision: true },
    });
    if (current.decision === input.decision) return { changed: false, sessionsEnded: 0 };
    if (current.decision === "REVOKE") {
      throw new AppError(
        "CONFLICT",
        "Access was already revoked for this account. To restore it, reactivate the account on its page.",
      );
    }
    await getDb().accessReviewEntry.update({
      where: { id: entry.id },
      data: { decision: input.decision, decidedById: actor.userId, decidedAt: new Date() },
      select: { id: true },
    });
    let sessionsEnded = 0;
    if (input.decision === "REVOKE") {
      const { count } = await getDb().user.updateMany({
        where: { id: entry.userId, status: { not: "DEACTIVATED" } },
        data: { status: "DEACTIVATED" },
      });
      sessionsEnded = await revokeAllSessions(entry.userId, "access-review-revoked");
      if (count > 0) {
        await recordAuditEvent({
          action: "admin.user.deactivated",
          resourceType: "User",
          resourceId: entry.userId,
          subjectId: entry.userId,
          details: { sessionsEnded, via: "access-review", reviewId: input.reviewId },
        });
      }
    }
    await recordAuditEvent({
      action: "access-review.decided",
      resourceType: "AccessReviewEntry",
      resourceId: entry.id,
      subjectId: entry.userId,
      details: {
        reviewId: input.reviewId,
        decision: input.decision,
        previous: current.decision ?? null,
        sessionsEnded,
      },
    });
    return { changed: true, sessionsEnded };
  });
}

/** Completes a review once every account has a decision; refuses (and says how many are left) before. */
export async function completeAccessReview(actor: AuthenticatedActor, reviewId: string): Promise<void> {
  await reviewOr404(actor, reviewId);
  await transaction(async () => {
    const { completed } = await lockReview(reviewId);
    if (completed) throw new AppError("CONFLICT", "This review is already complete.");
    const undecided = await getDb().accessReviewEntry.count({ where: { reviewId, decision: null } });
    if (undecided > 0) {
      throw new AppError(
        "BAD_REQUEST",
        `${undecided} ${undecided === 1 ? "account still needs" : "accounts still need"} a decision: choose Keep or Revoke for every account before completing the review.`,
      );
    }
    const decisions = await getDb().accessReviewEntry.groupBy({
      by: ["decision"],
      where: { reviewId },
      _count: { _all: true },
    });
    const countOf = (decision: AccessDecision) =>
      decisions.find((row) => row.decision === decision)?._count._all ?? 0;
    await getDb().accessReview.update({
      where: { id: reviewId },
      data: { completedAt: new Date(), completedById: actor.userId },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "access-review.completed",
      resourceType: "AccessReview",
      resourceId: reviewId,
      details: { kept: countOf("KEEP"), revoked: countOf("REVOKE") },
    });
  });
}

export const ACCESS_REVIEW_CSV_FIELDS = [
  "period",
  "user_id",
  "name",
  "email",
  "role",
  "status_at_start",
  "status_now",
  "last_activity_at",
  "patients_accessed",
  "decision",
  "decided_by_id",
  "decided_by",
  "decided_at",
] as const;

const iso = (date: Date | null) => date?.toISOString() ?? "";

/** The entries as CSV (times in ISO 8601 UTC; free text guarded against spreadsheet formulas), with a BOM. */
export function accessReviewToCsv(review: AccessReviewDetail): string {
  const data = review.rows.map((row) => [
    review.period,
    row.userId,
    spreadsheetSafe(row.name),
    spreadsheetSafe(row.email),
    row.role,
    row.status,
    row.currentStatus ?? "",
    iso(row.lastActivityAt),
    String(row.patientsAccessed),
    row.decision ?? "",
    row.decidedById ?? "",
    row.decidedByName ? spreadsheetSafe(row.decidedByName) : "",
    iso(row.decidedAt),
  ]);
  return `\uFEFF${Papa.unparse({ fields: [...ACCESS_REVIEW_CSV_FIELDS], data }, { newline: "\r\n" })}\r\n`;
}

/** The review as a JSON document (what an auditor's tooling reads). */
export function accessReviewToJson(review: AccessReviewDetail): string {
  return JSON.stringify(
    {
      period: review.period,
      periodStart: review.periodStart.toISOString(),
      periodEnd: review.periodEnd.toISOString(),
      startedAt: review.startedAt.toISOString(),
      startedBy: review.startedByName,
      completedAt: review.completedAt?.toISOString() ?? null,
      completedBy: review.completedByName,
      entries: review.rows.map((row) => ({
        userId: row.userId,
        name: row.name,
        email: row.email,
        role: row.role,
        statusAtStart: row.status,
        statusNow: row.currentStatus,
        lastActivityAt: row.lastActivityAt?.toISOString() ?? null,
        patientsAccessed: row.patientsAccessed,
        decision: row.decision,
        decidedById: row.decidedById,
        decidedBy: row.decidedByName,
        decidedAt: row.decidedAt?.toISOString() ?? null,
      })),
    },
    null,
    2,
  );
}

/** A review as CSV or JSON; the export is audited (who, which review, format, how many rows). */
export async function exportAccessReview(
  actor: AuthenticatedActor,
  reviewId: string,
  format: ExportFormat,
): Promise<{ body: string; contentType: string; fileName: string }> {
  // A refusal first, outside the transaction, so its audit row is not rolled back with it; then the
  // read and its audit row in one transaction: the row count audited is the file's.
  await reviewOr404(actor, reviewId);
  const review = await transaction(async () => {
    const read = await accessReviewForAdmin(actor, reviewId);
    await recordAuditEvent({
      action: "access-review.exported",
      resourceType: "AccessReview",
      resourceId: reviewId,
      details: { format, rows: read.rows.length, period: read.period },
    });
    return read;
  });
  return format === "csv"
    ? {
        body: accessReviewToCsv(review),
        contentType: "text/csv; charset=utf-8",
        fileName: `haven-access-review-${review.period}.csv`,
      }
    : {
        body: accessReviewToJson(review),
        contentType: "application/json; charset=utf-8",
        fileName: `haven-access-review-${review.period}.json`,
      };
}
