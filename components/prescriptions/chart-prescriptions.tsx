// The chart's prescriptions section: every prescription of the patient, newest
// first, and the way to write a new one.
import type { Route } from "next";
import Link from "next/link";
import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { prescriptionsOfPatient } from "@/lib/domain/prescriptions/queries";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { itemsSummary, pdfHref } from "./prescription-details";

export async function ChartPrescriptions({
  actor,
  patientId,
  readOnly = false,
}: {
  actor: AuthenticatedActor;
  patientId: string;
  /** Emergency (break-glass) access: prescriptions are listed, none is written. */
  readOnly?: boolean;
}) {
  const [prescriptions, timeZone] = await runAs(actor, () =>
    Promise.all([prescriptionsOfPatient(actor, patientId), accountTimeZone(actor)]),
  );
  return (
    <section
      aria-labelledby="prescriptions"
      className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h2 id="prescriptions" className="text-lg font-semibold text-brand-900">
          Prescriptions
        </h2>
        {actor.role === "DOCTOR" && !readOnly ? (
          <Link
            href={`/doctor/patients/${patientId}/prescriptions/new` as Route}
            className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
          >
            Write a prescription
          </Link>
        ) : null}
      </div>
      {prescriptions.length === 0 ? (
        <p className="text-sm text-slate-600">No prescriptions yet.</p>
      ) : (
        <ul className="divide-y divide-slate-200">
          {prescriptions.map((prescription) => (
            <li key={prescription.id} className="flex flex-wrap items-baseline gap-x-4 gap-y-1 py-3 text-sm">
              <span className="font-medium text-slate-900">
                {formatDateTime(prescription.signedAt, timeZone)}
              </span>
              <span className="text-slate-600">{prescription.doctorName}</span>
              <span className="min-w-0 flex-1 text-slate-800">{itemsSummary(prescription)}</span>
              <Link
                href={`/doctor/prescriptions/${prescription.id}` as Route}
                className="text-brand-700 underline"
              >
                View
                <span className="sr-only">
                  {" "}
                  the prescription of {formatDateTime(prescription.signedAt, timeZone)}
                </span>
              </Link>
              <a href={pdfHref(prescription.id)} download className="text-brand-700 underline">
                PDF
                <span className="sr-only">
                  {" "}
                  of the prescription of {formatDateTime(prescription.signedAt, timeZone)}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
