// The scheduled work scheduling owns (registered in lib/jobs/workers.ts). Each
// handler is idempotent: run twice, or after the visit changed, it does nothing more.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { runAsSystem } from "@/lib/request-context";
import { expireOpenPayments } from "@/lib/domain/payments/expire-payments";
import { queueNotice } from "./notifications";

/** A hold that was not settled in time lets its slot go (exactly at expiry: the job starts then). */
export async function expireHold({ appointmentId }: { appointmentId: string }): Promise<void> {
  await runAsSystem("jobs.expire-hold", async () => {
    const { count } = await getDb().appointment.updateMany({
      where: { id: appointmentId, status: "HELD", holdExpiresAt: { lte: new Date() } },
      data: { status: "EXPIRED" },
    });
    if (count) {
      await recordAuditEvent({
        action: "appointment.expired",
        resourceType: "Appointment",
        resourceId: appointmentId,
      });
    }
  });
  await expireOpenPayments(appointmentId);
}

/** Reminds the patient and the doctor of a confirmed visit, if it still takes place at that time. */
export async function remind({
  appointmentId,
  startsAt,
}: {
  appointmentId: string;
  startsAt: string;
}): Promise<void> {
  const current = await runAsSystem("jobs.reminder", () =>
    getDb().appointment.findFirst({
      where: { id: appointmentId, status: "CONFIRMED", startsAt: new Date(startsAt) },
      select: { id: true },
    }),
  );
  if (!current) return;
  // One job per party: a failed delivery to one is retried without mailing the other twice.
  await queueNotice(appointmentId, "patient", "reminder");
  await queueNotice(appointmentId, "doctor", "reminder");
}

/** A confirmed visit nobody started by its end (plus grace) was missed. */
export async function markNoShow({
  appointmentId,
  startsAt,
}: {
  appointmentId: string;
  startsAt: string;
}): Promise<void> {
  await runAsSystem("jobs.mark-no-show", async () => {
    const { count } = await getDb().appointment.updateMany({
      where: {
        id: appointmentId,
        status: "CONFIRMED",
        startsAt: new Date(startsAt),
        endsAt: { lt: new Date() },
      },
      data: { status: "NO_SHOW" },
    });
    if (count) {
      await recordAuditEvent({
        action: "appointment.no-show",
        resourceType: "Appointment",
        resourceId: appointmentId,
      });
    }
  });
}
