// A held visit goes to its checkout: the amount and currency are the visit's
// (copied from the doctor's fee when it was booked), never the browser's. One
// open checkout per visit at a time: asking again (a double click, a return to
// the visit page) reuses it; after a decline a new attempt starts.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { describeError, logger } from "@/lib/logger";
import { gatewayForCurrency } from "./providers";

/** Where the patient goes to pay: a provider's page, or Haven's page for Razorpay or TEST MODE. */
export async function startCheckout(actor: AuthenticatedActor, appointmentId: string): Promise<string> {
  const visit = await getDb().appointment.findFirst({
    where: { id: appointmentId, patientId: actor.userId },
    select: { id: true, status: true, holdExpiresAt: true, feeMinor: true, currency: true, doctorId: true },
  });
  if (!visit || actor.role !== "PATIENT")
    return refuseAsNotFound("Appointment", appointmentId, "No such visit.");
  if (visit.feeMinor === 0) throw new AppError("CONFLICT", "This visit is free: there is nothing to pay.");
  if (visit.status !== "HELD" || !visit.holdExpiresAt || visit.holdExpiresAt.getTime() <= Date.now()) {
    throw new AppError(
      "CONFLICT",
      visit.status === "CONFIRMED"
        ? "This visit is paid and confirmed."
        : "The time is no longer held for you. Please choose a time again.",
    );
  }
  const gateway = gatewayForCurrency(visit.currency);

  const claimed = await transaction(async () => {
    // Lock the visit, still held, so two requests cannot open two checkouts, and a cancellation or
    // the hold's end (which close open checkouts) cannot slip in between.
    const { count: stillHeld } = await getDb().appointment.updateMany({
      where: { id: visit.id, status: "HELD", holdExpiresAt: { gt: new Date() } },
      data: { updatedAt: new Date() },
    });
    if (stillHeld === 0) {
      throw new AppError("CONFLICT", "The time is no longer held for you. Please choose a time again.");
    }
    const paid = await getDb().payment.count({ where: { appointmentId: visit.id, status: "SUCCEEDED" } });
    if (paid > 0) throw new AppError("CONFLICT", "This visit is paid; it is being confirmed.");
    // A checkout whose creation never finished (the server stopped meanwhile) is given up after a minute.
    const abandoned = await getDb().payment.findMany({
      where: {
        appointmentId: visit.id,
        status: "OPEN",
        checkoutUrl: null,
        createdAt: { lt: new Date(Date.now() - 60_000) },
      },
      select: { id: true },
    });
    for (const { id } of abandoned) {
      await getDb().payment.update({
        where: { id },
        data: { status: "FAILED", failureCode: "checkout_unfinished" },
      });
      await recordAuditEvent({
        action: "payment.failed",
        resourceType: "Payment",
        resourceId: id,
        details: { failureCode: "checkout_unfinished" },
      });
    }
    const open = await getDb().payment.findFirst({
      where: { appointmentId: visit.id, status: "OPEN", expiresAt: { gt: new Date() } },
      select: { id: true, checkoutUrl: true },
    });
    if (open) return { reused: true as const, ...open };
    const created = await getDb().payment.create({
      data: {
        appointmentId: visit.id,
        patientId: actor.userId,
        doctorId: visit.doctorId,
        provider: gateway.provider,
        amountMinor: visit.feeMinor,
        currency: visit.currency,
        expiresAt: visit.holdExpiresAt!,
      },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "payment.created",
      resourceType: "Payment",
      resourceId: created.id,
      details: {
        appointmentId: visit.id,
        provider: gateway.provider,
        amountMinor: visit.feeMinor,
        currency: visit.currency,
      },
    });
    return { reused: false as const, id: created.id, checkoutUrl: null };
  });
  if (claimed.reused) {
    if (claimed.checkoutUrl) return claimed.checkoutUrl;
    throw new AppError("CONFLICT", "Your checkout is being prepared. Try again in a moment.");
  }

  const base = getEnv().APP_URL;
  try {
    const checkout = await gateway.createCheckout({
      paymentId: claimed.id,
      amountMinor: visit.feeMinor,
      currency: visit.currency,
      successUrl: new URL(`/patient/visits/${visit.id}?paid=1`, base).toString(),
      cancelUrl: new URL(`/patient/visits/${visit.id}?payment=cancelled`, base).toString(),
      expiresAt: visit.holdExpiresAt,
    });
    const checkoutUrl = checkout.url ?? `/patient/pay/${claimed.id}`;
    await transaction(async () => {
      await getDb().payment.update({
        where: { id: claimed.id },
        data: { checkoutId: checkout.checkoutId, checkoutUrl },
      });
      await recordAuditEvent({
        action: "payment.checkout-opened",
        resourceType: "Payment",
        resourceId: claimed.id,
        details: { provider: gateway.provider },
      });
    });
    return checkoutUrl;
  } catch (error) {
    logger.error("could not open a checkout", { provider: gateway.provider, ...describeError(error) });
    await transaction(async () => {
      await getDb().payment.update({
        where: { id: claimed.id },
        data: { status: "FAILED", failureCode: "checkout_unavailable" },
      });
      await recordAuditEvent({
        action: "payment.failed",
        resourceType: "Payment",
        resourceId: claimed.id,
        details: { provider: gateway.provider, failureCode: "checkout_unavailable" },
      });
    });
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "The payment provider did not answer. Your time is still held; please try again in a minute.",
    );
  }
}

/** Right after booking: the checkout of a visit that must be paid, or null when it is confirmed already. */
export async function checkoutAfterBooking(
  actor: AuthenticatedActor,
  appointmentId: string,
): Promise<string | null> {
  const due = await getDb().appointment.count({
    where: { id: appointmentId, patientId: actor.userId, status: "HELD", feeMinor: { gt: 0 } },
  });
  return due > 0 ? startCheckout(actor, appointmentId) : null;
}
