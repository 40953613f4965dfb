import type { Metadata, Route } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/scheduling/visit-summary";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { describeTimeZone, formatDateTime } from "@/lib/domain/scheduling/format";
import { bookingsOfDoctor, listDoctors } from "@/lib/domain/scheduling/queries";
import { type SearchParams, singleParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Bookings" };

export default async function AdminBookingsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor("bookings:list");
  const chosen = singleParam((await searchParams).doctor, 36);
  const data = await runAs(actor, async () => {
    const doctors = await listDoctors();
    const doctor = doctors.find((d) => d.id === chosen) ?? doctors[0];
    const bookings = doctor ? await bookingsOfDoctor(doctor.id) : [];
    return { doctors, doctor, bookings, timeZone: await accountTimeZone(actor) };
  });
  const { doctors, doctor, bookings, timeZone } = data;
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Bookings</h1>
      <nav aria-label="Doctors" className="flex flex-wrap gap-2">
        {doctors.map((d) => (
          <Link
            key={d.id}
            href={`/admin/bookings?doctor=${d.id}` as Route}
            aria-current={d.id === doctor?.id ? "page" : undefined}
            className={`rounded-full border px-3 py-1 text-sm ${d.id === doctor?.id ? "border-brand-700 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-800"}`}
          >
            {d.displayName}
          </Link>
        ))}
      </nav>
      <Card title={doctor ? `${doctor.displayName}: from a week ago` : "No doctors yet"}>
        {bookings.length ? (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-600">
              <tr>
                <th className="py-2">When ({describeTimeZone(timeZone)})</th>
                <th>Patient</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {bookings.map((booking) => (
                <tr key={booking.id} className="border-t border-slate-100">
                  <td className="py-2">{formatDateTime(booking.startsAt, timeZone)}</td>
                  <td>{booking.patient?.fullName}</td>
                  <td>
                    <StatusBadge status={booking.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-slate-600">No bookings.</p>
        )}
        <p className="mt-3 text-xs text-slate-500">
          Reasons for visits are clinical: only the patient and the doctor see them.
        </p>
      </Card>
    </>
  );
}
