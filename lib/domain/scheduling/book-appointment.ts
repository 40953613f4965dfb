// A patient books a visit: the slot must be one the doctor offers now, it is
// held for the patient (and the hold's expiry scheduled in the same
// transaction), then settled. PostgreSQL refuses any overlap, even between
// requests racing each other; the refusal becomes "this time was just taken"
// with the next free times.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { queue, sendJob } from "@/lib/jobs/queue";
import { confirmConsentHeld, requireConsent } from "@/lib/domain/consent/require-consent";
import { expireOpenPayments } from "@/lib/domain/payments/expire-payments";
import { schedulingPolicy } from "./config";
import { isDeadlock, overlapOf, ownOverlapError, retryingDeadlocks, slotTakenError } from "./conflicts";
import { queueNotice } from "./notifications";
import { doctorCard, freeSlots, nextFreeTimes } from "./queries";
import { settleBooking } from "./settle-booking";
import { isSlot } from "./slots";

export interface BookingRequest {
  doctorId: string;
  startsAt: Date;
  reason: string;
}

/** Holds that ran out but were not expired yet (the job is due within a second) are expired now. */
export async function expireStaleHolds(where: { doctorId?: string; patientId?: string }): Promise<void> {
  const stale = await getDb().appointment.findMany({
    where: { ...where, status: "HELD", holdExpiresAt: { lte: new Date() } },
    select: { id: true },
  });
  for (const { id } of stale) {
    const { count } = await getDb().appointment.updateMany({
      where: { id, status: "HELD", holdExpiresAt: { lte: new Date() } },
      data: { status: "EXPIRED" },
    });
    if (count) {
      await recordAuditEvent({ action: "appointment.expired", resourceType: "Appointment", resourceId: id });
      await expireOpenPayments(id);
    }
  }
}

/** Returns the visit's id: confirmed when free, else held until its payment succeeds (lib/domain/payments). */
export async function bookAppointment(actor: AuthenticatedActor, request: BookingRequest): Promise<string> {
  if (actor.role !== "PATIENT") throw new AppError("FORBIDDEN", "Only patients book visits.");
  await requireConsent(actor.userId, "TELEHEALTH", "PRIVACY");
  const doctor = await doctorCard(request.doctorId);
  if (!doctor) throw new AppError("NOT_FOUND", "No such doctor.");
  if (!doctor.acceptingNewPatients) {
    const seenBefore = await getDb().appointment.count({
      where: { doctorId: doctor.id, patientId: actor.userId, status: { in: ["COMPLETED", "CONFIRMED"] } },
    });
    if (seenBefore === 0) {
      throw new AppError("CONFLICT", `${doctor.displayName} is not taking new patients at the moment.`);
    }
  }
  const endsAt = new Date(request.startsAt.getTime() + doctor.visitMinutes * 60_000);
  await expireStaleHolds({ doctorId: doctor.id });
  await expireStaleHolds({ patientId: actor.userId });
  const offered = await freeSlots(doctor.id, {
    from: new Date(request.startsAt.getTime() - 1),
    to: new Date(endsAt.getTime() + 1),
  });
  if (!isSlot(offered, { start: request.startsAt, end: endsAt })) {
    throw slotTakenError(await nextFreeTimes(doctor.id));
  }

  await queue();
  const holdExpiresAt = new Date(Date.now() + schedulingPolicy().holdMs);
  let appointmentId: string;
  try {
    appointmentId = await retryingDeadlocks(() =>
      transaction(async () => {
        await confirmConsentHeld(actor.userId, "TELEHEALTH", "PRIVACY");
        const { id } = await getDb().appointment.create({
          data: {
            doctorId: doctor.id,
            patientId: actor.userId,
            startsAt: request.startsAt,
            endsAt,
            status: "HELD",
            holdExpiresAt,
            reason: request.reason,
            feeMinor: doctor.feeMinor,
            currency: doctor.currency,
          },
          select: { id: true },
        });
        await recordAuditEvent({ action: "appointment.held", resourceType: "Appointment", resourceId: id });
        await sendJob("appointment.expire-hold", { appointmentId: id }, { startAfter: holdExpiresAt });
        return id;
      }),
    );
  } catch (error) {
    const overlap = overlapOf(error);
    // A deadlock left after the retries was with another booking of an overlapping time.
    if (overlap === "doctor" || isDeadlock(error)) throw slotTakenError(await nextFreeTimes(doctor.id));
    if (overlap === "patient") throw ownOverlapError();
    throw error;
  }
  const settlement = await settleBooking(appointmentId);
  if (settlement === "confirmed") await queueNotice(appointmentId, "doctor", "booked");
  return appointmentId;
}
