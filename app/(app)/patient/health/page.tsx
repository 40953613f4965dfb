import type { Metadata, Route } from "next";
import Link from "next/link";
import { CoverageStatus } from "@/components/insurance/coverage-status";
import { MedicationTable } from "@/components/health-profile/medication-table";
import { ActionForm } from "@/components/ui/action-form";
import { Alert, Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import {
  addMedicationAction,
  saveHealthProfileAction,
  stopMedicationAction,
} from "@/lib/domain/health-profile/actions";
import { countryChoices } from "@/lib/domain/health-profile/countries";
import { healthSummaryOf } from "@/lib/domain/health-profile/queries";
import { lookupParam, type SearchParams } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Your health profile" };

const SAVED = new Map([
  ["saved", "The medication is saved."],
  ["removed", "The entry is removed from your medications."],
  ["stopped", "Stopped: it is now under past medications."],
]);

const DATE_HINT = "YYYY-MM-DD";

export default async function HealthProfilePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor("health:manage-own");
  const { profile, current, past } = await runAs(actor, () => healthSummaryOf(actor, actor.userId));
  const saved = lookupParam(SAVED, (await searchParams).medication);
  const edit = (medication: { id: string; name: string }) => (
    <Link
      href={`/patient/health/medications/${medication.id}` as Route}
      className="text-brand-700 underline"
      aria-label={`Change ${medication.name}`}
    >
      Change
    </Link>
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Your health profile</h1>
      <p className="text-sm text-slate-700">
        Your doctors see this before and during your visits. Only you can change it; every change is recorded.
      </p>
      {saved ? <Alert tone="success">{saved}</Alert> : null}
      <Card title="About you">
        <ActionForm
          action={saveHealthProfileAction}
          submitLabel="Save your profile"
          fields={[
            {
              name: "fullName",
              label: "Full name",
              autoComplete: "name",
              defaultValue: profile?.fullName ?? "",
            },
            {
              name: "dateOfBirth",
              label: "Date of birth",
              type: "date",
              autoComplete: "bday",
              hint: DATE_HINT,
              defaultValue: profile?.dateOfBirth ?? "",
            },
            {
              name: "phone",
              label: "Phone",
              type: "tel",
              autoComplete: "tel",
              hint: "With the country code, like +1 555 010 0101.",
              defaultValue: profile?.phone ?? "",
            },
            {
              name: "address",
              label: "Address",
              kind: "textarea",
              autoComplete: "street-address",
              defaultValue: profile?.address ?? "",
            },
            {
              name: "country",
              label: "Country you live in",
              kind: "select",
              hint: "Used to show the right emergency numbers.",
              options: [{ value: "", label: "Not set" }, ...countryChoices()],
              defaultValue: profile?.country ?? "",
            },
            {
              name: "emergencyContact",
              label: "Emergency contact",
              hint: "Name, relation and phone, like Ana Romero (mother), +1 555 010 0199.",
              defaultValue: profile?.emergencyContact ?? "",
            },
            {
              name: "allergies",
              label: "Allergies",
              kind: "textarea",
              hint: "Medicines, foods or anything else, and what happens. Write “None known” if you have none.",
              defaultValue: profile?.allergies ?? "",
            },
            {
              name: "medicalHistory",
              label: "Medical history",
              kind: "textarea",
              hint: "Conditions, operations and when.",
              defaultValue: profile?.medicalHistory ?? "",
            },
          ]}
        />
      </Card>
      <Card title="Current medications">
        {current.length ? (
          <MedicationTable
            medications={current}
            kind="current"
            caption="Medications you take now"
            actions={(medication) => (
              <div className="flex flex-wrap items-start gap-3">
                <ActionForm
                  action={stopMedicationAction}
                  hidden={{ medicationId: medication.id }}
                  fields={[]}
                  submitLabel="Stop"
                  submitAccessibleName={`Stop ${medication.name} today`}
                  variant="secondary"
                />
                <span className="py-2">{edit(medication)}</span>
              </div>
            )}
          />
        ) : (
          <p className="text-sm text-slate-700">You have not listed any medication you take now.</p>
        )}
      </Card>
      <Card title="Past medications">
        {past.length ? (
          <MedicationTable
            medications={past}
            kind="past"
            caption="Medications you took before"
            actions={edit}
          />
        ) : (
          <p className="text-sm text-slate-700">None listed.</p>
        )}
      </Card>
      <Card title="Add a medication">
        <ActionForm
          action={addMedicationAction}
          submitLabel="Add the medication"
          fields={[
            { name: "name", label: "Medicine and strength", hint: "Like Levothyroxine 50 mcg." },
            { name: "dosage", label: "Dosage", hint: "How much and how often, like 1 tablet once daily." },
            { name: "startedOn", label: "Started on", type: "date", hint: `${DATE_HINT}; optional.` },
            {
              name: "stoppedOn",
              label: "Stopped on",
              type: "date",
              hint: `${DATE_HINT}; leave empty while you still take it.`,
            },
          ]}
        />
      </Card>
      <Card title="Insurance">
        <CoverageStatus actor={actor} patientId={actor.userId} />
        <p className="mt-2 text-sm">
          <Link href="/patient/insurance" className="text-brand-700 underline">
            Check your insurance coverage
          </Link>
        </p>
      </Card>
    </>
  );
}
