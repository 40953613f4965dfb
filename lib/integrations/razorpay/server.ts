// Razorpay Orders + Checkout behind the PaymentGateway interface. Razorpay is
// told an amount, a currency and Haven's ids (receipt, notes): no name, email,
// phone or reason. Haven hosts the page that opens Razorpay Checkout for the order.
import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import Razorpay from "razorpay";
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

export interface RazorpayGatewayConfig {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  /** https://api.razorpay.com in production; tests point it at a local fake. */
  apiUrl: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** A Razorpay API call that failed: the HTTP status and Razorpay's error code only (no request values). */
export class RazorpayApiError extends Error {
  override name = "RazorpayApiError";
  constructor(
    readonly operation: string,
    readonly statusCode: number | null,
    readonly code: string | null,
  ) {
    super(
      `Razorpay ${operation} failed (${statusCode === null ? "no response" : `HTTP ${statusCode}`}${code ? `, ${code}` : ""}).`,
    );
  }
}

/** The client throws `{ statusCode, error }` objects (or a TypeError when there was no response). */
async function call<T>(operation: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const parsed = z
      .object({ statusCode: z.coerce.number().int(), error: z.object({ code: z.string() }).nullish() })
      .safeParse(error);
    if (parsed.success)
      throw new RazorpayApiError(operation, parsed.data.statusCode, parsed.data.error?.code ?? null);
    throw new RazorpayApiError(operation, null, null);
  }
}

/** Hex HMAC-SHA256, as Razorpay signs webhooks and Checkout results. */
export function razorpayWebhookSignature(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

// Razorpay's own validateWebhookSignature compares with `===`, which leaks timing.
function sameSignature(expectedHex: string, given: string): boolean {
  const expected = Buffer.from(expectedHex, "utf8");
  const actual = Buffer.from(given, "utf8");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Checks the signature Razorpay Checkout hands the browser after a payment. The caller passes
 * the order id it stored for the payment, never one sent by the browser.
 */
export function verifyRazorpayPaymentSignature(input: {
  orderId: string;
  providerPaymentId: string;
  signature: string;
  keySecret: string;
}): boolean {
  const expected = razorpayWebhookSignature(`${input.orderId}|${input.providerPaymentId}`, input.keySecret);
  return sameSignature(expected, input.signature);
}

const id = z.string().min(1).max(255);
const notes = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish();

const paymentSchema = z.object({
  id,
  order_id: id.nullable(),
  amount: z.number().int(),
  currency: z.string(),
  fee: z.number().int().nullish(),
  error_code: z.string().nullish(),
});

const refundSchema = z.object({
  id,
  payment_id: id,
  amount: z.number().int(),
  currency: z.string(),
  notes,
});

const envelopeSchema = z.object({
  event: z.string().min(1).max(255),
  payload: z.object({
    payment: z.object({ entity: z.unknown() }).optional(),
    refund: z.object({ entity: z.unknown() }).optional(),
  }),
});

function malformed(): AppError {
  return new AppError("BAD_REQUEST", "The event is not in the expected shape.");
}

function entity<T>(schema: z.ZodType<T>, wrapper: { entity: unknown } | undefined): T {
  const parsed = schema.safeParse(wrapper?.entity);
  if (!parsed.success) throw malformed();
  return parsed.data;
}

/** Haven's refund id from the notes: only a UUID is ours (a refund made at Razorpay's dashboard has none). */
function havenRefundId(refundNotes: z.infer<typeof notes>): string | null {
  const value = refundNotes && !Array.isArray(refundNotes) ? refundNotes.refundId : undefined;
  return typeof value === "string" && z.uuid().safeParse(value).success ? value : null;
}

/** Pure mapping of a verified Razorpay event body to Haven's facts; throws BAD_REQUEST on an unexpected shape. */
export function razorpayEventFacts(body: z.infer<typeof envelopeSchema>): EventFacts {
  const { payload } = body;
  switch (body.event) {
    case "payment.captured":
    case "order.paid": {
      const payment = entity(paymentSchema, payload.payment);
      // A payment outside an order (a payment link, a dashboard charge) is not a Haven checkout.
      if (payment.order_id === null) return { kind: "ignored" };
      return {
        kind: "checkout.paid",
        checkoutId: payment.order_id,
        providerPaymentId: payment.id,
        amountMinor: payment.amount,
        currency: payment.currency.toUpperCase(),
        feeMinor: payment.fee ?? null,
      };
    }
    case "payment.failed": {
      const payment = entity(paymentSchema, payload.payment);
      if (payment.order_id === null) return { kind: "ignored" };
      return {
        kind: "checkout.failed",
        checkoutId: payment.order_id,
        failureCode: payment.error_code ?? "payment_failed",
      };
    }
    case "refund.processed":
    case "refund.failed": {
      const refund = entity(refundSchema, payload.refund);
      const common = {
        providerPaymentId: refund.payment_id,
        providerRefundId: refund.id,
        refundId: havenRefundId(refund.notes),
      };
      return body.event === "refund.processed"
        ? {
            kind: "refund.succeeded",
            ...common,
            amountMinor: refund.amount,
            currency: refund.currency.toUpperCase(),
          }
        : { kind: "refund.failed", ...common, failureCode: "refund_failed" };
    }
    default:
      return { kind: "ignored" };
  }
}

interface AxiosDefaults {
  baseURL?: string;
  timeout?: number;
}

/** The client hard-codes https://api.razorpay.com; its axios instance is the only place to change that. */
function axiosDefaults(client: Razorpay): AxiosDefaults {
  const defaults = (client.api as unknown as { rq?: { defaults?: AxiosDefaults } }).rq?.defaults;
  if (!defaults) throw new Error("The razorpay package changed: its API client has no axios defaults.");
  return defaults;
}

export function createRazorpayGateway(config: RazorpayGatewayConfig): PaymentGateway {
  const client = new Razorpay({ key_id: config.keyId, key_secret: config.keySecret });
  const defaults = axiosDefaults(client);
  defaults.baseURL = config.apiUrl.replace(/\/+$/, "");
  defaults.timeout = REQUEST_TIMEOUT_MS;
  const mode = config.keyId.startsWith("rzp_live_") ? "live" : "test";

  return {
    provider: "RAZORPAY",
    mode,

    async createCheckout(request: CheckoutRequest): Promise<CreatedCheckout> {
      const order = await call("order", () =>
        client.orders.create({
          amount: request.amountMinor,
          currency: request.currency.toUpperCase(),
          receipt: request.paymentId,
          notes: { paymentId: request.paymentId },
          // Capture follows the account's setting, which must be automatic capture (Haven has no
          // manual capture step; README and the admin settings page say so).
        }),
      );
      return { checkoutId: order.id, url: null };
    },

    // Razorpay orders cannot be cancelled; a payment after the hold ended is refunded by the payments area.
    async expireCheckout(): Promise<void> {},

    async refund(request: RefundRequest): Promise<SubmittedRefund> {
      // Razorpay's refund call takes no idempotency key: a retry after a lost answer would refund
      // twice. So a retry first looks for the refund an earlier attempt made (its notes name it).
      const earlier = await call("refund list", () =>
        client.payments.fetchMultipleRefund(request.providerPaymentId, { count: 100 }),
      );
      const made = (earlier.items ?? []).find(
        (item) => !Array.isArray(item.notes) && item.notes?.refundId === request.refundId,
      );
      if (made) return { providerRefundId: made.id };
      const refund = await call("refund", () =>
        client.payments.refund(request.providerPaymentId, {
          amount: request.amountMinor,
          receipt: request.refundId,
          notes: { refundId: request.refundId, paymentId: request.paymentId },
        }),
      );
      return { providerRefundId: refund.id };
    },

    async feeOf(providerPaymentId: string): Promise<number | null> {
      try {
        const payment = await call("payment fetch", () => client.payments.fetch(providerPaymentId));
        const fee = z.number().int().min(0).safeParse(payment.fee);
        return fee.success ? fee.data : null;
      } catch {
        // The fee is bookkeeping: unknown now, it can be asked for again later.
        return null;
      }
    },

    verifyWebhook(rawBody: string, headers: Headers): VerifiedEvent {
      const signature = headers.get("x-razorpay-signature");
      if (!signature || !sameSignature(razorpayWebhookSignature(rawBody, config.webhookSecret), signature)) {
        throw new AppError("BAD_REQUEST", "Invalid webhook signature.");
      }
      const eventId = headers.get("x-razorpay-event-id");
      if (!eventId || eventId.length > 255)
        throw new AppError("BAD_REQUEST", "The event id header is missing.");
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw malformed();
      }
      const body = envelopeSchema.safeParse(json);
      if (!body.success) throw malformed();
      const facts = eventFactsSchema.safeParse(razorpayEventFacts(body.data));
      if (!facts.success) throw malformed();
      return { eventId, type: body.data.event, facts: facts.data };
    },
  };
}
