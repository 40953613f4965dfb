// A stand-in for api.stripe.com (plain node:http): the real `stripe` client is
// pointed at it (STRIPE_API_URL), and every request it receives is recorded so
// tests can check exactly what Haven told the provider. It implements only the
// endpoints Haven calls, with Stripe's response and error shapes.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { lowerCaseHeaders, readBody, serveFake } from "./fake-http";
import Stripe from "stripe";

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. /v1/checkout/sessions. */
  path: string;
  /** The query string, parsed like the body (Stripe's bracket notation). */
  query: Record<string, unknown>;
  /** Lower-case names. */
  headers: Record<string, string>;
  rawBody: string;
  /** Form fields (Stripe) or JSON (Razorpay), nested. */
  body: Record<string, unknown>;
}

export interface FakeCheckoutSession {
  id: string;
  object: "checkout.session";
  mode: string;
  status: "open" | "complete" | "expired";
  payment_status: "paid" | "unpaid" | "no_payment_required";
  payment_intent: string | null;
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  success_url: string;
  cancel_url: string;
  expires_at: number;
  url: string | null;
  livemode: false;
}

export interface FakePaymentIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  currency: string;
  status: "succeeded";
  metadata: Record<string, string>;
  latest_charge: string;
  fee: number;
  refunded: number;
}

export interface FakeRefund {
  id: string;
  object: "refund";
  amount: number;
  currency: string;
  payment_intent: string;
  status: "pending" | "succeeded" | "failed" | "canceled" | "requires_action";
  failure_reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface FakeStripe {
  url: string;
  requests: RecordedRequest[];
  sessions: Map<string, FakeCheckoutSession>;
  paymentIntents: Map<string, FakePaymentIntent>;
  refunds: Map<string, FakeRefund>;
  /** The next `times` requests get this status and body (default: Stripe's api_error shape). */
  failNext(status: number, body?: unknown, times?: number): void;
  /** The patient paid (or, unpaid, started a delayed method): the session completes with a PaymentIntent. */
  completeSession(sessionId: string, options?: { paymentStatus?: "paid" | "unpaid" }): FakeCheckoutSession;
  /** Stripe settles a refund (refund.updated / refund.failed carry the result). */
  settleRefund(refundId: string, status: FakeRefund["status"], failureReason?: string): FakeRefund;
  close(): Promise<void>;
}

/** The fake's processing fee: Stripe's US card rate. */
export function fakeStripeFee(amountMinor: number): number {
  return Math.round(amountMinor * 0.029) + 30;
}

function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

/** Parses `a[b][0][c]=v` pairs (Stripe's form encoding) into nested objects and arrays. */
export function parseStripeForm(encoded: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const parts = key.split(/\[|\]\[|\]/).filter((part, index) => part !== "" || index === 0);
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, index) => {
      const last = index === parts.length - 1;
      const slot = part === "" && Array.isArray(node) ? String(node.length) : part;
      const container = node as Record<string, unknown>;
      if (last) {
        container[slot] = value;
        return;
      }
      const nextIsIndex = /^\d*$/.test(parts[index + 1] ?? "");
      container[slot] ??= nextIsIndex ? [] : {};
      node = container[slot] as Record<string, unknown> | unknown[];
    });
  }
  return root;
}

function stripeError(status: number, type: string, message: string, code?: string) {
  return { status, body: { error: { type, message, ...(code ? { code } : {}) } } };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function record(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, FakeCheckoutSession>();
  const paymentIntents = new Map<string, FakePaymentIntent>();
  const refunds = new Map<string, FakeRefund>();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const failures: { status: number; body: unknown }[] = [];
  let baseUrl = "";

  function route(recorded: RecordedRequest): { status: number; body: unknown } {
    const { method, path, body, query } = recorded;
    if (method === "POST" && path === "/v1/checkout/sessions") {
      const item = (body.line_items as Record<string, unknown>[] | undefined)?.[0];
      const price = (item?.price_data ?? {}) as Record<string, unknown>;
      const amount = Number(price.unit_amount) * Number(item?.quantity ?? 1);
      const currency = text(price.currency);
      if (!Number.isInteger(amount) || amount <= 0 || !currency) {
        return stripeError(
          400,
          "invalid_request_error",
          "Missing required param: line_items.",
          "parameter_missing",
        );
      }
      const id = randomId("cs_test");
      const session: FakeCheckoutSession = {
        id,
        object: "checkout.session",
        mode: text(body.mode) ?? "payment",
        status: "open",
        payment_status: "unpaid",
        payment_intent: null,
        amount_total: amount,
        currency,
        client_reference_id: text(body.client_reference_id) ?? null,
        metadata: record(body.metadata),
        success_url: text(body.success_url) ?? "",
        cancel_url: text(body.cancel_url) ?? "",
        expires_at: Number(body.expires_at) || Math.floor(Date.now() / 1000) + 86_400,
        url: `${baseUrl}/pay/${id}`,
        livemode: false,
      };
      sessions.set(id, session);
      return { status: 200, body: session };
    }

    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
    if (method === "POST" && expire) {
      const session = sessions.get(decodeURIComponent(expire[1] ?? ""));
      if (!session) {
        return stripeError(404, "invalid_request_error", "No such checkout.session.", "resource_missing");
      }
      if (session.status !== "open") {
        return stripeError(
          400,
          "invalid_request_error",
          `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${session.status}\`.`,
        );
      }
      session.status = "expired";
      session.url = null;
      return { status: 200, body: session };
    }

    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === "GET" && intent) {
      const found = paymentIntents.get(decodeURIComponent(intent[1] ?? ""));
      if (!found)
        return stripeError(404, "invalid_request_error", "No such payment_intent.", "resource_missing");
      const expand = Array.isArray(query.expand) ? (query.expand as unknown[]) : [];
      const charge = expand.includes("latest_charge.balance_transaction")
        ? {
            id: found.latest_charge,
            object: "charge",
            balance_transaction: {
              id: `txn_${found.latest_charge.slice(3)}`,
              object: "balance_transaction",
              fee: found.fee,
            },
          }
        : expand.includes("latest_charge")
          ? {
              id: found.latest_charge,
              object: "charge",
              balance_transaction: `txn_${found.latest_charge.slice(3)}`,
            }
          : found.latest_charge;
      const { fee: _fee, refunded: _refunded, ...visible } = found;
      return { status: 200, body: { ...visible, latest_charge: charge } };
    }

    if (method === "POST" && path === "/v1/refunds") {
      const intentId = text(body.payment_intent);
      const paid = intentId ? paymentIntents.get(intentId) : undefined;
      if (!paid)
        return stripeError(400, "invalid_request_error", "No such payment_intent.", "resource_missing");
      const amount = body.amount === undefined ? paid.amount - paid.refunded : Number(body.amount);
      if (!Number.isInteger(amount) || amount <= 0 || amount > paid.amount - paid.refunded) {
        return stripeError(
          400,
          "invalid_request_error",
          "Refund amount is greater than unrefunded amount on charge.",
          "amount_too_large",
        );
      }
      paid.refunded += amount;
      const refund: FakeRefund = {
        id: randomId("re"),
        object: "refund",
        amount,
        currency: paid.currency,
        payment_intent: paid.id,
        status: "pending",
        failure_reason: null,
        metadata: record(body.metadata),
        created: Math.floor(Date.now() / 1000),
      };
      refunds.set(refund.id, refund);
      return { status: 200, body: refund };
    }

    return stripeError(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const rawBody = await readBody(request);
    const url = new URL(request.url ?? "/", baseUrl);
    const headers = lowerCaseHeaders(request);
    const recorded: RecordedRequest = {
      method: request.method ?? "GET",
      path: url.pathname,
      query: parseStripeForm(url.search.slice(1)),
      headers,
      rawBody,
      body: parseStripeForm(rawBody),
    };
    requests.push(recorded);

    let result: { status: number; body: unknown };
    const key = headers["idempotency-key"];
    const failure = failures.shift();
    if (failure) {
      result = failure;
    } else if (
      !headers.authorization?.startsWith("Bearer sk_") &&
      !headers.authorization?.startsWith("Bearer rk_")
    ) {
      result = stripeError(401, "invalid_request_error", "You did not provide an API key.");
    } else if (key && recorded.method === "POST" && idempotent.has(key)) {
      // Stripe replays the first response for a repeated key (the request is not executed twice).
      result = idempotent.get(key)!;
    } else {
      result = route(recorded);
      if (key && recorded.method === "POST" && result.status < 500) idempotent.set(key, result);
    }
    response.writeHead(result.status, {
      "content-type": "application/json",
      "request-id": randomId("req"),
      ...(key ? { "idempotency-key": key } : {}),
    });
    response.end(JSON.stringify(result.body));
  }

  const server = await serveFake(handle, stripeError(500, "api_error", "Fake Stripe failed."));
  baseUrl = server.url;

  return {
    url: baseUrl,
    requests,
    sessions,
    paymentIntents,
    refunds,
    failNext(status, body, times = 1) {
      const payload = body ?? stripeError(status, "api_error", "Something went wrong on Stripe's end.").body;
      for (let i = 0; i < times; i += 1) failures.push({ status, body: payload });
    },
    completeSession(sessionId, options = {}) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`fake Stripe: no session ${sessionId}`);
      const paymentStatus = options.paymentStatus ?? "paid";
      const intent: FakePaymentIntent = {
        id: randomId("pi"),
        object: "payment_intent",
        amount: session.amount_total,
        currency: session.currency,
        status: "succeeded",
        metadata: { ...session.metadata },
        latest_charge: randomId("ch"),
        fee: fakeStripeFee(session.amount_total),
        refunded: 0,
      };
      paymentIntents.set(intent.id, intent);
      Object.assign(session, {
        status: "complete",
        payment_status: paymentStatus,
        payment_intent: intent.id,
        url: null,
      });
      return { ...session };
    },
    settleRefund(refundId, status, failureReason) {
      const refund = refunds.get(refundId);
      if (!refund) throw new Error(`fake Stripe: no refund ${refundId}`);
      refund.status = status;
      if (status === "failed" || status === "canceled") {
        refund.failure_reason = failureReason ?? null;
        const intent = paymentIntents.get(refund.payment_intent);
        if (intent) intent.refunded -= refund.amount;
      }
      return { ...refund };
    },
    close: () => server.close(),
  };
}

/** A Stripe event as delivered to a webhook endpoint (the JSON string that gets signed). */
export function stripeEvent(
  type: string,
  object: unknown,
  options: { id?: string; created?: number } = {},
): string {
  return JSON.stringify({
    id: options.id ?? randomId("evt"),
    object: "event",
    api_version: Stripe.API_VERSION,
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
}

/** The Stripe-Signature header for a payload, as Stripe computes it (timestamp in Unix seconds). */
export function stripeSignatureHeader(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}
