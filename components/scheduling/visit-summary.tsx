import type { Route } from "next";
import Link from "next/link";
import { describeTimeZone, formatDateTime } from "@/lib/domain/scheduling/format";
import type { AppointmentView } from "@/lib/domain/scheduling/schemas";
import { STATUS_LABEL } from "@/lib/domain/scheduling/states";

const STATUS_TONE: Record<string, string> = {
  CONFIRMED: "bg-emerald-50 text-emerald-900 border-emerald-200",
  HELD: "bg-amber-50 text-amber-900 border-amber-200",
  IN_PROGRESS: "bg-sky-50 text-sky-900 border-sky-200",
  CANCELLED: "bg-slate-100 text-slate-700 border-slate-200",
  NO_SHOW: "bg-red-50 text-red-800 border-red-200",
  COMPLETED: "bg-slate-50 text-slate-700 border-slate-200",
  EXPIRED: "bg-slate-100 text-slate-700 border-slate-200",
};

export function StatusBadge({ status }: { status: AppointmentView["status"] }) {
  return (
    <span className={`rounded-full border px-2 py-0.5 text-xs font-medium ${STATUS_TONE[status] ?? ""}`}>
      {STATUS_LABEL[status]}
    </span>
  );
}

/** One visit in a list: when (in the viewer's zone), with whom, its status. */
export function VisitRow({
  visit,
  href,
  timeZone,
  counterpart,
}: {
  visit: AppointmentView;
  href: Route;
  timeZone: string;
  counterpart: string;
}) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 py-3">
      <div>
        <Link href={href} className="font-medium text-brand-800 underline">
          {formatDateTime(visit.startsAt, timeZone)}
        </Link>
        <p className="text-sm text-slate-600">{counterpart}</p>
      </div>
      <StatusBadge status={visit.status} />
    </li>
  );
}

export function ZoneNote({ timeZone }: { timeZone: string }) {
  return (
    <p className="text-xs text-slate-500">
      Times in {describeTimeZone(timeZone)}.{" "}
      <Link href="/account" className="underline">
        Change your time zone
      </Link>
    </p>
  );
}
