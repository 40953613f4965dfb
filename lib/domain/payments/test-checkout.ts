// The TEST MODE hosted checkout (/pay/test/<checkoutId>): the patient whose
// payment it is succeeds, declines or abandons. Success and decline are told to
// Haven as signed webhooks through receiveWebhook, exactly like a real
// provider's; the amount is the stored payment's, never the page's.
import "server-only";
import { randomUUID } from "node:crypto";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { createTestGateway } from "@/lib/integrations/test-payments/server";
import { testModeAllowed } from "./providers";
import { deliverNotification } from "./receive-webhook";

export interface TestCheckout {
  checkoutId: string;
  paymentId: string;
  appointmentId: string;
  amountMinor: number;
  currency: string;
  status: "OPEN" | "SUCCEEDED" | "FAILED" | "EXPIRED";
  expiresAt: Date;
}

/** A simulated provider fee (2.9% + 30 minor units), so the ledger shows one in TEST MODE too. */
export const testModeFee = (amountMinor: number) => Math.round(amountMinor * 0.029) + 30;

async function ownCheckout(actor: AuthenticatedActor, checkoutId: string): Promise<TestCheckout> {
  const payment = testModeAllowed()
    ? await getDb().payment.findFirst({
        where: { provider: "TEST", checkoutId, patientId: actor.userId },
        select: {
          id: true,
          appointmentId: true,
          amountMinor: true,
          currency: true,
          status: true,
          expiresAt: true,
        },
      })
    : null;
  if (!payment || actor.role !== "PATIENT")
    return refuseAsNotFound("Payment", checkoutId, "No such checkout.");
  return { checkoutId, paymentId: payment.id, ...payment };
}

export const testCheckoutOf = ownCheckout;

/** The patient pays (or is declined) on the test page; returns the visit to go back to. */
export async function completeTestCheckout(
  actor: AuthenticatedActor,
  checkoutId: string,
  outcome: "succeed" | "decline",
): Promise<{ appointmentId: string }> {
  const checkout = await ownCheckout(actor, checkoutId);
  if (checkout.status !== "OPEN") {
    throw new AppError(
      "CONFLICT",
      checkout.status === "SUCCEEDED"
        ? "This checkout is paid already."
        : "This checkout is closed; start again from the visit.",
    );
  }
  const gateway = createTestGateway({ authSecret: getEnv().AUTH_SECRET });
  const notification =
    outcome === "succeed"
      ? gateway.notification("checkout.paid", {
          kind: "checkout.paid",
          checkoutId,
          providerPaymentId: `pi_test_${randomUUID()}`,
          amountMinor: checkout.amountMinor,
          currency: checkout.currency,
          feeMinor: testModeFee(checkout.amountMinor),
        })
      : gateway.notification("checkout.failed", {
          kind: "checkout.failed",
          checkoutId,
          failureCode: "card_declined",
        });
  await deliverNotification("TEST", notification);
  return { appointmentId: checkout.appointmentId };
}
