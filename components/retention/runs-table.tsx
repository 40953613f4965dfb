// The retention runs on /admin/retention: what each destroyed, and what it kept and why.
import type { RetentionRunView } from "@/lib/domain/retention/runs";

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function keptNote(run: RetentionRunView): string {
  const { heldBack, documentsKeptForMessages, auditLogStoppedAtHold } = run.counts;
  const notes: string[] = [];
  if (heldBack.messages) notes.push(plural(heldBack.messages, "message", "messages"));
  if (heldBack.documents) notes.push(plural(heldBack.documents, "document", "documents"));
  if (heldBack.auditLog) notes.push(plural(heldBack.auditLog, "audit entry", "audit entries"));
  const held = notes.length ? `${notes.join(", ")} under a legal hold` : "";
  const attached = documentsKeptForMessages
    ? `${plural(documentsKeptForMessages, "document", "documents")} still attached to kept messages`
    : "";
  const stopped = auditLogStoppedAtHold && !heldBack.auditLog ? "audit log stopped at a legal hold" : "";
  return [held, attached, stopped].filter(Boolean).join("; ") || "Nothing";
}

export function RetentionRunsTable({
  runs,
  when,
}: {
  runs: readonly RetentionRunView[];
  when: (at: Date) => string;
}) {
  if (runs.length === 0) return <p className="text-sm text-slate-600">No run yet.</p>;
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Retention runs, newest first</caption>
      <thead className="text-slate-600">
        <tr>
          <th className="py-2">Started</th>
          <th>Outcome</th>
          <th>Messages</th>
          <th>Documents</th>
          <th>Audit entries</th>
          <th>Kept (expired)</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} className="border-t border-slate-100 align-top">
            <td className="py-2">{when(run.startedAt)}</td>
            <td>
              {run.failed
                ? "Failed (see the server log); the next run continues"
                : run.finishedAt
                  ? "Finished"
                  : "Running"}
              {run.counts.filesPendingRemoval.length ? (
                <span className="block text-xs text-slate-600">
                  {plural(run.counts.filesPendingRemoval.length, "file", "files")} to remove from storage next
                  run
                </span>
              ) : null}
            </td>
            <td>{run.counts.messages}</td>
            <td>{run.counts.documents}</td>
            <td>{run.counts.auditLog}</td>
            <td>{keptNote(run)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
