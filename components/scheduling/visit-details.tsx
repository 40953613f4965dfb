import { describeTimeZone, formatDateTime, formatFee } from "@/lib/domain/scheduling/format";
import type { AppointmentView } from "@/lib/domain/scheduling/schemas";
import { StatusBadge } from "./visit-summary";

/** A visit's facts, times in the viewer's zone and in the other party's. */
export function VisitDetails({
  visit,
  timeZone,
  otherZone,
  otherLabel,
}: {
  visit: AppointmentView;
  timeZone: string;
  otherZone: string;
  otherLabel: string;
}) {
  return (
    <dl className="grid gap-3 text-sm sm:grid-cols-2">
      <div>
        <dt className="font-medium text-slate-600">When</dt>
        <dd>
          {formatDateTime(visit.startsAt, timeZone)}
          <span className="block text-xs text-slate-500">{describeTimeZone(timeZone)}</span>
        </dd>
      </div>
      {otherZone !== timeZone ? (
        <div>
          <dt className="font-medium text-slate-600">For {otherLabel}</dt>
          <dd>
            {formatDateTime(visit.startsAt, otherZone)}
            <span className="block text-xs text-slate-500">{describeTimeZone(otherZone)}</span>
          </dd>
        </div>
      ) : null}
      <div>
        <dt className="font-medium text-slate-600">Status</dt>
        <dd>
          <StatusBadge status={visit.status} />
        </dd>
      </div>
      <div>
        <dt className="font-medium text-slate-600">Length and fee</dt>
        <dd>
          {Math.round((visit.endsAt.getTime() - visit.startsAt.getTime()) / 60_000)} minutes ·{" "}
          {formatFee(visit.feeMinor, visit.currency)}
        </dd>
      </div>
      <div className="sm:col-span-2">
        <dt className="font-medium text-slate-600">Reason for the visit</dt>
        <dd className="whitespace-pre-wrap">{visit.reason}</dd>
      </div>
      {visit.cancelReason ? (
        <div className="sm:col-span-2">
          <dt className="font-medium text-slate-600">Why it was cancelled</dt>
          <dd className="whitespace-pre-wrap">{visit.cancelReason}</dd>
        </div>
      ) : null}
    </dl>
  );
}
