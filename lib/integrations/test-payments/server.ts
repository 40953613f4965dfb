// The TEST MODE provider: a checkout page Haven hosts itself (/pay/test/<id>,
// labelled TEST MODE, where the patient succeeds, declines or abandons) and
// webhooks signed with Stripe's scheme (the `stripe` library signs and
// verifies them), delivered through the same verify-and-process path as the
// real providers'. No money moves. Its secret is derived from AUTH_SECRET, so
// nothing else needs configuring; it is never used in production unless
// PAYMENTS_TEST_MODE=true says so.
import "server-only";
import { hkdfSync, randomUUID } from "node:crypto";
import Stripe from "stripe";
import { AppError } from "@/lib/http/errors";
import { eventFactsSchema } from "@/lib/domain/payments/events";
import type { EventFacts, PaymentGateway, SignedNotification } from "@/lib/domain/payments/gateway";
import { z } from "zod";

const TOLERANCE_SECONDS = 300;

const eventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(100),
  data: z.unknown(),
});

export interface TestGateway extends PaymentGateway {
  /** A signed webhook announcing these facts (what the test checkout page sends). */
  notification(type: string, facts: EventFacts): SignedNotification;
}

export function createTestGateway(config: { authSecret: string }): TestGateway {
  const secret = `whsec_${Buffer.from(
    hkdfSync("sha256", config.authSecret, Buffer.alloc(0), "haven-payments-test-webhook-v1", 32),
  ).toString("base64")}`;

  function notification(type: string, facts: EventFacts): SignedNotification {
    const body = JSON.stringify({ id: `evt_test_${randomUUID()}`, type, created: Date.now(), data: facts });
    return {
      body,
      headers: { "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) },
    };
  }

  return {
    provider: "TEST",
    mode: "test",
    notification,
    createCheckout() {
      const checkoutId = `tco_${randomUUID()}`;
      return Promise.resolve({ checkoutId, url: `/pay/test/${checkoutId}` });
    },
    async expireCheckout() {
      // The test checkout page reads the payment's own status: nothing to tell.
    },
    refund(request) {
      const providerRefundId = `re_test_${randomUUID()}`;
      return Promise.resolve({
        providerRefundId,
        notification: notification("refund.succeeded", {
          kind: "refund.succeeded",
          providerPaymentId: request.providerPaymentId,
          providerRefundId,
          refundId: request.refundId,
          amountMinor: request.amountMinor,
          currency: request.currency,
        }),
      });
    },
    feeOf() {
      // The test checkout's paid event carries its simulated fee.
      return Promise.resolve(null);
    },
    verifyWebhook(rawBody, headers) {
      let parsed: unknown;
      try {
        parsed = Stripe.webhooks.constructEvent(
          rawBody,
          headers.get("stripe-signature") ?? "",
          secret,
          TOLERANCE_SECONDS,
        );
      } catch {
        throw new AppError("BAD_REQUEST", "Invalid webhook signature.");
      }
      const event = eventSchema.safeParse(parsed);
      const facts = eventFactsSchema.safeParse(event.success ? event.data.data : null);
      if (!event.success || !facts.success) throw new AppError("BAD_REQUEST", "Malformed webhook event.");
      return { eventId: event.data.id, type: event.data.type, facts: facts.data };
    },
  };
}
