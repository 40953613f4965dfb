import type { Metadata } from "next";
import Link from "next/link";
import { PrescriptionDetails } from "@/components/prescriptions/prescription-details";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { prescriptionFor } from "@/lib/domain/prescriptions/queries";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Prescription" };

/** One of the patient's own prescriptions (anyone else's: 404, audited). */
export default async function PatientPrescriptionPage({
  params,
}: {
  params: Promise<{ prescriptionId: string }>;
}) {
  const actor = await requireActor("health:manage-own");
  const prescriptionId = pageIdOr404((await params).prescriptionId);
  const [prescription, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([prescriptionFor(actor, prescriptionId), accountTimeZone(actor)])),
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Prescription from {prescription.doctorName}</h1>
      <Card>
        <PrescriptionDetails prescription={prescription} timeZone={timeZone} />
      </Card>
      <p className="text-sm text-slate-700">
        A pharmacy can check this prescription with its verification code; the check shows nothing about you.
      </p>
      <p className="text-sm">
        <Link href="/patient/prescriptions" className="text-brand-700 underline">
          All my prescriptions
        </Link>
      </p>
    </>
  );
}
