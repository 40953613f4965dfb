import type { Metadata, Route } from "next";
import { notFound } from "next/navigation";
import { ClosedCheckout } from "@/components/payments/closed-checkout";
import { TestCheckoutForm } from "@/components/payments/test-checkout-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { testCheckoutAction } from "@/lib/domain/payments/actions";
import { formatMoney } from "@/lib/domain/payments/money";
import { testCheckoutOf } from "@/lib/domain/payments/test-checkout";
import { orNotFound } from "@/lib/http/not-found";

export const metadata: Metadata = { title: "Test checkout" };

const CHECKOUT_ID = /^tco_[0-9a-f-]{36}$/;

/**
 * The TEST MODE provider's hosted checkout: the patient whose payment it is
 * succeeds, declines or goes back; anyone else gets a 404 (audited). The amount
 * is the stored payment's.
 */
export default async function TestCheckoutPage({ params }: { params: Promise<{ checkoutId: string }> }) {
  const actor = await requireActor("payments:own");
  const { checkoutId } = await params;
  // Not a test checkout id: it names nothing, the same 404 as one that does not exist.
  if (!CHECKOUT_ID.test(checkoutId)) notFound();
  const checkout = await orNotFound(runAs(actor, () => testCheckoutOf(actor, checkoutId)));
  const amount = formatMoney(checkout.amountMinor, checkout.currency);
  const open = checkout.status === "OPEN" && checkout.expiresAt > new Date();
  return (
    <>
      <div
        role="note"
        aria-label="Test mode"
        className="rounded-lg border-4 border-amber-500 bg-amber-100 px-6 py-5 text-center text-amber-950"
      >
        <p className="text-2xl font-extrabold tracking-wide">TEST MODE — no real money moves</p>
        <p className="mt-1 text-sm">
          This checkout stands in for a payment provider on this server. No card is asked for and nothing is
          charged.
        </p>
      </div>
      <h1 className="text-2xl font-bold text-brand-900">Pay for your visit</h1>
      <Card>
        <dl className="mb-6 grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="font-medium text-slate-600">Amount</dt>
            <dd className="text-lg font-semibold text-slate-900">{amount}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">Currency</dt>
            <dd>{checkout.currency}</dd>
          </div>
        </dl>
        {open ? (
          <TestCheckoutForm
            action={testCheckoutAction}
            checkoutId={checkout.checkoutId}
            amount={amount}
            cancelHref={`/patient/visits/${checkout.appointmentId}?payment=cancelled` as Route}
          />
        ) : (
          <ClosedCheckout
            appointmentId={checkout.appointmentId}
            message={
              checkout.status === "SUCCEEDED"
                ? "This checkout is paid already."
                : checkout.status === "FAILED"
                  ? "This checkout is closed: the card was declined. Start again from the visit to try once more."
                  : "This checkout has expired: the time was held for you only so long."
            }
          />
        )}
      </Card>
    </>
  );
}
