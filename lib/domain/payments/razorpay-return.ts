// The browser comes back from Razorpay Checkout with a payment id and a
// signature. A valid signature only lets the page say "payment received,
// confirming…": the visit is confirmed by Razorpay's webhook alone. The
// signature is checked over the order id Haven stored for this payment, never
// one the browser sends, so a signature for another order proves nothing here.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { verifyRazorpayPaymentSignature } from "@/lib/integrations/razorpay/server";

export interface RazorpayReturn {
  paymentId: string;
  providerPaymentId: string;
  signature: string;
}

/** Checks the browser's return from Razorpay Checkout; returns the visit to go back to. */
export async function acceptRazorpayReturn(
  actor: AuthenticatedActor,
  input: RazorpayReturn,
): Promise<{ appointmentId: string }> {
  const payment =
    actor.role === "PATIENT"
      ? await getDb().payment.findFirst({
          where: { id: input.paymentId, patientId: actor.userId, provider: "RAZORPAY" },
          select: { id: true, appointmentId: true, checkoutId: true },
        })
      : null;
  if (!payment) return refuseAsNotFound("Payment", input.paymentId, "No such payment.");
  const keySecret = getEnv().RAZORPAY_KEY_SECRET;
  if (!keySecret) {
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "Razorpay is not configured on this server; an administrator must add its keys.",
    );
  }
  const valid =
    payment.checkoutId !== null &&
    verifyRazorpayPaymentSignature({
      orderId: payment.checkoutId,
      providerPaymentId: input.providerPaymentId,
      signature: input.signature,
      keySecret,
    });
  if (!valid) {
    // Ids only: the signature and the provider's payment id are the browser's word, not facts.
    await recordAuditEvent({
      action: "payment.client-signature-invalid",
      resourceType: "Payment",
      resourceId: payment.id,
      outcome: "FAILURE",
      details: { provider: "RAZORPAY" },
    });
    throw new AppError(
      "BAD_REQUEST",
      "We could not confirm this payment from your browser. If money was taken, the visit is confirmed (or refunded) as soon as Razorpay tells us; check the visit page in a minute.",
    );
  }
  return { appointmentId: payment.appointmentId };
}
