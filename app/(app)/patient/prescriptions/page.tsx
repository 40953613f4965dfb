import type { Metadata, Route } from "next";
import Link from "next/link";
import { itemsSummary, pdfHref } from "@/components/prescriptions/prescription-details";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { prescriptionsOfPatient } from "@/lib/domain/prescriptions/queries";
import { formatDateTime } from "@/lib/domain/scheduling/format";

export const metadata: Metadata = { title: "Prescriptions" };

/** The patient's own prescriptions, newest first. */
export default async function PatientPrescriptionsPage() {
  const actor = await requireActor("health:manage-own");
  const [prescriptions, timeZone] = await runAs(actor, () =>
    Promise.all([prescriptionsOfPatient(actor, actor.userId), accountTimeZone(actor)]),
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">My prescriptions</h1>
      <Card>
        {prescriptions.length === 0 ? (
          <p className="text-sm text-slate-700">Your doctors have not written you a prescription yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {prescriptions.map((prescription) => {
              const signed = formatDateTime(prescription.signedAt, timeZone);
              return (
                <li key={prescription.id} className="space-y-1 py-4">
                  <h2 className="font-semibold text-brand-900">
                    <Link
                      href={`/patient/prescriptions/${prescription.id}` as Route}
                      className="text-brand-700 underline"
                    >
                      {signed}
                    </Link>
                  </h2>
                  <p className="text-sm text-slate-600">{prescription.doctorName}</p>
                  <p className="text-sm text-slate-800">{itemsSummary(prescription)}</p>
                  <a href={pdfHref(prescription.id)} download className="text-sm text-brand-700 underline">
                    Download PDF<span className="sr-only"> of the prescription of {signed}</span>
                  </a>
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </>
  );
}
