// The real `stripe` and `razorpay` clients against local fakes of their APIs:
// each gateway call sends what it should, and a CONTRACT check proves the
// providers are told ids, amounts, a currency, URLs and fixed strings only,
// never the patient's or doctor's data, even though that data is at hand here.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckoutRequest, PaymentGateway } from "@/lib/domain/payments/gateway";
import { RazorpayApiError, createRazorpayGateway } from "@/lib/integrations/razorpay/server";
import { createStripeGateway } from "@/lib/integrations/stripe/server";
import {
  type FakeRazorpay,
  fakeRazorpayFee,
  razorpayEvent,
  razorpayWebhookHeaders,
  startFakeRazorpay,
} from "@/tests/support/fake-razorpay";
import {
  type FakeStripe,
  type RecordedRequest,
  fakeStripeFee,
  startFakeStripe,
  stripeEvent,
  stripeSignatureHeader,
} from "@/tests/support/fake-stripe";

// What a careless integration might leak: the visit's people and reason. The
// test builds a "visit" with them, so they are in memory while the gateways run.
const visit = {
  patientName: "Priyanka Ramaswamy-Okafor",
  patientEmail: "priyanka.okafor@example.org",
  patientPhone: "+919876543210",
  doctorName: "Dr. Wilhelmina Castellanos",
  reason: "Recurring migraine with aura",
};
const PHI = Object.values(visit);

/** Every string leaf of a parsed body or query, with its dotted key. */
function leaves(value: unknown, prefix = ""): { key: string; value: string }[] {
  if (value === null || value === undefined) return [];
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return [{ key: prefix, value: String(value) }];
  }
  if (typeof value !== "object") throw new Error(`unexpected ${typeof value} at ${prefix}`);
  return Object.entries(value).flatMap(([key, child]) =>
    leaves(child, prefix ? `${prefix}.${key.replace(/^\d+$/, "#")}` : key.replace(/^\d+$/, "#")),
  );
}

const ID = /^[A-Za-z0-9_-]{1,255}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AMOUNT = /^\d{1,12}$/;

/** Checks each recorded parameter against an allow-list of names and value shapes. */
function expectOnlyAllowed(requests: RecordedRequest[], allowed: Record<string, RegExp>) {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    for (const { key, value } of [...leaves(request.body), ...leaves(request.query)]) {
      const shape = allowed[key];
      expect(
        shape,
        `parameter ${key} of ${request.method} ${request.path} is not allow-listed`,
      ).toBeDefined();
      expect(value, `parameter ${key}`).toMatch(shape!);
    }
    const everything = `${request.path}\n${request.rawBody}\n${JSON.stringify(request.query)}`.toLowerCase();
    for (const secret of PHI) {
      expect(everything).not.toContain(secret.toLowerCase());
      expect(everything).not.toContain(encodeURIComponent(secret).toLowerCase());
    }
  }
}

function checkoutRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    paymentId: randomUUID(),
    amountMinor: 5000,
    currency: "USD",
    successUrl: "https://haven.test/patient/payments/return?status=success",
    cancelUrl: "https://haven.test/patient/payments/return?status=cancel",
    expiresAt: new Date(Date.now() + 10 * 60_000),
    ...overrides,
  };
}

describe("Stripe gateway against the fake Stripe API", () => {
  let fake: FakeStripe;
  let gateway: PaymentGateway;
  const secretKey = "sk_test_IntegrationKey0001";
  const webhookSecret = "whsec_IntegrationSecret000001";

  beforeAll(async () => {
    fake = await startFakeStripe();
    gateway = createStripeGateway({ secretKey, webhookSecret, apiUrl: fake.url });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it("creates a Checkout Session with Haven's ids only, and an expiry Stripe accepts", async () => {
    expect(visit.reason).toBeTruthy();
    const request = checkoutRequest();
    const before = Math.floor(Date.now() / 1000);
    const created = await gateway.createCheckout(request);

    expect(created.checkoutId).toMatch(/^cs_test_/);
    expect(created.url).toBe(`${fake.url}/pay/${created.checkoutId}`);
    const [sent] = fake.requests;
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/v1/checkout/sessions");
    expect(sent?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(sent?.headers.authorization).toBe(`Bearer ${secretKey}`);
    expect(sent?.headers["idempotency-key"]).toBe(`checkout-${request.paymentId}`);
    expect(sent?.body).toMatchObject({
      mode: "payment",
      client_reference_id: request.paymentId,
      metadata: { paymentId: request.paymentId },
      payment_intent_data: { metadata: { paymentId: request.paymentId } },
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      line_items: [
        {
          quantity: "1",
          price_data: { currency: "usd", unit_amount: "5000", product_data: { name: "Consultation" } },
        },
      ],
    });
    expect(sent?.body).not.toHaveProperty("customer_email");
    expect(sent?.body).not.toHaveProperty("customer");
    // The hold ends in 10 minutes, Stripe's minimum is 30: the session asks for 31.
    const expiresAt = Number(sent?.body.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 31 * 60);
    expect(expiresAt).toBeLessThanOrEqual(before + 31 * 60 + 5);
    expect(fake.sessions.get(created.checkoutId)).toMatchObject({ status: "open", amount_total: 5000 });
  });

  it("keeps a later hold expiry as it is", async () => {
    const expiresAt = new Date(Date.now() + 2 * 3_600_000);
    await gateway.createCheckout(checkoutRequest({ expiresAt }));
    expect(Number(fake.requests[0]?.body.expires_at)).toBe(Math.floor(expiresAt.getTime() / 1000));
  });

  it("a retried createCheckout for the same payment gets the same session (idempotency key)", async () => {
    const request = checkoutRequest();
    const first = await gateway.createCheckout(request);
    const second = await gateway.createCheckout(request);
    expect(second.checkoutId).toBe(first.checkoutId);
  });

  it("expires an open session, and returns quietly for one already expired or complete", async () => {
    const open = await gateway.createCheckout(checkoutRequest());
    await gateway.expireCheckout(open.checkoutId);
    expect(fake.sessions.get(open.checkoutId)?.status).toBe("expired");
    const last = fake.requests.at(-1);
    expect(last?.method).toBe("POST");
    expect(last?.path).toBe(`/v1/checkout/sessions/${open.checkoutId}/expire`);

    await expect(gateway.expireCheckout(open.checkoutId)).resolves.toBeUndefined();
    const paid = await gateway.createCheckout(checkoutRequest());
    fake.completeSession(paid.checkoutId);
    await expect(gateway.expireCheckout(paid.checkoutId)).resolves.toBeUndefined();
  });

  it("expireCheckout still reports an unknown session or a server failure", async () => {
    await expect(gateway.expireCheckout("cs_test_unknown")).rejects.toThrow();
    const open = await gateway.createCheckout(checkoutRequest());
    fake.failNext(500, undefined, 2);
    await expect(gateway.expireCheckout(open.checkoutId)).rejects.toThrow();
  });

  it("refunds part of a payment with Haven's ids as metadata and the refund id as idempotency key", async () => {
    const checkout = await gateway.createCheckout(checkoutRequest({ amountMinor: 8000 }));
    const session = fake.completeSession(checkout.checkoutId);
    const refundId = randomUUID();
    const paymentId = randomUUID();
    fake.requests.length = 0;

    const submitted = await gateway.refund({
      refundId,
      paymentId,
      providerPaymentId: session.payment_intent!,
      amountMinor: 3000,
      currency: "USD",
    });
    expect(submitted.providerRefundId).toMatch(/^re_/);
    expect(submitted.notification).toBeUndefined();
    const [sent] = fake.requests;
    expect(sent?.path).toBe("/v1/refunds");
    expect(sent?.headers["idempotency-key"]).toBe(`refund-${refundId}`);
    expect(sent?.body).toEqual({
      payment_intent: session.payment_intent,
      amount: "3000",
      metadata: { refundId, paymentId },
    });
    expect(fake.refunds.get(submitted.providerRefundId)).toMatchObject({ status: "pending", amount: 3000 });

    // The same refund submitted again (a retried job) is one refund at Stripe.
    const again = await gateway.refund({
      refundId,
      paymentId,
      providerPaymentId: session.payment_intent!,
      amountMinor: 3000,
      currency: "USD",
    });
    expect(again.providerRefundId).toBe(submitted.providerRefundId);
    expect(fake.refunds.size).toBe(1);
  });

  it("reads the fee from the expanded balance transaction; null for an unknown payment", async () => {
    const checkout = await gateway.createCheckout(checkoutRequest({ amountMinor: 12_345 }));
    const session = fake.completeSession(checkout.checkoutId);
    fake.requests.length = 0;
    expect(await gateway.feeOf(session.payment_intent!)).toBe(fakeStripeFee(12_345));
    const [sent] = fake.requests;
    expect(sent?.method).toBe("GET");
    expect(sent?.path).toBe(`/v1/payment_intents/${session.payment_intent}`);
    expect(sent?.query).toEqual({ expand: ["latest_charge.balance_transaction"] });
    expect(await gateway.feeOf("pi_unknown")).toBeNull();
  });

  it("surfaces provider errors as thrown errors, never as a silent success", async () => {
    fake.failNext(500, undefined, 2); // the client retries once
    await expect(gateway.createCheckout(checkoutRequest())).rejects.toThrow();
    fake.failNext(400, { error: { type: "invalid_request_error", message: "Invalid currency: zzz" } });
    await expect(gateway.createCheckout(checkoutRequest({ currency: "ZZZ" }))).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(
      gateway.refund({
        refundId: randomUUID(),
        paymentId: randomUUID(),
        providerPaymentId: "pi_unknown",
        amountMinor: 100,
        currency: "USD",
      }),
    ).rejects.toThrow();
  });

  it("webhook round trip: a completed session from the fake verifies to checkout.paid", async () => {
    const checkout = await gateway.createCheckout(checkoutRequest({ amountMinor: 4200 }));
    const session = fake.completeSession(checkout.checkoutId);
    const payload = stripeEvent("checkout.session.completed", session);
    const event = gateway.verifyWebhook(
      payload,
      new Headers({ "stripe-signature": stripeSignatureHeader(payload, webhookSecret) }),
    );
    expect(event.facts).toEqual({
      kind: "checkout.paid",
      checkoutId: checkout.checkoutId,
      providerPaymentId: session.payment_intent,
      amountMinor: 4200,
      currency: "USD",
      feeMinor: null,
    });
  });

  it("CONTRACT: every request carries only allow-listed parameters, no PHI, and POSTs an Idempotency-Key", async () => {
    fake.requests.length = 0;
    const checkout = await gateway.createCheckout(checkoutRequest());
    const session = fake.completeSession(checkout.checkoutId);
    await gateway.feeOf(session.payment_intent!);
    await gateway.refund({
      refundId: randomUUID(),
      paymentId: randomUUID(),
      providerPaymentId: session.payment_intent!,
      amountMinor: 1000,
      currency: "USD",
    });
    const other = await gateway.createCheckout(checkoutRequest({ currency: "EUR", amountMinor: 2500 }));
    await gateway.expireCheckout(other.checkoutId);

    const URL_SHAPE = /^https:\/\/haven\.test\/[A-Za-z0-9/_?=&.-]*$/;
    expectOnlyAllowed(fake.requests, {
      mode: /^payment$/,
      "line_items.#.quantity": /^1$/,
      "line_items.#.price_data.currency": /^[a-z]{3}$/,
      "line_items.#.price_data.unit_amount": AMOUNT,
      "line_items.#.price_data.product_data.name": /^Consultation$/,
      client_reference_id: UUID,
      "metadata.paymentId": UUID,
      "metadata.refundId": UUID,
      "payment_intent_data.metadata.paymentId": UUID,
      success_url: URL_SHAPE,
      cancel_url: URL_SHAPE,
      expires_at: /^\d{10}$/,
      payment_intent: ID,
      amount: AMOUNT,
      "expand.#": /^latest_charge\.balance_transaction$/,
    });
    for (const request of fake.requests.filter((r) => r.method === "POST")) {
      expect(request.headers["idempotency-key"], `${request.path} has an Idempotency-Key`).toBeTruthy();
    }
    // Paths name only provider ids.
    for (const request of fake.requests) expect(request.path).toMatch(/^\/v1(\/[A-Za-z0-9_]+)+$/);
  });
});

describe("Razorpay gateway against the fake Razorpay API", () => {
  let fake: FakeRazorpay;
  let gateway: PaymentGateway;
  const keyId = "rzp_test_Integration01";
  const keySecret = "integration-key-secret-0001";
  const webhookSecret = "integration-webhook-secret-01";

  beforeAll(async () => {
    fake = await startFakeRazorpay({ keyId, keySecret });
    gateway = createRazorpayGateway({ keyId, keySecret, webhookSecret, apiUrl: fake.url });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it("creates an order with Haven's payment id as receipt and note, and no hosted URL", async () => {
    const request = checkoutRequest({ currency: "INR", amountMinor: 50_000 });
    const created = await gateway.createCheckout(request);
    expect(created.checkoutId).toMatch(/^order_/);
    expect(created.url).toBeNull();
    const [sent] = fake.requests;
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/v1/orders");
    expect(sent?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${keyId}:${keySecret}`).toString("base64")}`,
    );
    expect(sent?.body).toEqual({
      amount: 50_000,
      currency: "INR",
      receipt: request.paymentId,
      notes: { paymentId: request.paymentId },
    });
    expect(fake.orders.get(created.checkoutId)).toMatchObject({ amount: 50_000, status: "created" });
  });

  it("expireCheckout is a no-op: Razorpay orders cannot be cancelled", async () => {
    const created = await gateway.createCheckout(checkoutRequest({ currency: "INR" }));
    fake.requests.length = 0;
    await gateway.expireCheckout(created.checkoutId);
    expect(fake.requests).toHaveLength(0);
  });

  it("refunds with the refund id as receipt and Haven's ids as notes", async () => {
    const order = await gateway.createCheckout(checkoutRequest({ currency: "INR", amountMinor: 80_000 }));
    const payment = fake.capturePayment(order.checkoutId);
    const refundId = randomUUID();
    const paymentId = randomUUID();
    fake.requests.length = 0;
    const submitted = await gateway.refund({
      refundId,
      paymentId,
      providerPaymentId: payment.id,
      amountMinor: 40_000,
      currency: "INR",
    });
    expect(submitted.providerRefundId).toMatch(/^rfnd_/);
    const [listed, sent] = fake.requests;
    expect(listed?.path).toBe(`/v1/payments/${payment.id}/refunds`);
    expect(sent?.path).toBe(`/v1/payments/${payment.id}/refund`);
    expect(sent?.body).toEqual({ amount: 40_000, receipt: refundId, notes: { refundId, paymentId } });
    expect(fake.refunds.get(submitted.providerRefundId)).toMatchObject({ amount: 40_000, status: "pending" });

    // A retry of the same refund (its first answer lost) finds it instead of refunding twice.
    const again = await gateway.refund({
      refundId,
      paymentId,
      providerPaymentId: payment.id,
      amountMinor: 40_000,
      currency: "INR",
    });
    expect(again.providerRefundId).toBe(submitted.providerRefundId);
    expect([...fake.refunds.values()].filter((item) => item.payment_id === payment.id)).toHaveLength(1);
  });

  it("reads the fee of a payment; null for an unknown one", async () => {
    const order = await gateway.createCheckout(checkoutRequest({ currency: "INR", amountMinor: 123_400 }));
    const payment = fake.capturePayment(order.checkoutId);
    expect(await gateway.feeOf(payment.id)).toBe(fakeRazorpayFee(123_400).fee);
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: `/v1/payments/${payment.id}` });
    expect(await gateway.feeOf("pay_Unknown00001")).toBeNull();
  });

  it("surfaces provider errors (500, 400, wrong key) as thrown errors without request values", async () => {
    fake.failNext(500);
    const failed = gateway.createCheckout(checkoutRequest({ currency: "INR" }));
    await expect(failed).rejects.toBeInstanceOf(RazorpayApiError);
    await expect(failed).rejects.toMatchObject({ statusCode: 500, code: "SERVER_ERROR" });

    await expect(
      gateway.createCheckout(checkoutRequest({ currency: "INR", amountMinor: 50 })),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "BAD_REQUEST_ERROR",
    });
    await expect(
      gateway.refund({
        refundId: randomUUID(),
        paymentId: randomUUID(),
        providerPaymentId: "pay_Unknown00001",
        amountMinor: 100,
        currency: "INR",
      }),
    ).rejects.toBeInstanceOf(RazorpayApiError);

    const wrongKey = createRazorpayGateway({
      keyId,
      keySecret: "not-the-key-secret-0000",
      webhookSecret,
      apiUrl: fake.url,
    });
    await expect(wrongKey.createCheckout(checkoutRequest({ currency: "INR" }))).rejects.toMatchObject({
      statusCode: 401,
    });

    const unreachable = createRazorpayGateway({
      keyId,
      keySecret,
      webhookSecret,
      apiUrl: "http://127.0.0.1:9",
    });
    await expect(unreachable.createCheckout(checkoutRequest({ currency: "INR" }))).rejects.toMatchObject({
      statusCode: null,
    });
  });

  it("webhook round trip: a captured payment from the fake verifies to checkout.paid with its fee", async () => {
    const order = await gateway.createCheckout(checkoutRequest({ currency: "INR", amountMinor: 60_000 }));
    const payment = fake.capturePayment(order.checkoutId);
    const body = razorpayEvent("payment.captured", { payment });
    const event = gateway.verifyWebhook(
      body,
      new Headers(razorpayWebhookHeaders(body, webhookSecret, "evt_rt1")),
    );
    expect(event).toEqual({
      eventId: "evt_rt1",
      type: "payment.captured",
      facts: {
        kind: "checkout.paid",
        checkoutId: order.checkoutId,
        providerPaymentId: payment.id,
        amountMinor: 60_000,
        currency: "INR",
        feeMinor: fakeRazorpayFee(60_000).fee,
      },
    });
  });

  it("CONTRACT: every request carries only allow-listed parameters and no PHI, with Basic auth", async () => {
    fake.requests.length = 0;
    const order = await gateway.createCheckout(checkoutRequest({ currency: "INR", amountMinor: 70_000 }));
    const payment = fake.capturePayment(order.checkoutId);
    await gateway.feeOf(payment.id);
    await gateway.refund({
      refundId: randomUUID(),
      paymentId: randomUUID(),
      providerPaymentId: payment.id,
      amountMinor: 10_000,
      currency: "INR",
    });
    expectOnlyAllowed(fake.requests, {
      amount: AMOUNT,
      currency: /^[A-Z]{3}$/,
      receipt: UUID,
      "notes.paymentId": UUID,
      "notes.refundId": UUID,
      // The look-up before a refund (Razorpay's refunds take no idempotency key).
      count: /^100$/,
    });
    for (const request of fake.requests) {
      expect(request.headers.authorization).toMatch(/^Basic /);
      expect(request.path).toMatch(/^\/v1(\/[A-Za-z0-9_]+)+$/);
    }
  });
});
