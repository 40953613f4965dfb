import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Db } from "@/lib/db/client";
import { asUser, uniqueEmail } from "../support/actors";
import { runSql } from "../support/database";
import { type ScratchLayer, createScratchLayer, newKey } from "../support/scratch-layer";

const databaseUrl = process.env.DATABASE_URL!;

describe("the audit table is append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE even for its owner", async () => {
    await asUser("ADMIN", async () => {
      const { recordAuditEvent } = await import("@/lib/db/client");
      await recordAuditEvent({ action: "test.event", resourceType: "Test" });
    });
    for (const sql of [
      "UPDATE audit_log SET action = 'edited'",
      "DELETE FROM audit_log",
      "TRUNCATE audit_log",
    ]) {
      await expect(runSql(databaseUrl, sql), sql).rejects.toThrow(/audit_log is append-only/);
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
      for (const sql of [
        "UPDATE audit_log SET action = 'edited'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
      ]) {
        await expect(runSql(asApp.toString(), sql), sql).rejects.toThrow(/append-only/);
      }
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

describe("the hash chain", () => {
  let layer: ScratchLayer;
  let db: Db;

  beforeAll(async () => {
    layer = await createScratchLayer("audit");
    db = layer.clientWith(`a:${newKey()}`);
  });
  afterAll(() => layer?.close());

  it("stays one unbroken chain with 20 concurrent writers", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        asUser("ADMIN", () =>
          db.user.create({
            data: {
              email: uniqueEmail(`writer${i}`),
              role: "PATIENT",
              patientProfile: { create: { fullName: `W ${i}` } },
            },
          }),
        ),
      ),
    );
    const rows = await layer.base.auditLog.findMany({ orderBy: { sequence: "asc" } });
    expect(rows).toHaveLength(40);
    expect(rows.map((r) => Number(r.sequence))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(40);
    expect(await verifyAuditChain(layer.base)).toEqual({ ok: true, count: 40 });
  });

  it("numbers, stamps and hashes rows in the database, whatever a writer supplies", async () => {
    await runSql(
      layer.database.url,
      `INSERT INTO audit_log (sequence, occurred_at, actor_role, action, resource_type, outcome, prev_hash, hash)
       VALUES (999, '2000-01-01', 'SYSTEM', 'forged', 'Test', 'SUCCESS', repeat('a', 64), repeat('b', 64))`,
    );
    const [last] = await layer.base.auditLog.findMany({ orderBy: { sequence: "desc" }, take: 1 });
    expect(last).toMatchObject({ sequence: 41n, action: "forged" });
    expect(last!.hash).not.toBe("b".repeat(64));
    expect(last!.occurredAt.getFullYear()).toBeGreaterThan(2000);
    expect(await verifyAuditChain(layer.base)).toEqual({ ok: true, count: 41 });
  });

  it("names the row a superuser edited behind the triggers' back, in code and in `npm run audit:verify`", async () => {
    await runSql(
      layer.database.url,
      `BEGIN;
       SET LOCAL session_replication_role = replica;
       UPDATE audit_log SET resource_id = 'forged' WHERE sequence = 7;
       COMMIT;`,
    );
    const result = await verifyAuditChain(layer.base, 5);
    expect(result).toMatchObject({ ok: false, brokenAt: 7n, count: 6 });

    const cli = spawnSync(
      "npx",
      ["--no-install", "tsx", "--conditions=react-server", "scripts/audit-verify.ts"],
      {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: layer.database.url },
      },
    );
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/audit chain BROKEN at sequence 7/);
  });

  it("detects a row deleted from the middle", async () => {
    await runSql(
      layer.database.url,
      `BEGIN; SET LOCAL session_replication_role = replica; DELETE FROM audit_log WHERE sequence = 3; COMMIT;`,
    );
    expect(await verifyAuditChain(layer.base)).toEqual({
      ok: false,
      count: 2,
      brokenAt: 3n,
      reason: "row 3 is missing",
    });
  });
});
