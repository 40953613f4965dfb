// A patient presses the emergency button: the event is recorded (with the
// country whose numbers they were shown) and every treating doctor is emailed
// through the queue, in the same transaction. Nothing is dispatched: Haven
// never calls emergency services and never says it does.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { careVisitFilter } from "@/lib/authz/care";
import { currentTransaction, getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { queue, sendJob } from "@/lib/jobs/queue";
import type { EmergencyNoticeJob } from "./notifications";
import { UNKNOWN_COUNTRY, emergencyNumbersFor } from "./numbers";

/** A second press within this time is the same emergency: doctors are not told twice. */
const SAME_EMERGENCY_MS = 2 * 60_000;

export interface RaisedEmergency {
  eventId: string;
  doctorsTold: number;
  /** True when an event from a moment ago was reused. */
  repeated: boolean;
}

export async function raiseEmergency(
  actor: AuthenticatedActor,
  input: { country?: string | undefined } = {},
): Promise<RaisedEmergency> {
  if (actor.role !== "PATIENT") throw new AppError("FORBIDDEN", "Only patients raise an emergency.");
  const profile = await getDb().patientProfile.findUnique({
    where: { userId: actor.userId },
    select: { country: true },
  });
  // The numbers the page showed (the country chosen there), else the profile's.
  const country = emergencyNumbersFor(input.country ?? profile?.country ?? UNKNOWN_COUNTRY).country;
  const doctorIds = [
    ...new Set(
      (
        await getDb().appointment.findMany({
          where: { patientId: actor.userId, ...careVisitFilter() },
          select: { doctorId: true },
        })
      ).map((visit) => visit.doctorId),
    ),
  ];
  await queue();
  const outcome = await transaction(async () => {
    // One press at a time per patient: a second press racing the first waits here, then finds it.
    await currentTransaction()!
      .$executeRaw`SELECT pg_advisory_xact_lock(hashtext('emergency'), hashtext(${actor.userId}))`;
    const recent = await getDb().emergencyEvent.findFirst({
      where: { patientId: actor.userId, createdAt: { gte: new Date(Date.now() - SAME_EMERGENCY_MS) } },
      select: { id: true },
      orderBy: { createdAt: "desc" },
    });
    if (recent) return { eventId: recent.id, repeated: true };
    const { id } = await getDb().emergencyEvent.create({
      data: { patientId: actor.userId, country },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "emergency.raised",
      resourceType: "EmergencyEvent",
      resourceId: id,
      details: { doctorsNotified: doctorIds.length },
    });
    for (const doctorId of doctorIds) {
      await sendJob("emergency.notify", { eventId: id, doctorId } satisfies EmergencyNoticeJob);
    }
    return { eventId: id, repeated: false };
  });
  return { ...outcome, doctorsTold: doctorIds.length };
}
