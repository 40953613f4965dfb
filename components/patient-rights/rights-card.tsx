// The patient's requests under their data rights (exports, corrections, erasure), with their
// status, due date and answer; after a declined correction, the form for one statement of
// disagreement. Links to ask for a correction and to erase the account.
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { addDisagreementAction } from "@/lib/domain/patient-rights/actions";
import { requestsOfPatient } from "@/lib/domain/patient-rights/corrections";
import { FINAL_STATUSES, REQUEST_KIND_LABEL } from "@/lib/domain/patient-rights/requests";
import { TARGET_LABEL } from "@/lib/domain/patient-rights/schemas";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { DaysLeft, RequestStatusBadge } from "./request-badges";

export async function RightsCard({ actor }: { actor: AuthenticatedActor }) {
  const { requests, timeZone } = await runAs(actor, async () => ({
    requests: await requestsOfPatient(actor),
    timeZone: await accountTimeZone(actor),
  }));
  const when = (at: Date) => formatDateTime(at, timeZone);
  return (
    <Card title="Your requests">
      <p className="text-sm text-slate-700">
        You may ask for anything wrong in your record to be corrected, and for your account to be erased. The
        clinic answers every request within a month.
      </p>
      <p className="mt-3 flex flex-wrap gap-4 text-sm">
        <Link href={"/patient/privacy/correction"} className="font-medium text-brand-700 underline">
          Ask for a correction
        </Link>
        <Link href={"/patient/privacy/erasure"} className="font-medium text-red-800 underline">
          Erase my account
        </Link>
      </p>
      {requests.length === 0 ? (
        <p className="mt-4 text-sm text-slate-600">You have not made any request yet.</p>
      ) : (
        <ul className="mt-4 space-y-4" aria-label="Your requests">
          {requests.map((request) => {
            const closed = FINAL_STATUSES.includes(request.status);
            const title =
              request.kind === "CORRECTION" && request.targetType
                ? `${REQUEST_KIND_LABEL.CORRECTION}: ${TARGET_LABEL[request.targetType].toLowerCase()}`
                : REQUEST_KIND_LABEL[request.kind];
            return (
              <li
                key={request.id}
                className="border-t border-slate-100 pt-3 text-sm"
                data-testid="rights-request"
              >
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h3 className="font-semibold text-slate-900">{title}</h3>
                  <RequestStatusBadge status={request.status} />
                </div>
                <p className="text-xs text-slate-600">
                  Received {when(request.receivedAt)}
                  {closed && request.completedAt ? (
                    <> · answered {when(request.completedAt)}</>
                  ) : (
                    <>
                      {" "}
                      · due {when(request.dueAt)} (<DaysLeft dueAt={request.dueAt} closed={closed} />)
                    </>
                  )}
                  {request.assigneeName ? <> · {request.assigneeName}</> : null}
                </p>
                {request.request ? (
                  <p className="mt-1 whitespace-pre-wrap text-slate-800">
                    <span className="font-medium">You wrote: </span>
                    {request.request}
                  </p>
                ) : null}
                {request.resolution ? (
                  <p className="mt-1 whitespace-pre-wrap text-slate-900" data-testid="rights-answer">
                    <span className="font-medium">Answer: </span>
                    {request.resolution}
                  </p>
                ) : null}
                {request.statement ? (
                  <p className="mt-1 whitespace-pre-wrap text-slate-800">
                    <span className="font-medium">Your statement of disagreement: </span>
                    {request.statement}
                  </p>
                ) : null}
                {request.canAddStatement ? (
                  <details className="mt-2">
                    <summary className="cursor-pointer font-medium text-brand-700">
                      Add a statement of disagreement
                    </summary>
                    <div className="mt-2">
                      <p className="mb-2 text-slate-700">
                        If you disagree with the answer, you may add one statement. It is kept with your
                        record and shown with it.
                      </p>
                      <ActionForm
                        action={addDisagreementAction}
                        hidden={{ requestId: request.id }}
                        submitLabel="Add my statement"
                        fields={[
                          {
                            name: "statement",
                            label: "Your statement",
                            kind: "textarea",
                            hint: "10 to 2,000 characters. It can be added once.",
                          },
                        ]}
                      />
                    </div>
                  </details>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
