// Every provider event enters here: the signature is verified over the raw body
// by the provider's gateway, the event is stored by its provider id before
// anything else (unique), then processed once. A redelivery, or ten concurrent
// deliveries, find the stored event: the first to lock it processes it, the rest
// find it processed and only acknowledge. Processing that fails rolls back and
// leaves the event unprocessed, so the provider's retry processes it again.
import "server-only";
import { getDb, transaction } from "@/lib/db/client";
import type { PaymentProvider } from "@/lib/db/generated/enums";
import { queue } from "@/lib/jobs/queue";
import { logger } from "@/lib/logger";
import { runAsSystem } from "@/lib/request-context";
import { type AfterCommit, applyEvent, recordFee } from "./apply-event";
import { eventFactsSchema } from "./events";
import type { SignedNotification, VerifiedEvent } from "./gateway";
import { gatewayFor } from "./providers";
import { submitRefunds } from "./refunds";
import { throughWebhookGate } from "./webhook-gate";

export interface WebhookReceipt {
  eventId: string;
  /** processed | duplicate | deferred | ignored | unknown-payment … (logged and returned to the provider). */
  outcome: string;
}

export async function receiveWebhook(
  provider: PaymentProvider,
  rawBody: string,
  headers: Headers,
): Promise<WebhookReceipt> {
  const event = gatewayFor(provider).verifyWebhook(rawBody, headers);
  // Verified first (a forged delivery never waits for a slot), then at most a few at once.
  return throughWebhookGate(() => storeAndProcess(provider, event));
}

async function storeAndProcess(provider: PaymentProvider, event: VerifiedEvent): Promise<WebhookReceipt> {
  return runAsSystem(`payments.webhook.${provider.toLowerCase()}`, async () => {
    await getDb().paymentEvent.createMany({
      data: [
        {
          provider,
          providerEventId: event.eventId,
          type: event.type,
          facts: event.facts,
        },
      ],
      skipDuplicates: true,
    });
    const outcome = await processStoredEvent(provider, event.eventId);
    logger.info("payment webhook", { provider, type: event.type, outcome });
    return { eventId: event.eventId, outcome };
  });
}

/** The TEST MODE provider's notifications go through exactly the path a real provider's do. */
export async function deliverNotification(
  provider: PaymentProvider,
  notification: SignedNotification,
): Promise<WebhookReceipt> {
  return receiveWebhook(provider, notification.body, new Headers(notification.headers));
}

/** Processes a stored event unless it was processed already; returns the outcome. */
export async function processStoredEvent(
  provider: PaymentProvider,
  providerEventId: string,
): Promise<string> {
  await queue();
  const afterCommit: AfterCommit = { refundIds: [], feeFor: [], replayFor: [] };
  let deferredFor: string | undefined;
  const outcome = await transaction(async () => {
    // Claiming the event (a write) locks its row: concurrent deliveries wait here, then find it processed.
    const { count } = await getDb().paymentEvent.updateMany({
      where: { provider, providerEventId, processedAt: null },
      data: { processedAt: new Date() },
    });
    if (count === 0) return "duplicate";
    const stored = await getDb().paymentEvent.findUniqueOrThrow({
      where: { provider_providerEventId: { provider, providerEventId } },
      select: { id: true, facts: true },
    });
    const result = await applyEvent(provider, eventFactsSchema.parse(stored.facts), afterCommit);
    deferredFor = result.waitingFor;
    await getDb().paymentEvent.update({
      where: { id: stored.id },
      data:
        result.waitingFor !== undefined
          ? { processedAt: null, waitingFor: result.waitingFor, outcome: result.outcome }
          : { outcome: result.outcome, waitingFor: null },
    });
    return result.outcome;
  });
  await runAfterCommit(provider, afterCommit);
  // The capture this event waits for may have committed while this one was being processed (its
  // replay then found nothing waiting yet): both check after their commit, so one of them sees the other.
  if (deferredFor !== undefined) {
    const captured = await getDb().payment.count({ where: { provider, providerPaymentId: deferredFor } });
    if (captured > 0) return processStoredEvent(provider, providerEventId);
  }
  return outcome;
}

async function runAfterCommit(provider: PaymentProvider, work: AfterCommit): Promise<void> {
  for (const providerPaymentId of work.feeFor) await recordFee(provider, providerPaymentId);
  // Events that arrived before this capture (a refund first) can be applied now.
  for (const providerPaymentId of work.replayFor) {
    const waiting = await getDb().paymentEvent.findMany({
      where: { provider, waitingFor: providerPaymentId, processedAt: null },
      select: { providerEventId: true },
      orderBy: { receivedAt: "asc" },
    });
    for (const { providerEventId } of waiting) await processStoredEvent(provider, providerEventId);
  }
  await submitRefunds(work.refundIds);
}
