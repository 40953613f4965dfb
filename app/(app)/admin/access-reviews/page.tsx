import type { Metadata, Route } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { describeQuarter, quarterOf } from "@/lib/domain/access-reviews/quarter";
import { listAccessReviews } from "@/lib/domain/access-reviews/service";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { describeTimeZone, formatDateTime } from "@/lib/domain/scheduling/format";
import { startAccessReviewAction } from "./actions";

export const metadata: Metadata = { title: "Access reviews" };

export default async function AccessReviewsPage() {
  const actor = await requireActor("access-reviews:manage");
  const { reviews, timeZone } = await runAs(actor, async () => ({
    reviews: await listAccessReviews(actor),
    timeZone: await accountTimeZone(actor),
  }));
  const quarter = quarterOf(new Date());
  const current = reviews.find((review) => review.period === quarter.period);

  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Access reviews</h1>
      <p className="text-sm text-slate-700">
        Once a quarter an admin confirms that every doctor and admin account still needs its access. The
        review keeps, per account, its role, status, last activity and how many patients&apos; records it
        opened in the quarter (from the audit log); then each account is kept or revoked.
      </p>

      <Card title={`This quarter: ${quarter.period}`}>
        <p className="mb-4 text-sm text-slate-700">{describeQuarter(quarter)}</p>
        {current ? (
          <Link
            href={`/admin/access-reviews/${current.id}` as Route}
            className="inline-flex rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
          >
            Open the review for {quarter.period}
          </Link>
        ) : (
          <ActionForm
            action={startAccessReviewAction}
            fields={[]}
            submitLabel={`Start the review for ${quarter.period}`}
          />
        )}
      </Card>

      <Card title="All reviews">
        {reviews.length ? (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Access reviews, newest quarter first</caption>
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-2">
                  Quarter
                </th>
                <th scope="col">Started</th>
                <th scope="col">Decided</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {reviews.map((review) => (
                <tr key={review.id} className="border-t border-slate-100">
                  <td className="py-2 pr-3">
                    <Link
                      href={`/admin/access-reviews/${review.id}` as Route}
                      className="text-brand-700 underline"
                    >
                      {review.period}
                    </Link>
                  </td>
                  <td className="pr-3">
                    {formatDateTime(review.startedAt, timeZone)} by {review.startedByName}
                  </td>
                  <td className="pr-3 tabular-nums">
                    {review.decided} of {review.entries}
                  </td>
                  <td>
                    {review.completedAt
                      ? `Completed ${formatDateTime(review.completedAt, timeZone)} by ${review.completedByName ?? "an admin"}`
                      : "In progress"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-slate-600">No review yet.</p>
        )}
        <p className="mt-3 text-xs text-slate-500">Times in {describeTimeZone(timeZone)}.</p>
      </Card>
    </>
  );
}
