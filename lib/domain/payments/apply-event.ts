// What each provider fact does to Haven's payments, visits and ledger. Runs
// inside the event's transaction (receive-webhook.ts): the payment row is locked
// first, every change is audited, and the ledger takes one row per money
// movement (unique provider reference), so nothing is counted twice.
import "server-only";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import type { PaymentProvider } from "@/lib/db/generated/enums";
import { confirmPaidVisit } from "@/lib/domain/scheduling/confirm-paid-visit";
import { queueNotice } from "@/lib/domain/scheduling/notifications";
import { describeError, logger } from "@/lib/logger";
import { runAsSystem } from "@/lib/request-context";
import type { EventFacts } from "./gateway";
import { gatewayOrNull } from "./providers";
import { lockPayment, reserveRefund } from "./refunds";

/** Work for after the commit: provider calls never run inside a transaction. */
export interface AfterCommit {
  refundIds: string[];
  /** Captured payments whose fee the event did not carry. */
  feeFor: string[];
  /** Provider payment ids whose waiting events can now be applied. */
  replayFor: string[];
}

export interface Applied {
  outcome: string;
  /** Set when the event must wait for its payment's capture. */
  waitingFor?: string;
}

export async function applyEvent(
  provider: PaymentProvider,
  facts: EventFacts,
  afterCommit: AfterCommit,
): Promise<Applied> {
  switch (facts.kind) {
    case "checkout.paid":
      return applyCapture(provider, facts, afterCommit);
    case "checkout.failed":
    case "checkout.expired":
      return applyCheckoutEnd(provider, facts);
    case "refund.succeeded":
      return applyRefundSucceeded(provider, facts);
    case "refund.failed":
      return applyRefundFailed(provider, facts);
    case "ignored":
      return { outcome: "ignored" };
  }
}

async function paymentByCheckout(provider: PaymentProvider, checkoutId: string) {
  const found = await getDb().payment.findUnique({
    where: { provider_checkoutId: { provider, checkoutId } },
    select: { id: true },
  });
  return found ? lockPayment(found.id) : null;
}

async function applyCapture(
  provider: PaymentProvider,
  facts: Extract<EventFacts, { kind: "checkout.paid" }>,
  afterCommit: AfterCommit,
): Promise<Applied> {
  const payment = await paymentByCheckout(provider, facts.checkoutId);
  if (!payment) return { outcome: "unknown-checkout" };
  if (payment.status === "SUCCEEDED") return { outcome: "already-captured" };

  const now = new Date();
  await getDb().payment.update({
    where: { id: payment.id },
    data: {
      status: "SUCCEEDED",
      providerPaymentId: facts.providerPaymentId,
      capturedMinor: facts.amountMinor,
      paidAt: now,
      failureCode: null,
      ...(facts.feeMinor ? { feeMinor: facts.feeMinor } : {}),
    },
  });
  await getDb().paymentTransaction.createMany({
    data: [
      {
        paymentId: payment.id,
        doctorId: payment.doctorId,
        kind: "CHARGE",
        amountMinor: facts.amountMinor,
        currency: facts.currency,
        providerRef: facts.providerPaymentId,
        occurredAt: now,
      },
      ...(facts.feeMinor
        ? [
            {
              paymentId: payment.id,
              doctorId: payment.doctorId,
              kind: "FEE" as const,
              amountMinor: facts.feeMinor,
              currency: facts.currency,
              providerRef: facts.providerPaymentId,
              occurredAt: now,
            },
          ]
        : []),
    ],
    skipDuplicates: true,
  });
  await recordAuditEvent({
    action: "payment.succeeded",
    resourceType: "Payment",
    resourceId: payment.id,
    details: {
      provider,
      amountMinor: facts.amountMinor,
      currency: facts.currency,
      appointmentId: payment.appointmentId,
      previousStatus: payment.status,
    },
  });
  if (facts.feeMinor === null) afterCommit.feeFor.push(facts.providerPaymentId);
  afterCommit.replayFor.push(facts.providerPaymentId);

  // The provider took another amount or currency than the visit's: give it all back, confirm nothing.
  if (facts.amountMinor !== payment.amountMinor || facts.currency !== payment.currency) {
    await recordAuditEvent({
      action: "payment.amount-mismatch",
      resourceType: "Payment",
      resourceId: payment.id,
      details: {
        expectedMinor: payment.amountMinor,
        expectedCurrency: payment.currency,
        capturedMinor: facts.amountMinor,
        capturedCurrency: facts.currency,
      },
    });
    afterCommit.refundIds.push(
      await reserveRefund({
        paymentId: payment.id,
        amountMinor: facts.amountMinor,
        cause: "AMOUNT_MISMATCH",
      }),
    );
    return { outcome: "amount-mismatch-refunded" };
  }

  const visit = await confirmPaidVisit(payment.appointmentId);
  if (visit === "confirmed") return { outcome: "confirmed" };
  // Paid too late (the time went to someone else, or the visit was cancelled), or paid twice.
  await recordAuditEvent({
    action: "payment.late",
    resourceType: "Payment",
    resourceId: payment.id,
    details: { appointmentId: payment.appointmentId, visit },
  });
  afterCommit.refundIds.push(
    await reserveRefund({ paymentId: payment.id, amountMinor: facts.amountMinor, cause: "LATE_PAYMENT" }),
  );
  // A second payment for a visit that stands is simply given back; a late one lost its time.
  await queueNotice(
    payment.appointmentId,
    "patient",
    visit === "already-confirmed" ? "refunded" : "late-payment-refunded",
  );
  return { outcome: visit === "already-confirmed" ? "duplicate-payment-refunded" : "late-payment-refunded" };
}

async function applyCheckoutEnd(
  provider: PaymentProvider,
  facts: Extract<EventFacts, { kind: "checkout.failed" | "checkout.expired" }>,
): Promise<Applied> {
  const payment = await paymentByCheckout(provider, facts.checkoutId);
  if (!payment) return { outcome: "unknown-checkout" };
  // A late failure or expiry report never undoes a capture.
  if (payment.status !== "OPEN") return { outcome: `stale-${facts.kind}` };
  const failed = facts.kind === "checkout.failed";
  await getDb().payment.update({
    where: { id: payment.id },
    data: failed ? { status: "FAILED", failureCode: facts.failureCode } : { status: "EXPIRED" },
  });
  await recordAuditEvent({
    action: failed ? "payment.failed" : "payment.expired",
    resourceType: "Payment",
    resourceId: payment.id,
    details: { provider, ...(failed ? { failureCode: facts.failureCode } : {}) },
  });
  // The visit stays held until its hold ends: the patient may try again meanwhile.
  return { outcome: failed ? "failed" : "expired" };
}

async function paymentByProviderPayment(provider: PaymentProvider, providerPaymentId: string) {
  const found = await getDb().payment.findUnique({
    where: { provider_providerPaymentId: { provider, providerPaymentId } },
    select: { id: true },
  });
  return found ? lockPayment(found.id) : null;
}

async function refundOf(refundId: string | null, providerRefundId: string, paymentId: string) {
  return getDb().refund.findFirst({
    where: {
      paymentId,
      OR: [...(refundId ? [{ id: refundId }] : []), { providerRefundId }],
    },
    select: { id: true, status: true, amountMinor: true },
  });
}

async function applyRefundSucceeded(
  provider: PaymentProvider,
  facts: Extract<EventFacts, { kind: "refund.succeeded" }>,
): Promise<Applied> {
  const payment = await paymentByProviderPayment(provider, facts.providerPaymentId);
  // A refund reported before its payment's capture: it waits for that capture.
  if (!payment) return { outcome: "deferred", waitingFor: facts.providerPaymentId };
  const refund = await refundOf(facts.refundId, facts.providerRefundId, payment.id);
  if (refund?.status === "SUCCEEDED") return { outcome: "already-refunded" };

  let refundId: string;
  if (refund) {
    refundId = refund.id;
    // The provider's figure is the truth; the reservation follows it.
    const correction =
      facts.amountMinor - refund.amountMinor + (refund.status === "FAILED" ? refund.amountMinor : 0);
    await getDb().refund.update({
      where: { id: refund.id },
      data: { status: "SUCCEEDED", providerRefundId: facts.providerRefundId, amountMinor: facts.amountMinor },
    });
    await getDb().payment.update({
      where: { id: payment.id },
      data: {
        refundReservedMinor: { increment: correction },
        refundedMinor: { increment: facts.amountMinor },
      },
    });
  } else {
    // Made at the provider (its dashboard): recorded as it is.
    const created = await getDb().refund.create({
      data: {
        paymentId: payment.id,
        patientId: payment.patientId,
        amountMinor: facts.amountMinor,
        currency: facts.currency,
        status: "SUCCEEDED",
        cause: "PROVIDER",
        providerRefundId: facts.providerRefundId,
      },
      select: { id: true },
    });
    refundId = created.id;
    await getDb().payment.update({
      where: { id: payment.id },
      data: {
        refundReservedMinor: { increment: facts.amountMinor },
        refundedMinor: { increment: facts.amountMinor },
      },
    });
  }
  await getDb().paymentTransaction.createMany({
    data: [
      {
        paymentId: payment.id,
        doctorId: payment.doctorId,
        kind: "REFUND",
        amountMinor: facts.amountMinor,
        currency: facts.currency,
        providerRef: facts.providerRefundId,
        occurredAt: new Date(),
      },
    ],
    skipDuplicates: true,
  });
  await recordAuditEvent({
    action: "payment.refunded",
    resourceType: "Payment",
    resourceId: payment.id,
    details: { refundId, amountMinor: facts.amountMinor, currency: facts.currency, provider },
  });
  await queueNotice(payment.appointmentId, "patient", "refunded");
  return { outcome: "refunded" };
}

async function applyRefundFailed(
  provider: PaymentProvider,
  facts: Extract<EventFacts, { kind: "refund.failed" }>,
): Promise<Applied> {
  const payment = await paymentByProviderPayment(provider, facts.providerPaymentId);
  if (!payment) return { outcome: "deferred", waitingFor: facts.providerPaymentId };
  const refund = await refundOf(facts.refundId, facts.providerRefundId, payment.id);
  if (!refund) return { outcome: "unknown-refund" };
  if (refund.status !== "PENDING") return { outcome: `stale-refund-failure` };
  await getDb().refund.update({
    where: { id: refund.id },
    data: { status: "FAILED", failureCode: facts.failureCode, providerRefundId: facts.providerRefundId },
  });
  await getDb().payment.update({
    where: { id: payment.id },
    data: { refundReservedMinor: { decrement: refund.amountMinor } },
  });
  await recordAuditEvent({
    action: "payment.refund-failed",
    resourceType: "Payment",
    resourceId: payment.id,
    details: { refundId: refund.id, failureCode: facts.failureCode, provider },
  });
  return { outcome: "refund-failed" };
}

/** Asks the provider for a captured payment's fee (after commit) and records it once. */
export async function recordFee(provider: PaymentProvider, providerPaymentId: string): Promise<void> {
  try {
    const fee = await gatewayOrNull(provider)?.feeOf(providerPaymentId);
    if (!fee) return;
    await runAsSystem("payments.record-fee", () =>
      transaction(async () => {
        const payment = await paymentByProviderPayment(provider, providerPaymentId);
        if (!payment) return;
        await getDb().payment.update({ where: { id: payment.id }, data: { feeMinor: fee } });
        await recordAuditEvent({
          action: "payment.fee-recorded",
          resourceType: "Payment",
          resourceId: payment.id,
          details: { provider, feeMinor: fee, currency: payment.currency },
        });
        await getDb().paymentTransaction.createMany({
          data: [
            {
              paymentId: payment.id,
              doctorId: payment.doctorId,
              kind: "FEE",
              amountMinor: fee,
              currency: payment.currency,
              providerRef: providerPaymentId,
              occurredAt: new Date(),
            },
          ],
          skipDuplicates: true,
        });
      }),
    );
  } catch (error) {
    logger.warn("could not record a payment fee", { provider, ...describeError(error) });
  }
}
