// What an admin sees on /admin/backups: the backups in BACKUP_DIR (from their manifests: ids,
// times, sizes and counts, no content) and the recent restore drills. Reading it is audited.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { roleCan } from "@/lib/authz/permissions";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { backupRepositoryFromEnv } from "./config";

export interface BackupView {
  id: string;
  createdAt: Date | null;
  totalBytes: number | null;
  tables: number | null;
  rows: number | null;
  documents: number | null;
  schemaVersion: string | null;
  /** The manifest could not be read (an unfinished copy, or a damaged one). */
  unreadable: boolean;
}

export interface DrillView {
  id: string;
  backupId: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: "RUNNING" | "PASSED" | "FAILED";
  tablesChecked: number;
  rowsChecked: number;
  failureReason: string | null;
  durationMs: number | null;
}

export const DRILL_MAX_AGE_DAYS = 8;
/** The newest backups the page lists (with daily, weekly and monthly retention, about a year's). */
const BACKUPS_LISTED = 30;

/** The banner's text when the last drill failed, is missing or is too old; null when all is well. */
export function drillWarning(
  last: Pick<DrillView, "outcome" | "startedAt"> | null,
  now = new Date(),
): string | null {
  if (!last) return "No restore drill has run yet: nobody knows whether the backups can be restored.";
  if (last.outcome === "FAILED")
    return "The last restore drill FAILED: the newest backup could not be restored and checked.";
  const ageDays = (now.getTime() - last.startedAt.getTime()) / 86_400_000;
  if (ageDays > DRILL_MAX_AGE_DAYS) {
    return `The last restore drill is ${Math.floor(ageDays)} days old (more than ${DRILL_MAX_AGE_DAYS}): is the weekly drill running?`;
  }
  return null;
}

export interface BackupsOverview {
  backups: BackupView[];
  drills: DrillView[];
  warning: string | null;
}

export async function backupsOverview(actor: AuthenticatedActor, now = new Date()): Promise<BackupsOverview> {
  if (!roleCan(actor.role, "backups:manage")) await refuseAsNotFound("Backup", "(backups)");
  const listings = await backupRepositoryFromEnv().list(BACKUPS_LISTED);
  const backups = listings.map(({ id, manifest }) => ({
    id,
    createdAt: manifest ? new Date(manifest.createdAt) : null,
    totalBytes: manifest?.totalBytes ?? null,
    tables: manifest ? Object.keys(manifest.rowCounts).length : null,
    rows: manifest ? Object.values(manifest.rowCounts).reduce((sum, n) => sum + n, 0) : null,
    documents: manifest?.documents.length ?? null,
    schemaVersion: manifest?.schemaVersion ?? null,
    unreadable: manifest === null,
  }));
  const rows = await getDb().backupDrill.findMany({ orderBy: { startedAt: "desc" }, take: 10 });
  const drills: DrillView[] = rows.map((row) => ({
    id: row.id,
    backupId: row.backupId,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    outcome: row.outcome,
    tablesChecked: row.tablesChecked,
    rowsChecked: Number(row.rowsChecked),
    failureReason: row.failureReason,
    durationMs: row.durationMs,
  }));
  const lastFinished = drills.find((drill) => drill.outcome !== "RUNNING") ?? null;
  await recordAuditEvent({
    action: "backups.viewed",
    resourceType: "Backup",
    details: { backups: backups.length, drills: drills.length },
  });
  return { backups, drills, warning: drillWarning(lastFinished, now) };
}
