import type { Metadata, Route } from "next";
import Link from "next/link";
import { PAYMENT_STATUS_LABEL, PaymentStatusBadge, TestModeBadge } from "@/components/payments/admin-badges";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { PAYMENT_STATUSES, listPayments } from "@/lib/domain/payments/admin-queries";
import { formatMoney } from "@/lib/domain/payments/money";
import { describeTimeZone, formatDateTime } from "@/lib/domain/scheduling/format";
import { type SearchParams, lookupParam, singleParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Payments" };

const STATUS_PARAM = new Map(PAYMENT_STATUSES.map((status) => [status.toLowerCase(), status]));

function listHref(status: string | undefined, page = 1): Route {
  const query = new URLSearchParams();
  if (status) query.set("status", status.toLowerCase());
  if (page > 1) query.set("page", String(page));
  const text = query.toString();
  return text ? `/admin/payments?${text}` : "/admin/payments";
}

export default async function AdminPaymentsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor("payments:manage");
  const params = await searchParams;
  const status = lookupParam(STATUS_PARAM, params.status);
  const page = Number.parseInt(singleParam(params.page, 6) ?? "1", 10);
  const { list, timeZone } = await runAs(actor, async () => ({
    list: await listPayments(actor, { status, page: Number.isNaN(page) ? 1 : page }),
    timeZone: await accountTimeZone(actor),
  }));
  const filters = [
    { label: "All", status: undefined },
    ...PAYMENT_STATUSES.map((s) => ({ label: PAYMENT_STATUS_LABEL[s], status: s })),
  ];

  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Payments</h1>
      <nav aria-label="Payment status" className="flex flex-wrap gap-2">
        {filters.map((filter) => {
          const current = filter.status === status;
          return (
            <Link
              key={filter.label}
              href={listHref(filter.status)}
              aria-current={current ? "page" : undefined}
              className={`rounded-full border px-3 py-1 text-sm ${current ? "border-brand-700 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-800"}`}
            >
              {filter.label}
            </Link>
          );
        })}
      </nav>
      <Card
        title={`${list.total} ${list.total === 1 ? "payment" : "payments"}${status ? ` (${PAYMENT_STATUS_LABEL[status].toLowerCase()})` : ""}`}
      >
        {list.rows.length ? (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Payments table">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">
                Payments, newest first. Times in {describeTimeZone(timeZone)}.
              </caption>
              <thead className="text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-3">
                    Reference
                  </th>
                  <th scope="col" className="pr-3">
                    Created / paid
                  </th>
                  <th scope="col" className="pr-3">
                    Doctor and visit
                  </th>
                  <th scope="col" className="pr-3">
                    Provider
                  </th>
                  <th scope="col" className="pr-3 text-right">
                    Amount
                  </th>
                  <th scope="col" className="pr-3 text-right">
                    Captured
                  </th>
                  <th scope="col" className="pr-3 text-right">
                    Refunded
                  </th>
                  <th scope="col" className="pr-3 text-right">
                    Refund pending
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {list.rows.map((payment) => (
                  <tr key={payment.id} className="border-t border-slate-100 align-top">
                    <td className="py-2 pr-3">
                      <Link
                        href={`/admin/payments/${payment.id}` as Route}
                        className="font-mono text-brand-800 underline"
                        aria-label={`Payment ${payment.reference}`}
                      >
                        {payment.reference}
                      </Link>
                    </td>
                    <td className="pr-3 text-xs">
                      <div>{formatDateTime(payment.createdAt, timeZone)}</div>
                      {payment.paidAt ? (
                        <div className="text-slate-600">Paid {formatDateTime(payment.paidAt, timeZone)}</div>
                      ) : null}
                    </td>
                    <td className="pr-3">
                      <div>{payment.doctorName}</div>
                      <div className="text-xs text-slate-600">
                        Visit {formatDateTime(payment.visitStartsAt, timeZone)}
                      </div>
                    </td>
                    <td className="pr-3">
                      {payment.provider === "TEST" ? "Test checkout" : payment.providerLabel}
                      {payment.testMode ? <TestModeBadge /> : null}
                    </td>
                    <td className="pr-3 text-right tabular-nums">
                      {formatMoney(payment.amountMinor, payment.currency)}
                    </td>
                    <td className="pr-3 text-right tabular-nums">
                      {formatMoney(payment.capturedMinor, payment.currency)}
                    </td>
                    <td className="pr-3 text-right tabular-nums">
                      {formatMoney(payment.refundedMinor, payment.currency)}
                    </td>
                    <td className="pr-3 text-right tabular-nums">
                      {payment.refundPendingMinor
                        ? formatMoney(payment.refundPendingMinor, payment.currency)
                        : "–"}
                    </td>
                    <td>
                      <PaymentStatusBadge status={payment.status} />
                      {payment.refundedMinor > 0 ? (
                        <div className="mt-1 text-xs text-slate-600">
                          {payment.refundedMinor >= payment.capturedMinor
                            ? "Refunded in full"
                            : "Partly refunded"}
                        </div>
                      ) : null}
                      {payment.failureCode ? (
                        <div className="mt-1 font-mono text-xs text-slate-600">{payment.failureCode}</div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-slate-600">No payments{status ? " with this status" : " yet"}.</p>
        )}
        <p className="mt-3 text-xs text-slate-500">
          Times in {describeTimeZone(timeZone)}. Patients are not named here: a refund needs only the payment.
        </p>
      </Card>
      {list.pageCount > 1 ? (
        <nav aria-label="Pages" className="flex items-center justify-between text-sm">
          {list.page > 1 ? (
            <Link href={listHref(status, list.page - 1)} className="text-brand-700 underline" rel="prev">
              Newer payments
            </Link>
          ) : (
            <span />
          )}
          <span className="text-slate-600">
            Page {list.page} of {list.pageCount}
          </span>
          {list.page < list.pageCount ? (
            <Link href={listHref(status, list.page + 1)} className="text-brand-700 underline" rel="next">
              Older payments
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </>
  );
}
