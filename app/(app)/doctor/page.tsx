import type { Metadata, Route } from "next";
import Link from "next/link";
import { Temporal } from "temporal-polyfill";
import { DoctorEmergencyAlerts } from "@/components/emergency/doctor-emergency-alerts";
import { StatusBadge, ZoneNote } from "@/components/scheduling/visit-summary";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { formatDay, formatTime, localDay } from "@/lib/domain/scheduling/format";
import { doctorCard, doctorSchedule } from "@/lib/domain/scheduling/queries";
import { localMinuteToInstant } from "@/lib/domain/scheduling/slots";
import { type SearchParams, singleParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "My practice" };

export default async function DoctorHome({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor("portal:doctor");
  const query = await searchParams;
  const view = singleParam(query.view) === "day" ? "day" : "week";
  const timeZone = await runAs(actor, () => accountTimeZone(actor));
  const today = Temporal.Now.plainDateISO(timeZone);
  let start = today;
  try {
    const given = singleParam(query.date, 10);
    if (given) start = Temporal.PlainDate.from(given);
  } catch {
    start = today;
  }
  const days = view === "day" ? 1 : 7;
  const from = localMinuteToInstant(start, 0, timeZone);
  const to = localMinuteToInstant(start.add({ days }), 0, timeZone);
  const [profile, visits] = await runAs(actor, () =>
    Promise.all([doctorCard(actor.userId), doctorSchedule(actor, from, to)]),
  );
  const byDay = Array.from({ length: days }, (_, i) => {
    const date = start.add({ days: i });
    return { key: date.toString(), instant: localMinuteToInstant(date, 12 * 60, timeZone) };
  });
  const link = (v: string, date: Temporal.PlainDate) => `/doctor?view=${v}&date=${date.toString()}` as Route;
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-bold text-brand-900">{profile?.displayName ?? "Your practice"}</h1>
        <Link
          href="/doctor/availability"
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
        >
          Availability and settings
        </Link>
      </div>
      <DoctorEmergencyAlerts actor={actor} />
      <nav aria-label="Schedule" className="flex flex-wrap items-center gap-3 text-sm">
        <Link href={link(view, start.subtract({ days }))} className="text-brand-700 underline">
          ← Previous {view}
        </Link>
        <Link href={link(view, today)} className="text-brand-700 underline">
          Today
        </Link>
        <Link href={link(view, start.add({ days }))} className="text-brand-700 underline">
          Next {view} →
        </Link>
        <span className="text-slate-400" aria-hidden="true">
          |
        </span>
        <Link
          href={link("day", start)}
          aria-current={view === "day" ? "page" : undefined}
          className="text-brand-700 underline"
        >
          Day
        </Link>
        <Link
          href={link("week", start)}
          aria-current={view === "week" ? "page" : undefined}
          className="text-brand-700 underline"
        >
          Week
        </Link>
      </nav>
      <ZoneNote timeZone={timeZone} />
      {byDay.map((day) => {
        const todays = visits.filter((visit) => localDay(visit.startsAt, timeZone) === day.key);
        return (
          <Card key={day.key} title={formatDay(day.instant, timeZone)}>
            {todays.length ? (
              <ul className="divide-y divide-slate-100">
                {todays.map((visit) => (
                  <li key={visit.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                    <div>
                      <Link
                        href={`/doctor/visits/${visit.id}` as Route}
                        className="font-medium text-brand-800 underline"
                      >
                        {formatTime(visit.startsAt, timeZone)}–{formatTime(visit.endsAt, timeZone)} ·{" "}
                        {visit.patient?.fullName}
                      </Link>
                      <p className="line-clamp-1 text-sm text-slate-600">{visit.reason}</p>
                    </div>
                    <StatusBadge status={visit.status} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-600">No visits.</p>
            )}
          </Card>
        );
      })}
    </>
  );
}
