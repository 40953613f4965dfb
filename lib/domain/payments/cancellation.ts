// A cancelled visit's captured payments are refunded per the clinic's policy,
// reserved in the cancellation's own transaction (so a cancellation never
// stands without its refund) and submitted after it commits.
import "server-only";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { cancellationRefundMinor } from "./refund-policy";
import { lockPayment, reserveRefund } from "./refunds";

/** Inside the cancellation's transaction; returns the refunds to submit after commit. */
export async function reserveCancellationRefunds(
  appointmentId: string,
  cancelledBy: "patient" | "doctor",
): Promise<string[]> {
  const visit = await getDb().appointment.findUniqueOrThrow({
    where: { id: appointmentId },
    select: { startsAt: true },
  });
  const captured = await getDb().payment.findMany({
    where: { appointmentId, status: "SUCCEEDED" },
    select: { id: true },
  });
  const env = getEnv();
  const refundIds: string[] = [];
  for (const { id } of captured) {
    // Locked before reading what is left: a concurrent admin refund then comes strictly before or after.
    const payment = await lockPayment(id);
    if (!payment) continue;
    const amountMinor = cancellationRefundMinor({
      capturedMinor: payment.capturedMinor,
      reservedMinor: payment.refundReservedMinor,
      startsAt: visit.startsAt,
      now: new Date(),
      cancelledBy,
      fullBeforeHours: env.REFUND_FULL_BEFORE_HOURS,
      latePercent: env.REFUND_LATE_PERCENT,
    });
    if (amountMinor > 0) {
      refundIds.push(
        await reserveRefund({
          paymentId: payment.id,
          amountMinor,
          cause: cancelledBy === "doctor" ? "DOCTOR_CANCELLED" : "PATIENT_CANCELLED",
        }),
      );
    }
  }
  return refundIds;
}
