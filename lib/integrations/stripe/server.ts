// Stripe Checkout behind the PaymentGateway interface. Stripe is told ids,
// amounts, a currency and return URLs, nothing else: the line item has a generic
// name, no customer or email is passed, and metadata holds Haven's ids only.
import "server-only";
import Stripe from "stripe";
import { z } from "zod";
import type {
  CheckoutRequest,
  CreatedCheckout,
  EventFacts,
  PaymentGateway,
  RefundRequest,
  SubmittedRefund,
  VerifiedEvent,
} from "@/lib/domain/payments/gateway";
import { eventFactsSchema } from "@/lib/domain/payments/events";
import { AppError } from "@/lib/http/errors";

export interface StripeGatewayConfig {
  secretKey: string;
  webhookSecret: string;
  /** https://api.stripe.com in production; tests point it at a local fake. */
  apiUrl: string;
}

/** Stripe's own default: a signed event older than this is refused (replay window). */
const WEBHOOK_TOLERANCE_SECONDS = 300;
// Stripe refuses a Checkout Session that expires sooner than 30 minutes or later
// than 24 hours after creation; a minute of slack absorbs clock skew. A patient who
// pays after the visit's hold ended is refunded by the payments area.
const MIN_EXPIRY_SECONDS = 31 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60 - 60;

const id = z.string().min(1).max(255);
const expandable = z.union([id, z.object({ id })]);
const metadata = z.record(z.string(), z.string()).nullish();

const sessionSchema = z.object({
  id,
  payment_status: z.string(),
  payment_intent: expandable.nullable(),
  amount_total: z.number().int().nullable(),
  currency: z.string().nullable(),
});

const refundSchema = z.object({
  id,
  amount: z.number().int(),
  currency: z.string(),
  status: z.string().nullable(),
  payment_intent: expandable.nullable(),
  failure_reason: z.string().nullish(),
  metadata,
});

const feeSchema = z.object({
  latest_charge: z
    .object({ balance_transaction: z.object({ fee: z.number().int().min(0) }).nullable() })
    .nullable(),
});

function idOf(value: string | { id: string }): string {
  return typeof value === "string" ? value : value.id;
}

function badSignature(): AppError {
  return new AppError("BAD_REQUEST", "Invalid webhook signature.");
}

function malformed(): AppError {
  return new AppError("BAD_REQUEST", "The event is not in the expected shape.");
}

/** Haven's refund id from metadata: only a UUID is ours (a refund made at Stripe's dashboard has none). */
function havenRefundId(meta: Record<string, string> | null | undefined): string | null {
  const value = meta?.refundId;
  return value && z.uuid().safeParse(value).success ? value : null;
}

/** Pure mapping of a verified Stripe event to Haven's facts; throws BAD_REQUEST on an unexpected shape. */
export function stripeEventFacts(type: string, object: unknown): EventFacts {
  switch (type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = sessionSchema.safeParse(object);
      if (!session.success) throw malformed();
      // A delayed method (bank debit) completes the session unpaid; its outcome arrives as async_payment_*.
      if (session.data.payment_status !== "paid") return { kind: "ignored" };
      const { payment_intent, amount_total, currency } = session.data;
      if (payment_intent === null || amount_total === null || currency === null) throw malformed();
      return {
        kind: "checkout.paid",
        checkoutId: session.data.id,
        providerPaymentId: idOf(payment_intent),
        amountMinor: amount_total,
        currency: currency.toUpperCase(),
        // Stripe's fee is on the balance transaction, which exists only after capture: asked for with feeOf.
        feeMinor: null,
      };
    }
    case "checkout.session.async_payment_failed":
    case "checkout.session.expired": {
      const session = sessionSchema.safeParse(object);
      if (!session.success) throw malformed();
      return type === "checkout.session.expired"
        ? { kind: "checkout.expired", checkoutId: session.data.id }
        : { kind: "checkout.failed", checkoutId: session.data.id, failureCode: "async_payment_failed" };
    }
    case "refund.created":
    case "refund.updated":
    case "refund.failed": {
      const refund = refundSchema.safeParse(object);
      if (!refund.success) throw malformed();
      const { payment_intent, status } = refund.data;
      // A refund of a bare charge (not made through Checkout) cannot be one of Haven's.
      if (payment_intent === null) return { kind: "ignored" };
      const common = {
        providerPaymentId: idOf(payment_intent),
        providerRefundId: refund.data.id,
        refundId: havenRefundId(refund.data.metadata),
      };
      if (status === "succeeded") {
        return {
          kind: "refund.succeeded",
          ...common,
          amountMinor: refund.data.amount,
          currency: refund.data.currency.toUpperCase(),
        };
      }
      if (status === "failed" || status === "canceled") {
        return { kind: "refund.failed", ...common, failureCode: refund.data.failure_reason ?? status };
      }
      // pending / requires_action: the final state arrives as refund.updated or refund.failed.
      return { kind: "ignored" };
    }
    default:
      return { kind: "ignored" };
  }
}

function isNotExpirable(error: unknown): boolean {
  // "Only Checkout Sessions with a status in ["open"] can be expired": already expired or complete.
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400;
}

export function createStripeGateway(config: StripeGatewayConfig): PaymentGateway {
  const api = new URL(config.apiUrl);
  const protocol = api.protocol === "http:" ? "http" : "https";
  const stripe = new Stripe(config.secretKey, {
    host: api.hostname,
    port: api.port || (protocol === "http" ? 80 : 443),
    protocol,
    maxNetworkRetries: 1,
    timeout: 15_000,
    telemetry: false,
  });
  const mode = /^(sk|rk)_live_/.test(config.secretKey) ? "live" : "test";

  return {
    provider: "STRIPE",
    mode,

    async createCheckout(request: CheckoutRequest): Promise<CreatedCheckout> {
      const now = Math.floor(Date.now() / 1000);
      const wanted = Math.floor(request.expiresAt.getTime() / 1000);
      const expiresAt = Math.min(Math.max(wanted, now + MIN_EXPIRY_SECONDS), now + MAX_EXPIRY_SECONDS);
      const { paymentId } = request;
      const session = await stripe.checkout.sessions.create(
        {
          mode: "payment",
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: request.amountMinor,
                // Shown on the card statement page: never a doctor's or patient's name.
                product_data: { name: "Consultation" },
              },
            },
          ],
          client_reference_id: paymentId,
          metadata: { paymentId },
          payment_intent_data: { metadata: { paymentId } },
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
          expires_at: expiresAt,
        },
        { idempotencyKey: `checkout-${paymentId}` },
      );
      if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL.");
      return { checkoutId: session.id, url: session.url };
    },

    async expireCheckout(checkoutId: string): Promise<void> {
      try {
        await stripe.checkout.sessions.expire(checkoutId);
      } catch (error) {
        if (isNotExpirable(error)) return;
        throw error;
      }
    },

    async refund(request: RefundRequest): Promise<SubmittedRefund> {
      const refund = await stripe.refunds.create(
        {
          payment_intent: request.providerPaymentId,
          amount: request.amountMinor,
          metadata: { refundId: request.refundId, paymentId: request.paymentId },
        },
        { idempotencyKey: `refund-${request.refundId}` },
      );
      return { providerRefundId: refund.id };
    },

    async feeOf(providerPaymentId: string): Promise<number | null> {
      try {
        const intent = await stripe.paymentIntents.retrieve(providerPaymentId, {
          expand: ["latest_charge.balance_transaction"],
        });
        const parsed = feeSchema.safeParse(intent);
        return parsed.success ? (parsed.data.latest_charge?.balance_transaction?.fee ?? null) : null;
      } catch {
        // The fee is bookkeeping: unknown now, it can be asked for again later.
        return null;
      }
    },

    verifyWebhook(rawBody: string, headers: Headers): VerifiedEvent {
      const signature = headers.get("stripe-signature");
      if (!signature) throw badSignature();
      let event: { id: string; type: string; data: { object: unknown } };
      try {
        event = stripe.webhooks.constructEvent(
          rawBody,
          signature,
          config.webhookSecret,
          WEBHOOK_TOLERANCE_SECONDS,
        );
      } catch {
        throw badSignature();
      }
      const envelope = z
        .object({ id, type: z.string().min(1).max(255), data: z.object({ object: z.unknown() }) })
        .safeParse(event);
      if (!envelope.success) throw malformed();
      const facts = eventFactsSchema.safeParse(
        stripeEventFacts(envelope.data.type, envelope.data.data.object),
      );
      if (!facts.success) throw malformed();
      return { eventId: envelope.data.id, type: envelope.data.type, facts: facts.data };
    },
  };
}
