import type { Metadata, Route } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { REFUND_CAUSE_LABEL, REFUND_STATUS_LABEL, paymentStatusLabel } from "@/lib/domain/payments/labels";
import { formatMoney } from "@/lib/domain/payments/money";
import { billingOf } from "@/lib/domain/payments/queries";
import { formatDateTime } from "@/lib/domain/scheduling/format";

export const metadata: Metadata = { title: "Billing" };

const STATUS_STYLE: Record<string, string> = {
  Paid: "bg-emerald-50 text-emerald-900 border-emerald-200",
  "Awaiting payment": "bg-sky-50 text-sky-900 border-sky-200",
};

/** The patient's own payments and refunds, newest first, with a receipt for each completed payment. */
export default async function BillingPage() {
  const actor = await requireActor("payments:own");
  const [payments, timeZone] = await runAs(actor, () =>
    Promise.all([billingOf(actor), accountTimeZone(actor)]),
  );
  const now = new Date();
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Billing</h1>
      <Card>
        {payments.length === 0 ? (
          <p className="text-sm text-slate-700">
            You have not paid for a visit yet. Payments and refunds show here once you have.
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Your payments, newest first</caption>
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Date
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Doctor
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Visit
                  </th>
                  <th scope="col" className="py-2 pr-4 text-right font-medium">
                    Amount
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Status
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Refunds
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    Receipt
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 align-top">
                {payments.map((payment) => {
                  const status = paymentStatusLabel(payment, now);
                  const date = formatDateTime(payment.paidAt ?? payment.createdAt, timeZone);
                  return (
                    <tr key={payment.id}>
                      <td className="py-3 pr-4 whitespace-nowrap">{date}</td>
                      <td className="py-3 pr-4">{payment.doctorName}</td>
                      <td className="py-3 pr-4">
                        <Link
                          href={`/patient/visits/${payment.appointmentId}` as Route}
                          className="text-brand-700 underline"
                        >
                          {formatDateTime(payment.visitStartsAt, timeZone)}
                        </Link>
                      </td>
                      <td className="py-3 pr-4 text-right whitespace-nowrap">
                        {formatMoney(payment.amountMinor, payment.currency)}
                      </td>
                      <td className="py-3 pr-4">
                        <span
                          className={`inline-block rounded border px-2 py-0.5 text-xs font-semibold ${STATUS_STYLE[status] ?? "border-slate-200 bg-slate-50 text-slate-800"}`}
                        >
                          {status}
                        </span>
                        {payment.mode === "test" ? (
                          <span className="mt-1 block text-xs text-amber-800">Test mode: no money moved</span>
                        ) : null}
                      </td>
                      <td className="py-3 pr-4">
                        {payment.refunds.length === 0 ? (
                          <span className="text-slate-500">—</span>
                        ) : (
                          <ul className="space-y-1">
                            {payment.refunds.map((refund) => (
                              <li key={refund.id}>
                                {formatMoney(refund.amountMinor, refund.currency)}{" "}
                                {REFUND_STATUS_LABEL[refund.status]}
                                <span className="block text-xs text-slate-600">
                                  {REFUND_CAUSE_LABEL[refund.cause]},{" "}
                                  {formatDateTime(refund.settledAt ?? refund.requestedAt, timeZone)}
                                </span>
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td className="py-3">
                        {payment.status === "SUCCEEDED" ? (
                          <a
                            href={`/api/payments/${payment.id}/receipt`}
                            download
                            className="text-brand-700 underline"
                          >
                            PDF<span className="sr-only"> receipt of the payment of {date}</span>
                          </a>
                        ) : (
                          <span className="text-slate-500">—</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <p className="text-sm text-slate-700">
        Refunds reach the card or account that paid, usually within 5–10 working days.
      </p>
    </>
  );
}
