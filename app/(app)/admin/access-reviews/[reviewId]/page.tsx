import type { Metadata, Route } from "next";
import Link from "next/link";
import { AccountStatusBadge, DecisionBadge } from "@/components/admin/badges";
import { ConfirmDisclosure } from "@/components/admin/confirm-disclosure";
import { DetailRow } from "@/components/admin/detail-row";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { describeQuarter } from "@/lib/domain/access-reviews/quarter";
import { accessReviewForAdmin } from "@/lib/domain/access-reviews/service";
import { ROLE_LABEL } from "@/lib/domain/accounts/admin-users";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { describeTimeZone, formatDateTime } from "@/lib/domain/scheduling/format";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";
import { completeReviewAction, decideEntryAction } from "../actions";

export const metadata: Metadata = { title: "Access review" };

export default async function AccessReviewPage({ params }: { params: Promise<{ reviewId: string }> }) {
  const actor = await requireActor("access-reviews:manage");
  const reviewId = pageIdOr404((await params).reviewId);
  const { review, timeZone } = await orNotFound(
    runAs(actor, async () => ({
      review: await accessReviewForAdmin(actor, reviewId),
      timeZone: await accountTimeZone(actor),
    })),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const open = review.completedAt === null;
  const exportHref = (format: "csv" | "json") =>
    `/api/admin/access-reviews/${review.id}/export?format=${format}` as Route;

  return (
    <>
      <p className="text-sm">
        <Link href="/admin/access-reviews" className="text-brand-700 underline">
          All access reviews
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">Access review {review.period}</h1>

      <Card title="Summary">
        <dl className="text-sm">
          <DetailRow label="Quarter">
            {describeQuarter({ start: review.periodStart, end: review.periodEnd })}
          </DetailRow>
          <DetailRow label="Started">
            {when(review.startedAt)} by {review.startedByName}
          </DetailRow>
          <DetailRow label="Decided">
            {review.decided} of {review.entries} accounts
          </DetailRow>
          <DetailRow label="Status">
            {review.completedAt
              ? `Completed ${when(review.completedAt)} by ${review.completedByName ?? "an admin"}`
              : "In progress"}
          </DetailRow>
        </dl>
        <p className="mt-4 flex flex-wrap gap-3 text-sm">
          <a href={exportHref("csv")} className="text-brand-700 underline" download>
            Export CSV
          </a>
          <a href={exportHref("json")} className="text-brand-700 underline" download>
            Export JSON
          </a>
        </p>
        <p className="mt-3 text-xs text-slate-500">
          Figures are a snapshot taken when the review started. Patients accessed: how many different
          patients&apos; records the account opened in the quarter, from the audit log. Times in{" "}
          {describeTimeZone(timeZone)}.
        </p>
      </Card>

      <Card title="Accounts">
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Accounts under review">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Every staff account in this review, with its decision</caption>
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-2">
                  Account
                </th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last activity</th>
                <th scope="col" className="text-right">
                  Patients accessed
                </th>
                <th scope="col">Decision</th>
                {open ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {review.rows.map((row) => (
                <tr key={row.id} className="border-t border-slate-100 align-top">
                  <td className="py-2 pr-3">
                    <Link href={`/admin/users/${row.userId}` as Route} className="text-brand-700 underline">
                      {row.name}
                    </Link>
                    {row.userId === actor.userId ? <span className="ml-1 text-slate-600">(you)</span> : null}
                  </td>
                  <td className="pr-3">{ROLE_LABEL[row.role]}</td>
                  <td className="pr-3">
                    <AccountStatusBadge status={row.status} />
                    {row.currentStatus && row.currentStatus !== row.status ? (
                      <span className="mt-1 block text-xs text-slate-700">
                        now {row.currentStatus.toLowerCase()}
                      </span>
                    ) : null}
                  </td>
                  <td className="pr-3">{row.lastActivityAt ? when(row.lastActivityAt) : "None"}</td>
                  <td className="pr-3 text-right tabular-nums">{row.patientsAccessed}</td>
                  <td className="pr-3">
                    <DecisionBadge decision={row.decision} />
                    {row.decidedAt ? (
                      <span className="mt-1 block text-xs text-slate-700">
                        {row.decidedByName ?? "an admin"}, {when(row.decidedAt)}
                      </span>
                    ) : null}
                  </td>
                  {open ? (
                    <td className="space-y-2 py-2">
                      {row.decision === null ? (
                        <ActionForm
                          action={decideEntryAction}
                          hidden={{ reviewId: review.id, entryId: row.id, decision: "KEEP" }}
                          fields={[]}
                          submitLabel="Keep"
                          variant="secondary"
                          submitAccessibleName={`Keep ${row.name}`}
                        />
                      ) : null}
                      {row.userId === actor.userId ? (
                        <p className="text-xs text-slate-700">You cannot revoke your own access.</p>
                      ) : null}
                      {row.decision !== "REVOKE" && row.userId !== actor.userId ? (
                        <ConfirmDisclosure label="Revoke…" accessibleLabel={`Revoke ${row.name}…`}>
                          <p>
                            Revoking deactivates {row.name} now and ends every session. It is undone only by
                            reactivating the account on its page.
                          </p>
                          <ActionForm
                            action={decideEntryAction}
                            hidden={{ reviewId: review.id, entryId: row.id, decision: "REVOKE" }}
                            fields={[]}
                            submitLabel="Confirm: revoke access"
                            variant="danger"
                            submitAccessibleName={`Confirm: revoke access of ${row.name}`}
                          />
                        </ConfirmDisclosure>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      {open ? (
        <Card title="Complete the review">
          <p className="mb-4 text-sm text-slate-700">
            A review is complete once every account has a decision; after that its decisions are final.
          </p>
          <ActionForm
            action={completeReviewAction}
            hidden={{ reviewId: review.id }}
            fields={[]}
            submitLabel="Complete the review"
          />
        </Card>
      ) : null}
    </>
  );
}
