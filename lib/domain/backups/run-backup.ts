// One backup run (the command and the backup.run job): the backup, then the retention, which only
// ever runs after a backup succeeded, so a failing backup never thins out the good ones, then the
// removal of killed runs' work folders.
import { recordAuditEvent } from "@/lib/db/client";
import { describeError, logger } from "@/lib/logger";
import { runAsSystem } from "@/lib/request-context";
import { type BackupConfig, type BackupResult, createBackup } from "./create-backup";
import { type RetentionPolicy, selectBackupsToPrune } from "./retention";
import { removeStaleWork } from "./stale-work";

export interface BackupRun extends BackupResult {
  pruned: string[];
  /** Work folders of killed runs removed from BACKUP_DIR (stale-work.ts). */
  staleWorkRemoved: string[];
  /** Where the backup is kept now (a folder, or s3://…). */
  location: string;
}

export async function runBackup(
  config: BackupConfig,
  policy: RetentionPolicy,
  now = new Date(),
): Promise<BackupRun> {
  let result: BackupResult;
  try {
    result = await createBackup(config, now);
    // Uploaded to the bucket, when there is one. If that fails, the backup stays in BACKUP_DIR.
    await config.repository.keep(result.id, result.directory);
  } catch (error) {
    await audit("backup.failed", "FAILURE", null, { reason: (error as Error).message.slice(0, 300) });
    throw error;
  }
  // A backup is an export of every record: on the audit trail like any other export.
  await audit("backup.created", "SUCCESS", result.id, {
    keyId: result.manifest.keyId,
    tables: Object.keys(result.manifest.rowCounts).length,
    files: result.manifest.files.length,
    durationMs: result.durationMs,
  });
  const listings = await config.repository.list();
  const dated = listings.map((listing) => ({
    id: listing.id,
    // An unreadable manifest still dates the backup by its id (ids start with the time).
    createdAt: listing.manifest ? new Date(listing.manifest.createdAt) : idDate(listing.id),
  }));
  const { prune } = selectBackupsToPrune(dated, policy);
  for (const id of prune) {
    if (id === result.id) continue;
    await config.repository.remove(id);
    await audit("backup.pruned", "SUCCESS", id, { keptNewest: result.id });
  }
  // Housekeeping after a good backup: if it fails, the backup still counts (the next run tries again).
  const stale = await removeStaleWork(config.backupDir, now).catch((error: unknown) => {
    logger.warn("killed backup runs' work folders could not be removed", describeError(error));
    return [];
  });
  if (stale.length > 0) {
    await audit("backup.stale-work-removed", "SUCCESS", null, {
      folders: stale.length,
      names: stale.join(" "),
    });
  }
  return {
    ...result,
    staleWorkRemoved: stale,
    location: config.repository.locationOf(result.id),
    pruned: prune.filter((id) => id !== result.id),
  };
}

function audit(
  action: string,
  outcome: "SUCCESS" | "FAILURE",
  backupId: string | null,
  details: Record<string, string | number>,
): Promise<void> {
  return runAsSystem("backup", () =>
    recordAuditEvent({
      action,
      resourceType: "Backup",
      ...(backupId ? { resourceId: backupId } : {}),
      outcome,
      details,
    }),
  );
}

function idDate(id: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  if (!match) return new Date(0);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}
