// The "backup.run" job (BACKUP_SCHEDULE, daily by default) and the "backup.drill" job
// (BACKUP_DRILL_SCHEDULE, weekly), scheduled by the job queue in lib/jobs/workers.ts. pg-boss's
// timekeeper sends each tick once across instances; "off" removes the schedule.
import "server-only";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import {
  backupConfigFromEnv,
  backupKeyFromEnv,
  backupRepositoryFromEnv,
  retentionPolicyFromEnv,
} from "./config";
import { runBackup } from "./run-backup";
import { runDrill } from "./run-drill";

/** A run may take long on a big database; never two at once; two tries more for a backup. */
export const BACKUP_JOB_OPTIONS = {
  tz: "UTC",
  singletonKey: "backup.run",
  retryLimit: 2,
  retryDelay: 600,
  expireInHours: 6,
} as const;

export const DRILL_JOB_OPTIONS = {
  tz: "UTC",
  singletonKey: "backup.drill",
  retryLimit: 0,
  expireInHours: 6,
} as const;

export async function runBackupJob(): Promise<void> {
  const run = await runBackup(backupConfigFromEnv(), retentionPolicyFromEnv());
  logger.info("backup written", {
    backupId: run.id,
    bytes: run.manifest.totalBytes,
    documents: run.manifest.documents.length,
    pruned: run.pruned.length,
    staleWorkRemoved: run.staleWorkRemoved.length,
    durationMs: run.durationMs,
  });
}

export async function runDrillJob(): Promise<void> {
  const env = getEnv();
  const result = await runDrill({
    databaseUrl: env.DATABASE_URL,
    backupDir: env.BACKUP_DIR,
    repository: backupRepositoryFromEnv(),
    key: backupKeyFromEnv(),
  });
  if (!result.passed) {
    // Recorded (backup_drills, audit) already; failing the job makes it visible to monitoring too.
    throw new Error(
      `restore drill FAILED for backup ${result.backupId ?? "(none)"}: ${result.failureReason}`,
    );
  }
  logger.info("restore drill passed", { backupId: result.backupId, durationMs: result.durationMs });
}
