import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { PaymentStatusBadge, RefundStatusBadge, TestModeBadge } from "@/components/payments/admin-badges";
import { AdminRefundForm } from "@/components/payments/admin-refund-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { refundPaymentAction } from "@/lib/domain/payments/admin-actions";
import { majorUnits, paymentForAdmin } from "@/lib/domain/payments/admin-queries";
import { formatMoney } from "@/lib/domain/payments/money";
import { describeTimeZone, formatDateTime } from "@/lib/domain/scheduling/format";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Payment" };

const LEDGER_LABEL = { CHARGE: "Charge", REFUND: "Refund", FEE: "Provider fee" } as const;

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-2 py-1">
      <dt className="text-slate-600">{label}</dt>
      <dd className="col-span-2">{children}</dd>
    </div>
  );
}

export default async function AdminPaymentPage({ params }: { params: Promise<{ paymentId: string }> }) {
  const actor = await requireActor("payments:manage");
  const paymentId = pageIdOr404((await params).paymentId);
  const { payment, timeZone } = await orNotFound(
    runAs(actor, async () => ({
      payment: await paymentForAdmin(actor, paymentId),
      timeZone: await accountTimeZone(actor),
    })),
  );
  const money = (minor: number) => formatMoney(minor, payment.currency);
  const when = (at: Date) => formatDateTime(at, timeZone);

  return (
    <>
      <p className="text-sm">
        <Link href="/admin/payments" className="text-brand-700 underline">
          All payments
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">
        Payment <span className="font-mono">{payment.reference}</span>
        {payment.testMode ? <TestModeBadge /> : null}
      </h1>

      <Card title="Summary">
        <dl className="text-sm">
          <Row label="Status">
            <PaymentStatusBadge status={payment.status} />
            {payment.failureCode ? (
              <span className="ml-2 font-mono text-xs text-slate-700">{payment.failureCode}</span>
            ) : null}
          </Row>
          <Row label="Doctor">{payment.doctorName}</Row>
          <Row label="Visit">{when(payment.visitStartsAt)}</Row>
          <Row label="Provider">
            {payment.provider === "TEST" ? "Test checkout (no money moves)" : payment.providerLabel}
          </Row>
          <Row label="Amount">{money(payment.amountMinor)}</Row>
          <Row label="Captured">{money(payment.capturedMinor)}</Row>
          <Row label="Provider fee">{money(payment.feeMinor)}</Row>
          <Row label="Refunded">{money(payment.refundedMinor)}</Row>
          <Row label="Refund pending">{money(payment.refundPendingMinor)}</Row>
          <Row label="Can still be refunded">{money(payment.refundableMinor)}</Row>
          <Row label="Created">{when(payment.createdAt)}</Row>
          <Row label="Paid">{payment.paidAt ? when(payment.paidAt) : "Not paid"}</Row>
          <Row label="Payment id">
            <code className="text-xs break-all select-all">{payment.id}</code>
          </Row>
          {payment.checkoutId ? (
            <Row label="Provider checkout">
              <code className="text-xs break-all select-all">{payment.checkoutId}</code>
            </Row>
          ) : null}
          {payment.providerPaymentId ? (
            <Row label="Provider payment">
              <code className="text-xs break-all select-all">{payment.providerPaymentId}</code>
            </Row>
          ) : null}
        </dl>
        <p className="mt-3 text-xs text-slate-500">Times in {describeTimeZone(timeZone)}.</p>
      </Card>

      <Card title="Refund">
        {payment.refundableMinor > 0 ? (
          <AdminRefundForm
            action={refundPaymentAction}
            paymentId={payment.id}
            currency={payment.currency}
            refundableAmount={majorUnits(payment.refundableMinor, payment.currency)}
            refundableLabel={money(payment.refundableMinor)}
          />
        ) : (
          <p className="text-sm text-slate-600">
            {payment.status !== "SUCCEEDED"
              ? "Only a completed payment can be refunded."
              : "Nothing is left to refund: the whole capture is refunded or asked for."}
          </p>
        )}
      </Card>

      <Card title="Refunds">
        {payment.refunds.length ? (
          <ul className="divide-y divide-slate-100 text-sm">
            {payment.refunds.map((refund) => (
              <li key={refund.id} className="space-y-1 py-3">
                <div className="flex flex-wrap items-center gap-3">
                  <span className="font-semibold tabular-nums">
                    {formatMoney(refund.amountMinor, refund.currency)}
                  </span>
                  <RefundStatusBadge status={refund.status} />
                  {refund.failureCode ? (
                    <span className="font-mono text-xs text-slate-700">{refund.failureCode}</span>
                  ) : null}
                  <span className="text-slate-600">{when(refund.createdAt)}</span>
                </div>
                <p className="text-slate-700">Asked for by {refund.requestedBy}.</p>
                {refund.note ? (
                  <p className="rounded bg-slate-50 px-3 py-2 whitespace-pre-wrap text-slate-800">
                    {refund.note}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600">No refunds.</p>
        )}
      </Card>

      <Card title="Ledger">
        {payment.ledger.length ? (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">
              Money that moved for this payment, as the provider reported it
            </caption>
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-2">
                  When
                </th>
                <th scope="col">Movement</th>
                <th scope="col" className="text-right">
                  Amount
                </th>
                <th scope="col" className="pl-4">
                  Provider reference
                </th>
              </tr>
            </thead>
            <tbody>
              {payment.ledger.map((row) => (
                <tr key={row.id} className="border-t border-slate-100">
                  <td className="py-2">{when(row.occurredAt)}</td>
                  <td>{LEDGER_LABEL[row.kind]}</td>
                  <td className="text-right tabular-nums">
                    {row.kind === "CHARGE" ? "" : "−"}
                    {formatMoney(row.amountMinor, row.currency)}
                  </td>
                  <td className="pl-4 font-mono text-xs break-all">{row.providerRef}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-slate-600">No money has moved.</p>
        )}
      </Card>

      <Card title="Provider events">
        {payment.events.length ? (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Webhook events the provider sent about this payment</caption>
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-2">
                  Type
                </th>
                <th scope="col">Outcome</th>
                <th scope="col">Received</th>
                <th scope="col">Processed</th>
              </tr>
            </thead>
            <tbody>
              {payment.events.map((event) => (
                <tr key={event.id} className="border-t border-slate-100">
                  <td className="py-2 font-mono text-xs">{event.type}</td>
                  <td className="font-mono text-xs">{event.outcome ?? "–"}</td>
                  <td>{when(event.receivedAt)}</td>
                  <td>
                    {event.processedAt
                      ? when(event.processedAt)
                      : event.waitingFor
                        ? "Waiting for the payment's capture"
                        : "Not yet"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-slate-600">No events from the provider yet.</p>
        )}
      </Card>
    </>
  );
}
