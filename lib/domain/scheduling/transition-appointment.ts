// Every status change of an appointment goes through here: allowed only from
// the statuses states.ts lists, as one compare-and-set (a concurrent change
// wins or loses cleanly), audited.
import "server-only";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import type { AppointmentStatus } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { publishDurable } from "@/lib/realtime/publish";
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
  return transaction(async () => {
    // Through the data layer, which encrypts a PHI column (the cancel reason) row by row.
    const changed = await getDb().appointment.updateManyAndReturn({
      where: { id: appointmentId, status: { in: from } },
      data,
      select: { patientId: true, doctorId: true },
    });
    const parties = changed[0];
    if (!parties) return false;
    await recordAuditEvent({
      action: `appointment.${to.toLowerCase().replace("_", "-")}`,
      resourceType: "Appointment",
      resourceId: appointmentId,
      details: { to, from: from.join("|") },
    });
    // Both parties' open pages (the video room above all) follow, whoever made the change.
    await publishDurable([parties.patientId, parties.doctorId], "visit.status", {
      visitId: appointmentId,
      status: to,
    });
    return true;
  });
}
