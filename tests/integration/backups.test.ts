// Backups against a real PostgreSQL: a database with a patient whose PHI carries a canary and an
// encrypted document is backed up (pg_dump → gzip → segmented AES-256-GCM under the backup key),
// restored into an empty database and checked: row counts, the audit chain against the checkpoint
// signed at backup time, PHI decrypting through the data layer, documents byte for byte, a patient
// erased after the backup erased again by the ledger; nothing in the backup shows the canary, the
// field keys do not open it, a non-empty database is refused. The drill passes on a good backup and
// fails loudly (FAILED row, audit event, exit 1) on a flipped byte, a truncated dump, an edited manifest.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sealPendingAuditRows } from "@/lib/audit/sealer";
import { encryptFile, generateFileKey } from "@/lib/crypto/file-cipher";
import { parseKeyRing } from "@/lib/crypto/keyring";
import { disconnectDb, getDb, sealerConnection } from "@/lib/db/client";
import { backupConfigFromEnv, backupKeyFromEnv, retentionPolicyFromEnv } from "@/lib/domain/backups/config";
import {
  type BackupManifest,
  DUMP_FILE,
  MANIFEST_FILE,
  backupKeyFrom,
  signManifest,
} from "@/lib/domain/backups/manifest";
import { localBackups } from "@/lib/domain/backups/repository";
import { RestoreError, restoreBackup, verifyBackup } from "@/lib/domain/backups/restore-backup";
import { runBackup } from "@/lib/domain/backups/run-backup";
import { runDrill } from "@/lib/domain/backups/run-drill";
import { createDecryptStream } from "@/lib/domain/backups/segmented-aead";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { applyErasureLedger, carryOutErasure, requestErasure } from "@/lib/domain/patient-rights/erasure";
import { getEnv, resetEnvCache } from "@/lib/env";
import { documentStore } from "@/lib/integrations/storage";
import { localStore } from "@/lib/integrations/storage/local";
import { stopQueue } from "@/lib/jobs/queue";
import { runAsSystem } from "@/lib/request-context";
import { applyMigrations } from "@/scripts/lib/schema-engine";
import { TEST_PASSWORD } from "../support/accounts";
import { asActor } from "../support/actors";
import { type Person, careVisit, person } from "../support/care";
import { type ScratchDatabase, createScratchDatabase, runSql } from "../support/database";

vi.mock("next/headers", () => ({ headers: () => Promise.resolve(new Headers()) }));

const sharedUrl = process.env.DATABASE_URL!;
const CANARY = `BackupCanary${randomBytes(6).toString("hex")}`;
const work = mkdtempSync(path.join(tmpdir(), "haven-backups-test-"));
const dirs = {
  backups: path.join(work, "backups"),
  documents: path.join(work, "documents"),
  restoredDocuments: path.join(work, "restored-documents"),
  corrupt: path.join(work, "corrupt"),
};
let scratch: ScratchDatabase | undefined;
const restoredDatabases: ScratchDatabase[] = [];

async function useDatabase(url: string) {
  await stopQueue();
  await disconnectDb();
  process.env.DATABASE_URL = url;
  resetEnvCache();
}

interface Seeded {
  patient: Person;
  erasedLater: Person;
  admin: Person;
  storageKey: string;
  object: Buffer;
  /** The data key the erased patient had when the backup was taken. */
  oldKeyId: string;
}
let seeded: Seeded;
let backup: Awaited<ReturnType<typeof runBackup>>;

beforeAll(async () => {
  scratch = await createScratchDatabase(sharedUrl, "backups");
  await applyMigrations(scratch.url);
  process.env.BACKUP_ENCRYPTION_KEY = randomBytes(32).toString("hex");
  process.env.BACKUP_DIR = dirs.backups;
  process.env.DOCUMENTS_DIR = dirs.documents;
  await useDatabase(scratch.url);

  const patient = await person("PATIENT", `${CANARY} Patient`);
  const erasedLater = await person("PATIENT", `${CANARY} Erased Later`);
  const doctor = await person("DOCTOR");
  const admin = await person("ADMIN");
  await careVisit(doctor.id, patient.id);
  await careVisit(doctor.id, erasedLater.id);
  const documentId = randomBytes(16)
    .toString("hex")
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  const storageKey = `backup-test-${randomBytes(8).toString("hex")}`;
  const object = encryptFile(generateFileKey(), documentId, Buffer.from(`%PDF-1.4 ${CANARY} lab report`));
  await documentStore().put(storageKey, object);
  await runAsSystem("test", async () => {
    const db = getDb();
    for (const who of [patient, erasedLater]) {
      await db.patientProfile.update({
        where: { userId: who.id },
        data: { medicalHistory: `${CANARY} asthma since childhood`, allergies: `${CANARY} penicillin` },
      });
    }
    await db.document.create({
      data: {
        id: documentId,
        patientId: patient.id,
        uploadedById: patient.id,
        fileName: `${CANARY}-report.pdf`,
        contentType: "application/pdf",
        sizeBytes: object.length,
        storageKey,
        fileKey: randomBytes(32).toString("base64"),
        scanStatus: "CLEAN",
      },
    });
  });
  // The sealer's work (it runs in every server): the backup then has a head to checkpoint.
  const { base, auditKeys } = sealerConnection();
  await sealPendingAuditRows(base, auditKeys);
  const [oldKey] = await runSql<{ id: string }>(
    scratch.url,
    "SELECT id::text FROM data_keys WHERE owner_id = $1",
    [erasedLater.id],
  );
  seeded = { patient, erasedLater, admin, storageKey, object, oldKeyId: oldKey!.id };

  backup = await runBackup(backupConfigFromEnv(), retentionPolicyFromEnv());

  // Erased after the backup: the ledger (outside the database and its backups) remembers.
  const asked = await asActor(erasedLater.actor, () =>
    requestErasure(erasedLater.actor, { password: TEST_PASSWORD }),
  );
  await asActor(admin.actor, () => carryOutErasure(admin.actor, asked.requestId));
}, 240_000);

afterAll(async () => {
  await useDatabase(sharedUrl);
  for (const database of restoredDatabases) await database.drop();
  await scratch?.drop();
  rmSync(work, { recursive: true, force: true });
  delete process.env.BACKUP_ENCRYPTION_KEY;
  delete process.env.BACKUP_DIR;
  resetEnvCache();
});

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

async function decryptWith(key: ReturnType<typeof backupKeyFrom>, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    Readable.from([readFileSync(file)]),
    createDecryptStream(key),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(chunks);
}

describe("backup and restore", () => {
  it("writes an authenticated manifest, and no file of the backup shows the canary", () => {
    const { manifest } = backup;
    expect(manifest.schemaVersion).toMatch(/^\d{14}_backup_drills$|^\d{14}_\w+$/);
    expect(manifest.rowCounts.users).toBeGreaterThanOrEqual(4);
    expect(manifest.auditCheckpoint?.sealSequence).toMatch(/^\d+$/);
    expect(manifest.documents.map((d) => d.storageKey)).toEqual([seeded.storageKey]);
    expect(manifest.keyId).toBe(backupKeyFromEnv().keyId.toString("hex"));
    const files = filesUnder(backup.directory);
    expect(files.map((file) => path.relative(backup.directory, file)).sort()).toEqual(
      [MANIFEST_FILE, DUMP_FILE, "audit-checkpoints.jsonl.enc", `documents/${seeded.storageKey}.enc`].sort(),
    );
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(CANARY)), path.basename(file)).toBe(false);
      expect(bytes.includes(Buffer.from(process.env.BACKUP_ENCRYPTION_KEY!))).toBe(false);
    }
  });

  it("does not open with the field keys", async () => {
    const fieldKeys = [...parseKeyRing(getEnv().PHI_ENCRYPTION_KEYS).keys.values()];
    for (const key of fieldKeys) {
      await expect(decryptWith(backupKeyFrom(key), path.join(backup.directory, DUMP_FILE))).rejects.toThrow(
        /another backup key/,
      );
      // Even with the header's key id forged, the segments do not authenticate.
      await expect(
        decryptWith({ key, keyId: backupKeyFromEnv().keyId }, path.join(backup.directory, DUMP_FILE)),
      ).rejects.toThrow(/authentication/);
    }
  });

  it("restores into an empty database: counts, audit chain, PHI, documents, erasure ledger", async () => {
    const restored = await createScratchDatabase(sharedUrl, "backups_restored");
    restoredDatabases.push(restored);
    const liveUrl = getEnv().DATABASE_URL;
    await useDatabase(restored.url);
    try {
      const summary = await restoreBackup({
        directory: backup.directory,
        databaseUrl: restored.url,
        key: backupKeyFromEnv(),
        crypto: phiCryptoConfigFromEnv(),
        sealBoundMs: 2_000,
        documents: localStore(dirs.restoredDocuments),
        applyErasureLedger,
      });
      expect(summary.problems).toEqual([]);
      expect(summary.ok).toBe(true);
      expect(summary.tables).toBe(Object.keys(backup.manifest.rowCounts).length);
      expect(summary.rowsChecked).toBe(Object.values(backup.manifest.rowCounts).reduce((a, b) => a + b, 0));
      expect(summary.auditSealsVerified).toBeGreaterThanOrEqual(
        Number(backup.manifest.auditCheckpoint!.sealSequence),
      );
      expect(summary.phiFieldsDecrypted).toBeGreaterThan(0);
      expect(summary.erasuresReapplied).toBeGreaterThanOrEqual(1);

      // The restored database's own trail records the restore, sealed into its chain.
      const restoreEvents = await runSql<{
        outcome: string;
        sealed: boolean;
        details: Record<string, unknown>;
      }>(
        restored.url,
        `SELECT a.outcome::text AS outcome, a.details,
                EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_sequence = a.sequence) AS sealed
           FROM audit_log a WHERE a.action = 'backup.restored' AND a.resource_id = $1`,
        [backup.id],
      );
      expect(restoreEvents.map(({ outcome, sealed }) => ({ outcome, sealed }))).toEqual([
        { outcome: "SUCCESS", sealed: true },
      ]);
      expect(restoreEvents[0]!.details).toMatchObject({
        system: "backup-restore",
        rowsChecked: summary.rowsChecked,
        problems: 0,
      });

      // Documents come back byte for byte.
      expect(readFileSync(path.join(dirs.restoredDocuments, seeded.storageKey)).equals(seeded.object)).toBe(
        true,
      );

      // The PHI of the patient still there decrypts through the data layer.
      const kept = await runAsSystem("test", () =>
        getDb().patientProfile.findUniqueOrThrow({
          where: { userId: seeded.patient.id },
          select: { fullName: true, medicalHistory: true },
        }),
      );
      expect(kept.fullName).toBe(`${CANARY} Patient`);
      expect(kept.medicalHistory).toContain(CANARY);

      // The patient erased after the backup is erased again: nothing of theirs reads back.
      const [user] = await runSql<{ status: string }>(
        restored.url,
        "SELECT status::text FROM users WHERE id = $1",
        [seeded.erasedLater.id],
      );
      expect(user!.status).toBe("ERASED");
      const erased = await runAsSystem("test", () =>
        getDb().patientProfile.findUnique({
          where: { userId: seeded.erasedLater.id },
          select: { fullName: true, medicalHistory: true, allergies: true },
        }),
      );
      expect(JSON.stringify(erased ?? {})).not.toContain(CANARY);
      // The key the backup brought back is destroyed again (retained records use a new one).
      const keys = await runSql(restored.url, "SELECT 1 FROM data_keys WHERE id = $1", [seeded.oldKeyId]);
      expect(keys).toHaveLength(0);

      // A second restore into the now non-empty database is refused before anything is written.
      const before = await runSql<{ n: string }>(restored.url, "SELECT count(*)::text AS n FROM audit_log");
      await expect(
        restoreBackup({
          directory: backup.directory,
          databaseUrl: restored.url,
          key: backupKeyFromEnv(),
          crypto: phiCryptoConfigFromEnv(),
          sealBoundMs: 2_000,
          documents: localStore(dirs.restoredDocuments),
          applyErasureLedger,
        }),
      ).rejects.toThrow(/REFUSED: the target database is not empty/);
      const after = await runSql<{ n: string }>(restored.url, "SELECT count(*)::text AS n FROM audit_log");
      expect(after[0]!.n).toBe(before[0]!.n);
    } finally {
      await useDatabase(liveUrl);
    }
  }, 240_000);
});

function corruptCopy(name: string, change: (directory: string) => void): string {
  const directory = path.join(dirs.corrupt, name, backup.id);
  cpSync(backup.directory, directory, { recursive: true });
  change(directory);
  return directory;
}

const drillRows = (outcome: string) =>
  runSql<{ backup_id: string; failure_reason: string | null; tables_checked: number; duration_ms: number }>(
    scratch!.url,
    'SELECT backup_id, failure_reason, tables_checked, duration_ms FROM backup_drills WHERE outcome = $1::"BackupDrillOutcome" ORDER BY started_at',
    [outcome],
  );

describe("restore drill", () => {
  it("passes on a good backup and records PASSED", async () => {
    const result = await runDrill({
      databaseUrl: scratch!.url,
      backupDir: dirs.backups,
      repository: localBackups(dirs.backups),
      key: backupKeyFromEnv(),
      timeoutMs: 150_000,
    });
    expect(result.failureReason).toBeNull();
    expect(result.passed).toBe(true);
    expect(result.backupId).toBe(backup.id);
    expect(result.tablesChecked).toBe(Object.keys(backup.manifest.rowCounts).length);
    const [row] = await drillRows("PASSED");
    expect(row).toMatchObject({ backup_id: backup.id, failure_reason: null });
    expect(row!.duration_ms).toBeGreaterThan(0);
    // The scratch database is gone (another file's drill may still be running beside this one: wait for it).
    const deadline = Date.now() + 60_000;
    let left = await runSql(scratch!.url, "SELECT 1 FROM pg_database WHERE datname LIKE 'haven_drill_%'");
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await runSql(scratch!.url, "SELECT 1 FROM pg_database WHERE datname LIKE 'haven_drill_%'");
    }
    expect(left).toHaveLength(0);
  }, 200_000);

  it("fails loudly on a flipped byte, a truncated dump and an edited manifest", async () => {
    const flipped = corruptCopy("flipped", (directory) => {
      const file = path.join(directory, DUMP_FILE);
      const bytes = readFileSync(file);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = (bytes[at] ?? 0) ^ 0x40;
      writeFileSync(file, bytes);
    });
    const truncated = corruptCopy("truncated", (directory) => {
      const file = path.join(directory, DUMP_FILE);
      truncateSync(file, statSync(file).size - 100);
    });
    const edited = corruptCopy("edited", (directory) => {
      const file = path.join(directory, MANIFEST_FILE);
      const manifest = JSON.parse(readFileSync(file, "utf8")) as { rowCounts: Record<string, number> };
      manifest.rowCounts.users = (manifest.rowCounts.users ?? 0) + 1;
      writeFileSync(file, JSON.stringify(manifest));
    });
    const cases = [
      [flipped, /does not match its checksum/],
      [truncated, /truncated or changed/],
      [edited, /MAC does not verify/],
    ] as const;
    for (const [directory, reason] of cases) {
      await expect(verifyBackup(directory, backupKeyFromEnv())).rejects.toBeInstanceOf(Error);
      const result = await runDrill({
        databaseUrl: scratch!.url,
        backupDir: dirs.backups,
        repository: localBackups(dirs.backups),
        key: backupKeyFromEnv(),
        directory,
      });
      expect(result.passed).toBe(false);
      expect(result.failureReason).toMatch(reason);
    }
    const failed = await drillRows("FAILED");
    expect(failed.map((row) => row.failure_reason)).toEqual([
      expect.stringMatching(/checksum/),
      expect.stringMatching(/truncated/),
      expect.stringMatching(/MAC/),
    ]);
    for (const row of failed) expect(row.failure_reason).not.toContain(CANARY);
    const events = await runSql<{ n: string }>(
      scratch!.url,
      "SELECT count(*)::text AS n FROM audit_log WHERE action = 'backup.drill.failed'",
    );
    expect(Number(events[0]!.n)).toBe(3);
    await expect(
      restoreBackup({
        directory: truncated,
        databaseUrl: scratch!.url,
        key: backupKeyFromEnv(),
        crypto: phiCryptoConfigFromEnv(),
        sealBoundMs: 2_000,
        documents: localStore(dirs.restoredDocuments),
        applyErasureLedger,
      }),
    ).rejects.toBeInstanceOf(RestoreError);
  }, 120_000);

  it("a dump changed under a re-signed manifest fails while streaming, and psql commits nothing", async () => {
    // Someone holding the backup key could re-sign checksums: the segments' tags still catch it,
    // and psql is killed before its single transaction can commit.
    const resigned = corruptCopy("resigned", (directory) => {
      const file = path.join(directory, DUMP_FILE);
      const bytes = readFileSync(file);
      const at = bytes.length - 40;
      bytes[at] = (bytes[at] ?? 0) ^ 0x10;
      writeFileSync(file, bytes);
      const manifest = JSON.parse(
        readFileSync(path.join(directory, MANIFEST_FILE), "utf8"),
      ) as BackupManifest;
      const files = manifest.files.map((entry) =>
        entry.path === DUMP_FILE
          ? { ...entry, sha256: createHash("sha256").update(bytes).digest("hex") }
          : entry,
      );
      const { mac: _mac, ...unsigned } = manifest as BackupManifest & { mac?: string };
      void _mac;
      writeFileSync(
        path.join(directory, MANIFEST_FILE),
        signManifest(backupKeyFromEnv(), { ...unsigned, files }),
      );
    });
    const target = await createScratchDatabase(sharedUrl, "backups_resigned");
    restoredDatabases.push(target);
    await expect(
      restoreBackup({
        directory: resigned,
        databaseUrl: target.url,
        key: backupKeyFromEnv(),
        crypto: phiCryptoConfigFromEnv(),
        sealBoundMs: 2_000,
        documents: localStore(dirs.restoredDocuments),
        applyErasureLedger,
      }),
    ).rejects.toThrow(/authentication failed/);
    const tables = await runSql(target.url, "SELECT 1 FROM pg_tables WHERE schemaname = 'public'");
    expect(tables).toHaveLength(0);
  }, 120_000);

  it("npm run backup:drill exits 1 and records FAILED for a corrupted backup", () => {
    const flipped = corruptCopy("cli", (directory) => {
      const file = path.join(directory, DUMP_FILE);
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
      writeFileSync(file, bytes);
    });
    const cli = spawnSync("npx", ["tsx", "--conditions=react-server", "scripts/backup-drill.ts", flipped], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: scratch!.url },
      timeout: 120_000,
    });
    expect(cli.stderr).toMatch(/restore drill FAILED: .*does not match its checksum/);
    expect(cli.status).toBe(1);
  }, 130_000);

  it("records the CLI's failure too", async () => {
    expect(await drillRows("FAILED")).toHaveLength(4);
  });
});
