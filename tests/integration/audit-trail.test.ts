// The audit trail against a real PostgreSQL: append-only for every role,
// written without a global lock, sealed after commit into a keyed chain, and
// every tampering a database superuser can do detected by `npm run audit:verify`.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appendCheckpoint } from "@/lib/audit/checkpoints";
import { sealPendingAuditRows, startAuditSealer } from "@/lib/audit/sealer";
import { verifyAuditTrail } from "@/lib/audit/verify";
import { type AuditEvent, appendAuditEvents } from "@/lib/audit/writer";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { createBaseClient, recordAuditEvent } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { RequestContext } from "@/lib/request-context";
import { asUser, uniqueEmail } from "../support/actors";
import { runSql } from "../support/database";
import {
  type ScratchLayer,
  auditKeySecrets,
  auditKeys,
  createScratchLayer,
  newKey,
} from "../support/scratch-layer";

const databaseUrl = process.env.DATABASE_URL!;
const context: RequestContext = {
  actor: { kind: "user", userId: randomUUID(), role: "ADMIN" },
  requestId: "req-audit-test",
  ip: "203.0.113.9",
  userAgent: "haven-tests",
};
const event = (i: number): AuditEvent => ({
  action: "test.event",
  resourceType: "Test",
  resourceId: `r${i}`,
  details: { n: i, fields: ["a", "b"] },
});

/** Runs SQL as a superuser with every trigger (the append-only guards included) switched off. */
const asSuperuser = (url: string, sql: string) =>
  runSql(url, `BEGIN; SET LOCAL session_replication_role = replica; ${sql}; COMMIT;`);

/** What someone without the audit key can do after tampering: recompute the chain with plain SHA-256. */
async function rechainWithoutTheKey(url: string): Promise<void> {
  const seals = await runSql<{ seal_sequence: string; audit_sequence: string; verdict: string }>(
    url,
    "SELECT seal_sequence::text, audit_sequence::text, verdict FROM audit_seals ORDER BY seal_sequence",
  );
  let prev = "0".repeat(64);
  const updates = seals.map((seal) => {
    const hash = createHash("sha256")
      .update(`${prev}|${seal.seal_sequence}|${seal.audit_sequence}|${seal.verdict}`)
      .digest("hex");
    const sql = `UPDATE audit_seals SET prev_hash = '${prev}', hash = '${hash}' WHERE seal_sequence = ${seal.seal_sequence}`;
    prev = hash;
    return sql;
  });
  if (updates.length) await asSuperuser(url, updates.join("; "));
}

/** Moves seals at or after `from` by `delta` positions (as an attacker inserting or removing one would). */
async function shiftSeals(url: string, from: number, delta: number): Promise<void> {
  await asSuperuser(
    url,
    `UPDATE audit_seals SET seal_sequence = -seal_sequence WHERE seal_sequence >= ${from};
     UPDATE audit_seals SET seal_sequence = -seal_sequence + (${delta}) WHERE seal_sequence < 0`,
  );
}

describe("the audit table is append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE on the log and its seals, even for their owner", async () => {
    await asUser("ADMIN", () => recordAuditEvent({ action: "test.event", resourceType: "Test" }));
    const shared = createBaseClient({ url: databaseUrl, poolSize: 1, connectTimeoutMs: 5_000 });
    try {
      await sealPendingAuditRows(shared, phiCryptoConfigFromEnv().audit);
    } finally {
      await shared.$disconnect();
    }
    for (const table of ["audit_log", "audit_seals"]) {
      for (const sql of [`UPDATE ${table} SET hash = 'edited'`, `DELETE FROM ${table}`]) {
        await expect(runSql(databaseUrl, sql), sql).rejects.toThrow(new RegExp(`${table} is append-only`));
      }
      // The seals' foreign key refuses truncating the log even before its trigger does.
      await expect(runSql(databaseUrl, `TRUNCATE ${table}`)).rejects.toThrow(
        new RegExp(`${table} is append-only|cannot truncate a table referenced in a foreign key`),
      );
    }
  });

  it("leaves an application role that does not own it no way around the triggers", async () => {
    const role = `haven_app_${randomBytes(3).toString("hex")}`;
    await runSql(databaseUrl, `CREATE ROLE ${role} LOGIN`);
    const database = new URL(databaseUrl).pathname.slice(1);
    await runSql(databaseUrl, `GRANT CONNECT ON DATABASE ${database} TO ${role}`);
    await runSql(databaseUrl, `GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON audit_log TO ${role}`);
    const asApp = new URL(databaseUrl);
    asApp.username = role;
    try {
      for (const sql of ["UPDATE audit_log SET action = 'edited'", "DELETE FROM audit_log"]) {
        await expect(runSql(asApp.toString(), sql), sql).rejects.toThrow(/append-only/);
      }
      await expect(runSql(asApp.toString(), "TRUNCATE audit_log")).rejects.toThrow(
        /append-only|cannot truncate a table referenced in a foreign key/,
      );
      await expect(runSql(asApp.toString(), "ALTER TABLE audit_log DISABLE TRIGGER ALL")).rejects.toThrow(
        /must be owner/,
      );
      await expect(runSql(asApp.toString(), "SET session_replication_role = replica")).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await runSql(databaseUrl, `REVOKE ALL ON audit_log FROM ${role}`);
      await runSql(databaseUrl, `REVOKE ALL ON DATABASE ${database} FROM ${role}`);
      await runSql(databaseUrl, `DROP ROLE ${role}`);
    }
  });
});

describe("the sealed, keyed chain", () => {
  let layer: ScratchLayer;
  let checkpoints: { directory: string };
  afterEach(() => layer?.close());

  async function freshTrail(rows = 12) {
    layer = await createScratchLayer("audit");
    checkpoints = { directory: mkdtempSync(path.join(tmpdir(), "haven-checkpoints-")) };
    await write(layer.base, rows);
    const report = await sealPendingAuditRows(layer.base, auditKeys);
    expect(report.sealed).toBe(rows);
    await appendCheckpoint(checkpoints, auditKeys, report.head!);
    expect((await verify()).ok).toBe(true);
  }
  async function write(base: PrismaClient, rows: number, offset = 0) {
    for (let i = 0; i < rows; i += 1) {
      await base.$transaction((tx) => appendAuditEvents(tx, auditKeys, [event(offset + i)], context));
    }
  }
  const verify = (sealBoundMs = 60_000) =>
    verifyAuditTrail(layer.base, auditKeys, { checkpoints, sealBoundMs, batchSize: 5 });

  it("seals every committed row once, in one linear chain, with two writers and two sealers at once", async () => {
    layer = await createScratchLayer("audit");
    checkpoints = { directory: mkdtempSync(path.join(tmpdir(), "haven-checkpoints-")) };
    const [first, second] = [layer.clientWith(`a:${newKey()}`), layer.clientWith(`a:${newKey()}`)];
    const sealers = [layer.base, layer.base].map((base) =>
      startAuditSealer(base, auditKeys, { intervalMs: 20, checkpointEveryMs: 0, checkpoints }),
    );
    try {
      await Promise.all(
        [first, second].flatMap((db, writer) =>
          Array.from({ length: 15 }, (_, i) =>
            asUser("ADMIN", () =>
              db.user.create({
                data: {
                  email: uniqueEmail(`w${writer}-${i}`),
                  role: "PATIENT",
                  patientProfile: { create: { fullName: `W ${i}` } },
                },
                select: { id: true },
              }),
            ),
          ),
        ),
      );
    } finally {
      await Promise.all(sealers.map((sealer) => sealer.stop()));
    }
    await sealPendingAuditRows(layer.base, auditKeys);
    const [counts] = await runSql<{ rows: string; seals: string; last: string }>(
      layer.database.url,
      "SELECT (SELECT count(*) FROM audit_log) AS rows, (SELECT count(*) FROM audit_seals) AS seals, (SELECT max(seal_sequence) FROM audit_seals) AS last",
    );
    expect(Number(counts!.rows)).toBe(60);
    expect(counts).toEqual({ rows: "60", seals: "60", last: "60" });
    const result = await verify();
    expect(result).toMatchObject({ ok: true, sealed: 60, unsealed: 0, overdue: 0 });
  }, 120_000);

  it("seals a transaction that commits after a later one in a later round, never skipping it", async () => {
    layer = await createScratchLayer("audit");
    checkpoints = { directory: mkdtempSync(path.join(tmpdir(), "haven-checkpoints-")) };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedEarly = new Promise<void>((resolve) => (inserted = resolve));
    const early = layer.base.$transaction(
      async (tx) => {
        await appendAuditEvents(tx, auditKeys, [event(1)], context);
        inserted();
        await held;
      },
      { timeout: 30_000 },
    );
    await insertedEarly;
    await write(layer.base, 3, 10); // later transactions, committed first
    const firstRound = await sealPendingAuditRows(layer.base, auditKeys);
    expect(firstRound.sealed).toBe(3);
    release();
    await early;
    const secondRound = await sealPendingAuditRows(layer.base, auditKeys);
    expect(secondRound.sealed).toBe(1);
    const [late] = await runSql<{ seal_sequence: string; sequence: string }>(
      layer.database.url,
      "SELECT s.seal_sequence::text, a.sequence::text FROM audit_seals s JOIN audit_log a ON a.sequence = s.audit_sequence WHERE a.resource_id = 'r1'",
    );
    expect(late).toEqual({ seal_sequence: "4", sequence: "1" });
    expect(await verify()).toMatchObject({ ok: true, sealed: 4, unsealed: 0 });
  });

  it("seals a new row within the stated bound while the sealer runs", async () => {
    layer = await createScratchLayer("audit");
    checkpoints = { directory: mkdtempSync(path.join(tmpdir(), "haven-checkpoints-")) };
    const sealer = startAuditSealer(layer.base, auditKeys, {
      intervalMs: 250,
      checkpointEveryMs: 0,
      checkpoints,
    });
    try {
      await write(layer.base, 1);
      const deadline = Date.now() + 2_000;
      let sealed = 0;
      while (sealed === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        [{ sealed }] = (await runSql<{ sealed: number }>(
          layer.database.url,
          "SELECT count(*)::int AS sealed FROM audit_seals",
        )) as [{ sealed: number }];
      }
      expect(sealed).toBe(1);
    } finally {
      await sealer.stop();
    }
  });

  it("detects a row edited and every later seal recomputed", async () => {
    await freshTrail();
    await asSuperuser(layer.database.url, "UPDATE audit_log SET resource_id = 'edited' WHERE sequence = 5");
    await rechainWithoutTheKey(layer.database.url);
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.brokenAt).toBe(1n);
    expect(result.problems.join("\n")).toMatch(/audit row 5 \(seal 5\) was changed after it was written/);
  });

  it("detects a row backdated and the chain recomputed", async () => {
    await freshTrail();
    await asSuperuser(
      layer.database.url,
      "UPDATE audit_log SET occurred_at = occurred_at - interval '30 days' WHERE sequence = 7",
    );
    await rechainWithoutTheKey(layer.database.url);
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems.join("\n")).toMatch(/audit row 7 \(seal 7\) was changed after it was written/);
  });

  it("detects a forged row inserted in the middle and the chain recomputed", async () => {
    await freshTrail();
    await asSuperuser(
      layer.database.url,
      `INSERT INTO audit_log (sequence, actor_role, action, resource_type, outcome)
       VALUES (500, 'ADMIN', 'phi.read', 'PatientProfile', 'SUCCESS')`,
    );
    await shiftSeals(layer.database.url, 6, 1);
    await asSuperuser(
      layer.database.url,
      `INSERT INTO audit_seals (seal_sequence, audit_sequence, verdict, prev_hash, hash)
       VALUES (6, 500, 'ok', repeat('0', 64), repeat('0', 64))`,
    );
    await rechainWithoutTheKey(layer.database.url);
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems.join("\n")).toMatch(/audit row 500 \(seal 6\) was changed after it was written/);
  });

  it("flags a row inserted with a plain INSERT, and seals it as forged rather than trusting it", async () => {
    await freshTrail();
    await runSql(
      layer.database.url,
      `INSERT INTO audit_log (actor_role, action, resource_type, outcome) VALUES ('SYSTEM', 'auth.sign-in', 'User', 'SUCCESS')`,
    );
    const report = await sealPendingAuditRows(layer.base, auditKeys);
    expect(report).toMatchObject({ sealed: 1, suspicious: 1 });
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems.join("\n")).toMatch(/audit row 13 \(seal 13\) was not written by Haven: forged/);
  });

  it("detects a middle row deleted and the chain recomputed", async () => {
    await freshTrail();
    await asSuperuser(
      layer.database.url,
      "DELETE FROM audit_seals WHERE audit_sequence = 4; DELETE FROM audit_log WHERE sequence = 4",
    );
    await shiftSeals(layer.database.url, 5, -1);
    await rechainWithoutTheKey(layer.database.url);
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems.join("\n")).toMatch(/seal 4 \(audit row 5\) does not match/);
  });

  it("detects the newest rows deleted, against the signed checkpoint, and names the gap", async () => {
    await freshTrail();
    await asSuperuser(
      layer.database.url,
      "DELETE FROM audit_seals WHERE seal_sequence > 9; DELETE FROM audit_log WHERE sequence > 9",
    );
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems.join("\n")).toMatch(/recorded seal 12, the chain ends at 9 \(3 missing\)/);
  });

  it("detects the whole log emptied", async () => {
    await freshTrail();
    await asSuperuser(layer.database.url, "DELETE FROM audit_seals; DELETE FROM audit_log");
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems.join("\n")).toMatch(/recorded seal 12, the chain ends at 0 \(12 missing\)/);
  });

  it("detects a checkpoint line altered or forged without the signing key", async () => {
    await freshTrail();
    const { appendFile } = await import("node:fs/promises");
    await appendFile(
      path.join(checkpoints.directory, "audit-checkpoints.jsonl"),
      `${JSON.stringify({ v: 1, sealSequence: "3", hash: "0".repeat(64), at: new Date().toISOString(), signature: "AAAA" })}\n`,
    );
    const result = await verify();
    expect(result.problems).toContain("1 checkpoint lines are not validly signed");
  });

  it("reports rows left unsealed longer than the bound as an alarm", async () => {
    await freshTrail();
    await write(layer.base, 2, 100);
    const result = await verify(0);
    expect(result).toMatchObject({ ok: false, unsealed: 2, overdue: 2 });
    expect(result.problems.join("\n")).toMatch(/ALARM: 2 audit rows have waited more than 0 s/);
  });

  it("says so in `npm run audit:verify`, with exit status 1", async () => {
    await freshTrail();
    await asSuperuser(layer.database.url, "UPDATE audit_log SET action = 'edited' WHERE sequence = 2");
    const cli = spawnSync(
      "npx",
      ["--no-install", "tsx", "--conditions=react-server", "scripts/audit-verify.ts"],
      {
        encoding: "utf8",
        env: {
          ...process.env,
          DATABASE_URL: layer.database.url,
          AUDIT_MAC_KEY: auditKeySecrets.mac,
          AUDIT_CHECKPOINT_KEY: auditKeySecrets.checkpoint,
          AUDIT_CHECKPOINT_DIR: checkpoints.directory,
        },
      },
    );
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/audit trail BROKEN at seal 2/);
    expect(cli.stderr).toMatch(/audit row 2 \(seal 2\) was changed after it was written/);
    // A tsx start beside the production build and the other test workers took over 30 s in CI.
  }, 120_000);
});
