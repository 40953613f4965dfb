// Which provider takes a payment, and the gateways built from configuration.
// A currency listed in PAYMENTS_RAZORPAY_CURRENCIES goes to Razorpay, every other
// to Stripe; a provider without keys is replaced by the TEST MODE checkout where
// that is allowed (development and tests), else paying is refused with a clear message.
import "server-only";
import type { PaymentProvider } from "@/lib/db/generated/enums";
import { type Env, getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { createRazorpayGateway } from "@/lib/integrations/razorpay/server";
import { createStripeGateway } from "@/lib/integrations/stripe/server";
import { createTestGateway } from "@/lib/integrations/test-payments/server";
import type { PaymentGateway } from "./gateway";

const gateways = new WeakMap<Env, Map<PaymentProvider, PaymentGateway>>();

function configuredGateway(env: Env, provider: PaymentProvider): PaymentGateway | null {
  switch (provider) {
    case "STRIPE":
      return env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
        ? createStripeGateway({
            secretKey: env.STRIPE_SECRET_KEY,
            webhookSecret: env.STRIPE_WEBHOOK_SECRET,
            apiUrl: env.STRIPE_API_URL,
          })
        : null;
    case "RAZORPAY":
      return env.RAZORPAY_KEY_ID && env.RAZORPAY_KEY_SECRET && env.RAZORPAY_WEBHOOK_SECRET
        ? createRazorpayGateway({
            keyId: env.RAZORPAY_KEY_ID,
            keySecret: env.RAZORPAY_KEY_SECRET,
            webhookSecret: env.RAZORPAY_WEBHOOK_SECRET,
            apiUrl: env.RAZORPAY_API_URL,
          })
        : null;
    case "TEST":
      return testModeAllowed(env) ? createTestGateway({ authSecret: env.AUTH_SECRET }) : null;
  }
}

export function testModeAllowed(env: Env = getEnv()): boolean {
  if (env.PAYMENTS_TEST_MODE === "false") return false;
  return env.PAYMENTS_TEST_MODE === "true" || env.NODE_ENV !== "production";
}

/** The gateway of a provider, or null when it is not configured (or, for TEST, not allowed). */
export function gatewayOrNull(provider: PaymentProvider): PaymentGateway | null {
  const env = getEnv();
  let byProvider = gateways.get(env);
  if (!byProvider) {
    byProvider = new Map();
    gateways.set(env, byProvider);
  }
  if (!byProvider.has(provider)) {
    const gateway = configuredGateway(env, provider);
    if (gateway) byProvider.set(provider, gateway);
    else return null;
  }
  return byProvider.get(provider) ?? null;
}

/** The gateway of a provider that took a payment: it must still be configured to refund or verify. */
export function gatewayFor(provider: PaymentProvider): PaymentGateway {
  const gateway = gatewayOrNull(provider);
  if (!gateway) {
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      `${providerName(provider)} is not configured on this server; an administrator must add its keys.`,
    );
  }
  return gateway;
}

/** The real provider a currency is routed to, configured or not. */
export function routedProvider(currency: string, env: Env = getEnv()): "STRIPE" | "RAZORPAY" {
  return env.PAYMENTS_RAZORPAY_CURRENCIES.includes(currency.toUpperCase()) ? "RAZORPAY" : "STRIPE";
}

/** The gateway that takes a new payment in this currency. */
export function gatewayForCurrency(currency: string): PaymentGateway {
  const routed = routedProvider(currency);
  const gateway = gatewayOrNull(routed) ?? gatewayOrNull("TEST");
  if (!gateway) {
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      `Online payment in ${currency} is not set up yet. Please contact the clinic to confirm this visit.`,
    );
  }
  return gateway;
}

export function providerName(provider: PaymentProvider): string {
  return { STRIPE: "Stripe", RAZORPAY: "Razorpay", TEST: "The test-mode checkout" }[provider];
}

export interface ProviderSetting {
  provider: PaymentProvider;
  name: string;
  configured: boolean;
  mode: "live" | "test" | null;
  /** Where the provider must send events (set it in the provider's dashboard). */
  webhookUrl: string;
}

/** What the admin settings page shows: no secret, only whether each is set and where webhooks go. */
export function paymentSettings(): {
  providers: ProviderSetting[];
  razorpayCurrencies: string[];
  testModeActive: boolean;
  refundFullBeforeHours: number;
  refundLatePercent: number;
} {
  const env = getEnv();
  const providers = (["STRIPE", "RAZORPAY", "TEST"] as const).map((provider) => {
    const gateway = gatewayOrNull(provider);
    return {
      provider,
      name: providerName(provider),
      configured: gateway !== null,
      mode: gateway?.mode ?? null,
      webhookUrl: new URL(`/api/payments/webhooks/${provider.toLowerCase()}`, env.APP_URL).toString(),
    };
  });
  return {
    providers,
    razorpayCurrencies: env.PAYMENTS_RAZORPAY_CURRENCIES,
    testModeActive: testModeAllowed(env),
    refundFullBeforeHours: env.REFUND_FULL_BEFORE_HOURS,
    refundLatePercent: env.REFUND_LATE_PERCENT,
  };
}
