import type { ReactNode } from "react";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { runAs } from "@/lib/auth/current";
import { countryName } from "@/lib/domain/health-profile/countries";
import { ageOn, formatIsoDate, todayIn } from "@/lib/domain/health-profile/dates";
import { healthSummaryOf } from "@/lib/domain/health-profile/queries";
import { MedicationTable } from "./medication-table";

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="font-medium text-slate-600">{term}</dt>
      <dd className="whitespace-pre-wrap text-slate-900">{children}</dd>
    </div>
  );
}

const NOT_RECORDED = <span className="text-slate-600">Not recorded</span>;

/**
 * The chart's health profile section, read-only: demographics, allergies (first
 * and prominent), medical history, current and past medications. Its query checks
 * the care relationship again (404, audited, for anyone without one).
 */
export async function ChartHealthProfile({
  actor,
  patientId,
}: {
  actor: AuthenticatedActor;
  patientId: string;
}) {
  const { profile, current, past } = await runAs(actor, () => healthSummaryOf(actor, patientId));
  const age = profile?.dateOfBirth ? ageOn(profile.dateOfBirth, todayIn("UTC")) : null;
  return (
    <section
      aria-labelledby="profile"
      className="space-y-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <h2 id="profile" className="text-lg font-semibold text-brand-900">
        Health profile and medications
      </h2>
      <div className="rounded-md border-2 border-red-300 bg-red-50 p-4" data-testid="chart-allergies">
        <h3 className="text-base font-bold text-red-900">Allergies</h3>
        <p className="mt-1 text-sm whitespace-pre-wrap text-red-950">
          {profile?.allergies ?? "None recorded: ask the patient before prescribing."}
        </p>
      </div>
      {profile ? (
        <dl className="grid gap-3 text-sm sm:grid-cols-2">
          <Item term="Name">{profile.fullName}</Item>
          <Item term="Date of birth">
            {profile.dateOfBirth
              ? `${formatIsoDate(profile.dateOfBirth)}${age === null ? "" : ` (${age} years)`}`
              : NOT_RECORDED}
          </Item>
          <Item term="Phone">{profile.phone ?? NOT_RECORDED}</Item>
          <Item term="Country">{profile.country ? countryName(profile.country) : NOT_RECORDED}</Item>
          <Item term="Address">{profile.address ?? NOT_RECORDED}</Item>
          <Item term="Emergency contact">{profile.emergencyContact ?? NOT_RECORDED}</Item>
        </dl>
      ) : (
        <p className="text-sm text-slate-600">The patient has not filled in a profile yet.</p>
      )}
      <div>
        <h3 className="mb-1 text-base font-semibold text-brand-900">Medical history</h3>
        <p className="text-sm whitespace-pre-wrap text-slate-900">
          {profile?.medicalHistory ?? NOT_RECORDED}
        </p>
      </div>
      <div>
        <h3 className="mb-2 text-base font-semibold text-brand-900">Current medications</h3>
        {current.length ? (
          <MedicationTable medications={current} kind="current" caption="Current medications" />
        ) : (
          <p className="text-sm text-slate-600">None recorded.</p>
        )}
      </div>
      <div>
        <h3 className="mb-2 text-base font-semibold text-brand-900">Past medications</h3>
        {past.length ? (
          <MedicationTable medications={past} kind="past" caption="Past medications" />
        ) : (
          <p className="text-sm text-slate-600">None recorded.</p>
        )}
      </div>
      <p className="text-xs text-slate-600">Kept by the patient; only they can change it.</p>
    </section>
  );
}
