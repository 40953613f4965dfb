// Leftovers of runs that were killed, in BACKUP_DIR: a backup's `<id>.partial` folder (createBackup
// removes its own when it fails, a killed process cannot), a bucket download's `.fetch-<id>-*` and a
// drill's `.drill-documents-*`. Each can hold a whole copy of the clinic's records, so a backup run
// removes them once nothing in them has changed for STALE_WORK_HOURS: long enough that a run still
// writing (a long drill of a large database) never loses its folder.
import { lstat, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { folderEntries } from "./repository";

export const STALE_WORK_HOURS = 24;

const WORK_FOLDER =
  /^(?:\d{8}T\d{6}Z-[0-9a-f]{4}\.partial|\.fetch-\d{8}T\d{6}Z-[0-9a-f]{4}-[^/]+|\.drill-documents-[^/]+)$/;

/** Whether anything under `entry` (itself included) changed after `cutoff`. */
async function changedSince(entry: string, cutoff: number): Promise<boolean> {
  const info = await lstat(entry);
  if (info.mtimeMs > cutoff) return true;
  if (!info.isDirectory()) return false;
  for (const name of await readdir(entry)) {
    if (await changedSince(path.join(entry, name), cutoff)) return true;
  }
  return false;
}

/** Removes the stale work folders of BACKUP_DIR; returns their names. */
export async function removeStaleWork(backupDir: string, now = new Date()): Promise<string[]> {
  const root = path.resolve(backupDir);
  const names = await folderEntries(root);
  const cutoff = now.getTime() - STALE_WORK_HOURS * 3_600_000;
  const removed: string[] = [];
  for (const name of names.filter((candidate) => WORK_FOLDER.test(candidate)).sort()) {
    const folder = path.join(root, name);
    // Gone meanwhile (its run finished and cleaned up): nothing to do.
    const recent = await changedSince(folder, cutoff).catch(() => true);
    if (recent) continue;
    await rm(folder, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
