// `npm run restore` and the drill: a backup back into an EMPTY database. Nothing in the backup is
// trusted before the manifest's MAC and every file's checksum verify; the dump then streams
// file → decrypt (per segment) → gunzip → psql in one transaction. Afterwards: row counts against
// the manifest (on the data as restored), the audit chain against the checkpoint signed when the
// backup was taken, the erasure ledger (patients erased since the backup are erased again), the
// chain once more, and a sample of PHI fields decrypted through the data layer.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import pg from "pg";
import { sealPendingAuditRows } from "@/lib/audit/sealer";
import { appendAuditEvents } from "@/lib/audit/writer";
import { verifyAuditTrail } from "@/lib/audit/verify";
import { createBaseClient, createDb } from "@/lib/db/client";
import type { PhiCryptoConfig } from "@/lib/db/phi-extension";
import type { ObjectStore } from "@/lib/integrations/storage/types";
import { currentContext, runAsSystem } from "@/lib/request-context";
import {
  BACKUP_ID_PATTERN,
  type BackupManifest,
  DUMP_FILE,
  MANIFEST_FILE,
  ManifestError,
  verifyManifest,
} from "./manifest";
import { firstErrorLine, spawnPostgresProgram, waitForExit } from "./postgres-tools";
import type { BackupRepository, OpenedBackup } from "./repository";
import { type BackupKey, createDecryptStream } from "./segmented-aead";

export class RestoreError extends Error {
  override name = "RestoreError";
}

/**
 * A backup id or "latest" (from where backups are kept: downloaded first from a bucket), or a path
 * to a backup's folder. close() removes what was downloaded.
 */
export async function resolveBackup(reference: string, repository: BackupRepository): Promise<OpenedBackup> {
  if (reference === "latest") {
    const [newest] = await repository.list(1);
    if (!newest) throw new RestoreError(`there is no backup in ${repository.location}`);
    return repository.open(newest.id);
  }
  if (BACKUP_ID_PATTERN.test(reference)) return repository.open(reference);
  return { directory: path.resolve(reference), close: () => Promise.resolve() };
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** The manifest's MAC, then every file's size and SHA-256; throws naming the first problem. */
export async function verifyBackup(directory: string, key: BackupKey): Promise<BackupManifest> {
  const text = await readFile(path.join(directory, MANIFEST_FILE), "utf8").catch(() => {
    throw new RestoreError(`no manifest in ${directory}: not a backup, or an unfinished one`);
  });
  const manifest = verifyManifest(key, text);
  for (const file of manifest.files) {
    const location = path.join(directory, file.path);
    const size = await stat(location).then(
      (info) => info.size,
      () => null,
    );
    if (size === null) throw new RestoreError(`${file.path} is missing from the backup`);
    if (size !== file.bytes) {
      throw new RestoreError(
        `${file.path} is ${size} bytes, the manifest says ${file.bytes}: truncated or changed`,
      );
    }
    if ((await sha256OfFile(location)) !== file.sha256) {
      throw new RestoreError(
        `${file.path} does not match its checksum in the manifest: the file was changed`,
      );
    }
  }
  return manifest;
}

/** Tables, views and sequences outside PostgreSQL's own schemas. */
export async function userRelationCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [row] = (
      await client.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
      )
    ).rows;
    return Number(row?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function restoreDump(directory: string, databaseUrl: string, key: BackupKey): Promise<void> {
  const psql = spawnPostgresProgram("psql", databaseUrl, ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"]);
  psql.stdout?.resume();
  const exit = waitForExit(psql);
  const stdin = psql.stdin as Writable;
  // The transaction is ours: BEGIN first, COMMIT only once the whole dump decrypted and decompressed
  // cleanly. If this process dies mid-restore (SIGTERM, the OOM killer), psql reads the end of its
  // input without a COMMIT and the server rolls everything back (psql's --single-transaction would
  // commit at the end of input). On an error psql is also killed at once.
  stdin.write("BEGIN;\n");
  const intoPsql = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (stdin.destroyed) return callback(new Error("psql stopped reading its input"));
      if (stdin.write(chunk)) return callback();
      const onDrain = () => {
        stdin.off("close", onClose);
        callback();
      };
      const onClose = () => {
        stdin.off("drain", onDrain);
        callback(new Error("psql stopped reading its input"));
      };
      stdin.once("drain", onDrain);
      stdin.once("close", onClose);
    },
    final(callback) {
      stdin.end("COMMIT;\n", callback);
    },
    destroy(error, callback) {
      if (error) psql.kill("SIGKILL");
      callback(error);
    },
  });
  stdin.on("error", () => psql.kill("SIGKILL"));
  try {
    await pipeline(
      createReadStream(path.join(directory, DUMP_FILE)),
      createDecryptStream(key, { expectedLabel: DUMP_FILE }),
      createGunzip(),
      intoPsql,
    );
  } catch (error) {
    psql.kill("SIGKILL");
    const ended = await exit.catch(() => null);
    const psqlError = ended?.stderr ? ` (psql: ${firstErrorLine(ended.stderr)})` : "";
    throw new RestoreError(
      `the database dump could not be restored: ${(error as Error).message}${psqlError}`,
    );
  }
  const { code, stderr } = await exit;
  if (code !== 0) throw new RestoreError(`psql failed (exit ${code}): ${firstErrorLine(stderr)}`);
}

async function restoreDocuments(
  directory: string,
  manifest: BackupManifest,
  key: BackupKey,
  store: ObjectStore,
): Promise<number> {
  let restored = 0;
  for (const document of manifest.documents) {
    const chunks: Buffer[] = [];
    await pipeline(
      createReadStream(path.join(directory, document.path)),
      createDecryptStream(key, { expectedLabel: `documents/${document.storageKey}` }),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk);
          callback();
        },
      }),
    );
    const object = Buffer.concat(chunks);
    if (createHash("sha256").update(object).digest("hex") !== document.objectSha256) {
      throw new RestoreError(`document ${document.storageKey} does not match its checksum`);
    }
    await store.put(document.storageKey, object);
    restored += 1;
  }
  return restored;
}

async function countRows(databaseUrl: string, tables: string[]): Promise<Record<string, number | null>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const present = new Set(
      (
        await client.query<{ tablename: string }>(
          `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
        )
      ).rows.map((row) => row.tablename),
    );
    const counts: Record<string, number | null> = {};
    for (const table of new Set([...tables, ...present])) {
      if (!present.has(table)) {
        counts[table] = null;
        continue;
      }
      const [row] = (
        await client.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM public."${table.replace(/"/g, '""')}"`,
        )
      ).rows;
      counts[table] = Number(row?.n ?? 0);
    }
    return counts;
  } finally {
    await client.end();
  }
}

export interface RestoreOptions {
  directory: string;
  /** The EMPTY database to restore into. */
  databaseUrl: string;
  key: BackupKey;
  crypto: PhiCryptoConfig;
  sealBoundMs: number;
  /** Where the documents go (the deployment's store; the drill's throw-away directory). */
  documents: ObjectStore;
  /** Applies the erasure ledger to the restored database (lib/domain/patient-rights). */
  applyErasureLedger(): Promise<{ reapplied: number; failed: number; invalid: number }>;
  /** Progress lines for the command's output (no PHI). */
  log?: (line: string) => void;
}

export interface RestoreSummary {
  backupId: string;
  ok: boolean;
  schemaVersion: string | null;
  tables: number;
  rowsChecked: number;
  documents: number;
  erasuresReapplied: number;
  auditSealsVerified: number;
  phiFieldsDecrypted: number;
  problems: string[];
  durationMs: number;
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  let manifest: BackupManifest;
  try {
    manifest = await verifyBackup(options.directory, options.key);
  } catch (error) {
    if (error instanceof ManifestError) throw new RestoreError(error.message);
    throw error;
  }
  log(`backup ${manifest.id}: manifest MAC and ${manifest.files.length} checksums verified`);

  const existing = await userRelationCount(options.databaseUrl);
  if (existing > 0) {
    throw new RestoreError(
      `REFUSED: the target database is not empty (${existing} tables, views or sequences). Restore only into a new, empty database`,
    );
  }

  await restoreDump(options.directory, options.databaseUrl, options.key);
  log("database dump restored");

  const summary: RestoreSummary = {
    backupId: manifest.id,
    ok: false,
    schemaVersion: manifest.schemaVersion,
    tables: Object.keys(manifest.rowCounts).length,
    rowsChecked: 0,
    documents: 0,
    erasuresReapplied: 0,
    auditSealsVerified: 0,
    phiFieldsDecrypted: 0,
    problems: [],
    durationMs: 0,
  };
  const problems = summary.problems;

  // Counted before anything below writes (the sealer, the ledger and the sample add audit rows).
  const counts = await countRows(options.databaseUrl, Object.keys(manifest.rowCounts));
  for (const [table, count] of Object.entries(counts)) {
    const expected = manifest.rowCounts[table];
    if (expected === undefined) problems.push(`table ${table} is not in the manifest`);
    else if (count === null) problems.push(`table ${table} is missing after the restore`);
    else if (count !== expected)
      problems.push(`table ${table} has ${count} rows, the manifest says ${expected}`);
    else summary.rowsChecked += count;
  }
  log(`row counts of ${summary.tables} tables checked (${summary.rowsChecked} rows)`);

  summary.documents = await restoreDocuments(options.directory, manifest, options.key, options.documents);
  log(`${summary.documents} documents restored`);

  const base = createBaseClient({ url: options.databaseUrl, poolSize: 2, connectTimeoutMs: 10_000 });
  const checkpointDir = await mkdtemp(path.join(tmpdir(), "haven-restore-checkpoint-"));
  try {
    if (manifest.auditCheckpoint) {
      await writeFile(
        path.join(checkpointDir, "audit-checkpoints.jsonl"),
        `${manifest.auditCheckpoint.line}\n`,
        {
          mode: 0o600,
        },
      );
    }
    const verifyChain = async (stage: string) => {
      // Rows written just before the backup (or by the ledger) are sealed as the sealer would.
      await sealPendingAuditRows(base, options.crypto.audit);
      const result = await verifyAuditTrail(base, options.crypto.audit, {
        checkpoints: { directory: checkpointDir },
        sealBoundMs: options.sealBoundMs,
      });
      if (manifest.auditCheckpoint && !result.checkpoint) {
        problems.push(
          `audit chain (${stage}): the backup's checkpoint is not validly signed by this deployment's key`,
        );
      }
      for (const problem of result.problems) problems.push(`audit chain (${stage}): ${problem}`);
      summary.auditSealsVerified = result.sealed;
    };
    await verifyChain("as restored");
    log(`audit chain verified against the checkpoint of ${manifest.auditCheckpoint?.at ?? "(none)"}`);

    const ledger = await options.applyErasureLedger();
    summary.erasuresReapplied = ledger.reapplied;
    if (ledger.failed > 0) problems.push(`${ledger.failed} erasures from the ledger could not be applied`);
    if (ledger.invalid > 0) problems.push(`${ledger.invalid} erasure ledger lines are not validly signed`);
    log(`erasure ledger applied: ${ledger.reapplied} erasure(s) carried out again`);
    await verifyChain("after the erasure ledger");

    summary.phiFieldsDecrypted = await decryptSample(base, options.crypto, problems);
    log(`${summary.phiFieldsDecrypted} PHI fields decrypted through the data layer`);

    await recordRestore(base, options.crypto, manifest.id, summary);
    log("the restore is on the restored database's audit trail");
  } finally {
    await base.$disconnect();
    await rm(checkpointDir, { recursive: true, force: true });
  }
  summary.ok = problems.length === 0;
  summary.durationMs = Date.now() - started;
  return summary;
}

/**
 * The restored database's own trail says which backup it came from and whether every check passed,
 * sealed into its chain at once (an auditor reading it later sees where its history was cut).
 */
async function recordRestore(
  base: ReturnType<typeof createBaseClient>,
  crypto: PhiCryptoConfig,
  backupId: string,
  summary: RestoreSummary,
): Promise<void> {
  const problems = summary.problems;
  try {
    await runAsSystem("backup-restore", () =>
      appendAuditEvents(
        base,
        crypto.audit,
        [
          {
            action: "backup.restored",
            resourceType: "Backup",
            resourceId: backupId,
            outcome: problems.length === 0 ? "SUCCESS" : "FAILURE",
            details: {
              tables: summary.tables,
              rowsChecked: summary.rowsChecked,
              documents: summary.documents,
              erasuresReapplied: summary.erasuresReapplied,
              problems: problems.length,
            },
          },
        ],
        currentContext(),
      ),
    );
    await sealPendingAuditRows(base, crypto.audit);
  } catch (error) {
    problems.push(`the restore could not be recorded on the audit trail (${(error as Error).name})`);
  }
}

/** Reads a few people's encrypted fields through the data layer (audited as the restore's reads). */
async function decryptSample(
  base: ReturnType<typeof createBaseClient>,
  crypto: PhiCryptoConfig,
  problems: string[],
): Promise<number> {
  const db = createDb(base, crypto);
  try {
    return await runAsSystem("backup-restore", async () => {
      const users = await db.user.findMany({
        where: { status: { not: "ERASED" } },
        select: { email: true },
        orderBy: { createdAt: "asc" },
        take: 10,
      });
      const profiles = await db.patientProfile.findMany({
        where: { user: { status: { not: "ERASED" } } },
        select: { fullName: true, medicalHistory: true },
        take: 10,
      });
      const values = [
        ...users.map((user) => user.email),
        ...profiles.flatMap((profile) => [profile.fullName, profile.medicalHistory]),
      ];
      return values.filter((value) => typeof value === "string").length;
    });
  } catch (error) {
    problems.push(`PHI fields do not decrypt with this deployment's keys (${(error as Error).name})`);
    return 0;
  }
}
