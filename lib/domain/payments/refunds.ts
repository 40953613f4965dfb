// Money going back. A refund is first reserved on its payment (inside the
// caller's transaction, with the payment row locked, so concurrent refunds
// queue and cannot together exceed the capture; a CHECK constraint says the same),
// then submitted to the provider after commit, and confirmed by the provider's
// webhook. A submission that fails for a passing reason is retried by a job.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import type { RefundCause } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { queue, sendJob } from "@/lib/jobs/queue";
import { describeError, logger } from "@/lib/logger";
import { runAsSystem } from "@/lib/request-context";
import { formatMoney } from "./money";
import { gatewayFor } from "./providers";
import { deliverNotification } from "./receive-webhook";

const SUBMIT_LEASE_MS = 2 * 60_000;
const RETRY_AFTER_MS = 60_000;
/** Retries back off from a minute to an hour; 20 attempts span about 14 hours of a provider outage. */
const MAX_SUBMIT_ATTEMPTS = 20;
const retryDelayMs = (attempts: number) =>
  Math.min(RETRY_AFTER_MS * 2 ** Math.max(0, attempts - 1), 3_600_000);

/** Locks a payment's row for the rest of the transaction (a write takes the row lock). */
export async function lockPayment(paymentId: string) {
  const { count } = await getDb().payment.updateMany({
    where: { id: paymentId },
    data: { updatedAt: new Date() },
  });
  if (count === 0) return null;
  return getDb().payment.findUniqueOrThrow({ where: { id: paymentId } });
}

export interface RefundReservation {
  paymentId: string;
  amountMinor: number;
  cause: RefundCause;
  note?: string;
  requestedById?: string;
}

/**
 * Reserves a refund on a captured payment; must run inside a transaction. The job that
 * retries the submission is queued with it. Returns the refund's id.
 */
export async function reserveRefund(reservation: RefundReservation): Promise<string> {
  const payment = await lockPayment(reservation.paymentId);
  if (!payment) throw new AppError("NOT_FOUND", "No such payment.");
  if (payment.status !== "SUCCEEDED" || payment.capturedMinor === 0) {
    throw new AppError("CONFLICT", "Only a completed payment can be refunded.");
  }
  const refundable = payment.capturedMinor - payment.refundReservedMinor;
  if (!Number.isInteger(reservation.amountMinor) || reservation.amountMinor <= 0) {
    throw new AppError("VALIDATION_FAILED", "Enter an amount above zero.", {
      fields: [{ field: "amount", message: "Enter an amount above zero." }],
    });
  }
  if (reservation.amountMinor > refundable) {
    const message =
      refundable === 0
        ? "This payment has been refunded in full already."
        : `At most ${formatMoney(refundable, payment.currency)} can still be refunded.`;
    throw new AppError("CONFLICT", message, { fields: [{ field: "amount", message }] });
  }
  await getDb().payment.update({
    where: { id: payment.id },
    data: { refundReservedMinor: { increment: reservation.amountMinor } },
  });
  const refund = await getDb().refund.create({
    data: {
      paymentId: payment.id,
      patientId: payment.patientId,
      amountMinor: reservation.amountMinor,
      currency: payment.currency,
      cause: reservation.cause,
      status: "PENDING",
      ...(reservation.note ? { note: reservation.note } : {}),
      ...(reservation.requestedById ? { requestedById: reservation.requestedById } : {}),
    },
    select: { id: true },
  });
  await recordAuditEvent({
    action: "payment.refund-requested",
    resourceType: "Payment",
    resourceId: payment.id,
    details: {
      refundId: refund.id,
      amountMinor: reservation.amountMinor,
      currency: payment.currency,
      cause: reservation.cause,
    },
  });
  await sendJob(
    "payments.submit-refund",
    { refundId: refund.id },
    { startAfter: new Date(Date.now() + RETRY_AFTER_MS) },
  );
  return refund.id;
}

/** Provider answers that will not change on a retry (a 4xx other than rate limiting). */
function isPermanentRefusal(error: unknown): boolean {
  const status =
    (error as { statusCode?: unknown }).statusCode ??
    (error as { status?: unknown }).status ??
    (error as { error?: { statusCode?: unknown } }).error?.statusCode;
  return typeof status === "number" && status >= 400 && status < 500 && status !== 429 && status !== 409;
}

/**
 * Sends a reserved refund to its provider, once: a lease keeps two submitters apart, and a
 * retried request cannot refund twice (Stripe: the refund id is the idempotency key; Razorpay:
 * the gateway first looks for a refund carrying that id). Returns "submitted", "retry" (try
 * again later), "busy" (another submitter holds the lease) or "done" (nothing left to do).
 */
export async function submitRefund(refundId: string): Promise<"submitted" | "retry" | "busy" | "done"> {
  return runAsSystem("payments.submit-refund", async () => {
    const now = new Date();
    const { count } = await getDb().refund.updateMany({
      where: {
        id: refundId,
        status: "PENDING",
        providerRefundId: null,
        OR: [{ submitLeaseUntil: null }, { submitLeaseUntil: { lt: now } }],
      },
      data: { submitLeaseUntil: new Date(now.getTime() + SUBMIT_LEASE_MS), submitAttempts: { increment: 1 } },
    });
    if (count === 0) {
      const unsent = await getDb().refund.count({
        where: { id: refundId, status: "PENDING", providerRefundId: null },
      });
      return unsent > 0 ? "busy" : "done";
    }
    const refund = await getDb().refund.findUniqueOrThrow({
      where: { id: refundId },
      select: {
        id: true,
        amountMinor: true,
        currency: true,
        submitAttempts: true,
        payment: { select: { id: true, provider: true, providerPaymentId: true } },
      },
    });
    const { payment } = refund;
    if (!payment.providerPaymentId) {
      await failRefund(refund.id, "no_provider_payment");
      return "done";
    }
    try {
      const gateway = gatewayFor(payment.provider);
      const submitted = await gateway.refund({
        refundId: refund.id,
        paymentId: payment.id,
        providerPaymentId: payment.providerPaymentId,
        amountMinor: refund.amountMinor,
        currency: refund.currency,
      });
      await transaction(async () => {
        await getDb().refund.updateMany({
          where: { id: refund.id, providerRefundId: null },
          data: { providerRefundId: submitted.providerRefundId, submitLeaseUntil: null },
        });
        await recordAuditEvent({
          action: "payment.refund-submitted",
          resourceType: "Payment",
          resourceId: payment.id,
          details: { refundId: refund.id, provider: payment.provider },
        });
      });
      if (submitted.notification) await deliverNotification(payment.provider, submitted.notification);
      return "submitted";
    } catch (error) {
      logger.warn("refund submission failed", { refundId: refund.id, ...describeError(error) });
      if (isPermanentRefusal(error) || refund.submitAttempts >= MAX_SUBMIT_ATTEMPTS) {
        const failureCode = isPermanentRefusal(error) ? "provider_refused" : "provider_unreachable";
        // The admin's payments list shows it as failed; the log line is for whoever watches alerts.
        logger.error("refund given up: an administrator must refund by hand", {
          refundId: refund.id,
          failureCode,
        });
        await failRefund(refund.id, failureCode);
        return "done";
      }
      await getDb().refund.updateMany({ where: { id: refund.id }, data: { submitLeaseUntil: null } });
      return "retry";
    }
  });
}

/** A refund that will not happen gives its reservation back. */
export async function failRefund(refundId: string, failureCode: string): Promise<boolean> {
  return transaction(async () => {
    const refund = await getDb().refund.findUnique({
      where: { id: refundId },
      select: { id: true, paymentId: true, amountMinor: true, status: true },
    });
    if (!refund || refund.status !== "PENDING") return false;
    await lockPayment(refund.paymentId);
    await getDb().refund.update({ where: { id: refund.id }, data: { status: "FAILED", failureCode } });
    await getDb().payment.update({
      where: { id: refund.paymentId },
      data: { refundReservedMinor: { decrement: refund.amountMinor } },
    });
    await recordAuditEvent({
      action: "payment.refund-failed",
      resourceType: "Payment",
      resourceId: refund.paymentId,
      details: { refundId: refund.id, failureCode },
    });
    return true;
  });
}

/**
 * The job: submits, and comes back later while the provider is unreachable (backing off) or
 * while another submitter holds the lease (it may have crashed: the lease runs out).
 */
export async function submitRefundJob({ refundId }: { refundId: string }): Promise<void> {
  const outcome = await submitRefund(refundId);
  if (outcome !== "retry" && outcome !== "busy") return;
  const attempts = await runAsSystem("payments.submit-refund", () =>
    getDb().refund.findUnique({ where: { id: refundId }, select: { submitAttempts: true } }),
  );
  const delay = outcome === "busy" ? SUBMIT_LEASE_MS + 1_000 : retryDelayMs(attempts?.submitAttempts ?? 1);
  await queue();
  await sendJob("payments.submit-refund", { refundId }, { startAfter: new Date(Date.now() + delay) });
}

/** Submits refunds reserved by a committed transaction; a failure here is left to the job. */
export async function submitRefunds(refundIds: readonly string[]): Promise<void> {
  for (const refundId of refundIds) {
    try {
      await submitRefund(refundId);
    } catch (error) {
      logger.error("refund submission crashed; the job will retry", { refundId, ...describeError(error) });
    }
  }
}

/** An admin refunds (part of) a payment, with a reason kept encrypted. */
export async function refundPaymentManually(
  actor: AuthenticatedActor,
  input: { paymentId: string; amountMinor: number; note: string },
): Promise<string> {
  if (actor.role !== "ADMIN") return refuseAsNotFound("Payment", input.paymentId, "No such payment.");
  const exists = await getDb().payment.count({ where: { id: input.paymentId } });
  if (exists === 0) return refuseAsNotFound("Payment", input.paymentId, "No such payment.");
  await queue();
  const refundId = await transaction(() =>
    reserveRefund({
      paymentId: input.paymentId,
      amountMinor: input.amountMinor,
      cause: "ADMIN",
      note: input.note,
      requestedById: actor.userId,
    }),
  );
  await submitRefunds([refundId]);
  return refundId;
}
