// Stripe webhooks: the signature is checked over the raw body (tampering, age,
// wrong secret, no header are refused) and each event type maps to Haven's facts.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { EventFacts } from "@/lib/domain/payments/gateway";
import { AppError } from "@/lib/http/errors";
import { createStripeGateway } from "@/lib/integrations/stripe/server";
import { stripeEvent, stripeSignatureHeader } from "@/tests/support/fake-stripe";

const webhookSecret = "whsec_UnitTestSecretUnitTestSecret01";
// verifyWebhook makes no request: the API URL is never contacted.
const gateway = createStripeGateway({
  secretKey: "sk_test_UnitTestKey0001",
  webhookSecret,
  apiUrl: "http://127.0.0.1:9",
});

function signedHeaders(payload: string, options: { secret?: string; timestamp?: number } = {}): Headers {
  return new Headers({
    "stripe-signature": stripeSignatureHeader(payload, options.secret ?? webhookSecret, options.timestamp),
  });
}

function expectBadRequest(run: () => unknown) {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(AppError.is(thrown)).toBe(true);
  expect((thrown as AppError).code).toBe("BAD_REQUEST");
  expect((thrown as AppError).status).toBe(400);
}

function session(overrides: Record<string, unknown> = {}) {
  return {
    id: "cs_test_a1",
    object: "checkout.session",
    payment_status: "paid",
    status: "complete",
    payment_intent: "pi_123",
    amount_total: 5000,
    currency: "usd",
    client_reference_id: randomUUID(),
    ...overrides,
  };
}

function refund(overrides: Record<string, unknown> = {}) {
  return {
    id: "re_123",
    object: "refund",
    amount: 2500,
    currency: "eur",
    status: "succeeded",
    payment_intent: "pi_123",
    failure_reason: null,
    metadata: { refundId: randomUUID(), paymentId: randomUUID() },
    ...overrides,
  };
}

function factsOf(type: string, object: unknown): EventFacts {
  const payload = stripeEvent(type, object);
  return gateway.verifyWebhook(payload, signedHeaders(payload)).facts;
}

describe("Stripe webhook signature", () => {
  const payload = stripeEvent("checkout.session.completed", session(), { id: "evt_sig_1" });

  it("accepts a correctly signed body and returns the event id and type", () => {
    const event = gateway.verifyWebhook(payload, signedHeaders(payload));
    expect(event.eventId).toBe("evt_sig_1");
    expect(event.type).toBe("checkout.session.completed");
  });

  it("refuses a body with one byte changed", () => {
    const headers = signedHeaders(payload);
    const tampered = payload.replace('"amount_total":5000', '"amount_total":5001');
    expect(tampered).not.toBe(payload);
    expectBadRequest(() => gateway.verifyWebhook(tampered, headers));
  });

  it("refuses a signature older than the 300 s tolerance, accepts one just inside it", () => {
    const now = Math.floor(Date.now() / 1000);
    expectBadRequest(() => gateway.verifyWebhook(payload, signedHeaders(payload, { timestamp: now - 301 })));
    expect(() =>
      gateway.verifyWebhook(payload, signedHeaders(payload, { timestamp: now - 290 })),
    ).not.toThrow();
  });

  it("refuses a signature made with another secret", () => {
    const other = signedHeaders(payload, { secret: "whsec_AnotherSecretAnotherSecret99" });
    expectBadRequest(() => gateway.verifyWebhook(payload, other));
  });

  it("refuses a request without the Stripe-Signature header, or with a garbled one", () => {
    expectBadRequest(() => gateway.verifyWebhook(payload, new Headers()));
    expectBadRequest(() => gateway.verifyWebhook(payload, new Headers({ "stripe-signature": "t=1,v1=abc" })));
  });

  it("refuses a signed body that is not an event", () => {
    const notJson = "not json at all";
    expectBadRequest(() => gateway.verifyWebhook(notJson, signedHeaders(notJson)));
    const noType = JSON.stringify({ id: "evt_x", object: "event", data: { object: {} } });
    expectBadRequest(() => gateway.verifyWebhook(noType, signedHeaders(noType)));
  });
});

describe("Stripe event mapping", () => {
  it("checkout.session.completed, paid → checkout.paid (currency upper-cased, fee asked for later)", () => {
    expect(factsOf("checkout.session.completed", session())).toEqual({
      kind: "checkout.paid",
      checkoutId: "cs_test_a1",
      providerPaymentId: "pi_123",
      amountMinor: 5000,
      currency: "USD",
      feeMinor: null,
    });
  });

  it("reads an expanded payment_intent object as its id", () => {
    expect(
      factsOf(
        "checkout.session.completed",
        session({ payment_intent: { id: "pi_obj", object: "payment_intent" } }),
      ),
    ).toMatchObject({ kind: "checkout.paid", providerPaymentId: "pi_obj" });
  });

  it("checkout.session.completed, unpaid (a delayed method) → ignored", () => {
    expect(
      factsOf("checkout.session.completed", session({ payment_status: "unpaid", payment_intent: null })),
    ).toEqual({
      kind: "ignored",
    });
  });

  it("checkout.session.async_payment_succeeded → checkout.paid", () => {
    expect(factsOf("checkout.session.async_payment_succeeded", session())).toMatchObject({
      kind: "checkout.paid",
      checkoutId: "cs_test_a1",
      amountMinor: 5000,
    });
  });

  it("checkout.session.async_payment_failed → checkout.failed", () => {
    expect(factsOf("checkout.session.async_payment_failed", session({ payment_status: "unpaid" }))).toEqual({
      kind: "checkout.failed",
      checkoutId: "cs_test_a1",
      failureCode: "async_payment_failed",
    });
  });

  it("checkout.session.expired → checkout.expired", () => {
    expect(
      factsOf(
        "checkout.session.expired",
        session({ status: "expired", payment_status: "unpaid", payment_intent: null }),
      ),
    ).toEqual({ kind: "checkout.expired", checkoutId: "cs_test_a1" });
  });

  it("a paid session without a payment intent or amount is refused as malformed", () => {
    const payload = stripeEvent("checkout.session.completed", session({ payment_intent: null }));
    expectBadRequest(() => gateway.verifyWebhook(payload, signedHeaders(payload)));
    const noId = stripeEvent("checkout.session.completed", { ...session(), id: 42 });
    expectBadRequest(() => gateway.verifyWebhook(noId, signedHeaders(noId)));
  });

  it("refund.updated, succeeded → refund.succeeded with Haven's refund id from metadata", () => {
    const object = refund();
    expect(factsOf("refund.updated", object)).toEqual({
      kind: "refund.succeeded",
      providerPaymentId: "pi_123",
      providerRefundId: "re_123",
      refundId: object.metadata.refundId,
      amountMinor: 2500,
      currency: "EUR",
    });
  });

  it("a refund made at Stripe (no Haven metadata) → refund.succeeded with refundId null", () => {
    expect(factsOf("refund.created", refund({ metadata: {} }))).toMatchObject({
      kind: "refund.succeeded",
      refundId: null,
    });
  });

  it("refund.failed → refund.failed with Stripe's failure reason", () => {
    const object = refund({ status: "failed", failure_reason: "expired_or_canceled_card" });
    expect(factsOf("refund.failed", object)).toEqual({
      kind: "refund.failed",
      providerPaymentId: "pi_123",
      providerRefundId: "re_123",
      refundId: object.metadata.refundId,
      failureCode: "expired_or_canceled_card",
    });
  });

  it("a canceled refund without a reason → refund.failed coded by its status", () => {
    expect(factsOf("refund.updated", refund({ status: "canceled" }))).toMatchObject({
      kind: "refund.failed",
      failureCode: "canceled",
    });
  });

  it("pending and requires_action refunds → ignored (the outcome comes later)", () => {
    expect(factsOf("refund.created", refund({ status: "pending" }))).toEqual({ kind: "ignored" });
    expect(factsOf("refund.updated", refund({ status: "requires_action" }))).toEqual({ kind: "ignored" });
  });

  it("an event type Haven does not act on → ignored", () => {
    const payload = stripeEvent("customer.created", { id: "cus_1", object: "customer" }, { id: "evt_other" });
    expect(gateway.verifyWebhook(payload, signedHeaders(payload))).toEqual({
      eventId: "evt_other",
      type: "customer.created",
      facts: { kind: "ignored" },
    });
  });
});

describe("Stripe gateway mode", () => {
  it("is live only for a live key", () => {
    expect(gateway.mode).toBe("test");
    expect(gateway.provider).toBe("STRIPE");
    const live = createStripeGateway({
      secretKey: "sk_live_UnitTestKey0001",
      webhookSecret,
      apiUrl: "https://api.stripe.com",
    });
    expect(live.mode).toBe("live");
    const restricted = createStripeGateway({
      secretKey: "rk_live_UnitTestKey0001",
      webhookSecret,
      apiUrl: "https://api.stripe.com",
    });
    expect(restricted.mode).toBe("live");
  });
});
