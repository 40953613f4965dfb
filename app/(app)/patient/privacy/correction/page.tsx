import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { requestCorrectionAction } from "@/lib/domain/patient-rights/actions";
import { correctionTargetsOf } from "@/lib/domain/patient-rights/corrections";
import {
  CORRECTION_TEXT_MAX,
  CORRECTION_TEXT_MIN,
  correctionTargetValue,
} from "@/lib/domain/patient-rights/schemas";
import { formatDateTime } from "@/lib/domain/scheduling/format";

export const metadata: Metadata = { title: "Ask for a correction" };

export default async function CorrectionRequestPage() {
  const actor = await requireActor("rights:own");
  const { targets, timeZone } = await runAs(actor, async () => ({
    targets: await correctionTargetsOf(actor),
    timeZone: await accountTimeZone(actor),
  }));
  const options = [
    { value: "", label: "Choose…" },
    { value: "profile", label: "My health profile (history, allergies, medications, contact details)" },
    ...targets.map((target) => ({
      value: correctionTargetValue({ targetType: target.targetType, targetId: target.id }),
      label: `${target.targetType === "note" ? "Consultation note" : "Prescription"} of ${formatDateTime(target.at, timeZone)}, ${target.doctorName}`,
    })),
    { value: "other", label: "Something else in my record" },
  ];
  return (
    <>
      <p className="text-sm">
        <Link href="/patient/privacy" className="text-brand-700 underline">
          Privacy and your data
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">Ask for a correction</h1>
      <Card>
        <p className="mb-4 text-sm text-slate-700">
          If something in your record is wrong or incomplete, tell us what and what it should say. The doctor
          who wrote it (or the doctor who treats you) answers within a month: they correct it, or explain why
          it stays as it is. You see the answer on your privacy page.
        </p>
        <ActionForm
          action={requestCorrectionAction}
          submitLabel="Send the request"
          fields={[
            { name: "target", label: "What should be corrected", kind: "select", options },
            {
              name: "details",
              label: "What is wrong, and what should it say",
              kind: "textarea",
              hint: `${CORRECTION_TEXT_MIN} to ${CORRECTION_TEXT_MAX.toLocaleString("en")} characters. Only the doctor answering sees it.`,
            },
          ]}
        />
      </Card>
    </>
  );
}
