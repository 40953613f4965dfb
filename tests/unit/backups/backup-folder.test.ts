// BACKUP_DIR on a real file system: the listing reads only the newest manifests it is asked for, and
// a backup run removes only the work folders of killed runs that nothing has touched for a day.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localBackups } from "@/lib/domain/backups/repository";
import { STALE_WORK_HOURS, removeStaleWork } from "@/lib/domain/backups/stale-work";

let root = "";
const now = new Date("2026-12-03T12:00:00Z");
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

/** A folder (with a file and a subfolder inside) whose every entry was last changed at `at`. */
function folder(name: string, at: Date): string {
  const directory = path.join(root, name);
  mkdirSync(path.join(directory, "documents"), { recursive: true });
  writeFileSync(path.join(directory, "documents", "a.enc"), "x");
  writeFileSync(path.join(directory, "dump.sql.gz.enc"), "x");
  for (const entry of [path.join(directory, "documents", "a.enc"), path.join(directory, "documents")]) {
    utimesSync(entry, at, at);
  }
  utimesSync(path.join(directory, "dump.sql.gz.enc"), at, at);
  utimesSync(directory, at, at);
  return directory;
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "haven-backup-folder-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("the backup listing", () => {
  it("lists the newest first, and with a limit reads only that many", async () => {
    const ids = ["20261201T020000Z-aaaa", "20261202T020000Z-bbbb", "20261203T020000Z-cccc"];
    for (const id of ids) folder(id, now);
    folder("20261203T030000Z-dddd.partial", now);
    const backups = localBackups(root);
    expect((await backups.list()).map((listing) => listing.id)).toEqual([...ids].reverse());
    const newest = await backups.list(1);
    expect(newest).toEqual([{ id: "20261203T020000Z-cccc", manifest: null }]);
    expect((await backups.list(2)).map((listing) => listing.id)).toEqual([ids[2], ids[1]]);
  });

  it("is empty when the folder does not exist yet", async () => {
    expect(await localBackups(path.join(root, "missing")).list(5)).toEqual([]);
  });
});

describe("removing killed runs' work folders", () => {
  it("removes only work folders untouched for a day; never a backup, never one still in use", async () => {
    const stale = STALE_WORK_HOURS + 1;
    folder("20261201T020000Z-aaaa", hoursAgo(stale * 10));
    folder("20261201T020000Z-bbbb.partial", hoursAgo(stale));
    folder(".fetch-20261130T020000Z-cccc-x1Yz9", hoursAgo(stale));
    folder(".drill-documents-Ab12Cd", hoursAgo(stale));
    folder("20261203T110000Z-dddd.partial", hoursAgo(1));
    // Started long ago, but a file deep inside was written an hour ago: a run still at work.
    const busy = folder(".drill-documents-Busy01", hoursAgo(stale));
    utimesSync(path.join(busy, "documents", "a.enc"), hoursAgo(1), hoursAgo(1));
    folder("notes", hoursAgo(stale * 10));

    const removed = await removeStaleWork(root, now);
    expect(removed).toEqual([
      ".drill-documents-Ab12Cd",
      ".fetch-20261130T020000Z-cccc-x1Yz9",
      "20261201T020000Z-bbbb.partial",
    ]);
    expect(readdirSync(root).sort()).toEqual([
      ".drill-documents-Busy01",
      "20261201T020000Z-aaaa",
      "20261203T110000Z-dddd.partial",
      "notes",
    ]);
    expect(await removeStaleWork(root, now)).toEqual([]);
  });

  it("answers nothing when BACKUP_DIR does not exist", async () => {
    const missing = path.join(root, "missing");
    expect(await removeStaleWork(missing, now)).toEqual([]);
    expect(existsSync(missing)).toBe(false);
  });
});
