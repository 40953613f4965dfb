import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmDisclosure } from "@/components/admin/confirm-disclosure";
import { DetailRow } from "@/components/admin/detail-row";
import { LegalHoldCard } from "@/components/patient-rights/legal-hold-card";
import { RequestOutcome } from "@/components/patient-rights/request-outcome";
import { DaysLeft, RequestStatusBadge } from "@/components/patient-rights/request-badges";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import {
  assignCorrectionAction,
  carryOutErasureAction,
  rejectRequestAction,
  startErasureAction,
} from "@/lib/domain/patient-rights/actions";
import { requestForAdmin } from "@/lib/domain/patient-rights/queue";
import { REQUEST_KIND_LABEL, REQUEST_STATUS_LABEL } from "@/lib/domain/patient-rights/requests";
import { TARGET_LABEL } from "@/lib/domain/patient-rights/schemas";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Data request" };

export default async function AdminRequestPage({ params }: { params: Promise<{ requestId: string }> }) {
  const actor = await requireActor("rights:manage");
  const requestId = pageIdOr404((await params).requestId);
  const [request, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([requestForAdmin(actor, requestId), accountTimeZone(actor)])),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const open = !request.answered;
  const held = request.legalHold !== null;
  const erasure = request.kind === "ERASURE";
  const hidden = { requestId: request.id };
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/requests" className="text-brand-700 underline">
          Data requests
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">{REQUEST_KIND_LABEL[request.kind]} request</h1>
      <Card title="Request">
        <dl className="text-sm">
          <DetailRow label="Status">
            <RequestStatusBadge status={request.status} />
          </DetailRow>
          <DetailRow label="Received">{when(request.receivedAt)}</DetailRow>
          <DetailRow label="Due">
            {when(request.dueAt)} (<DaysLeft dueAt={request.dueAt} closed={!open} />)
          </DetailRow>
          {request.completedAt ? <DetailRow label="Closed">{when(request.completedAt)}</DetailRow> : null}
          {request.kind === "CORRECTION" ? (
            <>
              <DetailRow label="About">
                {request.targetType ? TARGET_LABEL[request.targetType] : "Not stated"}
              </DetailRow>
              <DetailRow label="Assigned to">
                {request.assigneeName ?? <span className="font-medium text-amber-900">Nobody yet</span>}
              </DetailRow>
            </>
          ) : null}
          <DetailRow label="Legal hold">
            {request.legalHold ? (
              <span className="font-medium text-amber-900">
                Active since {when(request.legalHold.placedAt)}
              </span>
            ) : (
              "None"
            )}
          </DetailRow>
          <DetailRow label="Patient account id">
            <code className="text-xs break-all select-all">{request.patientId}</code>
          </DetailRow>
          <DetailRow label="Patient email">
            {request.patientEmail ?? (request.patientStatus === "ERASED" ? "Erased" : "Unknown")}
          </DetailRow>
        </dl>
        <p className="mt-3 text-xs text-slate-600">
          What the patient wrote is for the doctor answering, not shown here. Contact the patient by email
          when a request needs their identity confirmed.
        </p>
      </Card>

      {request.outcome ? (
        <Card title="Outcome">
          <RequestOutcome outcome={request.outcome} />
        </Card>
      ) : null}

      {open ? (
        <Card title="Actions">
          <div className="space-y-6 text-sm">
            {request.kind === "CORRECTION" ? (
              request.treatingDoctors.length ? (
                <section>
                  <h2 className="mb-2 font-semibold text-slate-900">
                    {request.assigneeName
                      ? "Assign to another treating doctor"
                      : "Assign to a treating doctor"}
                  </h2>
                  <ActionForm
                    action={assignCorrectionAction}
                    hidden={hidden}
                    submitLabel="Assign"
                    variant="secondary"
                    fields={[
                      {
                        name: "doctorId",
                        label: "Doctor",
                        kind: "select",
                        options: request.treatingDoctors.map((doctor) => ({
                          value: doctor.id,
                          label: doctor.name,
                        })),
                        defaultValue: request.assigneeId ?? undefined,
                      },
                    ]}
                  />
                </section>
              ) : (
                <p className="text-slate-700">
                  No active doctor treats this patient. Decline the request with an explanation, or wait for a
                  visit.
                </p>
              )
            ) : null}
            {erasure ? (
              held ? (
                <p className="font-medium text-amber-900">
                  A legal hold is active: the erasure cannot start or be carried out until it is released.
                </p>
              ) : (
                <>
                  {request.status === "RECEIVED" ? (
                    <section>
                      <h2 className="mb-2 font-semibold text-slate-900">Start</h2>
                      <p className="mb-2 text-slate-700">
                        Mark the request in progress while you confirm the patient&apos;s identity and check
                        for reasons to keep the data.
                      </p>
                      <ActionForm
                        action={startErasureAction}
                        hidden={hidden}
                        fields={[]}
                        submitLabel="Mark in progress"
                        variant="secondary"
                      />
                    </section>
                  ) : null}
                  <section>
                    <h2 className="mb-2 font-semibold text-slate-900">Carry out</h2>
                    <ConfirmDisclosure label="Carry out erasure…">
                      <p>
                        This erases the patient&apos;s personal data and destroys their data key:{" "}
                        <strong>it cannot be undone</strong>. Clinical records the law requires keeping are
                        retained as configured. The account can no longer sign in.
                      </p>
                      <ActionForm
                        action={carryOutErasureAction}
                        hidden={hidden}
                        fields={[]}
                        submitLabel="Carry out erasure"
                        variant="danger"
                      />
                    </ConfirmDisclosure>
                  </section>
                </>
              )
            ) : null}
            <section>
              <h2 className="mb-2 font-semibold text-slate-900">Decline</h2>
              <details>
                <summary className="cursor-pointer font-medium text-brand-700">Decline the request…</summary>
                <div className="mt-2">
                  <ActionForm
                    action={rejectRequestAction}
                    hidden={hidden}
                    submitLabel="Decline the request"
                    variant="danger"
                    fields={[
                      {
                        name: "reason",
                        label: "Reason (the patient reads it)",
                        kind: "textarea",
                        hint: "10 to 2,000 characters, e.g. that their identity could not be confirmed.",
                      },
                    ]}
                  />
                </div>
              </details>
            </section>
          </div>
        </Card>
      ) : null}

      <LegalHoldCard actor={actor} patientId={request.patientId} />

      <Card title="Steps">
        <ol className="space-y-1 text-sm" aria-label="Steps of the request, oldest first">
          {request.steps.map((step) => (
            <li key={step.id}>
              <time dateTime={step.at.toISOString()}>{when(step.at)}</time>: {step.step} →{" "}
              {REQUEST_STATUS_LABEL[step.toStatus]}
              {step.actorName ? <span className="text-slate-600"> ({step.actorName})</span> : null}
            </li>
          ))}
        </ol>
        <p className="mt-3 text-xs text-slate-600">Steps are never changed or removed.</p>
      </Card>
    </>
  );
}
