import type { Route } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { Alert, Card } from "@/components/ui/form";
import { payVisitAction } from "@/lib/domain/payments/actions";
import { formatMoney } from "@/lib/domain/payments/money";
import type { VisitPayment } from "@/lib/domain/payments/queries";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { ConfirmationPoller } from "./confirmation-poller";

/** What the visit page's query says happened at the checkout. */
export type CheckoutReturn = "paid" | "declined" | "cancelled" | "unavailable" | null;

const receiptHref = (paymentId: string) => `/api/payments/${paymentId}/receipt`;

/**
 * The payment side of a patient's visit: what to pay and until when, what came
 * back from the checkout, confirmation in progress, refunds and the receipt.
 */
export function VisitPaymentPanel({
  appointmentId,
  doctorId,
  payment,
  returned,
  timeZone,
}: {
  appointmentId: string;
  doctorId: string;
  payment: VisitPayment;
  returned: CheckoutReturn;
  timeZone: string;
}) {
  const money = (minor: number) => formatMoney(minor, payment.currency);
  const fee = money(payment.feeMinor);
  const heldUntil = payment.holdExpiresAt ? formatDateTime(payment.holdExpiresAt, timeZone) : null;
  const latest = payment.latest;
  const confirmedStates = ["CONFIRMED", "IN_PROGRESS", "COMPLETED"];
  const paid = payment.succeededPaymentId !== null;
  const held = payment.visitStatus === "HELD";
  const inFlight = latest?.status === "OPEN" || latest?.status === "SUCCEEDED";
  const confirming = held && ((returned === "paid" && inFlight) || latest?.status === "SUCCEEDED");
  const testMode = latest?.mode === "test";

  return (
    <Card title="Payment">
      <div className="space-y-4">
        {payment.latePaymentRefunded ? (
          <Alert tone="info">
            Your payment arrived after the hold ended and the time was taken; we refunded it in full.{" "}
            <Link href={`/doctors/${doctorId}` as Route} className="underline">
              Choose another time
            </Link>
            .
          </Alert>
        ) : confirming ? (
          // Not an Alert: the poller's own line is the live region, and live regions should not nest.
          <div className="rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">
            <p className="font-semibold">Payment received — confirming your visit…</p>
            <ConfirmationPoller appointmentId={appointmentId} />
          </div>
        ) : returned === "paid" && confirmedStates.includes(payment.visitStatus) && paid ? (
          <Alert tone="success">Paid and confirmed. You can add the visit to your calendar above.</Alert>
        ) : null}

        {!confirming && returned === "declined" && payment.canPay ? (
          <Alert tone="error">
            Your card was declined. The time is held for you until {heldUntil}; try again or use another card.
          </Alert>
        ) : null}
        {!confirming && returned === "cancelled" && payment.canPay ? (
          <Alert tone="info">
            Payment not completed. The time is held for you until {heldUntil}; you can pay below.
          </Alert>
        ) : null}
        {!confirming && returned === "unavailable" && payment.canPay ? (
          <Alert tone="error">
            The payment provider did not answer. Your time is held until {heldUntil}; please try again in a
            minute.
          </Alert>
        ) : null}

        {payment.visitStatus === "EXPIRED" && !paid ? (
          <Alert tone="info">
            The hold ended before the visit was paid, and the time is free for others again. Nothing was
            charged.{" "}
            <Link href={`/doctors/${doctorId}` as Route} className="underline">
              Choose a time again
            </Link>
            .
          </Alert>
        ) : null}

        {/* While a payment is being confirmed, paying again is not offered (the poller's give-up message links here). */}
        {payment.canPay && !confirming ? (
          <div className="space-y-3">
            <p className="text-sm text-slate-800">
              This visit costs <strong>{fee}</strong>. The time is held for you until{" "}
              <strong>{heldUntil}</strong>; it is confirmed once the payment goes through.
            </p>
            {testMode ? (
              <p className="text-sm font-semibold text-amber-800">
                Payments are in TEST MODE on this server: no real money moves.
              </p>
            ) : null}
            <ActionForm
              action={payVisitAction}
              hidden={{ appointmentId }}
              fields={[]}
              submitLabel={`Pay ${fee}`}
            />
          </div>
        ) : null}

        {paid ? (
          <p className="text-sm text-slate-800">
            Paid {fee}
            {latest?.paidAt && latest.status === "SUCCEEDED"
              ? ` on ${formatDateTime(latest.paidAt, timeZone)}`
              : ""}
            {testMode ? " (test mode: no money moved)" : ""}.{" "}
            <a href={receiptHref(payment.succeededPaymentId!)} download className="text-brand-700 underline">
              Download the receipt (PDF)
            </a>
          </p>
        ) : null}

        {payment.refundedMinor > 0 || payment.refundPendingMinor > 0 ? (
          <p className="text-sm text-slate-800">
            {payment.refundedMinor > 0 ? `${money(payment.refundedMinor)} refunded.` : null}
            {payment.refundedMinor > 0 && payment.refundPendingMinor > 0 ? " " : null}
            {payment.refundPendingMinor > 0
              ? `${money(payment.refundPendingMinor)} refund pending: it reaches your card or account within a few days.`
              : null}{" "}
            <Link href="/patient/billing" className="text-brand-700 underline">
              See billing
            </Link>
          </p>
        ) : null}
      </div>
    </Card>
  );
}
