import type { Route } from "next";
import Link from "next/link";
import type { ChartVisit } from "@/lib/domain/clinical/chart";
import { formatDateTime } from "@/lib/domain/scheduling/format";

const STATUS_LABEL: Record<ChartVisit["status"], string> = {
  HELD: "Held",
  CONFIRMED: "Confirmed",
  IN_PROGRESS: "In progress",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
  NO_SHOW: "Missed",
  EXPIRED: "Expired",
};

/** Every visit of the patient, newest first, with the reason in the patient's words. */
export function ChartVisits({
  visits,
  doctorId,
  timeZone,
}: {
  visits: readonly ChartVisit[];
  doctorId: string;
  timeZone: string;
}) {
  return (
    <section aria-labelledby="visits" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id="visits" className="mb-4 text-lg font-semibold text-brand-900">
        Visit history
      </h2>
      {visits.length ? (
        <table className="w-full text-left text-sm">
          <thead className="text-slate-600">
            <tr>
              <th scope="col" className="py-1 pr-3">
                When
              </th>
              <th scope="col" className="py-1 pr-3">
                Doctor
              </th>
              <th scope="col" className="py-1 pr-3">
                Status
              </th>
              <th scope="col" className="py-1">
                Reason
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {visits.map((visit) => (
              <tr key={visit.id}>
                <td className="py-2 pr-3 whitespace-nowrap">
                  {visit.doctorId === doctorId ? (
                    <Link href={`/doctor/visits/${visit.id}` as Route} className="text-brand-700 underline">
                      {formatDateTime(visit.startsAt, timeZone)}
                    </Link>
                  ) : (
                    formatDateTime(visit.startsAt, timeZone)
                  )}
                </td>
                <td className="py-2 pr-3">{visit.doctorId === doctorId ? "You" : visit.doctorName}</td>
                <td className="py-2 pr-3">{STATUS_LABEL[visit.status]}</td>
                <td className="py-2 whitespace-pre-wrap">{visit.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-sm text-slate-600">No visits.</p>
      )}
    </section>
  );
}
