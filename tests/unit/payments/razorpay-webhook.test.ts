// Razorpay webhooks and Checkout results: our constant-time checks agree with
// Razorpay's own utilities, tampering and missing headers are refused, and each
// event maps to Haven's facts.
import { randomUUID } from "node:crypto";
import Razorpay from "razorpay";
import { validatePaymentVerification } from "razorpay/dist/utils/razorpay-utils";
import { describe, expect, it } from "vitest";
import type { EventFacts } from "@/lib/domain/payments/gateway";
import { AppError } from "@/lib/http/errors";
import {
  createRazorpayGateway,
  razorpayWebhookSignature,
  verifyRazorpayPaymentSignature,
} from "@/lib/integrations/razorpay/server";
import {
  razorpayEvent,
  razorpayPaymentSignature,
  razorpayWebhookHeaders,
} from "@/tests/support/fake-razorpay";

const webhookSecret = "unit-test-webhook-secret-0001";
const keySecret = "unit-test-key-secret-0001";
// verifyWebhook makes no request: the API URL is never contacted.
const gateway = createRazorpayGateway({
  keyId: "rzp_test_UnitTestKey01",
  keySecret,
  webhookSecret,
  apiUrl: "http://127.0.0.1:9",
});

function expectBadRequest(run: () => unknown) {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(AppError.is(thrown)).toBe(true);
  expect((thrown as AppError).code).toBe("BAD_REQUEST");
}

function payment(overrides: Record<string, unknown> = {}) {
  return {
    id: "pay_Abc123",
    entity: "payment",
    amount: 50000,
    currency: "INR",
    status: "captured",
    order_id: "order_Xyz789",
    fee: 1180,
    tax: 180,
    error_code: null,
    notes: { paymentId: randomUUID() },
    ...overrides,
  };
}

function refundEntity(overrides: Record<string, unknown> = {}) {
  return {
    id: "rfnd_Def456",
    entity: "refund",
    amount: 25000,
    currency: "INR",
    payment_id: "pay_Abc123",
    notes: { refundId: randomUUID(), paymentId: randomUUID() },
    status: "processed",
    ...overrides,
  };
}

function factsOf(event: string, entities: Record<string, unknown>): EventFacts {
  const body = razorpayEvent(event, entities);
  return gateway.verifyWebhook(body, new Headers(razorpayWebhookHeaders(body, webhookSecret))).facts;
}

describe("Razorpay webhook signature", () => {
  const body = razorpayEvent("payment.captured", { payment: payment() });

  it("agrees with Razorpay's validateWebhookSignature on valid and tampered bodies", () => {
    const signature = razorpayWebhookSignature(body, webhookSecret);
    expect(Razorpay.validateWebhookSignature(body, signature, webhookSecret)).toBe(true);
    const tampered = body.replace('"amount":50000', '"amount":50001');
    expect(Razorpay.validateWebhookSignature(tampered, signature, webhookSecret)).toBe(false);

    const headers = (value: string) =>
      new Headers({ "x-razorpay-signature": value, "x-razorpay-event-id": "evt_1" });
    expect(gateway.verifyWebhook(body, headers(signature)).facts.kind).toBe("checkout.paid");
    expectBadRequest(() => gateway.verifyWebhook(tampered, headers(signature)));
  });

  it("returns the event id from X-Razorpay-Event-Id and the event type", () => {
    const event = gateway.verifyWebhook(
      body,
      new Headers(razorpayWebhookHeaders(body, webhookSecret, "evt_Q1")),
    );
    expect(event.eventId).toBe("evt_Q1");
    expect(event.type).toBe("payment.captured");
  });

  it("refuses a body with one byte changed", () => {
    const headers = new Headers(razorpayWebhookHeaders(body, webhookSecret));
    expectBadRequest(() => gateway.verifyWebhook(`${body} `, headers));
  });

  it("refuses a signature made with another secret", () => {
    const headers = new Headers(razorpayWebhookHeaders(body, "another-secret-entirely-0002"));
    expectBadRequest(() => gateway.verifyWebhook(body, headers));
  });

  it("refuses a missing signature, a signature of another length, and a missing event id", () => {
    const valid = razorpayWebhookHeaders(body, webhookSecret);
    expectBadRequest(() =>
      gateway.verifyWebhook(body, new Headers({ "x-razorpay-event-id": valid["x-razorpay-event-id"] ?? "" })),
    );
    const short = { ...valid, "x-razorpay-signature": (valid["x-razorpay-signature"] ?? "").slice(0, 10) };
    expectBadRequest(() => gateway.verifyWebhook(body, new Headers(short)));
    expectBadRequest(() =>
      gateway.verifyWebhook(
        body,
        new Headers({ "x-razorpay-signature": valid["x-razorpay-signature"] ?? "" }),
      ),
    );
  });

  it("refuses a signed body that is not a Razorpay event", () => {
    for (const bad of ["not json", JSON.stringify({ event: "payment.captured" }), JSON.stringify([1, 2])]) {
      expectBadRequest(() =>
        gateway.verifyWebhook(bad, new Headers(razorpayWebhookHeaders(bad, webhookSecret))),
      );
    }
    const malformedPayment = razorpayEvent("payment.captured", { payment: { id: "pay_1" } });
    expectBadRequest(() =>
      gateway.verifyWebhook(
        malformedPayment,
        new Headers(razorpayWebhookHeaders(malformedPayment, webhookSecret)),
      ),
    );
  });
});

describe("Razorpay Checkout payment signature", () => {
  const orderId = "order_Stored0001";
  const providerPaymentId = "pay_Browser0001";
  const signature = razorpayPaymentSignature(orderId, providerPaymentId, keySecret);

  it("accepts the signature of the stored order and the payment, as Razorpay's utility does", () => {
    expect(verifyRazorpayPaymentSignature({ orderId, providerPaymentId, signature, keySecret })).toBe(true);
    expect(
      validatePaymentVerification({ order_id: orderId, payment_id: providerPaymentId }, signature, keySecret),
    ).toBe(true);
  });

  it("refuses another order id, another payment id, or another key secret", () => {
    expect(
      verifyRazorpayPaymentSignature({ orderId: "order_Other0001", providerPaymentId, signature, keySecret }),
    ).toBe(false);
    expect(
      verifyRazorpayPaymentSignature({ orderId, providerPaymentId: "pay_Other0001", signature, keySecret }),
    ).toBe(false);
    expect(
      verifyRazorpayPaymentSignature({
        orderId,
        providerPaymentId,
        signature,
        keySecret: "another-key-secret-0002",
      }),
    ).toBe(false);
  });

  it("returns false (does not throw) for a signature of a different length or an empty one", () => {
    for (const bad of [signature.slice(0, 20), `${signature}00`, "", "é".repeat(64)]) {
      expect(verifyRazorpayPaymentSignature({ orderId, providerPaymentId, signature: bad, keySecret })).toBe(
        false,
      );
    }
  });
});

describe("Razorpay event mapping", () => {
  it("payment.captured → checkout.paid with the fee the event carries", () => {
    expect(factsOf("payment.captured", { payment: payment() })).toEqual({
      kind: "checkout.paid",
      checkoutId: "order_Xyz789",
      providerPaymentId: "pay_Abc123",
      amountMinor: 50000,
      currency: "INR",
      feeMinor: 1180,
    });
  });

  it("order.paid → checkout.paid; a missing fee is null", () => {
    const order = { id: "order_Xyz789", entity: "order", amount: 50000, amount_paid: 50000, status: "paid" };
    expect(factsOf("order.paid", { payment: payment({ fee: null }), order })).toMatchObject({
      kind: "checkout.paid",
      checkoutId: "order_Xyz789",
      feeMinor: null,
    });
  });

  it("payment.failed → checkout.failed with Razorpay's error code, or a generic one", () => {
    expect(
      factsOf("payment.failed", {
        payment: payment({ status: "failed", error_code: "BAD_REQUEST_ERROR", fee: null }),
      }),
    ).toEqual({ kind: "checkout.failed", checkoutId: "order_Xyz789", failureCode: "BAD_REQUEST_ERROR" });
    expect(
      factsOf("payment.failed", { payment: payment({ status: "failed", error_code: null }) }),
    ).toMatchObject({
      failureCode: "payment_failed",
    });
  });

  it("a payment outside an order → ignored", () => {
    expect(factsOf("payment.captured", { payment: payment({ order_id: null }) })).toEqual({
      kind: "ignored",
    });
  });

  it("refund.processed → refund.succeeded with Haven's refund id from the notes", () => {
    const refund = refundEntity();
    expect(factsOf("refund.processed", { refund, payment: payment() })).toEqual({
      kind: "refund.succeeded",
      providerPaymentId: "pay_Abc123",
      providerRefundId: "rfnd_Def456",
      refundId: refund.notes.refundId,
      amountMinor: 25000,
      currency: "INR",
    });
  });

  it("a refund made at Razorpay (notes empty: Razorpay sends []) → refundId null", () => {
    expect(factsOf("refund.processed", { refund: refundEntity({ notes: [] }) })).toMatchObject({
      kind: "refund.succeeded",
      refundId: null,
    });
  });

  it("refund.failed → refund.failed", () => {
    const refund = refundEntity({ status: "failed" });
    expect(factsOf("refund.failed", { refund })).toEqual({
      kind: "refund.failed",
      providerPaymentId: "pay_Abc123",
      providerRefundId: "rfnd_Def456",
      refundId: refund.notes.refundId,
      failureCode: "refund_failed",
    });
  });

  it("refund.created (pending) and other events → ignored", () => {
    expect(factsOf("refund.created", { refund: refundEntity({ status: "pending" }) })).toEqual({
      kind: "ignored",
    });
    expect(factsOf("payment.authorized", { payment: payment({ status: "authorized" }) })).toEqual({
      kind: "ignored",
    });
    expect(factsOf("subscription.charged", {})).toEqual({ kind: "ignored" });
  });

  it("is test mode for an rzp_test_ key, live for rzp_live_", () => {
    expect(gateway.mode).toBe("test");
    expect(gateway.provider).toBe("RAZORPAY");
    const live = createRazorpayGateway({
      keyId: "rzp_live_UnitTestKey01",
      keySecret,
      webhookSecret,
      apiUrl: "https://api.razorpay.com",
    });
    expect(live.mode).toBe("live");
  });
});
