// The one interface every payment provider implements (Stripe, Razorpay and the
// local TEST MODE checkout, in lib/integrations/). The payments area speaks only
// to this: it never sees a provider's objects, and a provider never sees more of
// Haven than the ids and amounts below (no names, emails, reasons: no PHI).
import type { PaymentProvider } from "@/lib/db/generated/enums";

export interface CheckoutRequest {
  /** Haven's payment id: the only reference a provider is given (metadata, receipt field). */
  paymentId: string;
  /** Minor units (cents, paise), from the visit: never from the browser. */
  amountMinor: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** Absolute URLs the provider's page sends the patient back to. */
  successUrl: string;
  cancelUrl: string;
  /** The visit's hold ends then; the checkout should not outlive it (providers may impose a minimum). */
  expiresAt: Date;
}

export interface CreatedCheckout {
  /** Stripe Checkout Session id, Razorpay order id, test checkout id. */
  checkoutId: string;
  /** The provider's hosted page; null when Haven hosts the page that opens the provider's widget (Razorpay). */
  url: string | null;
}

export interface RefundRequest {
  /** Haven's refund id: sent as metadata/notes (and as the idempotency key where the provider has one). */
  refundId: string;
  paymentId: string;
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
}

/** A webhook the TEST MODE provider sends: the caller delivers it through the same verify-and-process path. */
export interface SignedNotification {
  body: string;
  headers: Record<string, string>;
}

export interface SubmittedRefund {
  providerRefundId: string;
  notification?: SignedNotification;
}

/** What Haven learns from a provider event, in one shape for every provider. */
export type EventFacts =
  | {
      kind: "checkout.paid";
      checkoutId: string;
      providerPaymentId: string;
      amountMinor: number;
      currency: string;
      /** The provider's fee when the event carries it (Razorpay), else null (asked for after capture). */
      feeMinor: number | null;
    }
  | { kind: "checkout.failed"; checkoutId: string; failureCode: string }
  | { kind: "checkout.expired"; checkoutId: string }
  | {
      kind: "refund.succeeded";
      providerPaymentId: string;
      providerRefundId: string;
      /** Haven's refund id from the refund's metadata/notes; null for a refund made at the provider. */
      refundId: string | null;
      amountMinor: number;
      currency: string;
    }
  | {
      kind: "refund.failed";
      providerPaymentId: string;
      providerRefundId: string;
      refundId: string | null;
      failureCode: string;
    }
  /** An event Haven does not act on: acknowledged (200) and logged by type only. */
  | { kind: "ignored" };

export interface VerifiedEvent {
  /** The provider's event id: the idempotency key of processing. */
  eventId: string;
  /** The provider's event type, e.g. checkout.session.completed, payment.captured. */
  type: string;
  facts: EventFacts;
}

export interface PaymentGateway {
  readonly provider: PaymentProvider;
  /** Test keys (or the TEST MODE provider) move no money; admins see which. */
  readonly mode: "live" | "test";
  createCheckout(request: CheckoutRequest): Promise<CreatedCheckout>;
  /** Best effort: the checkout can no longer be paid (a late payment is refunded anyway). */
  expireCheckout(checkoutId: string): Promise<void>;
  refund(request: RefundRequest): Promise<SubmittedRefund>;
  /** The provider's fee for a captured payment when the event did not carry it; null if unknown. */
  feeOf(providerPaymentId: string): Promise<number | null>;
  /**
   * Verifies the signature over the raw body exactly as received (never re-serialised JSON) and
   * returns the event's facts. Throws AppError("BAD_REQUEST") for a missing, wrong or stale
   * signature or a body that is not the provider's JSON.
   */
  verifyWebhook(rawBody: string, headers: Headers): VerifiedEvent;
}
