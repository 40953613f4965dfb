// Payments end to end against a real PostgreSQL, with the real `stripe` and
// `razorpay` clients talking to local fakes of their APIs, and webhooks signed by
// the providers' own schemes and delivered to the route handler as raw bytes.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as webhook } from "@/app/api/payments/webhooks/[provider]/route";
import { createBaseClient, disconnectDb, getDb } from "@/lib/db/client";
import { refundPaymentManually } from "@/lib/domain/payments/refunds";
import { cancelAppointment } from "@/lib/domain/scheduling/change-appointment";
import { expireHold } from "@/lib/domain/scheduling/jobs";
import { resetEnvCache } from "@/lib/env";
import { stopQueue } from "@/lib/jobs/queue";
import { runAsSystem } from "@/lib/request-context";
import { createAccount } from "../support/accounts";
import { appErrorOf, asActor, authenticatedActor } from "../support/actors";
import { runSql } from "../support/database";
import {
  type FakeRazorpay,
  razorpayEvent,
  razorpayWebhookHeaders,
  startFakeRazorpay,
} from "../support/fake-razorpay";
import { type FakeStripe, startFakeStripe, stripeEvent, stripeSignatureHeader } from "../support/fake-stripe";
import { feeDoctor, heldVisit, nextSlot, openCheckout, payingPatient } from "../support/payments";

const databaseUrl = process.env.DATABASE_URL!;
const base = createBaseClient({ url: databaseUrl, poolSize: 2, connectTimeoutMs: 5_000 });

const STRIPE_WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, "")}`;
const RAZORPAY_WEBHOOK_SECRET = `rzp-hook-${randomUUID()}`;
const RAZORPAY_KEY_SECRET = `rzp-key-secret-${randomUUID()}`;
// What must never reach a provider: the patient's name, email and reason, the doctor's name.
const PATIENT_NAME = "Anneliese Vandersloot";
const REASON = "Dizziness after the new medication";

let stripe: FakeStripe;
let razorpay: FakeRazorpay;
const savedEnv = { ...process.env };

beforeAll(async () => {
  stripe = await startFakeStripe();
  razorpay = await startFakeRazorpay({ keyId: "rzp_test_FakeKey0001", keySecret: RAZORPAY_KEY_SECRET });
  Object.assign(process.env, {
    STRIPE_SECRET_KEY: "sk_test_FakeSecretKey0001",
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    RAZORPAY_KEY_ID: "rzp_test_FakeKey0001",
    RAZORPAY_KEY_SECRET,
    RAZORPAY_WEBHOOK_SECRET,
    RAZORPAY_API_URL: razorpay.url,
    PAYMENTS_RAZORPAY_CURRENCIES: "INR",
  });
  resetEnvCache();
});

afterAll(async () => {
  process.env = savedEnv;
  resetEnvCache();
  await stopQueue();
  await stripe.close();
  await razorpay.close();
  await base.$disconnect();
  await disconnectDb();
});

async function postWebhook(
  provider: "stripe" | "razorpay" | "test",
  body: string,
  headers: Record<string, string>,
) {
  const response = await webhook(
    new Request(`http://localhost/api/payments/webhooks/${provider}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    }),
    { params: Promise.resolve({ provider }) },
  );
  return { status: response.status, body: (await response.json()) as { outcome?: string; error?: unknown } };
}

const signedStripe = (payload: string, timestamp?: number) => ({
  "stripe-signature": stripeSignatureHeader(payload, STRIPE_WEBHOOK_SECRET, timestamp),
});

/** The checkout.session.completed event Stripe sends once the fake session is paid. */
function stripeCompleted(sessionId: string, overrides: Record<string, unknown> = {}) {
  const session = stripe.completeSession(sessionId);
  return stripeEvent("checkout.session.completed", { ...session, ...overrides });
}

const visitStatus = async (id: string) =>
  (await runSql<{ status: string }>(databaseUrl, "SELECT status FROM appointments WHERE id = $1", [id]))[0]!
    .status;

const paymentRow = async (id: string) =>
  (
    await runSql<{
      status: string;
      captured_minor: number;
      refund_reserved_minor: number;
      refunded_minor: number;
      fee_minor: number;
    }>(databaseUrl, "SELECT * FROM payments WHERE id = $1", [id])
  )[0]!;

const ledgerOf = (paymentId: string) =>
  runSql<{ kind: string; amount_minor: number }>(
    databaseUrl,
    "SELECT kind, amount_minor FROM payment_transactions WHERE payment_id = $1 ORDER BY kind",
    [paymentId],
  );

const auditActions = async (resourceId: string) =>
  (
    await runSql<{ action: string }>(
      databaseUrl,
      "SELECT action FROM audit_log WHERE resource_id = $1 ORDER BY sequence",
      [resourceId],
    )
  ).map((row) => row.action);

/** Waits for the after-commit fee lookup (a provider call after the event's transaction). */
async function eventually(check: () => Promise<boolean>) {
  for (let i = 0; i < 50; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("condition not reached");
}

describe("Stripe", () => {
  it("confirms the visit on a verified checkout.session.completed, with the charge and Stripe's fee in the ledger", async () => {
    const doctor = await feeDoctor(4500, "EUR");
    const patient = await payingPatient(PATIENT_NAME);
    const visitId = await heldVisit(patient, doctor.id, undefined, REASON);
    const { url, payment, checkoutId } = await openCheckout(patient, visitId);
    expect(payment.provider).toBe("STRIPE");
    expect(url).toMatch(new RegExp(`^${stripe.url}/pay/`));
    expect(stripe.sessions.get(checkoutId)?.amount_total).toBe(4500);
    expect(await visitStatus(visitId)).toBe("HELD");

    const payload = stripeCompleted(checkoutId);
    const { status, body } = await postWebhook("stripe", payload, signedStripe(payload));
    expect(status).toBe(200);
    expect(body.outcome).toBe("confirmed");
    expect(await visitStatus(visitId)).toBe("CONFIRMED");
    await eventually(async () => (await ledgerOf(payment.id)).length === 2);
    const intent = [...stripe.paymentIntents.values()].find((pi) => pi.metadata.paymentId === payment.id)!;
    expect(await ledgerOf(payment.id)).toEqual([
      { kind: "CHARGE", amount_minor: 4500 },
      { kind: "FEE", amount_minor: intent.fee },
    ]);
    expect(await auditActions(payment.id)).toEqual(
      expect.arrayContaining(["payment.created", "payment.checkout-opened", "payment.succeeded"]),
    );
    expect(await auditActions(visitId)).toContain("appointment.confirmed");
  });

  it("refuses a body with one byte changed, and a signature older than the tolerance, with 400 and no change", async () => {
    const doctor = await feeDoctor(6000, "EUR");
    const patient = await payingPatient();
    const visitId = await heldVisit(patient, doctor.id);
    const { payment, checkoutId } = await openCheckout(patient, visitId);
    const payload = stripeCompleted(checkoutId);
    const headers = signedStripe(payload);
    const tampered = payload.replace('"amount_total":6000', '"amount_total":6001');
    expect(tampered).not.toBe(payload);
    expect((await postWebhook("stripe", tampered, headers)).status).toBe(400);
    const stale = signedStripe(payload, Math.floor(Date.now() / 1000) - 301);
    expect((await postWebhook("stripe", payload, stale)).status).toBe(400);
    expect((await postWebhook("stripe", payload, {})).status).toBe(400);

    expect(await visitStatus(visitId)).toBe("HELD");
    expect((await paymentRow(payment.id)).status).toBe("OPEN");
    expect(await ledgerOf(payment.id)).toEqual([]);
    const stored = await runSql(databaseUrl, "SELECT 1 FROM payment_events WHERE facts->>'checkoutId' = $1", [
      checkoutId,
    ]);
    expect(stored).toHaveLength(0);

    // The genuine delivery still works afterwards.
    expect((await postWebhook("stripe", payload, headers)).body.outcome).toBe("confirmed");
  });

  it("has one effect when the same event arrives 10 times at once", async () => {
    const doctor = await feeDoctor(4500, "EUR");
    const patient = await payingPatient();
    const visitId = await heldVisit(patient, doctor.id);
    const { payment, checkoutId } = await openCheckout(patient, visitId);
    const payload = stripeCompleted(checkoutId);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => postWebhook("stripe", payload, signedStripe(payload))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const outcomes = results.map((r) => r.body.outcome).sort();
    expect(outcomes.filter((o) => o === "confirmed")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(9);
    await eventually(async () => (await ledgerOf(payment.id)).length === 2);
    expect((await ledgerOf(payment.id)).filter((row) => row.kind === "CHARGE")).toHaveLength(1);
    expect((await auditActions(payment.id)).filter((a) => a === "payment.succeeded")).toHaveLength(1);
    expect((await auditActions(visitId)).filter((a) => a === "appointment.confirmed")).toHaveLength(1);
    expect(await visitStatus(visitId)).toBe("CONFIRMED");
  });

  it("refunds a success that arrives after the hold expired and the time was taken, and tells the patient", async () => {
    const doctor = await feeDoctor(4500, "EUR");
    const [late, other] = [await payingPatient(), await payingPatient()];
    const slot = await nextSlot(doctor.id);
    const visitId = await heldVisit(late, doctor.id, slot.start);
    const { payment, checkoutId } = await openCheckout(late, visitId);
    // The hold runs out; its job expires the visit and the open checkout.
    await runAsSystem("test", () =>
      getDb().appointment.update({
        where: { id: visitId },
        data: { holdExpiresAt: new Date(Date.now() - 1_000) },
      }),
    );
    await expireHold({ appointmentId: visitId });
    expect(await visitStatus(visitId)).toBe("EXPIRED");
    expect((await paymentRow(payment.id)).status).toBe("EXPIRED");
    expect(stripe.requests.some((r) => r.path === `/v1/checkout/sessions/${checkoutId}/expire`)).toBe(true);
    const takenBy = await heldVisit(other, doctor.id, slot.start);

    const payload = stripeCompleted(checkoutId);
    const { body } = await postWebhook("stripe", payload, signedStripe(payload));
    expect(body.outcome).toBe("late-payment-refunded");
    expect(await visitStatus(visitId)).toBe("EXPIRED");
    expect(await visitStatus(takenBy)).toBe("HELD");
    const row = await paymentRow(payment.id);
    expect(row).toMatchObject({ status: "SUCCEEDED", captured_minor: 4500, refund_reserved_minor: 4500 });
    const refundCall = stripe.requests.find((r) => r.path === "/v1/refunds" && r.body.amount === "4500");
    expect(refundCall).toBeDefined();
    const [refund] = await runSql<{ id: string; provider_refund_id: string; cause: string; status: string }>(
      databaseUrl,
      "SELECT id, provider_refund_id, cause, status FROM refunds WHERE payment_id = $1",
      [payment.id],
    );
    expect(refund).toMatchObject({ cause: "LATE_PAYMENT", status: "PENDING" });
    // The patient is told by email (queued with the event's transaction).
    const notices = await runSql<{ data: { notice: string; party: string } }>(
      databaseUrl,
      "SELECT data FROM pgboss.job WHERE name = 'appointment.notify' AND data->>'appointmentId' = $1",
      [visitId],
    );
    expect(notices.map((n) => n.data)).toContainEqual(
      expect.objectContaining({ notice: "late-payment-refunded", party: "patient" }),
    );

    // Stripe confirms the refund: it is done, and the ledger shows it.
    const settled = stripe.settleRefund(refund!.provider_refund_id, "succeeded");
    const refunded = stripeEvent("refund.updated", settled);
    expect((await postWebhook("stripe", refunded, signedStripe(refunded))).body.outcome).toBe("refunded");
    expect(await paymentRow(payment.id)).toMatchObject({ refunded_minor: 4500 });
    expect((await ledgerOf(payment.id)).map((r) => r.kind)).toContain("REFUND");
  });

  it("revives an expired hold when a late payment arrives and the time is still free", async () => {
    const doctor = await feeDoctor(4500, "EUR");
    const patient = await payingPatient();
    const visitId = await heldVisit(patient, doctor.id);
    const { checkoutId } = await openCheckout(patient, visitId);
    await runAsSystem("test", () =>
      getDb().appointment.update({
        where: { id: visitId },
        data: { holdExpiresAt: new Date(Date.now() - 1_000) },
      }),
    );
    await expireHold({ appointmentId: visitId });
    const payload = stripeCompleted(checkoutId);
    expect((await postWebhook("stripe", payload, signedStripe(payload))).body.outcome).toBe("confirmed");
    expect(await visitStatus(visitId)).toBe("CONFIRMED");
  });

  it("applies a refund reported before its capture once the capture arrives", async () => {
    const doctor = await feeDoctor(4500, "EUR");
    const patient = await payingPatient();
    const visitId = await heldVisit(patient, doctor.id);
    const { payment, checkoutId } = await openCheckout(patient, visitId);
    const completed = stripeCompleted(checkoutId);
    const intentId = (JSON.parse(completed) as { data: { object: { payment_intent: string } } }).data.object
      .payment_intent;
    // A refund made in Stripe's dashboard, whose event overtakes the capture's.
    const dashboardRefund = stripeEvent("refund.updated", {
      id: `re_${randomUUID().slice(0, 12)}`,
      object: "refund",
      amount: 1000,
      currency: "eur",
      status: "succeeded",
      payment_intent: intentId,
      metadata: {},
    });
    expect((await postWebhook("stripe", dashboardRefund, signedStripe(dashboardRefund))).body.outcome).toBe(
      "deferred",
    );
    expect((await postWebhook("stripe", completed, signedStripe(completed))).body.outcome).toBe("confirmed");
    await eventually(async () => (await paymentRow(payment.id)).refunded_minor === 1000);
    expect(await paymentRow(payment.id)).toMatchObject({ captured_minor: 4500, refunded_minor: 1000 });
    expect((await ledgerOf(payment.id)).map((r) => r.kind).sort()).toEqual(["CHARGE", "FEE", "REFUND"]);
  });

  it("acknowledges an unknown event and changes nothing", async () => {
    const payload = stripeEvent("customer.created", { id: "cus_123", object: "customer" });
    const { status, body } = await postWebhook("stripe", payload, signedStripe(payload));
    expect(status).toBe(200);
    expect(body.outcome).toBe("ignored");
  });

  it("refunds in full, and confirms nothing, when Stripe reports another amount than the visit's", async () => {
    const doctor = await feeDoctor(4500, "EUR");
    const patient = await payingPatient();
    const visitId = await heldVisit(patient, doctor.id);
    const { payment, checkoutId } = await openCheckout(patient, visitId);
    const payload = stripeCompleted(checkoutId, { amount_total: 100 });
    expect((await postWebhook("stripe", payload, signedStripe(payload))).body.outcome).toBe(
      "amount-mismatch-refunded",
    );
    expect(await visitStatus(visitId)).toBe("HELD");
    expect(await paymentRow(payment.id)).toMatchObject({ captured_minor: 100, refund_reserved_minor: 100 });
  });

  it("refunds a cancellation per the policy: in full early, half inside 48 hours, and never more than captured", async () => {
    const doctor = await feeDoctor(4000, "EUR");
    const patient = await payingPatient();
    const pay = async (startsAt?: Date) => {
      const visitId = await heldVisit(patient, doctor.id, startsAt);
      const { payment, checkoutId } = await openCheckout(patient, visitId);
      const payload = stripeCompleted(checkoutId);
      expect((await postWebhook("stripe", payload, signedStripe(payload))).body.outcome).toBe("confirmed");
      return { visitId, paymentId: payment.id };
    };
    const early = await pay();
    await asActor(patient.actor, () => cancelAppointment(patient.actor, early.visitId, "Plans changed"));
    expect(await paymentRow(early.paymentId)).toMatchObject({ refund_reserved_minor: 4000 });

    const soon = await pay((await nextSlot(doctor.id, 30)).start);
    await asActor(patient.actor, () => cancelAppointment(patient.actor, soon.visitId, "Plans changed"));
    expect(await paymentRow(soon.paymentId)).toMatchObject({ refund_reserved_minor: 2000 });

    // An admin refunds the rest twice at once: one succeeds, the other is told what is left.
    const admin = await createAccount("ADMIN");
    const adminActor = authenticatedActor(admin.id, "ADMIN");
    const attempts = await Promise.allSettled(
      [1, 2].map(() =>
        asActor(adminActor, () =>
          refundPaymentManually(adminActor, {
            paymentId: soon.paymentId,
            amountMinor: 2000,
            note: "Goodwill",
          }),
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    const row = await paymentRow(soon.paymentId);
    expect(row.refund_reserved_minor).toBe(4000);
    expect(row.refund_reserved_minor).toBeLessThanOrEqual(row.captured_minor);
    const refused = await appErrorOf(
      asActor(adminActor, () =>
        refundPaymentManually(adminActor, { paymentId: soon.paymentId, amountMinor: 1, note: "More" }),
      ),
    );
    expect(refused.message).toMatch(/refunded in full/);
  });
});

describe("Razorpay", () => {
  it("takes INR through Razorpay: a verified payment.captured confirms; a tampered one and a replay change nothing", async () => {
    const doctor = await feeDoctor(60_000, "INR");
    const patient = await payingPatient(PATIENT_NAME);
    const visitId = await heldVisit(patient, doctor.id, undefined, REASON);
    const { url, payment, checkoutId } = await openCheckout(patient, visitId);
    expect(payment.provider).toBe("RAZORPAY");
    expect(url).toBe(`/patient/pay/${payment.id}`);
    expect(razorpay.orders.get(checkoutId)?.amount).toBe(60_000);

    const captured = razorpay.capturePayment(checkoutId);
    const body = razorpayEvent("payment.captured", { payment: captured });
    const headers = razorpayWebhookHeaders(body, RAZORPAY_WEBHOOK_SECRET);
    const tampered = body.replace('"amount":60000', '"amount":60001');
    expect(tampered).not.toBe(body);
    expect((await postWebhook("razorpay", tampered, headers)).status).toBe(400);
    expect(await visitStatus(visitId)).toBe("HELD");

    const replies = await Promise.all(
      Array.from({ length: 10 }, () => postWebhook("razorpay", body, headers)),
    );
    expect(replies.filter((r) => r.body.outcome === "confirmed")).toHaveLength(1);
    expect(await visitStatus(visitId)).toBe("CONFIRMED");
    expect(await ledgerOf(payment.id)).toEqual([
      { kind: "CHARGE", amount_minor: 60_000 },
      { kind: "FEE", amount_minor: captured.fee },
    ]);
  });
});

describe("what the providers are told", () => {
  it("carries ids, amounts and URLs only: no name, email or reason in any request to Stripe or Razorpay", () => {
    const everything = [...stripe.requests, ...razorpay.requests];
    expect(everything.length).toBeGreaterThan(10);
    for (const request of everything) {
      const seen = JSON.stringify(request);
      for (const secret of [PATIENT_NAME, REASON, "Dr. Fee", "@example.test"]) {
        expect(seen, `${request.method} ${request.path}`).not.toContain(secret);
      }
    }
  });
});
