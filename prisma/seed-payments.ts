// Demo payments: every demo visit with a fee was paid through the TEST MODE
// checkout (a charge and its simulated fee in the ledger), and the cancelled one
// was refunded in full, so the patient's billing page, the receipts and the
// admin's revenue view show something in `npm run dev`. Idempotent.
import type { Db } from "@/lib/db/client";
import { testModeFee } from "@/lib/domain/payments/test-checkout";

export async function seedDemoPayments(db: Db): Promise<void> {
  const visits = await db.appointment.findMany({
    where: {
      feeMinor: { gt: 0 },
      payments: { none: {} },
      status: { in: ["CONFIRMED", "COMPLETED", "CANCELLED"] },
    },
    select: {
      id: true,
      patientId: true,
      doctorId: true,
      feeMinor: true,
      currency: true,
      status: true,
      confirmedAt: true,
    },
  });
  for (const visit of visits) {
    const paidAt = visit.confirmedAt ?? new Date();
    const providerPaymentId = `pi_test_demo_${visit.id}`;
    const fee = testModeFee(visit.feeMinor);
    const cancelled = visit.status === "CANCELLED";
    const payment = await db.payment.create({
      data: {
        appointmentId: visit.id,
        patientId: visit.patientId,
        doctorId: visit.doctorId,
        provider: "TEST",
        checkoutId: `tco_demo_${visit.id}`,
        providerPaymentId,
        amountMinor: visit.feeMinor,
        currency: visit.currency,
        status: "SUCCEEDED",
        capturedMinor: visit.feeMinor,
        refundReservedMinor: cancelled ? visit.feeMinor : 0,
        refundedMinor: cancelled ? visit.feeMinor : 0,
        feeMinor: fee,
        expiresAt: paidAt,
        paidAt,
        createdAt: paidAt,
      },
      select: { id: true },
    });
    const ledger = (
      kind: "CHARGE" | "FEE" | "REFUND",
      amountMinor: number,
      providerRef: string,
      occurredAt: Date,
    ) => ({
      paymentId: payment.id,
      doctorId: visit.doctorId,
      kind,
      amountMinor,
      currency: visit.currency,
      providerRef,
      occurredAt,
    });
    await db.paymentTransaction.createMany({
      data: [
        ledger("CHARGE", visit.feeMinor, providerPaymentId, paidAt),
        ledger("FEE", fee, providerPaymentId, paidAt),
      ],
    });
    if (cancelled) {
      const refundedAt = new Date(Math.min(Date.now(), paidAt.getTime() + 3 * 86_400_000));
      const providerRefundId = `re_test_demo_${visit.id}`;
      await db.refund.create({
        data: {
          paymentId: payment.id,
          patientId: visit.patientId,
          amountMinor: visit.feeMinor,
          currency: visit.currency,
          status: "SUCCEEDED",
          cause: "PATIENT_CANCELLED",
          providerRefundId,
          createdAt: refundedAt,
        },
      });
      await db.paymentTransaction.createMany({
        data: [ledger("REFUND", visit.feeMinor, providerRefundId, refundedAt)],
      });
    }
  }
}
