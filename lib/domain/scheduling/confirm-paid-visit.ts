// A payment succeeded: its visit is confirmed if its time is still the
// patient's. A hold that ran out is revived when nobody took the time
// meanwhile; otherwise the caller refunds. Runs inside the caller's
// transaction (the payment's), so money and visit state change together.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { scheduleVisitJobs } from "./confirm-appointment";
import { queueNotice } from "./notifications";
import { ACTIVE_STATUSES } from "./states";
import { tryTransitionAppointment } from "./transition-appointment";

export type PaidVisitOutcome = "confirmed" | "already-confirmed" | "unavailable";

export async function confirmPaidVisit(appointmentId: string): Promise<PaidVisitOutcome> {
  const visit = await getDb().appointment.findUnique({
    where: { id: appointmentId },
    select: { id: true, status: true, doctorId: true, patientId: true, startsAt: true, endsAt: true },
  });
  if (!visit) return "unavailable";
  if (visit.status === "HELD") {
    // Compare-and-set: the hold's expiry or a cancellation may have won meanwhile, and then the
    // payment is handled as late (below) instead of failing the whole event.
    if (!(await tryTransitionAppointment(visit.id, "CONFIRMED", { holdExpiresAt: null }))) {
      return confirmPaidVisit(appointmentId);
    }
    await scheduleVisitJobs(visit.id);
    await queueNotice(visit.id, "doctor", "booked");
    return "confirmed";
  }
  if (visit.status === "CONFIRMED" || visit.status === "IN_PROGRESS" || visit.status === "COMPLETED") {
    return "already-confirmed";
  }
  if (visit.status !== "EXPIRED" || visit.startsAt.getTime() <= Date.now()) return "unavailable";
  // The exclusion constraints would refuse an overlap too, but their error aborts the whole
  // transaction (the payment's); asking first lets the payment be recorded and refunded instead.
  // Should another booking slip in between, the constraint fails this event and the provider's
  // redelivery lands here again and finds it.
  const overlapping = await getDb().appointment.count({
    where: {
      id: { not: visit.id },
      status: { in: [...ACTIVE_STATUSES] },
      OR: [{ doctorId: visit.doctorId }, { patientId: visit.patientId }],
      startsAt: { lt: visit.endsAt },
      endsAt: { gt: visit.startsAt },
    },
  });
  if (overlapping > 0) return "unavailable";
  const { count } = await getDb().appointment.updateMany({
    where: { id: visit.id, status: "EXPIRED" },
    data: { status: "CONFIRMED", holdExpiresAt: null, confirmedAt: new Date() },
  });
  if (count === 0) return "unavailable";
  await recordAuditEvent({
    action: "appointment.confirmed",
    resourceType: "Appointment",
    resourceId: visit.id,
    details: { to: "CONFIRMED", from: "EXPIRED", cause: "late-payment" },
  });
  await scheduleVisitJobs(visit.id);
  await queueNotice(visit.id, "doctor", "booked");
  return "confirmed";
}
