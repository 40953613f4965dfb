// Quarterly access reviews against a real PostgreSQL: the snapshot counts the
// distinct patients each staff account read in the quarter from audit rows the
// data layer wrote (not its own data, not colleagues', not outside the window);
// one review per quarter even when two admins start it at once; Keep and Revoke
// are recorded with who and when, Revoke deactivates the account and ends its
// sessions, nobody revokes themselves; completion only once every account is
// decided; CSV and JSON exports, audited; everyone but admins refused.
import { randomUUID } from "node:crypto";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { checkSession, createSession } from "@/lib/auth/sessions";
import { disconnectDb, getDb } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { parsePeriod, quarterOf } from "@/lib/domain/access-reviews/quarter";
import {
  ACCESS_REVIEW_CSV_FIELDS,
  accessReviewForAdmin,
  completeAccessReview,
  decideAccessReviewEntry,
  exportAccessReview,
  listAccessReviews,
  staffActivity,
  startAccessReview,
} from "@/lib/domain/access-reviews/service";
import { applyMigrations } from "@/scripts/lib/schema-engine";
import { createAccount } from "../support/accounts";
import { appErrorOf, asActor, authenticatedActor } from "../support/actors";
import { type Person, denialsOf, person } from "../support/care";
import { type ScratchDatabase, createScratchDatabase, runSql } from "../support/database";

// Every staff account is listed with its email decrypted, and each Vitest worker has random keys
// of its own: this file gets a database of its own, so other files' accounts (under other keys)
// are not in its lists.
const sharedUrl = process.env.DATABASE_URL!;
let databaseUrl = sharedUrl;
let scratch: ScratchDatabase | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase(sharedUrl, "access_reviews");
  await applyMigrations(scratch.url);
  await disconnectDb();
  process.env.DATABASE_URL = databaseUrl = scratch.url;
  resetEnvCache();
}, 120_000);
const browser = { ip: "198.51.100.21", userAgent: "haven-tests" };

afterAll(async () => {
  await disconnectDb();
  process.env.DATABASE_URL = sharedUrl;
  resetEnvCache();
  await scratch?.drop();
});

/** A doctor opens a patient's profile through the data layer: one `phi.read` row whose subject is the patient. */
const readProfile = (reader: Person, patientId: string) =>
  asActor(reader.actor, () =>
    getDb().patientProfile.findUnique({ where: { userId: patientId }, select: { fullName: true } }),
  );
/** Reads an account's email (a staff account's own, or a colleague's): `phi.read` with that account as subject. */
const readEmail = (reader: Person, userId: string) =>
  asActor(reader.actor, () => getDb().user.findUnique({ where: { id: userId }, select: { email: true } }));

async function auditCount(action: string, resourceId: string): Promise<number> {
  const rows = await runSql<{ n: string }>(
    databaseUrl,
    "SELECT count(*) AS n FROM audit_log WHERE action = $1 AND resource_id = $2",
    [action, resourceId],
  );
  return Number(rows[0]!.n);
}

describe("access reviews", () => {
  let admin: AuthenticatedActor;
  let reader: Person;
  let idle: Person;
  let colleague: Person;
  let patients: Person[];
  let beforeReads: Date;
  let reviewId: string;

  beforeAll(async () => {
    admin = authenticatedActor((await createAccount("ADMIN", { mfa: true })).id, "ADMIN");
    reader = await person("DOCTOR");
    idle = await person("DOCTOR");
    colleague = await person("DOCTOR");
    patients = [await person("PATIENT"), await person("PATIENT"), await person("PATIENT")];
    beforeReads = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Two patients, one of them three times; the third never.
    await readProfile(reader, patients[0]!.id);
    await readProfile(reader, patients[0]!.id);
    await readProfile(reader, patients[1]!.id);
    await readProfile(reader, patients[0]!.id);
    // Its own data and a colleague's are not patients accessed.
    await readEmail(reader, reader.id);
    await readEmail(reader, colleague.id);
    // A patient reading their own profile counts for nobody.
    await readProfile(patients[2]!, patients[2]!.id);
    await createSession(reader.id, browser);
  });

  it("counts distinct patients read in the window from the audit log, and the latest activity", async () => {
    const rows = await runSql<{ subject_id: string }>(
      databaseUrl,
      "SELECT subject_id FROM audit_log WHERE actor_id = $1 AND action = 'phi.read'",
      [reader.id],
    );
    // The data layer wrote a row per read, each naming whose data it was.
    expect(rows).toHaveLength(6);
    const quarter = quarterOf(new Date());
    const ids = [reader.id, idle.id, colleague.id, patients[2]!.id];
    const activity = await staffActivity(ids, quarter.start, quarter.end);
    expect(activity.get(reader.id)!.patientsAccessed).toBe(2);
    expect(activity.get(idle.id)).toEqual({ lastActivityAt: null, patientsAccessed: 0 });
    expect(activity.get(reader.id)!.lastActivityAt!.getTime()).toBeGreaterThan(beforeReads.getTime());
    // Reads after the window's end are outside it.
    expect(
      (await staffActivity([reader.id], quarter.start, beforeReads)).get(reader.id)!.patientsAccessed,
    ).toBe(0);
    // And so is every read in another quarter.
    const past = parsePeriod("2021-Q2")!;
    expect((await staffActivity([reader.id], past.start, past.end)).get(reader.id)!.patientsAccessed).toBe(0);
  });

  it("starts this quarter's review once, snapshotting every staff account and no patient", async () => {
    const started = await asActor(admin, () => startAccessReview(admin));
    expect(started).toMatchObject({ period: quarterOf(new Date()).period, created: true });
    reviewId = started.reviewId;
    const again = await asActor(admin, () => startAccessReview(admin));
    expect(again).toEqual({ ...started, created: false });

    const review = await asActor(admin, () => accessReviewForAdmin(admin, reviewId));
    const quarter = quarterOf(new Date());
    expect(review.periodStart).toEqual(quarter.start);
    expect(review.periodEnd).toEqual(quarter.end);
    const of = (userId: string) => review.rows.find((row) => row.userId === userId);
    expect(of(reader.id)).toMatchObject({
      role: "DOCTOR",
      status: "ACTIVE",
      patientsAccessed: 2,
      decision: null,
    });
    expect(of(idle.id)).toMatchObject({ patientsAccessed: 0, lastActivityAt: null });
    expect(of(admin.userId)).toMatchObject({ role: "ADMIN" });
    for (const patient of patients) expect(of(patient.id)).toBeUndefined();
    // Every staff account that existed before the review started is in it, once.
    const staff = await runSql<{ id: string }>(
      databaseUrl,
      "SELECT id FROM users WHERE role IN ('DOCTOR', 'ADMIN') AND created_at <= $1",
      [beforeReads],
    );
    for (const { id } of staff) expect(review.rows.filter((row) => row.userId === id)).toHaveLength(1);
    expect(await auditCount("access-review.started", reviewId)).toBe(1);
    const listed = await asActor(admin, () => listAccessReviews(admin));
    expect(listed.find((item) => item.id === reviewId)).toMatchObject({
      decided: 0,
      entries: review.entries,
    });
  });

  it("one review per quarter even when two admins start it at the same moment", async () => {
    const other = authenticatedActor((await createAccount("ADMIN", { mfa: true })).id, "ADMIN");
    const inPast = new Date("2019-08-14T12:00:00Z");
    const [a, b] = await Promise.all([
      asActor(admin, () => startAccessReview(admin, inPast)),
      asActor(other, () => startAccessReview(other, inPast)),
    ]);
    expect(a.reviewId).toBe(b.reviewId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    const rows = await runSql(databaseUrl, "SELECT id FROM access_reviews WHERE period = '2019-Q3'");
    expect(rows).toHaveLength(1);
  });

  it("records Keep and Revoke with who and when; Revoke deactivates and ends sessions; nobody revokes themselves", async () => {
    const review = await asActor(admin, () => accessReviewForAdmin(admin, reviewId));
    const entryOf = (userId: string) => review.rows.find((row) => row.userId === userId)!;
    const live = await createSession(reader.id, browser);

    const own = await appErrorOf(
      asActor(admin, () =>
        decideAccessReviewEntry(admin, { reviewId, entryId: entryOf(admin.userId).id, decision: "REVOKE" }),
      ),
    );
    expect(own.message).toMatch(/cannot revoke your own access/);

    await asActor(admin, () =>
      decideAccessReviewEntry(admin, { reviewId, entryId: entryOf(idle.id).id, decision: "KEEP" }),
    );
    // Keep then Revoke (a second look) is allowed while the review is open.
    await asActor(admin, () =>
      decideAccessReviewEntry(admin, { reviewId, entryId: entryOf(reader.id).id, decision: "KEEP" }),
    );
    const revoked = await asActor(admin, () =>
      decideAccessReviewEntry(admin, { reviewId, entryId: entryOf(reader.id).id, decision: "REVOKE" }),
    );
    expect(revoked.changed).toBe(true);
    expect(revoked.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect(await checkSession(live.id)).toEqual({ ok: false, reason: "revoked" });
    const [user] = await runSql<{ status: string }>(databaseUrl, "SELECT status FROM users WHERE id = $1", [
      reader.id,
    ]);
    expect(user!.status).toBe("DEACTIVATED");
    // Revoke is final here.
    const undo = await appErrorOf(
      asActor(admin, () =>
        decideAccessReviewEntry(admin, { reviewId, entryId: entryOf(reader.id).id, decision: "KEEP" }),
      ),
    );
    expect(undo.code).toBe("CONFLICT");

    const after = await asActor(admin, () => accessReviewForAdmin(admin, reviewId));
    expect(after.rows.find((row) => row.userId === reader.id)).toMatchObject({
      decision: "REVOKE",
      decidedById: admin.userId,
      status: "ACTIVE",
      currentStatus: "DEACTIVATED",
    });
    expect(after.rows.find((row) => row.userId === idle.id)!.decidedAt).toBeInstanceOf(Date);
    const decided = await runSql<{ details: { decision: string } }>(
      databaseUrl,
      "SELECT details FROM audit_log WHERE action = 'access-review.decided' AND subject_id = $1 ORDER BY sequence",
      [reader.id],
    );
    expect(decided.map((row) => row.details.decision)).toEqual(["KEEP", "REVOKE"]);
    const deactivated = await runSql<{ details: { via: string } }>(
      databaseUrl,
      "SELECT details FROM audit_log WHERE action = 'admin.user.deactivated' AND subject_id = $1",
      [reader.id],
    );
    expect(deactivated.map((row) => row.details.via)).toEqual(["access-review"]);
  });

  it("completes only once every account is decided, then the decisions are final", async () => {
    const before = await asActor(admin, () => accessReviewForAdmin(admin, reviewId));
    const left = before.rows.filter((row) => row.decision === null).length;
    expect(left).toBeGreaterThan(0);
    const early = await appErrorOf(asActor(admin, () => completeAccessReview(admin, reviewId)));
    expect(early.code).toBe("BAD_REQUEST");
    expect(early.message).toContain(`${left} ${left === 1 ? "account still needs" : "accounts still need"}`);

    for (const row of before.rows.filter((entry) => entry.decision === null)) {
      await asActor(admin, () =>
        decideAccessReviewEntry(admin, { reviewId, entryId: row.id, decision: "KEEP" }),
      );
    }
    await asActor(admin, () => completeAccessReview(admin, reviewId));
    const done = await asActor(admin, () => accessReviewForAdmin(admin, reviewId));
    expect(done.completedAt).toBeInstanceOf(Date);
    expect(done.decided).toBe(done.entries);
    expect(await auditCount("access-review.completed", reviewId)).toBe(1);

    const late = await appErrorOf(
      asActor(admin, () =>
        decideAccessReviewEntry(admin, { reviewId, entryId: before.rows[0]!.id, decision: "REVOKE" }),
      ),
    );
    expect(late.message).toMatch(/complete/);
    expect((await appErrorOf(asActor(admin, () => completeAccessReview(admin, reviewId)))).code).toBe(
      "CONFLICT",
    );
    // A new start this quarter opens the same, completed review.
    expect((await asActor(admin, () => startAccessReview(admin))).reviewId).toBe(reviewId);
  });

  it("exports CSV and JSON with every entry, and audits each export", async () => {
    const csv = await asActor(admin, () => exportAccessReview(admin, reviewId, "csv"));
    expect(csv.contentType).toMatch(/^text\/csv/);
    expect(csv.fileName).toBe(`haven-access-review-${quarterOf(new Date()).period}.csv`);
    expect(csv.body.startsWith("\uFEFF")).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(csv.body.slice(1).trim(), { header: true });
    expect(parsed.meta.fields).toEqual([...ACCESS_REVIEW_CSV_FIELDS]);
    const review = await asActor(admin, () => accessReviewForAdmin(admin, reviewId));
    expect(parsed.data).toHaveLength(review.entries);
    expect(parsed.data.find((row) => row.user_id === reader.id)).toMatchObject({
      role: "DOCTOR",
      status_at_start: "ACTIVE",
      status_now: "DEACTIVATED",
      patients_accessed: "2",
      decision: "REVOKE",
      decided_by_id: admin.userId,
    });

    const json = await asActor(admin, () => exportAccessReview(admin, reviewId, "json"));
    expect(json.contentType).toMatch(/^application\/json/);
    const document = JSON.parse(json.body) as {
      period: string;
      entries: { userId: string; decision: string }[];
    };
    expect(document.period).toBe(review.period);
    expect(document.entries.find((entry) => entry.userId === idle.id)!.decision).toBe("KEEP");

    const exports = await runSql<{ details: { format: string; rows: number } }>(
      databaseUrl,
      "SELECT details FROM audit_log WHERE action = 'access-review.exported' AND resource_id = $1 ORDER BY sequence",
      [reviewId],
    );
    expect(exports.map((row) => [row.details.format, row.details.rows])).toEqual([
      ["csv", review.entries],
      ["json", review.entries],
    ]);
  });

  it("refuses doctors and patients (a named review is a 404, audited) and unknown or malformed ids", async () => {
    for (const actor of [idle.actor, patients[0]!.actor]) {
      expect((await appErrorOf(asActor(actor, () => listAccessReviews(actor)))).code).toBe("FORBIDDEN");
      expect((await appErrorOf(asActor(actor, () => startAccessReview(actor)))).code).toBe("FORBIDDEN");
      const before = await denialsOf(reviewId);
      const calls: (() => Promise<unknown>)[] = [
        () => accessReviewForAdmin(actor, reviewId),
        () => exportAccessReview(actor, reviewId, "csv"),
        () => completeAccessReview(actor, reviewId),
        () => decideAccessReviewEntry(actor, { reviewId, entryId: randomUUID(), decision: "KEEP" }),
      ];
      for (const call of calls) expect((await appErrorOf(asActor(actor, call))).code).toBe("NOT_FOUND");
      expect(await denialsOf(reviewId)).toBe(before + 4);
    }
    const unknown = randomUUID();
    expect((await appErrorOf(asActor(admin, () => accessReviewForAdmin(admin, unknown)))).code).toBe(
      "NOT_FOUND",
    );
    expect(await denialsOf(unknown)).toBe(1);
    expect((await appErrorOf(asActor(admin, () => exportAccessReview(admin, "nope", "json")))).code).toBe(
      "NOT_FOUND",
    );
    // An entry of another review is not in this one.
    const past = await asActor(admin, () => startAccessReview(admin, new Date("2018-02-02T00:00:00Z")));
    const pastReview = await asActor(admin, () => accessReviewForAdmin(admin, past.reviewId));
    const foreign = await appErrorOf(
      asActor(admin, () =>
        decideAccessReviewEntry(admin, { reviewId, entryId: pastReview.rows[0]!.id, decision: "KEEP" }),
      ),
    );
    expect(foreign.code).toBe("NOT_FOUND");
  });
});
