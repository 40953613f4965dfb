// A stand-in for api.razorpay.com (plain node:http): the real `razorpay` client
// is pointed at it (RAZORPAY_API_URL), and every request is recorded (JSON bodies,
// the Basic auth header) so tests can check exactly what Haven told the provider.
// It implements only the endpoints Haven calls, with Razorpay's shapes.
import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { lowerCaseHeaders, readBody, serveFake } from "./fake-http";
import type { RecordedRequest } from "./fake-stripe";

export type { RecordedRequest } from "./fake-stripe";

export interface FakeOrder {
  id: string;
  entity: "order";
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  status: "created" | "attempted" | "paid";
  attempts: number;
  notes: Record<string, unknown> | unknown[];
  created_at: number;
}

export interface FakePayment {
  id: string;
  entity: "payment";
  amount: number;
  currency: string;
  status: "captured" | "failed";
  order_id: string;
  method: "card";
  amount_refunded: number;
  fee: number | null;
  tax: number | null;
  error_code: string | null;
  notes: Record<string, unknown> | unknown[];
  created_at: number;
}

export interface FakeRazorpayRefund {
  id: string;
  entity: "refund";
  amount: number;
  currency: string;
  payment_id: string;
  receipt: string | null;
  notes: Record<string, unknown> | unknown[];
  status: "pending" | "processed" | "failed";
  speed_requested: "normal";
  created_at: number;
}

export interface FakeRazorpay {
  url: string;
  requests: RecordedRequest[];
  orders: Map<string, FakeOrder>;
  payments: Map<string, FakePayment>;
  refunds: Map<string, FakeRazorpayRefund>;
  /** The next `times` requests get this status and body (default: Razorpay's SERVER_ERROR shape). */
  failNext(status: number, body?: unknown, times?: number): void;
  /** The patient paid the order in Razorpay Checkout: a captured payment (with fee) and a paid order. */
  capturePayment(orderId: string): FakePayment;
  /** A payment attempt on the order failed (the order stays payable). */
  failPayment(orderId: string, errorCode?: string): FakePayment;
  /** Razorpay settles a refund (refund.processed / refund.failed carry the result). */
  settleRefund(refundId: string, status: "processed" | "failed"): FakeRazorpayRefund;
  close(): Promise<void>;
}

/** The fake's fee: 2% plus 18% GST on it, which Razorpay includes in `fee`. */
export function fakeRazorpayFee(amountMinor: number): { fee: number; tax: number } {
  const base = Math.round(amountMinor * 0.02);
  const tax = Math.round(base * 0.18);
  return { fee: base + tax, tax };
}

function randomId(prefix: string): string {
  // Razorpay ids are `<prefix>_` + 14 alphanumerics.
  return `${prefix}_${randomBytes(10).toString("base64url").replace(/[-_]/g, "x").slice(0, 14)}`;
}

function razorpayError(status: number, code: string, description: string) {
  return {
    status,
    body: { error: { code, description, source: "NA", step: "NA", reason: "NA", metadata: {} } },
  };
}

function notesOf(value: unknown): Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : [];
}

export async function startFakeRazorpay(
  credentials: { keyId?: string; keySecret?: string } = {},
): Promise<FakeRazorpay> {
  const requests: RecordedRequest[] = [];
  const orders = new Map<string, FakeOrder>();
  const payments = new Map<string, FakePayment>();
  const refunds = new Map<string, FakeRazorpayRefund>();
  const failures: { status: number; body: unknown }[] = [];
  let baseUrl = "";

  function authorised(header: string | undefined): boolean {
    if (!header?.startsWith("Basic ")) return false;
    const [keyId, ...rest] = Buffer.from(header.slice(6), "base64").toString("utf8").split(":");
    const secret = rest.join(":");
    if (!keyId || !secret) return false;
    return (
      (credentials.keyId === undefined || credentials.keyId === keyId) &&
      (credentials.keySecret === undefined || credentials.keySecret === secret)
    );
  }

  function route({ method, path, body }: RecordedRequest): { status: number; body: unknown } {
    const now = Math.floor(Date.now() / 1000);
    if (method === "POST" && path === "/v1/orders") {
      const amount = Number(body.amount);
      const currency = typeof body.currency === "string" ? body.currency : "";
      if (!Number.isInteger(amount) || amount < 100) {
        return razorpayError(400, "BAD_REQUEST_ERROR", "The amount must be atleast INR 1.00");
      }
      if (!/^[A-Z]{3}$/.test(currency)) {
        return razorpayError(400, "BAD_REQUEST_ERROR", "The currency is invalid.");
      }
      const order: FakeOrder = {
        id: randomId("order"),
        entity: "order",
        amount,
        amount_paid: 0,
        amount_due: amount,
        currency,
        receipt: typeof body.receipt === "string" ? body.receipt : null,
        status: "created",
        attempts: 0,
        notes: notesOf(body.notes),
        created_at: now,
      };
      orders.set(order.id, order);
      return { status: 200, body: order };
    }

    const refund = /^\/v1\/payments\/([^/]+)\/refund$/.exec(path);
    if (method === "POST" && refund) {
      const payment = payments.get(decodeURIComponent(refund[1] ?? ""));
      if (!payment) return razorpayError(400, "BAD_REQUEST_ERROR", "The id provided does not exist");
      if (payment.status !== "captured") {
        return razorpayError(400, "BAD_REQUEST_ERROR", "Only captured payments can be refunded");
      }
      const left = payment.amount - payment.amount_refunded;
      const amount = body.amount === undefined ? left : Number(body.amount);
      if (!Number.isInteger(amount) || amount <= 0 || amount > left) {
        return razorpayError(
          400,
          "BAD_REQUEST_ERROR",
          "The refund amount provided is greater than amount captured",
        );
      }
      payment.amount_refunded += amount;
      const created: FakeRazorpayRefund = {
        id: randomId("rfnd"),
        entity: "refund",
        amount,
        currency: payment.currency,
        payment_id: payment.id,
        receipt: typeof body.receipt === "string" ? body.receipt : null,
        notes: notesOf(body.notes),
        status: "pending",
        speed_requested: "normal",
        created_at: now,
      };
      refunds.set(created.id, created);
      return { status: 200, body: created };
    }

    const listRefunds = /^\/v1\/payments\/([^/]+)\/refunds$/.exec(path);
    if (method === "GET" && listRefunds) {
      const paymentId = decodeURIComponent(listRefunds[1] ?? "");
      const items = [...refunds.values()].filter((item) => item.payment_id === paymentId);
      return { status: 200, body: { entity: "collection", count: items.length, items } };
    }

    const fetch = /^\/v1\/payments\/([^/]+)$/.exec(path);
    if (method === "GET" && fetch) {
      const payment = payments.get(decodeURIComponent(fetch[1] ?? ""));
      return payment
        ? { status: 200, body: payment }
        : razorpayError(400, "BAD_REQUEST_ERROR", "The id provided does not exist");
    }

    return razorpayError(400, "BAD_REQUEST_ERROR", "The requested URL was not found on the server.");
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const rawBody = await readBody(request);
    const url = new URL(request.url ?? "/", baseUrl);
    const headers = lowerCaseHeaders(request);
    let body: Record<string, unknown> = {};
    if (rawBody) {
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {
        body = {};
      }
    }
    const recorded: RecordedRequest = {
      method: request.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      rawBody,
      body,
    };
    requests.push(recorded);

    const failure = failures.shift();
    const result = failure
      ? failure
      : authorised(headers.authorization)
        ? route(recorded)
        : razorpayError(401, "BAD_REQUEST_ERROR", "Authentication failed");
    response.writeHead(result.status, { "content-type": "application/json" });
    response.end(JSON.stringify(result.body));
  }

  const server = await serveFake(handle, razorpayError(500, "SERVER_ERROR", "Fake Razorpay failed."));
  baseUrl = server.url;

  function newPayment(
    order: FakeOrder,
    status: FakePayment["status"],
    errorCode: string | null,
  ): FakePayment {
    const { fee, tax } = fakeRazorpayFee(order.amount);
    const payment: FakePayment = {
      id: randomId("pay"),
      entity: "payment",
      amount: order.amount,
      currency: order.currency,
      status,
      order_id: order.id,
      method: "card",
      amount_refunded: 0,
      fee: status === "captured" ? fee : null,
      tax: status === "captured" ? tax : null,
      error_code: errorCode,
      notes: order.notes,
      created_at: Math.floor(Date.now() / 1000),
    };
    payments.set(payment.id, payment);
    order.attempts += 1;
    return payment;
  }

  return {
    url: baseUrl,
    requests,
    orders,
    payments,
    refunds,
    failNext(status, body, times = 1) {
      const payload =
        body ??
        razorpayError(status, "SERVER_ERROR", "The server encountered an error. Try again later.").body;
      for (let i = 0; i < times; i += 1) failures.push({ status, body: payload });
    },
    capturePayment(orderId) {
      const order = orders.get(orderId);
      if (!order) throw new Error(`fake Razorpay: no order ${orderId}`);
      const payment = newPayment(order, "captured", null);
      Object.assign(order, { status: "paid", amount_paid: order.amount, amount_due: 0 });
      return { ...payment };
    },
    failPayment(orderId, errorCode = "BAD_REQUEST_ERROR") {
      const order = orders.get(orderId);
      if (!order) throw new Error(`fake Razorpay: no order ${orderId}`);
      order.status = "attempted";
      return { ...newPayment(order, "failed", errorCode) };
    },
    settleRefund(refundId, status) {
      const refund = refunds.get(refundId);
      if (!refund) throw new Error(`fake Razorpay: no refund ${refundId}`);
      refund.status = status;
      if (status === "failed") {
        const payment = payments.get(refund.payment_id);
        if (payment) payment.amount_refunded -= refund.amount;
      }
      return { ...refund };
    },
    close: () => server.close(),
  };
}

/** A Razorpay webhook body (the exact string that gets signed): `entities` maps e.g. payment → its entity. */
export function razorpayEvent(
  event: string,
  entities: Record<string, unknown>,
  options: { accountId?: string; createdAt?: number } = {},
): string {
  return JSON.stringify({
    entity: "event",
    account_id: options.accountId ?? "acc_FakeAccount0001",
    event,
    contains: Object.keys(entities),
    payload: Object.fromEntries(Object.entries(entities).map(([name, entity]) => [name, { entity }])),
    created_at: options.createdAt ?? Math.floor(Date.now() / 1000),
  });
}

/** The headers Razorpay sends with a webhook: the hex HMAC of the body and a fresh event id. */
export function razorpayWebhookHeaders(
  body: string,
  secret: string,
  eventId = `evt_${randomBytes(8).toString("hex")}`,
): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-razorpay-signature": createHmac("sha256", secret).update(body).digest("hex"),
    "x-razorpay-event-id": eventId,
  };
}

/** What Razorpay Checkout hands the browser after a payment: HMAC of `order_id|payment_id` with the key secret. */
export function razorpayPaymentSignature(orderId: string, paymentId: string, keySecret: string): string {
  return createHmac("sha256", keySecret).update(`${orderId}|${paymentId}`).digest("hex");
}
