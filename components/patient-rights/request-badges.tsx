// The request's status and its deadline, as the patient, the doctor and the admin see them
// (server or client: no state).
import type { DataRequestStatus } from "@/lib/db/generated/enums";
import { type DeadlineState, deadlineState } from "@/lib/domain/patient-rights/schemas";

const STATUS_LABEL: Record<DataRequestStatus, string> = {
  RECEIVED: "Received",
  IN_PROGRESS: "In progress",
  ON_HOLD: "On hold (legal hold)",
  COMPLETED: "Completed",
  REJECTED: "Declined",
};

const STATUS_TONE: Record<DataRequestStatus, string> = {
  RECEIVED: "border-brand-200 bg-brand-50 text-brand-900",
  IN_PROGRESS: "border-sky-200 bg-sky-50 text-sky-900",
  ON_HOLD: "border-amber-200 bg-amber-50 text-amber-900",
  COMPLETED: "border-emerald-200 bg-emerald-50 text-emerald-900",
  REJECTED: "border-slate-200 bg-slate-100 text-slate-800",
};

export function RequestStatusBadge({ status }: { status: DataRequestStatus }) {
  return (
    <span
      className={`inline-block rounded-full border px-2 py-0.5 text-xs font-medium ${STATUS_TONE[status]}`}
    >
      {STATUS_LABEL[status]}
    </span>
  );
}

const DEADLINE_TONE: Record<DeadlineState["tone"], string> = {
  overdue: "font-semibold text-red-800",
  soon: "rounded bg-amber-100 px-1 font-semibold text-amber-900",
  "on-track": "text-slate-800",
  closed: "text-slate-600",
};

/** "12 days left", highlighted within a week of the deadline, red once overdue. */
export function DaysLeft({ dueAt, closed, now = new Date() }: { dueAt: Date; closed: boolean; now?: Date }) {
  const state = deadlineState(dueAt, now, closed);
  return (
    <span className={DEADLINE_TONE[state.tone]} data-deadline={state.tone}>
      {state.text}
    </span>
  );
}
