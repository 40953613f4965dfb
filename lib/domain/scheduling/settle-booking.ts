// What turns a held slot into a confirmed visit: a free visit is confirmed at
// once; a paid one when its payment provider says it is paid (a webhook,
// lib/domain/payments/apply-event.ts calls confirmPaidVisit), never when the
// browser comes back from the checkout.
import "server-only";
import { getDb } from "@/lib/db/client";
import { confirmAppointment } from "./confirm-appointment";

export type Settlement = "confirmed" | "payment-required";

export async function settleBooking(appointmentId: string): Promise<Settlement> {
  const visit = await getDb().appointment.findUniqueOrThrow({
    where: { id: appointmentId },
    select: { feeMinor: true },
  });
  if (visit.feeMinor > 0) return "payment-required";
  await confirmAppointment(appointmentId);
  return "confirmed";
}
