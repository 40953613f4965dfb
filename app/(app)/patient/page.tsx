import type { Metadata, Route } from "next";
import Link from "next/link";
import { VisitRow, ZoneNote } from "@/components/scheduling/visit-summary";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { ownCurrentMedications, ownHealthProfile } from "@/lib/domain/health-profile/queries";
import { patientAppointments } from "@/lib/domain/scheduling/queries";

export const metadata: Metadata = { title: "My care" };

export default async function PatientHome() {
  const actor = await requireActor("portal:patient");
  const [profile, visits, timeZone, medications] = await runAs(actor, () =>
    Promise.all([
      ownHealthProfile(actor),
      patientAppointments(actor),
      accountTimeZone(actor),
      ownCurrentMedications(actor),
    ]),
  );
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-bold text-brand-900">Hello, {profile?.fullName ?? "there"}</h1>
        <Link
          href="/doctors"
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          Book a visit
        </Link>
      </div>
      <Card title="Upcoming visits">
        {visits.upcoming.length ? (
          <ul className="divide-y divide-slate-100">
            {visits.upcoming.map((visit) => (
              <VisitRow
                key={visit.id}
                visit={visit}
                href={`/patient/visits/${visit.id}` as Route}
                timeZone={timeZone}
                counterpart={`${visit.doctor.displayName} · ${visit.doctor.specialty}`}
              />
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-700">
            No visit booked.{" "}
            <Link href="/doctors" className="text-brand-700 underline">
              Find a doctor and a time
            </Link>
            .
          </p>
        )}
        <div className="mt-3">
          <ZoneNote timeZone={timeZone} />
        </div>
      </Card>
      <Card title="Your health profile">
        <dl className="grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="font-medium text-slate-600">Date of birth</dt>
            <dd>{profile?.dateOfBirth ?? "Not recorded"}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">Allergies</dt>
            <dd className="whitespace-pre-wrap">{profile?.allergies ?? "None recorded"}</dd>
          </div>
          <div className="sm:col-span-2">
            <dt className="font-medium text-slate-600">Current medications</dt>
            <dd>
              {medications.length ? (
                <ul className="list-disc pl-5">
                  {medications.map((medication) => (
                    <li key={medication.id}>
                      {medication.name}, {medication.dosage}
                    </li>
                  ))}
                </ul>
              ) : (
                "None recorded"
              )}
            </dd>
          </div>
        </dl>
        <p className="mt-4 text-sm">
          <Link href="/patient/health" className="text-brand-700 underline">
            Edit your health profile
          </Link>
        </p>
      </Card>
      <Card title="Past visits">
        {visits.past.length ? (
          <ul className="divide-y divide-slate-100">
            {visits.past.map((visit) => (
              <VisitRow
                key={visit.id}
                visit={visit}
                href={`/patient/visits/${visit.id}` as Route}
                timeZone={timeZone}
                counterpart={`${visit.doctor.displayName} · ${visit.doctor.specialty}`}
              />
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-700">No past visits yet.</p>
        )}
      </Card>
    </>
  );
}
