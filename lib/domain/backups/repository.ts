// Where backups are kept (BACKUP_STORAGE): the backup directory itself, or an S3-compatible bucket.
// A backup is always written and verified in BACKUP_DIR first (create-backup.ts); with a bucket it is
// then uploaded, the manifest last (a backup without its manifest is unfinished and never listed
// as a backup to restore), and the local copy removed. A restore or a drill downloads the backup
// into a folder beside BACKUP_DIR and checks it there as it would a local one.
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { S3Bucket } from "@/lib/integrations/storage/s3-bucket";
import { BACKUP_ID_PATTERN, type BackupManifest, MANIFEST_FILE, peekManifest } from "./manifest";

export interface BackupListing {
  id: string;
  /** Null when the manifest could not be read (an unfinished copy, or a damaged one). */
  manifest: BackupManifest | null;
}

export interface OpenedBackup {
  /** A local folder holding the backup's files. */
  directory: string;
  /** Removes what open() downloaded (nothing for a backup already on local disk). */
  close(): Promise<void>;
}

export interface BackupRepository {
  /** Where the backups are, for messages: a folder, or s3://bucket/prefix. */
  readonly location: string;
  /** Kept backups, newest first (ids sort by time): the newest `limit` of them, whose manifests alone are read. */
  list(limit?: number): Promise<BackupListing[]>;
  open(id: string): Promise<OpenedBackup>;
  /** Keeps the backup just written to `directory` (BACKUP_DIR/<id>). */
  keep(id: string, directory: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** Where one backup is, for messages. */
  locationOf(id: string): string;
}

export class BackupNotFoundError extends Error {
  override name = "BackupNotFoundError";
}

function assertBackupId(id: string): void {
  if (!BACKUP_ID_PATTERN.test(id)) throw new BackupNotFoundError(`${id} is not a backup id`);
}

/** The names in a folder; none while it does not exist yet (BACKUP_DIR before the first backup). */
export async function folderEntries(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Backups as folders of BACKUP_DIR. */
export function localBackups(backupDir: string): BackupRepository {
  const root = path.resolve(backupDir);
  return {
    location: root,
    locationOf: (id) => path.join(root, id),
    async list(limit = Infinity) {
      const names = await folderEntries(root);
      const listings: BackupListing[] = [];
      for (const id of names
        .filter((name) => BACKUP_ID_PATTERN.test(name))
        .sort()
        .reverse()
        .slice(0, limit)) {
        const text = await readFile(path.join(root, id, MANIFEST_FILE), "utf8").catch(() => null);
        listings.push({ id, manifest: text ? peekManifest(text) : null });
      }
      return listings;
    },
    open(id) {
      assertBackupId(id);
      return Promise.resolve({ directory: path.join(root, id), close: () => Promise.resolve() });
    },
    keep: () => Promise.resolve(),
    async remove(id) {
      assertBackupId(id);
      await rm(path.join(root, id), { recursive: true, force: true });
    },
  };
}

/**
 * Backups as objects `<prefix><id>/<file>` of a bucket. Downloads go to `.fetch-<id>-*` folders of
 * BACKUP_DIR (beside the backups: a container's /tmp is often small and in memory).
 */
export function s3Backups(
  bucket: S3Bucket,
  prefix: string,
  stagingDir: string,
  name: string,
): BackupRepository {
  const staging = path.resolve(stagingDir);
  const keyOf = (id: string, file: string) => `${prefix}${id}/${file}`;
  const location = `s3://${name}/${prefix}`;
  return {
    location,
    locationOf: (id) => `s3://${name}/${prefix}${id}/`,
    async list(limit = Infinity) {
      const ids = (await bucket.folders(prefix)).filter((id) => BACKUP_ID_PATTERN.test(id));
      const listings: BackupListing[] = [];
      for (const id of ids.reverse().slice(0, limit)) {
        const bytes = await bucket.getBytes(keyOf(id, MANIFEST_FILE));
        listings.push({ id, manifest: bytes ? peekManifest(bytes.toString("utf8")) : null });
      }
      return listings;
    },
    async open(id) {
      assertBackupId(id);
      await mkdir(staging, { recursive: true, mode: 0o700 });
      const directory = await mkdtemp(path.join(staging, `.fetch-${id}-`));
      const close = () => rm(directory, { recursive: true, force: true });
      try {
        const objects = await bucket.list(`${prefix}${id}/`);
        if (!objects.some((object) => object.key === keyOf(id, MANIFEST_FILE))) {
          throw new BackupNotFoundError(`there is no finished backup ${id} in ${location}`);
        }
        // Every object of the backup, as the manifest's paths lay them out; the restore then checks
        // each against the manifest (a missing or changed file fails there, by name).
        for (const object of objects) {
          const relative = object.key.slice(`${prefix}${id}/`.length);
          const target = path.join(directory, ...relative.split("/"));
          if (!target.startsWith(directory + path.sep)) continue;
          await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
          await bucket.getToFile(object.key, target);
        }
        return { directory, close };
      } catch (error) {
        await close();
        throw error;
      }
    },
    async keep(id, directory) {
      const files = await filesUnder(directory);
      // The manifest last: until it is there, the backup is not a finished one in the bucket.
      const order = [...files.filter((file) => file !== MANIFEST_FILE), MANIFEST_FILE];
      const uploaded: string[] = [];
      try {
        for (const relative of order) {
          await bucket.putFile(keyOf(id, relative), path.join(directory, ...relative.split("/")));
          uploaded.push(keyOf(id, relative));
        }
      } catch (error) {
        // Nothing half-uploaded stays in the bucket; the backup itself stays in BACKUP_DIR.
        for (const key of uploaded) await bucket.delete(key).catch(() => undefined);
        throw new Error(
          `the upload to ${location} failed: ${(error as Error).message}; the backup stays in ${directory}`,
        );
      }
      await rm(directory, { recursive: true, force: true });
    },
    async remove(id) {
      assertBackupId(id);
      const objects = await bucket.list(`${prefix}${id}/`);
      // The manifest first: a removal cut short leaves an unfinished backup, never a listed one
      // with files missing.
      const manifestKey = keyOf(id, MANIFEST_FILE);
      for (const object of objects.sort(
        (a, b) => Number(b.key === manifestKey) - Number(a.key === manifestKey),
      )) {
        await bucket.delete(object.key);
      }
    },
  };
}

/** Paths (with "/") of every file under directory. */
async function filesUnder(directory: string, relative = ""): Promise<string[]> {
  const entries = await readdir(path.join(directory, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const inner = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await filesUnder(directory, inner)));
    else if (entry.isFile()) files.push(inner);
  }
  return files.sort();
}
