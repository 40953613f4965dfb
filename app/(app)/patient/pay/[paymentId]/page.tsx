import type { Metadata } from "next";
import { headers } from "next/headers";
import { ClosedCheckout } from "@/components/payments/closed-checkout";
import { RazorpayCheckout } from "@/components/payments/razorpay-checkout";
import { Alert, Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { razorpayReturnAction } from "@/lib/domain/payments/actions";
import { formatMoney } from "@/lib/domain/payments/money";
import { razorpayCheckoutOf } from "@/lib/domain/payments/queries";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Pay for your visit" };

/**
 * Haven's page for a Razorpay payment: it opens Razorpay Checkout (the only
 * page whose policy lets Razorpay's script and frames in: lib/security/headers.ts).
 * The patient's own payments only; anyone else gets a 404 (audited).
 */
export default async function RazorpayPayPage({ params }: { params: Promise<{ paymentId: string }> }) {
  const actor = await requireActor("payments:own");
  const paymentId = pageIdOr404((await params).paymentId);
  const [checkout, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([razorpayCheckoutOf(actor, paymentId), accountTimeZone(actor)])),
  );
  // The proxy's per-request nonce: Razorpay's script must carry it under the page's policy.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  const amount = formatMoney(checkout.amountMinor, checkout.currency);
  const visitHref = `/patient/visits/${checkout.appointmentId}`;
  const open = checkout.status === "OPEN" && checkout.expiresAt > new Date();
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Pay for your visit</h1>
      {checkout.mode === "test" ? (
        <Alert tone="info">Razorpay is in test mode on this server: no real money moves.</Alert>
      ) : null}
      <Card>
        <dl className="mb-6 grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="font-medium text-slate-600">Amount</dt>
            <dd className="text-lg font-semibold text-slate-900">{amount}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">Held for you until</dt>
            <dd>{formatDateTime(checkout.expiresAt, timeZone)}</dd>
          </div>
        </dl>
        {open && checkout.orderId && checkout.keyId ? (
          <RazorpayCheckout
            action={razorpayReturnAction}
            nonce={nonce}
            paymentId={checkout.paymentId}
            keyId={checkout.keyId}
            orderId={checkout.orderId}
            amountMinor={checkout.amountMinor}
            currency={checkout.currency}
            amount={amount}
            clinicName={checkout.clinicName}
            visitHref={visitHref}
          />
        ) : (
          <ClosedCheckout
            appointmentId={checkout.appointmentId}
            message={
              checkout.status === "SUCCEEDED"
                ? "This payment is complete."
                : !checkout.keyId
                  ? "Razorpay is not configured on this server any more. Please contact the clinic."
                  : open
                    ? "This checkout is still being prepared. Go back to the visit and try again in a moment."
                    : "This checkout is closed. Start again from the visit."
            }
          />
        )}
      </Card>
    </>
  );
}
