// Every status change of an appointment goes through here: allowed only from
// the statuses states.ts lists, as one compare-and-set (a concurrent change
// wins or loses cleanly), audited.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import type { AppointmentStatus } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { STATUS_LABEL, sourcesOf } from "./states";

type TransitionExtra = { cancelReason?: string; cancelledById?: string; holdExpiresAt?: null };

export async function transitionAppointment(
  appointmentId: string,
  to: AppointmentStatus,
  extra: TransitionExtra = {},
): Promise<void> {
  if (await tryTransitionAppointment(appointmentId, to, extra)) return;
  const current = await getDb().appointment.findUnique({
    where: { id: appointmentId },
    select: { status: true },
  });
  if (!current) throw new AppError("NOT_FOUND", "No such visit.");
  throw new AppError(
    "CONFLICT",
    `This visit is ${STATUS_LABEL[current.status].toLowerCase()}: it cannot become ${STATUS_LABEL[to].toLowerCase()}.`,
  );
}

/** The same change, answering false (nothing changed) when the visit is not in a status it may follow. */
export async function tryTransitionAppointment(
  appointmentId: string,
  to: AppointmentStatus,
  extra: TransitionExtra = {},
): Promise<boolean> {
  const from = sourcesOf(to);
  // The moment of confirmation is kept: it decides who is a treating doctor (lib/authz/care.ts).
  const data = { status: to, ...extra, ...(to === "CONFIRMED" ? { confirmedAt: new Date() } : {}) };
  // A PHI column (the cancel reason) is written through update, row by row; otherwise one statement.
  const changed =
    extra.cancelReason !== undefined
      ? await getDb()
          .appointment.updateManyAndReturn({
            where: { id: appointmentId, status: { in: from } },
            data,
            select: { id: true },
          })
          .then((rows) => rows.length)
      : (await getDb().appointment.updateMany({ where: { id: appointmentId, status: { in: from } }, data }))
          .count;
  if (changed === 0) return false;
  await recordAuditEvent({
    action: `appointment.${to.toLowerCase().replace("_", "-")}`,
    resourceType: "Appointment",
    resourceId: appointmentId,
    details: { to, from: from.join("|") },
  });
  return true;
}
