// The tables on /admin/backups: the backups (from their manifests) and the restore drills.
import type { BackupView, DrillView } from "@/lib/domain/backups/queries";

const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 0)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

export function DrillsTable({ drills, when }: { drills: readonly DrillView[]; when: (at: Date) => string }) {
  if (drills.length === 0) return <p className="text-sm text-slate-600">No drill yet.</p>;
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Restore drills, newest first</caption>
      <thead className="text-slate-600">
        <tr>
          <th className="py-2">Started</th>
          <th>Outcome</th>
          <th>Backup</th>
          <th>Checked</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {drills.map((drill) => (
          <tr key={drill.id} className="border-t border-slate-100 align-top">
            <td className="py-2">{when(drill.startedAt)}</td>
            <td>
              <span
                className={
                  drill.outcome === "PASSED"
                    ? "font-semibold text-emerald-800"
                    : drill.outcome === "FAILED"
                      ? "font-semibold text-red-800"
                      : "text-slate-700"
                }
              >
                {drill.outcome === "PASSED" ? "Passed" : drill.outcome === "FAILED" ? "Failed" : "Running"}
              </span>
              {drill.failureReason ? (
                <span className="block text-xs text-slate-700">{drill.failureReason}</span>
              ) : null}
            </td>
            <td>
              <code className="text-xs">{drill.backupId ?? "none"}</code>
            </td>
            <td>
              {drill.tablesChecked} tables, {drill.rowsChecked.toLocaleString("en")} rows
            </td>
            <td>{drill.durationMs === null ? "" : seconds(drill.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BackupsTable({
  backups,
  when,
}: {
  backups: readonly BackupView[];
  when: (at: Date) => string;
}) {
  if (backups.length === 0)
    return <p className="text-sm text-slate-600">No backup kept yet (in the backup directory or bucket).</p>;
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Backups, newest first</caption>
      <thead className="text-slate-600">
        <tr>
          <th className="py-2">Backup</th>
          <th>Taken</th>
          <th>Size</th>
          <th>Contents</th>
        </tr>
      </thead>
      <tbody>
        {backups.map((backup) => (
          <tr key={backup.id} className="border-t border-slate-100 align-top">
            <td className="py-2">
              <code className="text-xs">{backup.id}</code>
            </td>
            <td>{backup.createdAt ? when(backup.createdAt) : ""}</td>
            <td>{backup.totalBytes === null ? "" : mebibytes(backup.totalBytes)}</td>
            <td>
              {backup.unreadable
                ? "Manifest unreadable"
                : `${backup.tables} tables, ${(backup.rows ?? 0).toLocaleString("en")} rows, ${backup.documents} documents`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
