// The patient's side of payments: reads already scoped to the patient who asks
// (their own visits and payments only; anything else is the audited 404 of
// refuseAsNotFound). Payments hold ids and amounts; the only PHI read here is the
// patient's own name for their receipt, through the data layer (decrypted, audited).
// An admin's note on a refund is never selected: it is theirs, not the patient's.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import type {
  AppointmentStatus,
  PaymentProvider,
  PaymentStatus,
  RefundCause,
  RefundStatus,
} from "@/lib/db/generated/enums";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { getEnv } from "@/lib/env";
import { gatewayOrNull, providerName } from "./providers";

export type PaymentMode = "live" | "test";

/** TEST MODE always moves no money; Stripe or Razorpay with test keys neither. */
export function modeOf(provider: PaymentProvider): PaymentMode {
  if (provider === "TEST") return "test";
  // A provider whose keys were removed since: its payments were taken with the keys of then, assumed live.
  return gatewayOrNull(provider)?.mode ?? "live";
}

export interface RefundView {
  id: string;
  amountMinor: number;
  currency: string;
  status: RefundStatus;
  cause: RefundCause;
  /** When it was asked for. */
  requestedAt: Date;
  /** When it succeeded or failed; null while pending. */
  settledAt: Date | null;
}

const refundSelect = {
  id: true,
  amountMinor: true,
  currency: true,
  status: true,
  cause: true,
  createdAt: true,
  updatedAt: true,
} as const;

function toRefundView(row: {
  id: string;
  amountMinor: number;
  currency: string;
  status: RefundStatus;
  cause: RefundCause;
  createdAt: Date;
  updatedAt: Date;
}): RefundView {
  return {
    id: row.id,
    amountMinor: row.amountMinor,
    currency: row.currency,
    status: row.status,
    cause: row.cause,
    requestedAt: row.createdAt,
    settledAt: row.status === "PENDING" ? null : row.updatedAt,
  };
}

export interface VisitPayment {
  visitStatus: AppointmentStatus;
  feeMinor: number;
  currency: string;
  holdExpiresAt: Date | null;
  /** The latest attempt; null before the first. */
  latest: {
    id: string;
    status: PaymentStatus;
    amountMinor: number;
    currency: string;
    provider: PaymentProvider;
    mode: PaymentMode;
    checkoutUrl: string | null;
    failureCode: string | null;
    expiresAt: Date;
    paidAt: Date | null;
  } | null;
  /** The captured payment, for its receipt. */
  succeededPaymentId: string | null;
  refundedMinor: number;
  refundPendingMinor: number;
  /** Paid after the hold ended and the time was taken: refunded in full. */
  latePaymentRefunded: boolean;
  /** The patient can start (or resume) a checkout now. */
  canPay: boolean;
}

/** The payment side of one of the patient's own visits; null for a free visit that has none. */
export async function visitPayment(
  actor: AuthenticatedActor,
  appointmentId: string,
): Promise<VisitPayment | null> {
  const visit =
    actor.role === "PATIENT"
      ? await getDb().appointment.findFirst({
          where: { id: appointmentId, patientId: actor.userId },
          select: { status: true, feeMinor: true, currency: true, holdExpiresAt: true },
        })
      : null;
  if (!visit) return refuseAsNotFound("Appointment", appointmentId);
  const payments = await getDb().payment.findMany({
    where: { appointmentId, patientId: actor.userId },
    select: {
      id: true,
      status: true,
      amountMinor: true,
      currency: true,
      provider: true,
      checkoutUrl: true,
      failureCode: true,
      expiresAt: true,
      paidAt: true,
      refunds: { select: { amountMinor: true, status: true, cause: true } },
    },
    orderBy: { createdAt: "desc" },
  });
  if (visit.feeMinor === 0 && payments.length === 0) return null;

  const refunds = payments.flatMap((payment) => payment.refunds);
  const sum = (status: RefundStatus) =>
    refunds
      .filter((refund) => refund.status === status)
      .reduce((total, refund) => total + refund.amountMinor, 0);
  const succeeded = payments.find((payment) => payment.status === "SUCCEEDED");
  const latest = payments[0];
  const now = Date.now();
  return {
    visitStatus: visit.status,
    feeMinor: visit.feeMinor,
    currency: visit.currency,
    holdExpiresAt: visit.holdExpiresAt,
    latest: latest
      ? {
          id: latest.id,
          status: latest.status,
          amountMinor: latest.amountMinor,
          currency: latest.currency,
          provider: latest.provider,
          mode: modeOf(latest.provider),
          checkoutUrl: latest.checkoutUrl,
          failureCode: latest.failureCode,
          expiresAt: latest.expiresAt,
          paidAt: latest.paidAt,
        }
      : null,
    succeededPaymentId: succeeded?.id ?? null,
    refundedMinor: sum("SUCCEEDED"),
    refundPendingMinor: sum("PENDING"),
    // Only when the time was lost: a second payment for a visit that stands is a plain refund.
    latePaymentRefunded:
      (visit.status === "EXPIRED" || visit.status === "CANCELLED") &&
      refunds.some((refund) => refund.cause === "LATE_PAYMENT" && refund.status !== "FAILED"),
    canPay:
      visit.status === "HELD" &&
      visit.holdExpiresAt !== null &&
      visit.holdExpiresAt.getTime() > now &&
      visit.feeMinor > 0 &&
      !succeeded,
  };
}

export interface BillingEntry {
  id: string;
  appointmentId: string;
  createdAt: Date;
  paidAt: Date | null;
  visitStartsAt: Date;
  doctorName: string;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  failureCode: string | null;
  provider: PaymentProvider;
  mode: PaymentMode;
  refunds: RefundView[];
}

/** The patient's own payments, newest first, with their refunds. */
export async function billingOf(actor: AuthenticatedActor): Promise<BillingEntry[]> {
  if (actor.role !== "PATIENT") return [];
  const rows = await getDb().payment.findMany({
    where: { patientId: actor.userId },
    select: {
      id: true,
      appointmentId: true,
      createdAt: true,
      paidAt: true,
      amountMinor: true,
      currency: true,
      status: true,
      failureCode: true,
      provider: true,
      appointment: {
        select: { startsAt: true, doctor: { select: { doctorProfile: { select: { displayName: true } } } } },
      },
      refunds: { select: refundSelect, orderBy: { createdAt: "asc" } },
    },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  return rows.map((row) => ({
    id: row.id,
    appointmentId: row.appointmentId,
    createdAt: row.createdAt,
    paidAt: row.paidAt,
    visitStartsAt: row.appointment.startsAt,
    doctorName: row.appointment.doctor.doctorProfile?.displayName ?? "Your doctor",
    amountMinor: row.amountMinor,
    currency: row.currency,
    status: row.status,
    failureCode: row.failureCode,
    provider: row.provider,
    mode: modeOf(row.provider),
    refunds: row.refunds.map(toRefundView),
  }));
}

export interface Receipt {
  /** The payment's id. */
  receiptNumber: string;
  paidAt: Date;
  clinic: { name: string; address: string | null };
  patientName: string;
  doctorName: string;
  visitStartsAt: Date;
  /** The patient's zone: every time on the receipt is shown in it. */
  timeZone: string;
  amountMinor: number;
  currency: string;
  provider: PaymentProvider;
  providerName: string;
  mode: PaymentMode;
  refunds: RefundView[];
  /** Refunds that went through. */
  refundedMinor: number;
  /** What the patient paid after those refunds. */
  netPaidMinor: number;
}

/** The receipt of one of the patient's own completed payments; audited as viewed. */
export async function receiptOf(actor: AuthenticatedActor, paymentId: string): Promise<Receipt> {
  const payment =
    actor.role === "PATIENT"
      ? await getDb().payment.findFirst({
          where: { id: paymentId, patientId: actor.userId, status: "SUCCEEDED" },
          select: {
            id: true,
            paidAt: true,
            updatedAt: true,
            capturedMinor: true,
            currency: true,
            provider: true,
            appointment: {
              select: {
                startsAt: true,
                doctor: { select: { doctorProfile: { select: { displayName: true } } } },
              },
            },
            refunds: { select: refundSelect, orderBy: { createdAt: "asc" } },
          },
        })
      : null;
  if (!payment) return refuseAsNotFound("Payment", paymentId, "No such payment.");
  const env = getEnv();
  const [patientName, timeZone] = await transaction(async () => {
    const profile = await getDb().patientProfile.findUnique({
      where: { userId: actor.userId },
      select: { fullName: true },
    });
    await recordAuditEvent({
      action: "payment.receipt-viewed",
      resourceType: "Payment",
      resourceId: payment.id,
    });
    return [profile?.fullName ?? "", await accountTimeZone(actor)] as const;
  });
  const refunds = payment.refunds.map(toRefundView);
  const refundedMinor = refunds
    .filter((refund) => refund.status === "SUCCEEDED")
    .reduce((total, refund) => total + refund.amountMinor, 0);
  return {
    receiptNumber: payment.id,
    paidAt: payment.paidAt ?? payment.updatedAt,
    clinic: { name: env.CLINIC_NAME, address: env.CLINIC_ADDRESS ?? null },
    patientName,
    doctorName: payment.appointment.doctor.doctorProfile?.displayName ?? "Your doctor",
    visitStartsAt: payment.appointment.startsAt,
    timeZone,
    amountMinor: payment.capturedMinor,
    currency: payment.currency,
    provider: payment.provider,
    providerName: providerName(payment.provider),
    mode: modeOf(payment.provider),
    refunds,
    refundedMinor,
    netPaidMinor: payment.capturedMinor - refundedMinor,
  };
}

/** What the visit page's poller asks while a paid visit is being confirmed. */
export async function paymentStateForPolling(
  actor: AuthenticatedActor,
  appointmentId: string,
): Promise<{ visitStatus: AppointmentStatus; paymentStatus: PaymentStatus | null }> {
  const visit =
    actor.role === "PATIENT"
      ? await getDb().appointment.findFirst({
          where: { id: appointmentId, patientId: actor.userId },
          select: {
            status: true,
            payments: { select: { status: true }, orderBy: { createdAt: "desc" }, take: 1 },
          },
        })
      : null;
  if (!visit) return refuseAsNotFound("Appointment", appointmentId);
  return { visitStatus: visit.status, paymentStatus: visit.payments[0]?.status ?? null };
}

export interface RazorpayCheckoutView {
  paymentId: string;
  appointmentId: string;
  status: PaymentStatus;
  expiresAt: Date;
  /** The Razorpay order id; null while the order is being made. */
  orderId: string | null;
  amountMinor: number;
  currency: string;
  /** Public: Razorpay Checkout needs it in the browser. */
  keyId: string | null;
  clinicName: string;
  mode: PaymentMode;
}

/** The page that opens Razorpay Checkout for one of the patient's own Razorpay payments. */
export async function razorpayCheckoutOf(
  actor: AuthenticatedActor,
  paymentId: string,
): Promise<RazorpayCheckoutView> {
  const payment =
    actor.role === "PATIENT"
      ? await getDb().payment.findFirst({
          where: { id: paymentId, patientId: actor.userId, provider: "RAZORPAY" },
          select: {
            id: true,
            appointmentId: true,
            status: true,
            expiresAt: true,
            checkoutId: true,
            amountMinor: true,
            currency: true,
          },
        })
      : null;
  if (!payment) return refuseAsNotFound("Payment", paymentId, "No such payment.");
  const env = getEnv();
  return {
    paymentId: payment.id,
    appointmentId: payment.appointmentId,
    status: payment.status,
    expiresAt: payment.expiresAt,
    orderId: payment.checkoutId,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    keyId: env.RAZORPAY_KEY_ID ?? null,
    clinicName: env.CLINIC_NAME,
    mode: modeOf("RAZORPAY"),
  };
}
