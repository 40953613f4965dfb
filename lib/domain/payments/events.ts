// The normalised facts of a provider event (gateway.ts), as a schema: the TEST
// MODE provider's webhooks carry them as they are, and stored events are read back with it.
import { z } from "zod";
import type { EventFacts } from "./gateway";

const minor = z.number().int().positive();
const currency = z.string().regex(/^[A-Z]{3}$/);
const ref = z.string().min(1).max(255);

export const eventFactsSchema: z.ZodType<EventFacts> = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("checkout.paid"),
    checkoutId: ref,
    providerPaymentId: ref,
    amountMinor: minor,
    currency,
    feeMinor: z.number().int().min(0).nullable(),
  }),
  z.object({ kind: z.literal("checkout.failed"), checkoutId: ref, failureCode: z.string().min(1).max(100) }),
  z.object({ kind: z.literal("checkout.expired"), checkoutId: ref }),
  z.object({
    kind: z.literal("refund.succeeded"),
    providerPaymentId: ref,
    providerRefundId: ref,
    refundId: z.uuid().nullable(),
    amountMinor: minor,
    currency,
  }),
  z.object({
    kind: z.literal("refund.failed"),
    providerPaymentId: ref,
    providerRefundId: ref,
    refundId: z.uuid().nullable(),
    failureCode: z.string().min(1).max(100),
  }),
  z.object({ kind: z.literal("ignored") }),
]);
