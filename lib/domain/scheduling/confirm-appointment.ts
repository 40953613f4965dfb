import "server-only";
import { getDb, transaction } from "@/lib/db/client";
import { queue, sendJob } from "@/lib/jobs/queue";
import { schedulingPolicy } from "./config";
import { transitionAppointment } from "./transition-appointment";

/** Held → confirmed, and the visit's reminders and no-show check scheduled (in the same transaction). */
export async function confirmAppointment(appointmentId: string): Promise<void> {
  await queue();
  await transaction(async () => {
    await transitionAppointment(appointmentId, "CONFIRMED", { holdExpiresAt: null });
    await scheduleVisitJobs(appointmentId);
  });
}

/**
 * Reminders (24 h and 1 h before) and the no-show check (after the end) for a
 * visit's current time. Each job carries the start it was made for, so jobs of
 * a visit that moved since simply do nothing.
 */
export async function scheduleVisitJobs(appointmentId: string): Promise<void> {
  const visit = await getDb().appointment.findUniqueOrThrow({
    where: { id: appointmentId },
    select: { startsAt: true, endsAt: true },
  });
  const policy = schedulingPolicy();
  const startsAt = visit.startsAt.toISOString();
  const now = Date.now();
  for (const reminder of policy.reminders) {
    const at = visit.startsAt.getTime() - reminder.beforeMs;
    if (at <= now) continue;
    await sendJob(
      "appointment.reminder",
      { appointmentId, startsAt, kind: reminder.kind },
      { startAfter: new Date(at), singletonKey: `${appointmentId}:${startsAt}:${reminder.kind}` },
    );
  }
  await sendJob(
    "appointment.mark-no-show",
    { appointmentId, startsAt },
    {
      startAfter: new Date(visit.endsAt.getTime() + policy.noShowGraceMs),
      singletonKey: `${appointmentId}:${startsAt}`,
    },
  );
}
