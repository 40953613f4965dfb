import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { removeMedicationAction, updateMedicationAction } from "@/lib/domain/health-profile/actions";
import { medicationFor } from "@/lib/domain/health-profile/queries";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Change a medication" };

/** The patient corrects one of their medications (anyone else: 404, audited). */
export default async function MedicationPage({ params }: { params: Promise<{ medicationId: string }> }) {
  const actor = await requireActor("health:manage-own");
  const medicationId = pageIdOr404((await params).medicationId);
  const medication = await orNotFound(runAs(actor, () => medicationFor(actor, medicationId)));
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">{medication.name}</h1>
      <Card title="Dosage and dates">
        <ActionForm
          action={updateMedicationAction}
          hidden={{ medicationId: medication.id }}
          submitLabel="Save the changes"
          fields={[
            { name: "dosage", label: "Dosage", defaultValue: medication.dosage },
            {
              name: "startedOn",
              label: "Started on",
              type: "date",
              hint: "YYYY-MM-DD; optional.",
              defaultValue: medication.startedOn ?? "",
            },
            {
              name: "stoppedOn",
              label: "Stopped on",
              type: "date",
              hint: "YYYY-MM-DD; leave empty while you still take it.",
              defaultValue: medication.stoppedOn ?? "",
            },
          ]}
        />
      </Card>
      <Card title="Added by mistake?">
        <p className="mb-4 text-sm text-slate-700">
          Remove the entry only if you never took this medication. If you stopped taking it, set the stop date
          instead: your doctors need to know what you took before.
        </p>
        <ActionForm
          action={removeMedicationAction}
          hidden={{ medicationId: medication.id }}
          fields={[]}
          submitLabel="Remove this entry"
          variant="danger"
        />
      </Card>
      <p className="text-sm">
        <Link href="/patient/health" className="text-brand-700 underline">
          Back to your health profile
        </Link>
      </p>
    </>
  );
}
