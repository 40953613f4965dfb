// Every status change of an appointment goes through here: allowed only from
// the statuses states.ts lists, as one compare-and-set (a concurrent change
// wins or loses cleanly), audited.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import type { AppointmentStatus } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { STATUS_LABEL, sourcesOf } from "./states";

export async function transitionAppointment(
  appointmentId: string,
  to: AppointmentStatus,
  extra: { cancelReason?: string; cancelledById?: string; holdExpiresAt?: null } = {},
): Promise<void> {
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
  if (changed === 0) {
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
  await recordAuditEvent({
    action: `appointment.${to.toLowerCase().replace("_", "-")}`,
    resourceType: "Appointment",
    resourceId: appointmentId,
    details: { to, from: from.join("|") },
  });
}
