import type { Metadata } from "next";
import { Card } from "@/components/ui/form";
import { requireActor } from "@/lib/auth/current";
import type { PaymentProvider } from "@/lib/db/generated/enums";
import { paymentSettings } from "@/lib/domain/payments/providers";
import { describeRefundPolicy } from "@/lib/domain/payments/refund-policy";

export const metadata: Metadata = { title: "Settings" };

/** The events each provider must send (set in its dashboard's webhook settings). */
const WEBHOOK_EVENTS: Record<Exclude<PaymentProvider, "TEST">, readonly string[]> = {
  STRIPE: [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "refund.created",
    "refund.updated",
    "refund.failed",
  ],
  RAZORPAY: ["payment.captured", "order.paid", "payment.failed", "refund.processed", "refund.failed"],
};

const KEYS_NEEDED: Record<Exclude<PaymentProvider, "TEST">, string> = {
  STRIPE: "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET",
  RAZORPAY: "RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET",
};

function Status({ good, children }: { good: boolean; children: string }) {
  return (
    <span
      className={`inline-block rounded-full border px-2 py-0.5 text-xs font-medium ${good ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-slate-200 bg-slate-100 text-slate-700"}`}
    >
      {children}
    </span>
  );
}

// Shows whether each secret is set, never a secret or any part of one.
export default async function AdminSettingsPage() {
  await requireActor("payments:manage");
  const settings = paymentSettings();
  const realProviders = settings.providers.filter(
    (p): p is typeof p & { provider: Exclude<PaymentProvider, "TEST"> } => p.provider !== "TEST",
  );
  const razorpayCurrencies = settings.razorpayCurrencies.length
    ? settings.razorpayCurrencies.join(", ")
    : "none";

  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Settings</h1>
      {settings.testModeActive ? (
        <div
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          <p className="font-semibold">TEST MODE is active.</p>
          <p>
            A currency whose provider has no keys is paid through Haven&apos;s test checkout: no money moves,
            and every payment page says TEST MODE. Production turns it off unless PAYMENTS_TEST_MODE=true.
          </p>
        </div>
      ) : null}

      <Card title="Payment providers">
        <div className="space-y-6 text-sm">
          {realProviders.map((provider) => (
            <section
              key={provider.provider}
              aria-labelledby={`provider-${provider.provider}`}
              className="space-y-2"
            >
              <h3
                id={`provider-${provider.provider}`}
                className="flex flex-wrap items-center gap-2 font-semibold text-brand-900"
              >
                {provider.name}
                <Status good={provider.configured}>
                  {provider.configured ? "Configured" : "Not configured"}
                </Status>
                {provider.mode ? (
                  <Status good={provider.mode === "live"}>
                    {provider.mode === "live" ? "Live keys" : "Test keys (no money moves)"}
                  </Status>
                ) : null}
              </h3>
              {provider.configured ? null : (
                <p className="text-slate-700">
                  Set {KEYS_NEEDED[provider.provider]} in the server&apos;s environment to take payments
                  through {provider.name}.
                </p>
              )}
              <p className="text-slate-700">Webhook URL (add it in the {provider.name} dashboard):</p>
              <code className="block rounded bg-slate-100 px-3 py-2 text-xs break-all select-all">
                {provider.webhookUrl}
              </code>
              <p className="text-slate-700">Events to send:</p>
              <ul className="flex flex-wrap gap-2">
                {WEBHOOK_EVENTS[provider.provider].map((event) => (
                  <li key={event}>
                    <code className="rounded bg-slate-100 px-2 py-0.5 text-xs">{event}</code>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </Card>

      <Card title="Currency routing">
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
          <li>Razorpay takes: {razorpayCurrencies} (PAYMENTS_RAZORPAY_CURRENCIES).</li>
          <li>
            In Razorpay&apos;s dashboard, set payment capture to automatic: Haven has no manual capture step.
          </li>
          <li>Stripe takes every other currency.</li>
          <li>
            {settings.testModeActive
              ? "A currency whose provider is not configured goes to the test checkout."
              : "A currency whose provider is not configured cannot be paid online; patients are asked to contact the clinic."}
          </li>
        </ul>
      </Card>

      <Card title="Refund policy">
        <p className="text-sm text-slate-700">
          {describeRefundPolicy(settings.refundFullBeforeHours, settings.refundLatePercent)}
        </p>
        <p className="mt-2 text-xs text-slate-500">
          Set by REFUND_FULL_BEFORE_HOURS ({settings.refundFullBeforeHours}) and REFUND_LATE_PERCENT (
          {settings.refundLatePercent}).
        </p>
      </Card>
    </>
  );
}
