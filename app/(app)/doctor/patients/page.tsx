import type { Metadata, Route } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { patientsOfDoctor } from "@/lib/domain/clinical/chart";
import { formatDateTime } from "@/lib/domain/scheduling/format";

export const metadata: Metadata = { title: "Patients" };

/** The doctor's patients: those with a visit that makes them the treating doctor. */
export default async function PatientsPage() {
  const actor = await requireActor("clinical:write");
  const [patients, timeZone] = await runAs(actor, () =>
    Promise.all([patientsOfDoctor(actor), accountTimeZone(actor)]),
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Your patients</h1>
      <Card>
        {patients.length ? (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3">
                  Patient
                </th>
                <th scope="col" className="py-1 pr-3">
                  Last visit
                </th>
                <th scope="col" className="py-1">
                  Next visit
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {patients.map((patient) => (
                <tr key={patient.patientId}>
                  <td className="py-2 pr-3">
                    <Link
                      href={`/doctor/patients/${patient.patientId}` as Route}
                      className="font-medium text-brand-700 underline"
                    >
                      {patient.fullName}
                    </Link>
                  </td>
                  <td className="py-2 pr-3">
                    {patient.lastVisit ? formatDateTime(patient.lastVisit, timeZone) : "—"}
                  </td>
                  <td className="py-2">
                    {patient.nextVisit ? formatDateTime(patient.nextVisit, timeZone) : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-slate-600">
            No patients yet: a patient appears here once a visit with you is confirmed.
          </p>
        )}
      </Card>
    </>
  );
}
