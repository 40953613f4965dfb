"use server";

// The patient's payment forms: parse → authorize → use case → redirect. The
// visit is confirmed by the provider's webhook only; these only send the
// patient to a checkout and back.
import type { Route } from "next";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireActor, runAs } from "@/lib/auth/current";
import { acceptRazorpayReturn } from "@/lib/domain/payments/razorpay-return";
import { startCheckout } from "@/lib/domain/payments/start-checkout";
import { completeTestCheckout } from "@/lib/domain/payments/test-checkout";
import { type FormState, failure } from "@/lib/http/form-state";

const appointmentSchema = z.object({ appointmentId: z.uuid({ error: "No such visit." }) });

const testCheckoutSchema = z.object({
  checkoutId: z.string().regex(/^tco_[0-9a-f-]{36}$/, { error: "No such checkout." }),
  outcome: z.enum(["succeed", "decline"], { error: "Choose to pay or to decline." }),
});

const razorpayReturnSchema = z.object({
  paymentId: z.uuid({ error: "No such payment." }),
  razorpay_payment_id: z.string().trim().min(1).max(255),
  // Ignored: the signature is checked over the order id stored for the payment.
  razorpay_order_id: z.string().max(255).optional(),
  razorpay_signature: z.string().trim().min(1).max(255),
});

const visitPath = (appointmentId: string, query: string) =>
  `/patient/visits/${appointmentId}?${query}` as Route;

export async function payVisitAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("payments:own");
  let destination: string;
  try {
    const { appointmentId } = appointmentSchema.parse(Object.fromEntries(form));
    destination = await runAs(actor, () => startCheckout(actor, appointmentId));
  } catch (error) {
    return failure(error, {});
  }
  // A provider's own page (Stripe) or Haven's (Razorpay, TEST MODE): typed routes know only the latter.
  redirect(`${destination}` as Route);
}

export async function testCheckoutAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("payments:own");
  let appointmentId: string;
  let outcome: "succeed" | "decline";
  try {
    const input = testCheckoutSchema.parse(Object.fromEntries(form));
    outcome = input.outcome;
    ({ appointmentId } = await runAs(actor, () => completeTestCheckout(actor, input.checkoutId, outcome)));
  } catch (error) {
    return failure(error, {});
  }
  redirect(visitPath(appointmentId, outcome === "succeed" ? "paid=1" : "payment=declined"));
}

export async function razorpayReturnAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("payments:own");
  let appointmentId: string;
  try {
    const input = razorpayReturnSchema.parse(Object.fromEntries(form));
    ({ appointmentId } = await runAs(actor, () =>
      acceptRazorpayReturn(actor, {
        paymentId: input.paymentId,
        providerPaymentId: input.razorpay_payment_id,
        signature: input.razorpay_signature,
      }),
    ));
  } catch (error) {
    return failure(error, {});
  }
  redirect(visitPath(appointmentId, "paid=1"));
}
