import type { Metadata, Route } from "next";
import Link from "next/link";
import { PrescriptionDetails } from "@/components/prescriptions/prescription-details";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { prescriptionFor } from "@/lib/domain/prescriptions/queries";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Prescription" };

/** A prescription for one of the doctor's patients (anyone else: 404, audited). */
export default async function DoctorPrescriptionPage({
  params,
}: {
  params: Promise<{ prescriptionId: string }>;
}) {
  const actor = await requireActor("clinical:write");
  const prescriptionId = pageIdOr404((await params).prescriptionId);
  const [prescription, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([prescriptionFor(actor, prescriptionId), accountTimeZone(actor)])),
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Prescription</h1>
      <Card>
        <PrescriptionDetails prescription={prescription} timeZone={timeZone} />
      </Card>
      <p className="text-sm">
        <Link
          href={`/doctor/patients/${prescription.patientId}#prescriptions` as Route}
          className="text-brand-700 underline"
        >
          Back to the chart
        </Link>
      </p>
    </>
  );
}
