import type { Metadata, Route } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/form";
import { ZoneNote } from "@/components/scheduling/visit-summary";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { formatDateTime, formatFee } from "@/lib/domain/scheduling/format";
import { directoryFacets, listDoctors } from "@/lib/domain/scheduling/queries";
import { type SearchParams, singleParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Find a doctor" };

const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language" });
const languageName = (code: string) => {
  try {
    return LANGUAGE_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
};

function filterHref(specialty: string | undefined, language: string | undefined): Route {
  const query = new URLSearchParams();
  if (specialty) query.set("specialty", specialty);
  if (language) query.set("language", language);
  const text = query.toString();
  return text ? `/doctors?${text}` : "/doctors";
}

function Chip({ href, active, children }: { href: Route; active: boolean; children: string }) {
  return (
    <Link
      href={href}
      aria-current={active ? "true" : undefined}
      className={`rounded-full border px-3 py-1 text-sm ${active ? "border-brand-700 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-50"}`}
    >
      {children}
    </Link>
  );
}

export default async function DoctorsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor("doctors:browse");
  const params = await searchParams;
  const specialty = singleParam(params.specialty, 80);
  const language = singleParam(params.language, 5);
  const [doctors, facets, timeZone] = await runAs(actor, () =>
    Promise.all([listDoctors({ specialty, language }), directoryFacets(), accountTimeZone(actor)]),
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Find a doctor</h1>
      <nav aria-label="Filter by specialty" className="flex flex-wrap gap-2">
        <Chip href={filterHref(undefined, language)} active={!specialty}>
          All specialties
        </Chip>
        {facets.specialties.map((name) => (
          <Chip key={name} href={filterHref(name, language)} active={specialty === name}>
            {name}
          </Chip>
        ))}
      </nav>
      <nav aria-label="Filter by language" className="flex flex-wrap gap-2">
        <Chip href={filterHref(specialty, undefined)} active={!language}>
          Any language
        </Chip>
        {facets.languages.map((code) => (
          <Chip key={code} href={filterHref(specialty, code)} active={language === code}>
            {languageName(code)}
          </Chip>
        ))}
      </nav>
      <ZoneNote timeZone={timeZone} />
      {doctors.length === 0 ? (
        <Card>
          <p className="text-sm text-slate-700">
            No doctor matches these filters.{" "}
            <Link href="/doctors" className="text-brand-700 underline">
              Show all doctors
            </Link>
          </p>
        </Card>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2">
          {doctors.map((doctor) => (
            <li key={doctor.id}>
              <Card>
                <h2 className="text-lg font-semibold text-brand-900">{doctor.displayName}</h2>
                <p className="text-sm text-slate-700">
                  {doctor.specialty} · {doctor.languages.map(languageName).join(", ") || "—"} ·{" "}
                  {doctor.visitMinutes} min · {formatFee(doctor.feeMinor, doctor.currency)}
                </p>
                {doctor.bio ? <p className="mt-2 text-sm text-slate-700">{doctor.bio}</p> : null}
                {!doctor.acceptingNewPatients ? (
                  <p className="mt-2 text-sm text-amber-800">Not taking new patients at the moment.</p>
                ) : null}
                <p className="mt-3 text-sm font-medium text-slate-800">Next free times</p>
                {doctor.nextSlots.length ? (
                  <ul className="text-sm text-slate-700">
                    {doctor.nextSlots.map((slot) => (
                      <li key={slot.toISOString()}>{formatDateTime(slot, timeZone)}</li>
                    ))}
                  </ul>
                ) : (
                  <p className="text-sm text-slate-600">No free time in the next 7 days.</p>
                )}
                <Link
                  href={`/doctors/${doctor.id}` as Route}
                  className="mt-4 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
                  aria-label={`See times and book with ${doctor.displayName}`}
                >
                  See times and book
                </Link>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
