// A storm of Stripe webhook deliveries against a real PostgreSQL: hundreds at once, each event many
// times, refunds overtaking their captures, forged signatures and events Haven ignores, all in a
// shuffled order through the route handler. Every delivery is answered 200 (or 400 for a forged
// signature: never a 5xx, never a 429, as the route has no rate limit), every event takes effect
// exactly once (checked with SQL), and the pool stays free for other requests during and after
// (lib/domain/payments/webhook-gate.ts holds deliveries to a third of the pool).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { POST as webhook } from "@/app/api/payments/webhooks/[provider]/route";
import { disconnectDb } from "@/lib/db/client";
import { webhookConcurrency, webhookGateState } from "@/lib/domain/payments/webhook-gate";
import { resetEnvCache } from "@/lib/env";
import { stopQueue } from "@/lib/jobs/queue";
import { runSql } from "../support/database";
import { type FakeStripe, startFakeStripe, stripeEvent, stripeSignatureHeader } from "../support/fake-stripe";
import { feeDoctor, heldVisit, openCheckout, payingPatient } from "../support/payments";

const databaseUrl = process.env.DATABASE_URL!;
const STRIPE_WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, "")}`;
const FEE = 4500;
const REFUND = 1_000;
const VISITS = 30;
const COPIES_OF_EACH_CAPTURE = 8;
const REFUNDED_VISITS = 12;
const COPIES_OF_EACH_REFUND = 5;
const FORGED = 20;
const IGNORED = 10;

let stripe: FakeStripe;
const savedEnv = { ...process.env };

beforeAll(async () => {
  stripe = await startFakeStripe();
  Object.assign(process.env, {
    STRIPE_SECRET_KEY: "sk_test_FakeSecretKey0001",
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
  });
  resetEnvCache();
});

afterAll(async () => {
  process.env = savedEnv;
  resetEnvCache();
  await stopQueue();
  await stripe?.close();
  await disconnectDb();
});

const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  runSql<T>(databaseUrl, text, params);

interface Delivery {
  body: string;
  headers: Record<string, string>;
  expected: 200 | 400;
}

async function deliver({ body, headers }: Delivery) {
  const response = await webhook(
    new Request("http://localhost/api/payments/webhooks/stripe", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    }),
    { params: Promise.resolve({ provider: "stripe" }) },
  );
  return { status: response.status, text: await response.text() };
}

const signed = (body: string): Delivery => ({
  body,
  headers: { "stripe-signature": stripeSignatureHeader(body, STRIPE_WEBHOOK_SECRET) },
  expected: 200,
});

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a webhook storm", () => {
  it("answers every delivery with 200 or 400, applies every event once, and leaves the pool free", async () => {
    // Visits waiting for their payment, each with an open Stripe checkout.
    const visits = [];
    for (let i = 0; i < VISITS; i += 1) {
      const doctor = await feeDoctor(FEE, "EUR");
      const patient = await payingPatient();
      const visitId = await heldVisit(patient, doctor.id);
      const { payment, checkoutId } = await openCheckout(patient, visitId);
      visits.push({ visitId, paymentId: payment.id, checkoutId });
    }

    const deliveries: Delivery[] = [];
    visits.forEach((visit, index) => {
      const completed = stripeEvent("checkout.session.completed", stripe.completeSession(visit.checkoutId));
      for (let copy = 0; copy < COPIES_OF_EACH_CAPTURE; copy += 1) deliveries.push(signed(completed));
      if (index < REFUNDED_VISITS) {
        const intentId = (JSON.parse(completed) as { data: { object: { payment_intent: string } } }).data
          .object.payment_intent;
        // A refund made in Stripe's dashboard: in a shuffled storm it often overtakes its capture.
        const refund = stripeEvent("refund.updated", {
          id: `re_${randomUUID().slice(0, 12)}`,
          object: "refund",
          amount: REFUND,
          currency: "eur",
          status: "succeeded",
          payment_intent: intentId,
          metadata: {},
        });
        for (let copy = 0; copy < COPIES_OF_EACH_REFUND; copy += 1) deliveries.push(signed(refund));
      }
      if (index < FORGED) {
        // One byte changed after signing.
        const forged = completed.replace(`"amount_total":${FEE}`, `"amount_total":${FEE + 1}`);
        expect(forged).not.toBe(completed);
        deliveries.push({ body: forged, headers: signed(completed).headers, expected: 400 });
      }
    });
    for (let i = 0; i < IGNORED; i += 1) {
      deliveries.push(signed(stripeEvent("customer.created", { id: `cus_${i}`, object: "customer" })));
    }
    shuffle(deliveries);

    const started = performance.now();
    const storm = Promise.all(deliveries.map(deliver));
    // Mid-storm, a monitor's request still finds a connection (the storm is held to a third of the
    // pool): it answers while deliveries still wait at the gate, overtaking them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const midStarted = performance.now();
    const midStorm = await health(new Request("http://localhost/api/health"), {
      params: Promise.resolve({}),
    });
    const midStormMs = performance.now() - midStarted;
    const gateWhenAnswered = webhookGateState();
    const replies = await storm;
    const stormMs = performance.now() - started;
    expect(midStorm.status).toBe(200);
    expect(gateWhenAnswered.waiting, `the storm took ${Math.round(stormMs)} ms`).toBeGreaterThan(0);
    expect(gateWhenAnswered.active).toBeLessThanOrEqual(webhookConcurrency());

    const statuses = new Map<number, number>();
    for (const reply of replies) statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    const unexpected = replies
      .map((reply, index) => ({ ...reply, expected: deliveries[index]!.expected }))
      .filter((reply) => reply.status !== reply.expected);
    expect(unexpected.slice(0, 3), JSON.stringify([...statuses])).toEqual([]);

    // Exactly once: one confirmation, one charge and one success per visit; each refund once.
    const paymentIds = visits.map((visit) => visit.paymentId);
    const visitIds = visits.map((visit) => visit.visitId);
    const refundedIds = paymentIds.slice(0, REFUNDED_VISITS);
    await eventually(async () => {
      const [row] = await sql<{ n: string }>(
        "SELECT count(*) AS n FROM payments WHERE id = ANY($1::uuid[]) AND refunded_minor = $2",
        [refundedIds, REFUND],
      );
      return Number(row!.n) === REFUNDED_VISITS;
    });
    const appointments = await sql<{ status: string; n: string }>(
      "SELECT status, count(*) AS n FROM appointments WHERE id = ANY($1::uuid[]) GROUP BY status",
      [visitIds],
    );
    expect(appointments).toEqual([{ status: "CONFIRMED", n: String(VISITS) }]);
    const payments = await sql<{
      id: string;
      status: string;
      captured_minor: number;
      refunded_minor: number;
    }>("SELECT id, status, captured_minor, refunded_minor FROM payments WHERE id = ANY($1::uuid[])", [
      paymentIds,
    ]);
    for (const payment of payments) {
      expect(payment).toMatchObject({
        status: "SUCCEEDED",
        captured_minor: FEE,
        refunded_minor: refundedIds.includes(payment.id) ? REFUND : 0,
      });
    }
    const ledger = await sql<{ kind: string; n: string }>(
      `SELECT kind, count(*) AS n FROM payment_transactions
        WHERE payment_id = ANY($1::uuid[]) AND kind IN ('CHARGE', 'REFUND') GROUP BY kind ORDER BY kind`,
      [paymentIds],
    );
    expect(ledger).toEqual([
      { kind: "CHARGE", n: String(VISITS) },
      { kind: "REFUND", n: String(REFUNDED_VISITS) },
    ]);
    const audited = await sql<{ action: string; n: string }>(
      `SELECT action, count(*) AS n FROM audit_log
        WHERE resource_id = ANY($1::text[]) AND action IN ('payment.succeeded', 'appointment.confirmed')
        GROUP BY action ORDER BY action`,
      [[...paymentIds, ...visitIds]],
    );
    expect(audited).toEqual([
      { action: "appointment.confirmed", n: String(VISITS) },
      { action: "payment.succeeded", n: String(VISITS) },
    ]);
    const events = await sql<{ n: string; unprocessed: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE processed_at IS NULL) AS unprocessed
         FROM payment_events WHERE provider = 'STRIPE' AND facts->>'checkoutId' = ANY($1::text[])`,
      [visits.map((visit) => visit.checkoutId)],
    );
    expect(events).toEqual([{ n: String(VISITS), unprocessed: "0" }]);

    // The pool is not exhausted: a normal request and a booking right after are served (the times are
    // printed below, for the record; speed goals live in the benchmark, not here).
    const afterStarted = performance.now();
    const healthy = await health(new Request("http://localhost/api/health"), { params: Promise.resolve({}) });
    const healthMs = performance.now() - afterStarted;
    expect(healthy.status).toBe(200);
    const bookingStarted = performance.now();
    const doctor = await feeDoctor(FEE, "EUR");
    await heldVisit(await payingPatient(), doctor.id);
    const bookingMs = performance.now() - bookingStarted;

    console.info(
      `[faults] webhook storm: ${deliveries.length} deliveries (${VISITS} captures x${COPIES_OF_EACH_CAPTURE}, ` +
        `${REFUNDED_VISITS} refunds x${COPIES_OF_EACH_REFUND}, ${FORGED} forged, ${IGNORED} ignored) in ` +
        `${Math.round(stormMs)} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `health mid-storm ${Math.round(midStormMs)} ms, after ${Math.round(healthMs)} ms, a new booking after ${Math.round(bookingMs)} ms`,
    );
  }, 180_000);
});
