// `npm run backup:drill` and the weekly backup.drill job: the latest backup restored into a scratch
// database on the same server (haven_drill_<id>, created and dropped here) and checked the way a
// real restore is (restore-backup.ts). The outcome is recorded in backup_drills and on the audit
// trail; a failure names the check that failed, never a value.
//
// The restore runs in a child process (scripts/restore.ts --json): the data layer, and so the
// erasure ledger, works on the process's one DATABASE_URL, which here must stay the live database.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { runAsSystem } from "@/lib/request-context";
import { ManifestError } from "./manifest";
import type { BackupRepository, OpenedBackup } from "./repository";
import { verifyBackup } from "./restore-backup";
import type { BackupKey } from "./segmented-aead";

export interface DrillOptions {
  /** The live database: the scratch database is created on its server. */
  databaseUrl: string;
  /** BACKUP_DIR: the restored documents (and a downloaded backup) go in scratch folders here. */
  backupDir: string;
  /** Where the latest backup is taken from. */
  repository: BackupRepository;
  key: BackupKey;
  /** A specific backup directory (tests, the command's argument); default the latest kept. */
  directory?: string;
  /** How long the restore may take. */
  timeoutMs?: number;
}

export interface DrillResult {
  id: string;
  backupId: string | null;
  passed: boolean;
  tablesChecked: number;
  rowsChecked: number;
  auditSeals: number;
  phiFieldsRead: number;
  failureReason: string | null;
  durationMs: number;
}

const restoreOutputSchema = z.object({
  summary: z
    .object({
      backupId: z.string(),
      ok: z.boolean(),
      tables: z.number(),
      rowsChecked: z.number(),
      auditSealsVerified: z.number(),
      phiFieldsDecrypted: z.number(),
      problems: z.array(z.string()),
    })
    .nullable(),
  failure: z.string().nullable(),
});

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function runRestoreChild(
  directory: string,
  targetUrl: string,
  documentsDir: string,
  timeoutMs: number,
): Promise<z.infer<typeof restoreOutputSchema>> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      path.join(process.cwd(), "scripts", "restore.ts"),
      directory,
      "--documents-dir",
      documentsDir,
      "--json",
    ],
    // The target URL carries the database password: in the environment, never on the command
    // line (any local user reads a process's arguments with ps).
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, RESTORE_DATABASE_URL: targetUrl },
      cwd: process.cwd(),
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-2_000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => {
    child.once("close", (code) => {
      clearTimeout(timer);
      const lastLine = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve(restoreOutputSchema.parse(JSON.parse(lastLine)));
      } catch {
        const reason =
          code === null
            ? `the restore did not finish within ${Math.round(timeoutMs / 1000)} s`
            : `the restore process failed (exit ${code}) without a result${stderr ? `: ${stderr.split("\n")[0]?.slice(0, 200)}` : ""}`;
        resolve({ summary: null, failure: reason });
      }
    });
  });
}

export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const started = Date.now();
  const db = getDb();
  const drill = await runAsSystem("backup-drill", () => db.backupDrill.create({ data: {} }));
  const result: DrillResult = {
    id: drill.id,
    backupId: null,
    passed: false,
    tablesChecked: 0,
    rowsChecked: 0,
    auditSeals: 0,
    phiFieldsRead: 0,
    failureReason: null,
    durationMs: 0,
  };
  const scratchName = `haven_drill_${randomBytes(6).toString("hex")}`;
  let scratchCreated = false;
  // Beside the backups, not in /tmp: the documents can outgrow a container's small in-memory /tmp.
  // A dot-directory is never taken for a backup.
  await mkdir(options.backupDir, { recursive: true });
  const documentsDir = await mkdtemp(path.join(options.backupDir, ".drill-documents-"));
  let opened: OpenedBackup | undefined;
  try {
    if (options.directory) {
      opened = { directory: options.directory, close: () => Promise.resolve() };
    } else {
      const [latest] = await options.repository.list(1);
      if (!latest) throw new Error(`there is no backup in ${options.repository.location}`);
      result.backupId = latest.id;
      opened = await options.repository.open(latest.id);
    }
    const { directory } = opened;
    result.backupId ??= path.basename(directory);
    // Checked here first: a corrupt backup fails in seconds, before any database is created.
    const manifest = await verifyBackup(directory, options.key);
    result.backupId = manifest.id;
    await adminQuery(options.databaseUrl, `CREATE DATABASE "${scratchName}"`);
    scratchCreated = true;
    const output = await runRestoreChild(
      directory,
      withDatabase(options.databaseUrl, scratchName),
      documentsDir,
      options.timeoutMs ?? 30 * 60_000,
    );
    const summary = output.summary;
    if (summary) {
      result.tablesChecked = summary.tables;
      result.rowsChecked = summary.rowsChecked;
      result.auditSeals = summary.auditSealsVerified;
      result.phiFieldsRead = summary.phiFieldsDecrypted;
    }
    if (!summary?.ok) {
      throw new Error(output.failure ?? summary?.problems.slice(0, 5).join("; ") ?? "the restore failed");
    }
    if (summary.phiFieldsDecrypted === 0 && manifest.rowCounts.users) {
      throw new Error("no PHI field could be read back from the restored database");
    }
    result.passed = true;
  } catch (error) {
    const message = error instanceof ManifestError || error instanceof Error ? error.message : String(error);
    result.failureReason = message.slice(0, 1_000);
  } finally {
    if (scratchCreated) {
      await adminQuery(options.databaseUrl, `DROP DATABASE IF EXISTS "${scratchName}" WITH (FORCE)`).catch(
        (error: Error) => {
          result.passed = false;
          result.failureReason ??= `the scratch database ${scratchName} could not be dropped: ${error.message}`;
        },
      );
    }
    await rm(documentsDir, { recursive: true, force: true });
    await opened?.close();
  }
  result.durationMs = Date.now() - started;
  await runAsSystem("backup-drill", async () => {
    await db.backupDrill.update({
      where: { id: drill.id },
      data: {
        backupId: result.backupId,
        finishedAt: new Date(),
        outcome: result.passed ? "PASSED" : "FAILED",
        tablesChecked: result.tablesChecked,
        rowsChecked: BigInt(result.rowsChecked),
        auditSeals: result.auditSeals,
        phiFieldsRead: result.phiFieldsRead,
        failureReason: result.failureReason,
        durationMs: result.durationMs,
      },
    });
    await recordAuditEvent({
      action: result.passed ? "backup.drill.passed" : "backup.drill.failed",
      resourceType: "BackupDrill",
      resourceId: drill.id,
      outcome: result.passed ? "SUCCESS" : "FAILURE",
      details: {
        backupId: result.backupId,
        tablesChecked: result.tablesChecked,
        rowsChecked: result.rowsChecked,
        durationMs: result.durationMs,
        ...(result.failureReason ? { reason: result.failureReason.slice(0, 300) } : {}),
      },
    });
  });
  return result;
}
