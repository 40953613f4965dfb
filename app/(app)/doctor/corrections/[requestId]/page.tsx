import type { Metadata, Route } from "next";
import Link from "next/link";
import { DetailRow } from "@/components/admin/detail-row";
import { DaysLeft, RequestStatusBadge } from "@/components/patient-rights/request-badges";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { answerCorrectionAction } from "@/lib/domain/patient-rights/actions";
import { correctionForDoctor } from "@/lib/domain/patient-rights/corrections";
import { FINAL_STATUSES } from "@/lib/domain/patient-rights/requests";
import { TARGET_LABEL } from "@/lib/domain/patient-rights/schemas";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Correction request" };

export default async function DoctorCorrectionPage({ params }: { params: Promise<{ requestId: string }> }) {
  const actor = await requireActor("rights:answer-corrections");
  const requestId = pageIdOr404((await params).requestId);
  const [correction, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([correctionForDoctor(actor, requestId), accountTimeZone(actor)])),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const closed = FINAL_STATUSES.includes(correction.status);
  const chart = `/doctor/patients/${correction.patientId}` as Route;
  return (
    <>
      <p className="text-sm">
        <Link href="/doctor/corrections" className="text-brand-700 underline">
          Corrections
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">Correction requested by {correction.patientName}</h1>
      <Card title="The request">
        <dl className="text-sm">
          <DetailRow label="Status">
            <RequestStatusBadge status={correction.status} />
          </DetailRow>
          <DetailRow label="About">
            {correction.targetType ? TARGET_LABEL[correction.targetType] : "Not stated"}
            {correction.targetType === "note" && correction.targetId ? (
              <>
                {" · "}
                <Link
                  href={`/doctor/notes/${correction.targetId}` as Route}
                  className="text-brand-700 underline"
                >
                  Open the note (add an amendment there)
                </Link>
              </>
            ) : correction.targetType === "prescription" && correction.targetId ? (
              <>
                {" · "}
                <Link
                  href={`/doctor/prescriptions/${correction.targetId}` as Route}
                  className="text-brand-700 underline"
                >
                  Open the prescription
                </Link>
              </>
            ) : null}
          </DetailRow>
          <DetailRow label="Patient">
            <Link href={chart} className="text-brand-700 underline">
              {correction.patientName}&apos;s chart
            </Link>
          </DetailRow>
          <DetailRow label="Received">{when(correction.receivedAt)}</DetailRow>
          <DetailRow label={closed ? "Was due" : "Due"}>
            {when(correction.dueAt)}
            {closed ? null : (
              <>
                {" "}
                (<DaysLeft dueAt={correction.dueAt} closed={false} />)
              </>
            )}
          </DetailRow>
          {correction.completedAt ? (
            <DetailRow label="Answered">{when(correction.completedAt)}</DetailRow>
          ) : null}
        </dl>
        <h2 className="mt-4 text-sm font-semibold text-slate-900">The patient wrote</h2>
        <p className="mt-1 text-sm whitespace-pre-wrap text-slate-900" data-testid="correction-request">
          {correction.request}
        </p>
      </Card>
      {closed ? (
        <Card title={correction.status === "COMPLETED" ? "Corrected" : "Declined"}>
          <p className="text-sm whitespace-pre-wrap text-slate-900">{correction.resolution}</p>
          {correction.statement ? (
            <>
              <h2 className="mt-4 text-sm font-semibold text-slate-900">
                The patient&apos;s statement of disagreement
              </h2>
              <p className="mt-1 text-sm whitespace-pre-wrap text-slate-900">{correction.statement}</p>
              <p className="mt-2 text-xs text-slate-600">
                Keep it with the record: include it whenever you disclose the part of the record it concerns.
              </p>
            </>
          ) : null}
        </Card>
      ) : (
        <Card title="Your answer">
          <p className="mb-4 text-sm text-slate-700">
            {correction.targetType === "note"
              ? "A signed note never changes: correct it with an amendment on the note, then record here what you changed."
              : "Correct the record where it is kept, then record here what you changed."}{" "}
            If the record is accurate and complete, decline and explain why: the patient reads your reason and
            may add a statement of disagreement.
          </p>
          <ActionForm
            action={answerCorrectionAction}
            hidden={{ requestId: correction.id }}
            submitLabel="Send the answer"
            fields={[
              {
                name: "answer",
                label: "Answer",
                kind: "select",
                options: [
                  { value: "CORRECTED", label: "Corrected" },
                  { value: "DECLINED", label: "Declined" },
                ],
              },
              {
                name: "resolution",
                label: "What you changed, or why the record stays as it is",
                kind: "textarea",
                hint: "10 to 2,000 characters. The patient reads it.",
              },
            ]}
          />
        </Card>
      )}
      <Card title="Steps">
        <ol className="space-y-1 text-sm">
          {correction.steps.map((step) => (
            <li key={step.id}>
              <time dateTime={step.at.toISOString()}>{when(step.at)}</time>: {step.step}
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
