// Cancelling and moving a visit, by its patient (before the cut-off) or its
// doctor. The slot is free at once (a cancelled visit no longer counts in the
// exclusion constraints); the other party is told by email (time and link
// only), sent by the job queue.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { AppError } from "@/lib/http/errors";
import { queue } from "@/lib/jobs/queue";
import { reserveCancellationRefunds } from "@/lib/domain/payments/cancellation";
import { expireOpenPayments } from "@/lib/domain/payments/expire-payments";
import { submitRefunds } from "@/lib/domain/payments/refunds";
import { schedulingPolicy } from "./config";
import { overlapOf, ownOverlapError, retryingDeadlocks, slotTakenError } from "./conflicts";
import { scheduleVisitJobs } from "./confirm-appointment";
import { queueNotice } from "./notifications";
import { canChange } from "./policy";
import { freeSlots, nextFreeTimes } from "./queries";
import { isSlot } from "./slots";
import { isActive } from "./states";
import { transitionAppointment } from "./transition-appointment";

async function changeable(actor: AuthenticatedActor, appointmentId: string) {
  const visit = await getDb().appointment.findUnique({
    where: { id: appointmentId },
    select: { id: true, patientId: true, doctorId: true, startsAt: true, endsAt: true, status: true },
  });
  const verdict = visit
    ? canChange(actor, visit, new Date(), schedulingPolicy().patientCutoffMs)
    : { allowed: false as const, reason: "not-a-party" as const };
  if (!visit || !verdict.allowed) {
    if (!verdict.allowed && verdict.reason === "past-cutoff") {
      const hours = schedulingPolicy().patientCutoffMs / 3_600_000;
      throw new AppError(
        "CONFLICT",
        `Visits can be changed online up to ${hours} hours before they start. Please contact the clinic.`,
      );
    }
    return refuseAsNotFound("Appointment", appointmentId, "No such visit.");
  }
  if (!isActive(visit.status) || visit.status === "IN_PROGRESS") {
    throw new AppError("CONFLICT", "This visit can no longer be changed.");
  }
  return visit;
}

const otherParty = (actor: AuthenticatedActor) => (actor.role === "PATIENT" ? "doctor" : "patient");

export async function cancelAppointment(
  actor: AuthenticatedActor,
  appointmentId: string,
  reason: string,
): Promise<void> {
  await changeable(actor, appointmentId);
  await queue();
  // The refund the policy grants is reserved with the cancellation, and sent after it commits.
  const refundIds = await transaction(async () => {
    await transitionAppointment(appointmentId, "CANCELLED", {
      cancelReason: reason,
      cancelledById: actor.userId,
    });
    return reserveCancellationRefunds(appointmentId, actor.role === "DOCTOR" ? "doctor" : "patient");
  });
  await submitRefunds(refundIds);
  await expireOpenPayments(appointmentId);
  await queueNotice(appointmentId, otherParty(actor), "cancelled");
}

export async function rescheduleAppointment(
  actor: AuthenticatedActor,
  appointmentId: string,
  startsAt: Date,
): Promise<void> {
  const visit = await changeable(actor, appointmentId);
  const endsAt = new Date(startsAt.getTime() + (visit.endsAt.getTime() - visit.startsAt.getTime()));
  const offered = await freeSlots(visit.doctorId, {
    from: new Date(startsAt.getTime() - 1),
    to: new Date(endsAt.getTime() + 1),
    exceptAppointmentId: visit.id,
  });
  if (!isSlot(offered, { start: startsAt, end: endsAt })) {
    throw slotTakenError(await nextFreeTimes(visit.doctorId, { exceptAppointmentId: visit.id }));
  }
  await queue();
  try {
    await retryingDeadlocks(() =>
      transaction(async () => {
        const { count } = await getDb().appointment.updateMany({
          where: { id: visit.id, startsAt: visit.startsAt, status: visit.status },
          data: { startsAt, endsAt },
        });
        if (count === 0)
          throw new AppError("CONFLICT", "This visit changed meanwhile. Reload and try again.");
        await recordAuditEvent({
          action: "appointment.rescheduled",
          resourceType: "Appointment",
          resourceId: visit.id,
        });
        if (visit.status === "CONFIRMED") await scheduleVisitJobs(visit.id);
      }),
    );
  } catch (error) {
    const overlap = overlapOf(error);
    if (overlap === "doctor") {
      throw slotTakenError(await nextFreeTimes(visit.doctorId, { exceptAppointmentId: visit.id }));
    }
    if (overlap === "patient") throw ownOverlapError();
    throw error;
  }
  await queueNotice(visit.id, otherParty(actor), "rescheduled");
}
