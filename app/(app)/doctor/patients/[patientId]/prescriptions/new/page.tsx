import { randomUUID } from "node:crypto";
import type { Metadata, Route } from "next";
import Link from "next/link";
import { PrescriptionForm } from "@/components/prescriptions/prescription-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { issuePrescriptionAction } from "@/lib/domain/prescriptions/actions";
import { prescribingContext } from "@/lib/domain/prescriptions/queries";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "New prescription" };

/** A treating doctor writes and signs a prescription (anyone else: 404, audited). */
export default async function NewPrescriptionPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requireActor("clinical:write");
  const patientId = pageIdOr404((await params).patientId);
  const [context, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([prescribingContext(actor, patientId), accountTimeZone(actor)])),
  );
  const chart = `/doctor/patients/${patientId}` as Route;
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">New prescription for {context.patientName}</h1>
      <p className="text-sm text-slate-700">
        Fill in every medicine in full. Signing issues the prescription: the patient can download it at once,
        and it cannot be changed afterwards.
      </p>
      <Card>
        <PrescriptionForm
          action={issuePrescriptionAction}
          patientId={patientId}
          submissionId={randomUUID()}
          visits={context.visits.map((visit) => ({
            value: visit.id,
            label: formatDateTime(visit.startsAt, timeZone),
          }))}
        />
      </Card>
      <p className="text-sm">
        <Link href={chart} className="text-brand-700 underline">
          Back to the chart
        </Link>
      </p>
    </>
  );
}
