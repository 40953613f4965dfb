// The retention job against a real PostgreSQL, with a controlled clock: expired messages and
// documents (rows and encrypted files) of patients without a legal hold are destroyed, each with
// its `retention.destroyed` audit row; held patients' data and everything newer is kept and
// counted; a second run destroys nothing. The audit log loses only the start of its seal chain,
// older than six years, with an anchor from which the chain still verifies; a removal without an
// anchor is still detected.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { access } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appendCheckpoint } from "@/lib/audit/checkpoints";
import { sealPendingAuditRows } from "@/lib/audit/sealer";
import { verifyAuditTrail } from "@/lib/audit/verify";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { disconnectDb, getDb, plainClient, recordAuditEvent } from "@/lib/db/client";
import { countsOf } from "@/lib/domain/retention/policy";
import {
  recentRetentionRuns,
  requestRetentionRun,
  waitingRetentionSweeps,
} from "@/lib/domain/retention/runs";
import { runRetention } from "@/lib/domain/retention/sweep";
import { resetEnvCache } from "@/lib/env";
import { documentStore } from "@/lib/integrations/storage";
import { queue, stopQueue } from "@/lib/jobs/queue";
import { startJobWorkers } from "@/lib/jobs/workers";
import { runAsSystem } from "@/lib/request-context";
import { applyMigrations } from "@/scripts/lib/schema-engine";
import { appErrorOf, asActor } from "../support/actors";
import { type Person, person } from "../support/care";
import { type ScratchDatabase, createScratchDatabase, runSql } from "../support/database";

const DAY_MS = 86_400_000;
const sharedUrl = process.env.DATABASE_URL!;
const savedEnv = {
  DOCUMENTS_DIR: process.env.DOCUMENTS_DIR,
  RETENTION_MESSAGES_DAYS: process.env.RETENTION_MESSAGES_DAYS,
  RETENTION_DOCUMENTS_DAYS: process.env.RETENTION_DOCUMENTS_DAYS,
};
const documentsDir = mkdtempSync(path.join(tmpdir(), "haven-retention-documents-"));
const checkpoints = { directory: mkdtempSync(path.join(tmpdir(), "haven-retention-checkpoints-")) };

// The whole audit chain of this file is under test (its start is pruned), so it gets a database of
// its own; the retention settings are short so that "expired" is weeks, not years.
let scratch: ScratchDatabase | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase(sharedUrl, "retention");
  await applyMigrations(scratch.url);
  await stopQueue();
  await disconnectDb();
  process.env.DATABASE_URL = scratch.url;
  process.env.DOCUMENTS_DIR = documentsDir;
  process.env.RETENTION_MESSAGES_DAYS = "30";
  process.env.RETENTION_DOCUMENTS_DAYS = "60";
  resetEnvCache();
}, 120_000);

afterAll(async () => {
  vi.useRealTimers();
  await stopQueue();
  await disconnectDb();
  process.env.DATABASE_URL = sharedUrl;
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvCache();
  await scratch?.drop();
  rmSync(documentsDir, { recursive: true, force: true });
});

const url = () => process.env.DATABASE_URL!;
const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  runSql<T>(url(), text, params);
const keys = () => phiCryptoConfigFromEnv().audit;
const seal = () => sealPendingAuditRows(plainClient(), keys());
const verify = async () => {
  await seal();
  return verifyAuditTrail(plainClient(), keys(), { checkpoints, sealBoundMs: 3_600_000 });
};

/** Runs fn with the application's clock (Date) set back by `days` (timers keep running). */
async function inThePast<T>(days: number, fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"], now: new Date(Date.now() - days * DAY_MS) });
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

const oldEvent = (n: number, subjectId?: string) =>
  runAsSystem("test", () =>
    recordAuditEvent({
      action: "test.old-event",
      resourceType: "Test",
      resourceId: `old-${n}`,
      ...(subjectId ? { subjectId } : {}),
    }),
  );

async function placeHold(patient: Person, placedBy: Person): Promise<string> {
  const hold = await runAsSystem("test", () =>
    getDb().legalHold.create({
      data: { patientId: patient.id, placedById: placedBy.id, reason: "Litigation (test)" },
      select: { id: true },
    }),
  );
  return hold.id;
}

const releaseHold = (holdId: string, releasedBy: Person) =>
  runAsSystem("test", () =>
    getDb().legalHold.update({
      where: { id: holdId },
      data: { releasedAt: new Date(), releasedById: releasedBy.id, releaseNote: "Settled (test)" },
      select: { id: true },
    }),
  );

const firstRemainingSeal = async () =>
  (
    await sql<{ seal_sequence: string; action: string; subject_id: string | null; old: boolean }>(
      `SELECT s.seal_sequence::text, a.action, a.subject_id::text,
              a.occurred_at < now() - interval '2192 days' AS old
         FROM audit_seals s JOIN audit_log a ON a."sequence" = s.audit_sequence
        ORDER BY s.seal_sequence LIMIT 1`,
    )
  )[0]!;

describe("audit-log retention", () => {
  let heldPatient: Person;
  let admin: Person;
  let holdId: string;

  beforeAll(async () => {
    // Seven years ago (every statement of the setup, its audit rows included): three events, then a
    // patient and a legal hold on them (rows about that patient), then one more event.
    await inThePast(7 * 365, async () => {
      for (const n of [1, 2, 3]) await oldEvent(n);
      admin = await person("ADMIN");
      heldPatient = await person("PATIENT", "Oskar Lindqvist");
      await oldEvent(4, heldPatient.id);
      holdId = await placeHold(heldPatient, admin);
      await oldEvent(5);
    });
    await seal();
    // Recent rows after them.
    await runAsSystem("test", () => recordAuditEvent({ action: "test.recent-event", resourceType: "Test" }));
    await seal();
    expect((await firstRemainingSeal()).old).toBe(true);
  }, 60_000);

  it("refuses deleting audit rows and seals, unless destroying rows older than at least six years", async () => {
    const [recent] = await sql<{ sequence: string }>(
      `SELECT "sequence"::text FROM audit_log WHERE action = 'test.recent-event' LIMIT 1`,
    );
    const attempt = (
      settings: string,
      target = `DELETE FROM audit_log WHERE "sequence" = ${recent!.sequence}`,
    ) =>
      sql(`BEGIN; ${settings} ${target}; COMMIT;`).then(
        () => "deleted",
        (error: Error) => error.message,
      );
    expect(await attempt("")).toMatch(/audit_log is append-only: DELETE refused/);
    expect(await attempt("SET LOCAL haven.lifecycle = 'destroy';")).toMatch(/kept at least 2192 days/);
    expect(
      await attempt("SET LOCAL haven.lifecycle = 'destroy'; SET LOCAL haven.audit_retention_days = '100';"),
    ).toMatch(/kept at least 2192 days/);
    // A recent row, even with a valid retention: refused.
    expect(
      await attempt("SET LOCAL haven.lifecycle = 'destroy'; SET LOCAL haven.audit_retention_days = '2192';"),
    ).toMatch(/audit_log is append-only/);
    expect(
      await attempt(
        "SET LOCAL haven.lifecycle = 'destroy'; SET LOCAL haven.audit_retention_days = '2192';",
        `DELETE FROM audit_seals WHERE audit_sequence = ${recent!.sequence}`,
      ),
    ).toMatch(/audit_seals is append-only/);
    expect(await attempt("", "TRUNCATE audit_log CASCADE")).toMatch(/append-only: TRUNCATE refused/);
    expect((await verify()).ok).toBe(true);
  });

  it("removes the oldest sealed rows up to the first one about a patient under a legal hold, with an anchor", async () => {
    // A signed checkpoint taken back then, of a seal this run removes: the anchor vouches for it.
    const [early] = await sql<{ hash: string }>("SELECT hash FROM audit_seals WHERE seal_sequence = 2");
    await appendCheckpoint(checkpoints, keys(), { sealSequence: 2n, hash: early!.hash });
    const report = await runRetention();
    expect(report.counts.auditLogStoppedAtHold).toBe(true);
    expect(report.counts.heldBack.auditLog).toBeGreaterThan(0);
    expect(
      await sql(`SELECT 1 FROM audit_log WHERE resource_id IN ('old-1', 'old-2', 'old-3')`),
    ).toHaveLength(0);
    // Stopped at the first row about the held patient (their account's creation, or event 4): kept.
    expect(await sql(`SELECT 1 FROM audit_log WHERE resource_id IN ('old-4', 'old-5')`)).toHaveLength(2);
    const first = await firstRemainingSeal();
    expect(first.subject_id).toBe(heldPatient.id);
    const through = Number(first.seal_sequence) - 1;
    expect(report.counts.auditLog).toBe(through);
    const anchors = await sql<{ pruned_through_seal: string; rows: number }>(
      "SELECT pruned_through_seal::text, rows FROM audit_chain_anchors",
    );
    expect(anchors).toEqual([{ pruned_through_seal: String(through), rows: through }]);
    const [destroyed] = await sql<{ details: Record<string, unknown>; subject_id: string | null }>(
      "SELECT details, subject_id::text FROM audit_log WHERE action = 'retention.destroyed' AND resource_type = 'AuditLog'",
    );
    expect(destroyed!.details).toMatchObject({
      dataType: "auditLog",
      fromSeal: 1,
      throughSeal: through,
      rows: through,
      system: "jobs.retention",
    });

    const verification = await verify();
    expect(verification.problems).toEqual([]);
    expect(verification.anchor?.prunedThroughSeal).toBe(BigInt(through));
    // The anchors are append-only too.
    await expect(sql("UPDATE audit_chain_anchors SET rows = rows + 1")).rejects.toThrow(/append-only/);
    await expect(sql("DELETE FROM audit_chain_anchors")).rejects.toThrow(/append-only/);
  });

  it("continues once the hold is released, up to the cutoff, and the chain still verifies from its newest anchor", async () => {
    await releaseHold(holdId, admin);
    const report = await runRetention();
    expect(report.counts.auditLog).toBeGreaterThan(1);
    expect(report.counts.auditLogStoppedAtHold).toBe(false);
    expect(await sql(`SELECT 1 FROM audit_log WHERE action = 'test.old-event'`)).toHaveLength(0);
    expect(
      await sql(`SELECT 1 FROM audit_log WHERE occurred_at < now() - interval '2192 days'`),
    ).toHaveLength(0);
    expect((await firstRemainingSeal()).old).toBe(false);
    expect(await sql("SELECT 1 FROM audit_chain_anchors")).toHaveLength(2);
    // A checkpoint of today's head is checked as before.
    await seal();
    const [head] = await sql<{ seal_sequence: string; hash: string }>(
      "SELECT seal_sequence::text, hash FROM audit_seals ORDER BY seal_sequence DESC LIMIT 1",
    );
    await appendCheckpoint(checkpoints, keys(), {
      sealSequence: BigInt(head!.seal_sequence),
      hash: head!.hash,
    });
    const verification = await verify();
    expect(verification.problems).toEqual([]);
    expect(verification.ok).toBe(true);
    expect(verification.checkpoint?.sealSequence).toBe(BigInt(head!.seal_sequence));
    // Nothing old is left: another run removes nothing and adds no anchor.
    expect((await runRetention()).counts.auditLog).toBe(0);
    expect(await sql("SELECT 1 FROM audit_chain_anchors")).toHaveLength(2);
  });
});

describe("messages and documents", () => {
  const now = new Date();
  const expired = new Date(now.getTime() - 90 * DAY_MS);
  const recent = new Date(now.getTime() - 10 * DAY_MS);

  interface Fixture {
    patient: Person;
    threadId: string;
    /** Ids by what they are. */
    oldMessage: string;
    newMessage: string;
    oldMessageWithOldFile: string;
    newMessageWithOldFile: string;
    oldFile: string;
    newFile: string;
    oldFileOfOldMessage: string;
    oldFileOfNewMessage: string;
  }

  let doctor: Person;
  let admin: Person;
  let free: Fixture;
  let held: Fixture;
  let storageKeyOf: Map<string, string>;
  let firstRun: Awaited<ReturnType<typeof runRetention>>;

  async function file(patient: Person, createdAt: Date, label: string, unremovable = false): Promise<string> {
    const storageKey = randomBytes(16).toString("hex");
    if (unremovable) {
      // A directory where the file should be: removing it fails (as a store outage would).
      mkdirSync(path.join(documentsDir, storageKey), { recursive: true });
    } else {
      await documentStore().put(storageKey, randomBytes(64));
    }
    const { id } = await runAsSystem("test", () =>
      getDb().document.create({
        data: {
          patientId: patient.id,
          uploadedById: patient.id,
          fileName: `${label}.pdf`,
          contentType: "application/pdf",
          sizeBytes: 64,
          storageKey,
          fileKey: randomBytes(32).toString("base64"),
          scanStatus: "CLEAN",
          createdAt,
        },
        select: { id: true },
      }),
    );
    storageKeyOf.set(id, storageKey);
    return id;
  }

  async function message(f: Pick<Fixture, "patient" | "threadId">, createdAt: Date, documentId?: string) {
    const id = randomUUID();
    await runAsSystem("test", () =>
      getDb().message.create({
        data: {
          id,
          threadId: f.threadId,
          patientId: f.patient.id,
          senderId: f.patient.id,
          body: "How are the results?",
          createdAt,
          ...(documentId ? { documentId } : {}),
        },
        select: { id: true },
      }),
    );
    return id;
  }

  async function fixture(name: string, unremovableOldFile = false): Promise<Fixture> {
    const patient = await person("PATIENT", name);
    const { id: threadId } = await runAsSystem("test", () =>
      getDb().messageThread.create({
        data: { patientId: patient.id, doctorId: doctor.id },
        select: { id: true },
      }),
    );
    const base = { patient, threadId };
    const oldFileOfOldMessage = await file(patient, expired, "old-of-old");
    const oldFileOfNewMessage = await file(patient, expired, "old-of-new");
    return {
      ...base,
      oldMessage: await message(base, expired),
      newMessage: await message(base, recent),
      oldMessageWithOldFile: await message(base, expired, oldFileOfOldMessage),
      newMessageWithOldFile: await message(base, recent, oldFileOfNewMessage),
      oldFile: await file(patient, expired, "old", unremovableOldFile),
      newFile: await file(patient, recent, "new"),
      oldFileOfOldMessage,
      oldFileOfNewMessage,
    };
  }

  const messagesLeft = async (ids: string[]) =>
    (await sql<{ id: string }>("SELECT id::text FROM messages WHERE id = ANY($1::uuid[])", [ids])).map(
      (row) => row.id,
    );
  const documentsLeft = async (ids: string[]) =>
    (await sql<{ id: string }>("SELECT id::text FROM documents WHERE id = ANY($1::uuid[])", [ids])).map(
      (row) => row.id,
    );
  const fileExists = (documentId: string) =>
    access(path.join(documentsDir, storageKeyOf.get(documentId)!)).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    storageKeyOf = new Map();
    doctor = await person("DOCTOR");
    admin = await person("ADMIN");
    free = await fixture("Ada Free", true);
    held = await fixture("Bea Held");
    await placeHold(held.patient, admin);
    firstRun = await runRetention({ now, batchSize: 1 });
  }, 60_000);

  it("destroys the expired messages and documents of a patient without a hold, rows and files", async () => {
    expect(await messagesLeft([free.oldMessage, free.oldMessageWithOldFile])).toEqual([]);
    expect(await documentsLeft([free.oldFile, free.oldFileOfOldMessage])).toEqual([]);
    expect(await fileExists(free.oldFileOfOldMessage)).toBe(false);
    expect(firstRun.counts).toMatchObject({ messages: 2, documents: 2, documentsKeptForMessages: 1 });
    expect(firstRun.error).toBeNull();
  });

  it("keeps a held patient's expired data and counts it, and touches nothing newer", async () => {
    const heldMessages = [
      held.oldMessage,
      held.newMessage,
      held.oldMessageWithOldFile,
      held.newMessageWithOldFile,
    ];
    expect((await messagesLeft(heldMessages)).sort()).toEqual([...heldMessages].sort());
    const heldFiles = [held.oldFile, held.newFile, held.oldFileOfOldMessage, held.oldFileOfNewMessage];
    expect((await documentsLeft(heldFiles)).sort()).toEqual([...heldFiles].sort());
    for (const id of heldFiles) expect(await fileExists(id)).toBe(true);

    // The free patient's newer data, and the expired file a kept message still carries.
    const kept = [free.newMessage, free.newMessageWithOldFile];
    expect((await messagesLeft(kept)).sort()).toEqual([...kept].sort());
    const keptFiles = [free.newFile, free.oldFileOfNewMessage];
    expect((await documentsLeft(keptFiles)).sort()).toEqual([...keptFiles].sort());
    for (const id of keptFiles) expect(await fileExists(id)).toBe(true);

    expect(firstRun.counts.heldBack).toMatchObject({ messages: 2, documents: 3 });
    expect(firstRun.heldBack).toBe(5);
    const [run] = await sql<{ held_back: number; destroyed: unknown; finished_at: Date | null; as_of: Date }>(
      "SELECT held_back, destroyed, finished_at, as_of FROM retention_runs WHERE id = $1",
      [firstRun.runId],
    );
    expect(run!.held_back).toBe(5);
    expect(run!.finished_at).not.toBeNull();
    expect(run!.as_of.toISOString()).toBe(now.toISOString());
    expect(countsOf(run!.destroyed)).toMatchObject({ messages: 2, documents: 2 });
  });

  it("records one retention.destroyed audit row per destroyed item: ids, day and period only", async () => {
    const rows = await sql<{
      resource_type: string;
      resource_id: string;
      subject_id: string;
      details: Record<string, unknown>;
    }>(
      `SELECT resource_type, resource_id, subject_id::text, details FROM audit_log
        WHERE action = 'retention.destroyed' AND resource_type IN ('Message', 'Document') ORDER BY resource_id`,
    );
    const expected = [
      ["Message", free.oldMessage, "messages", 30],
      ["Message", free.oldMessageWithOldFile, "messages", 30],
      ["Document", free.oldFile, "documents", 60],
      ["Document", free.oldFileOfOldMessage, "documents", 60],
    ] as const;
    expect(rows).toHaveLength(expected.length);
    for (const [resourceType, id, dataType, retentionDays] of expected) {
      const row = rows.find((candidate) => candidate.resource_id === id);
      expect(row, `${resourceType} ${id}`).toMatchObject({
        resource_type: resourceType,
        subject_id: free.patient.id,
      });
      expect(row!.details).toEqual({
        dataType,
        createdAt: expired.toISOString().slice(0, 10),
        retentionDays,
        system: "jobs.retention",
      });
    }
    // No PHI: not the message text, not the file name.
    const text = JSON.stringify(rows);
    expect(text).not.toContain("results");
    expect(text).not.toContain(".pdf");
  });

  it("keeps a file it could not remove on the run's list, retries it next run, and a second run destroys nothing", async () => {
    // The free patient's standalone expired file was a directory: its row is gone, its removal failed.
    const key = storageKeyOf.get(free.oldFile)!;
    expect(firstRun.counts.filesPendingRemoval).toEqual([key]);
    rmSync(path.join(documentsDir, key), { recursive: true, force: true });
    writeFileSync(path.join(documentsDir, key), randomBytes(8));

    const second = await runRetention({ now });
    expect(second.counts).toMatchObject({ messages: 0, documents: 0, auditLog: 0, filesPendingRemoval: [] });
    expect(await fileExists(free.oldFile)).toBe(false);
    expect(second.counts.heldBack).toMatchObject({ messages: 2, documents: 3 });
    expect(
      await sql(
        "SELECT 1 FROM audit_log WHERE action = 'retention.destroyed' AND resource_type IN ('Message', 'Document')",
      ),
    ).toHaveLength(4);
  });

  it("leaves an audit chain that verifies", async () => {
    const verification = await verify();
    expect(verification.problems).toEqual([]);
    expect(verification.ok).toBe(true);
  });
});

describe("scheduling and Run now", () => {
  const runCount = async () =>
    Number((await sql<{ n: string }>("SELECT count(*) AS n FROM retention_runs"))[0]!.n);

  it("audits a request, sends one waiting job however often it is pressed, and refuses anyone but an admin", async () => {
    const admin = await person("ADMIN");
    const doctor = await person("DOCTOR");
    const patient = await person("PATIENT");
    await asActor(admin.actor, () => requestRetentionRun(admin.actor));
    await asActor(admin.actor, () => requestRetentionRun(admin.actor));
    const boss = await queue();
    expect(await boss.getQueueSize("retention.sweep")).toBe(1);
    expect(await asActor(admin.actor, () => waitingRetentionSweeps(admin.actor))).toBe(1);
    const requests = await sql<{ actor_id: string; resource_type: string }>(
      "SELECT actor_id::text, resource_type FROM audit_log WHERE action = 'retention.run-requested'",
    );
    expect(requests).toEqual([
      { actor_id: admin.id, resource_type: "RetentionRun" },
      { actor_id: admin.id, resource_type: "RetentionRun" },
    ]);
    for (const other of [doctor, patient]) {
      const error = await appErrorOf(asActor(other.actor, () => requestRetentionRun(other.actor)));
      expect(error.code).toBe("NOT_FOUND");
      expect((await appErrorOf(asActor(other.actor, () => recentRetentionRuns(other.actor)))).code).toBe(
        "NOT_FOUND",
      );
    }
    expect(await boss.getQueueSize("retention.sweep")).toBe(1);
    const runs = await asActor(admin.actor, () => recentRetentionRuns(admin.actor));
    expect(runs[0]).toMatchObject({ failed: false });
  });

  it("runs the sweep from the job queue: the waiting request, and on the schedule (pg-boss cron)", async () => {
    const before = await runCount();
    await stopQueue();
    process.env.RETENTION_SCHEDULE = "* * * * *";
    resetEnvCache();
    try {
      await startJobWorkers();
      const [schedule] = await sql<{ cron: string; timezone: string }>(
        "SELECT cron, timezone FROM pgboss.schedule WHERE name = 'retention.sweep'",
      );
      expect(schedule).toEqual({ cron: "* * * * *", timezone: "UTC" });
      // The waiting request runs at once.
      await expect.poll(runCount, { timeout: 20_000, interval: 250 }).toBeGreaterThanOrEqual(before + 1);
      // Then a tick of the schedule: pg-boss's timekeeper looks every 30 s (one instance per turn)
      // and sends the job due this minute.
      await expect.poll(runCount, { timeout: 120_000, interval: 1_000 }).toBeGreaterThanOrEqual(before + 2);
      // pg-boss marks a job completed after its handler returned, a moment after the run was recorded.
      const completedJobs = async () => {
        const [job] = await sql<{ n: string }>(
          "SELECT count(*) AS n FROM pgboss.job WHERE name = 'retention.sweep' AND state = 'completed'",
        );
        return Number(job!.n);
      };
      await expect.poll(completedJobs, { timeout: 20_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    } finally {
      await stopQueue();
      delete process.env.RETENTION_SCHEDULE;
      resetEnvCache();
    }
    expect((await verify()).problems).toEqual([]);
  }, 180_000);
});

describe("a removal without an anchor", () => {
  it("is detected: the first remaining seal no longer follows the newest anchor", async () => {
    expect((await verify()).ok).toBe(true);
    const first = await firstRemainingSeal();
    // A superuser with the guards switched off removes the first remaining seal and its row.
    await sql(
      `BEGIN; SET LOCAL session_replication_role = replica;
       DELETE FROM audit_log WHERE "sequence" = (SELECT audit_sequence FROM audit_seals WHERE seal_sequence = ${first.seal_sequence});
       DELETE FROM audit_seals WHERE seal_sequence = ${first.seal_sequence}; COMMIT;`,
    );
    const broken = await verify();
    expect(broken.ok).toBe(false);
    expect(broken.problems.join("\n")).toContain(
      `seals ${first.seal_sequence} to ${first.seal_sequence} are missing`,
    );

    // An anchor for it, without the audit key, is no better.
    await sql(
      `INSERT INTO audit_chain_anchors (pruned_through_seal, anchor_hash, rows, mac)
       SELECT ${first.seal_sequence}, prev_hash, 1, repeat('0', 64) FROM audit_seals
        WHERE seal_sequence = ${first.seal_sequence} + 1`,
    );
    const forged = await verify();
    expect(forged.ok).toBe(false);
    expect(forged.problems.join("\n")).toMatch(/anchor at seal \d+ was not made by Haven/);
  });
});
