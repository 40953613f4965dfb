// `npm run backup` and the backup.run job: one consistent backup of the database, the documents and
// the audit checkpoints, encrypted with the backup key (never the field keys) into
// <BACKUP_DIR>/<id>/ with an authenticated manifest. The dump streams pg_dump → gzip → segmented
// AES-256-GCM → file; it is never held in memory.
//
// Consistency: one REPEATABLE READ transaction exports its snapshot; pg_dump runs in that snapshot
// (--snapshot), and the row counts, the audit head and the document list are read in it too, so the
// manifest describes exactly what the dump holds.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import pg from "pg";
import { appendCheckpoint } from "@/lib/audit/checkpoints";
import type { AuditKeys } from "@/lib/audit/keys";
import type { ObjectStore } from "@/lib/integrations/storage/types";
import {
  type BackupManifest,
  CHECKPOINTS_FILE,
  DOCUMENTS_DIR,
  DUMP_FILE,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  signManifest,
} from "./manifest";
import { firstErrorLine, spawnPostgresProgram, waitForExit } from "./postgres-tools";
import type { BackupRepository } from "./repository";
import { type BackupKey, createEncryptStream } from "./segmented-aead";

export interface BackupConfig {
  databaseUrl: string;
  backupDir: string;
  key: BackupKey;
  auditKeys: AuditKeys;
  /** AUDIT_CHECKPOINT_DIR: the checkpoint of the head is appended there and the file copied. */
  checkpointDir: string;
  documents: ObjectStore;
  /** Where finished backups are kept (BACKUP_DIR itself, or a bucket they are uploaded to). */
  repository: BackupRepository;
}

export class BackupError extends Error {
  override name = "BackupError";
}

export function newBackupId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

/** Counts bytes and hashes what flows through. */
function measuring(): { stream: Transform; result: () => { bytes: number; sha256: string } } {
  const hash = createHash("sha256");
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, sha256: hash.digest("hex") }) };
}

async function writeEncrypted(
  source: Readable,
  target: string,
  key: BackupKey,
  label: string,
  compress: boolean,
): Promise<{ bytes: number; sha256: string }> {
  const measure = measuring();
  const sink = createWriteStream(target, { flags: "wx", mode: 0o600 });
  const encrypt = createEncryptStream(key, label);
  if (compress) await pipeline(source, createGzip({ level: 6 }), encrypt, measure.stream, sink);
  else await pipeline(source, encrypt, measure.stream, sink);
  return measure.result();
}

interface SnapshotFacts {
  rowCounts: Record<string, number>;
  schemaVersion: string | null;
  postgresVersion: string;
  head: { sealSequence: bigint; hash: string } | null;
  storageKeys: string[];
}

async function readSnapshotFacts(client: pg.Client): Promise<SnapshotFacts> {
  const tables = await client.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const rowCounts: Record<string, number> = {};
  for (const { tablename } of tables.rows) {
    const escaped = `"${tablename.replace(/"/g, '""')}"`;
    const [row] = (await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.${escaped}`))
      .rows;
    rowCounts[tablename] = Number(row?.n ?? 0);
  }
  const names = new Set(tables.rows.map((row) => row.tablename));
  const migration = names.has("_prisma_migrations")
    ? (
        await client.query<{ migration_name: string }>(
          `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
            ORDER BY migration_name DESC LIMIT 1`,
        )
      ).rows[0]?.migration_name
    : undefined;
  const head = names.has("audit_seals")
    ? (
        await client.query<{ seal_sequence: string; hash: string }>(
          `SELECT seal_sequence::text, hash FROM audit_seals ORDER BY seal_sequence DESC LIMIT 1`,
        )
      ).rows[0]
    : undefined;
  const storageKeys = names.has("documents")
    ? (
        await client.query<{ storage_key: string }>(`SELECT storage_key FROM documents ORDER BY storage_key`)
      ).rows.map((row) => row.storage_key)
    : [];
  const [version] = (await client.query<{ server_version: string }>(`SHOW server_version`)).rows;
  return {
    rowCounts,
    schemaVersion: migration ?? null,
    postgresVersion: version?.server_version ?? "unknown",
    head: head ? { sealSequence: BigInt(head.seal_sequence), hash: head.hash } : null,
    storageKeys,
  };
}

/** The signed line appendCheckpoint wrote for this checkpoint (the manifest carries it verbatim). */
async function signedCheckpointLine(
  checkpointDir: string,
  checkpoint: { sealSequence: bigint; hash: string; at: string },
): Promise<string> {
  const text = await readFile(path.join(checkpointDir, "audit-checkpoints.jsonl"), "utf8");
  const line = text
    .split("\n")
    .reverse()
    .find((candidate) => {
      try {
        const parsed = JSON.parse(candidate) as { sealSequence?: string; hash?: string; at?: string };
        return (
          parsed.sealSequence === checkpoint.sealSequence.toString() &&
          parsed.hash === checkpoint.hash &&
          parsed.at === checkpoint.at
        );
      } catch {
        return false;
      }
    });
  if (!line) throw new BackupError("the audit checkpoint just written could not be read back");
  return line;
}

export interface BackupResult {
  id: string;
  directory: string;
  manifest: BackupManifest;
  durationMs: number;
}

export async function createBackup(config: BackupConfig, now = new Date()): Promise<BackupResult> {
  const started = Date.now();
  const id = newBackupId(now);
  const finalDir = path.join(path.resolve(config.backupDir), id);
  // Written under a temporary name and renamed when complete: a crash leaves no half backup
  // that a restore or the retention would take for a real one.
  const workDir = `${finalDir}.partial`;
  await mkdir(path.dirname(workDir), { recursive: true, mode: 0o700 });
  // Not recursive: two backups started in the same second with the same random suffix must not
  // share a folder; the second fails here instead.
  await mkdir(workDir, { mode: 0o700 });
  await mkdir(path.join(workDir, DOCUMENTS_DIR), { mode: 0o700 });
  const client = new pg.Client({ connectionString: config.databaseUrl });
  try {
    await client.connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const [exported] = (await client.query<{ snapshot: string }>("SELECT pg_export_snapshot() AS snapshot"))
      .rows;
    if (!exported) throw new BackupError("PostgreSQL did not export a snapshot");
    const facts = await readSnapshotFacts(client);

    // The head as the dump holds it, signed now: the restore verifies the chain against it.
    const checkpoint = facts.head
      ? await appendCheckpoint({ directory: config.checkpointDir }, config.auditKeys, facts.head, now)
      : null;
    const checkpointLine = checkpoint ? await signedCheckpointLine(config.checkpointDir, checkpoint) : null;

    const files: BackupManifest["files"] = [];
    const dump = spawnPostgresProgram("pg_dump", config.databaseUrl, [
      "--format=plain",
      "--no-owner",
      "--no-privileges",
      "--quote-all-identifiers",
      `--snapshot=${exported.snapshot}`,
    ]);
    dump.stdin?.end();
    const exit = waitForExit(dump);
    const dumpStream = dump.stdout ?? Readable.from([]);
    let written: { bytes: number; sha256: string };
    try {
      written = await writeEncrypted(dumpStream, path.join(workDir, DUMP_FILE), config.key, DUMP_FILE, true);
    } catch (error) {
      dump.kill("SIGKILL");
      await exit.catch(() => undefined);
      throw error;
    }
    const { code, stderr } = await exit;
    if (code !== 0) throw new BackupError(`pg_dump failed (exit ${code}): ${firstErrorLine(stderr)}`);
    files.push({ path: DUMP_FILE, label: DUMP_FILE, ...written });

    const documents: BackupManifest["documents"] = [];
    let documentsMissing = 0;
    for (const storageKey of facts.storageKeys) {
      // Objects are already encrypted per file (lib/crypto/file-cipher.ts); sealing them again under
      // the backup key means the backup as a whole opens only with the backup key.
      const object = await config.documents.get(storageKey);
      if (!object) {
        documentsMissing += 1;
        continue;
      }
      const relative = `${DOCUMENTS_DIR}/${storageKey}.enc`;
      const label = `${DOCUMENTS_DIR}/${storageKey}`;
      const stored = await writeEncrypted(
        Readable.from([object]),
        path.join(workDir, relative),
        config.key,
        label,
        false,
      );
      files.push({ path: relative, label, ...stored });
      documents.push({
        storageKey,
        path: relative,
        objectSha256: createHash("sha256").update(object).digest("hex"),
        objectBytes: object.length,
      });
    }
    await client.query("COMMIT");

    // The checkpoints file as it is now (it includes the checkpoint just signed).
    const checkpointSource = path.join(config.checkpointDir, "audit-checkpoints.jsonl");
    const hasCheckpoints = await stat(checkpointSource).then(
      () => true,
      () => false,
    );
    const checkpoints = await writeEncrypted(
      hasCheckpoints ? createReadStream(checkpointSource) : Readable.from([]),
      path.join(workDir, CHECKPOINTS_FILE),
      config.key,
      CHECKPOINTS_FILE,
      false,
    );
    files.push({ path: CHECKPOINTS_FILE, label: CHECKPOINTS_FILE, ...checkpoints });

    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      id,
      createdAt: now.toISOString(),
      finishedAt: new Date().toISOString(),
      keyId: config.key.keyId.toString("hex"),
      schemaVersion: facts.schemaVersion,
      postgresVersion: facts.postgresVersion,
      rowCounts: facts.rowCounts,
      auditCheckpoint:
        checkpoint && checkpointLine
          ? {
              sealSequence: checkpoint.sealSequence.toString(),
              hash: checkpoint.hash,
              at: checkpoint.at,
              line: checkpointLine,
            }
          : null,
      files,
      documents,
      documentsMissing,
      totalBytes: files.reduce((sum, file) => sum + file.bytes, 0),
    };
    await writeFile(path.join(workDir, MANIFEST_FILE), signManifest(config.key, manifest), {
      mode: 0o600,
      flag: "wx",
    });
    await rename(workDir, finalDir);
    return { id, directory: finalDir, manifest, durationMs: Date.now() - started };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
