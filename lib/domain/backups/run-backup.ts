// One backup run (the command and the backup.run job): the backup, then the retention, which only
// ever runs after a backup succeeded, so a failing backup never thins out the good ones.
import { rm } from "node:fs/promises";
import path from "node:path";
import { type BackupConfig, type BackupResult, createBackup } from "./create-backup";
import { listBackups } from "./restore-backup";
import { type RetentionPolicy, selectBackupsToPrune } from "./retention";

export interface BackupRun extends BackupResult {
  pruned: string[];
}

export async function runBackup(
  config: BackupConfig,
  policy: RetentionPolicy,
  now = new Date(),
): Promise<BackupRun> {
  const result = await createBackup(config, now);
  const listings = await listBackups(config.backupDir);
  const dated = listings.map((listing) => ({
    id: listing.id,
    // An unreadable manifest still dates the backup by its id (ids start with the time).
    createdAt: listing.manifest ? new Date(listing.manifest.createdAt) : idDate(listing.id),
  }));
  const { prune } = selectBackupsToPrune(dated, policy);
  for (const id of prune) {
    if (id === result.id) continue;
    await rm(path.join(config.backupDir, id), { recursive: true, force: true });
  }
  return { ...result, pruned: prune.filter((id) => id !== result.id) };
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
