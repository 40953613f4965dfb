"use server";

import type { Route } from "next";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireActor, runAs } from "@/lib/auth/current";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { parseRevenueRange, refundOutcome, refundTarget } from "./admin-queries";
import { currencyExponent, formatMoney, parseMajorAmount } from "./money";
import { refundPaymentManually } from "./refunds";

const NOTE_MESSAGE = "Say why you refund, for the audit trail (3 to 500 characters).";

/** "Enter an amount like 12.50" in the payment's own currency (like 1250 for yen). */
function amountMessage(currency: string): string {
  const exponent = currencyExponent(currency);
  return `Enter an amount like ${exponent === 0 ? "1250" : `12.${"5".padEnd(exponent, "0")}`}`;
}

function refundFields(currency: string) {
  const message = amountMessage(currency);
  return z.object({
    amount: z
      .string({ error: message })
      .max(20, message)
      .transform((text, context) => {
        const minor = parseMajorAmount(text, currency);
        if (minor === null) {
          context.addIssue({ code: "custom", message });
          return z.NEVER;
        }
        return minor;
      }),
    note: z.string({ error: NOTE_MESSAGE }).trim().min(3, NOTE_MESSAGE).max(500, NOTE_MESSAGE),
  });
}

/** An admin refunds part or all of a payment, with a reason kept encrypted. */
export async function refundPaymentAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("payments:manage");
  const given = form.get("paymentId");
  const paymentId = typeof given === "string" ? given : "";
  let outcome: Awaited<ReturnType<typeof refundOutcome>>;
  try {
    outcome = await runAs(actor, async () => {
      const target = await refundTarget(actor, paymentId);
      const input = refundFields(target.currency).parse(Object.fromEntries(form));
      const refundId = await refundPaymentManually(actor, {
        paymentId,
        amountMinor: input.amount,
        note: input.note,
      });
      return refundOutcome(actor, refundId);
    });
  } catch (error) {
    return failure(error, formValues(form));
  }
  for (const path of [`/admin/payments/${paymentId}`, "/admin/payments", "/admin/revenue"]) {
    revalidatePath(path);
  }
  const amount = formatMoney(outcome.amountMinor, outcome.currency);
  const provider = outcome.providerLabel;
  if (outcome.status === "FAILED") {
    const code = outcome.failureCode ? ` (${outcome.failureCode})` : "";
    return {
      ok: false,
      message: `${provider.charAt(0).toUpperCase()}${provider.slice(1)} refused the refund of ${amount}${code}; nothing was refunded.`,
    };
  }
  const message =
    outcome.status === "SUCCEEDED"
      ? `Refund of ${amount} done: ${provider} confirmed it.`
      : outcome.submitted
        ? `Refund of ${amount} sent to ${provider}; it shows as done when ${provider} confirms.`
        : `Refund of ${amount} reserved; ${provider} did not answer yet, and Haven keeps trying.`;
  return { ok: true, message };
}

/**
 * The revenue page's month range: the form posts here (no form puts what it carries in
 * a URL by itself) and comes back with the range in the page's address, so it can be
 * bookmarked. A range that is not one goes back as typed, and the page says why.
 */
export async function showRevenueAction(form: FormData): Promise<void> {
  await requireActor("payments:manage");
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.trim().slice(0, 20) : "";
  };
  const parsed = parseRevenueRange({ from: text("from"), to: text("to") });
  const range = parsed.ok ? parsed.range : { from: text("from"), to: text("to") };
  const query = new URLSearchParams({ from: range.from, to: range.to });
  redirect(`/admin/revenue?${query.toString()}` as Route);
}
