// Payment and refund states in the words the patient reads (billing page, visit
// page, receipt PDF): one table, so the page and the receipt never disagree.
import type { PaymentStatus, RefundCause, RefundStatus } from "@/lib/db/generated/enums";

export const REFUND_CAUSE_LABEL: Record<RefundCause, string> = {
  PATIENT_CANCELLED: "You cancelled the visit",
  DOCTOR_CANCELLED: "The clinic cancelled the visit",
  LATE_PAYMENT: "Paid after the hold ended",
  AMOUNT_MISMATCH: "Charged a different amount",
  ADMIN: "Refunded by the clinic",
  PROVIDER: "Refunded by the clinic",
};

export const REFUND_STATUS_LABEL: Record<RefundStatus, string> = {
  SUCCEEDED: "refunded",
  PENDING: "refund pending",
  FAILED: "refund did not go through",
};

/** A payment attempt's state; an open checkout past its expiry was simply not completed. */
export function paymentStatusLabel(
  payment: { status: PaymentStatus; failureCode: string | null; expiresAt?: Date },
  now = new Date(),
): string {
  switch (payment.status) {
    case "SUCCEEDED":
      return "Paid";
    case "OPEN":
      return payment.expiresAt && payment.expiresAt <= now ? "Not completed" : "Awaiting payment";
    case "EXPIRED":
      return "Not completed";
    case "FAILED":
      if (payment.failureCode === "checkout_unavailable") return "Provider did not answer";
      return payment.failureCode === "card_declined" ? "Card declined" : "Payment failed";
  }
}
