// Who may talk to whom: a patient and a doctor who share a confirmed visit (the care
// relationship of lib/authz/care.ts: past, current or upcoming). A thread's two
// parties alone read and write it; anyone else, and any id that does not exist, gets
// the same audited 404.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { careVisitFilter } from "@/lib/authz/care";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb } from "@/lib/db/client";

export interface ThreadParties {
  id: string;
  patientId: string;
  doctorId: string;
  /** The other party, seen from the actor. */
  counterpartId: string;
}

/** Whether the two share a visit that established care. */
export async function sharesCare(patientId: string, doctorId: string): Promise<boolean> {
  const visit = await getDb().appointment.findFirst({
    where: { patientId, doctorId, ...careVisitFilter() },
    select: { id: true },
  });
  return visit !== null;
}

/** The thread, if the actor is one of its two parties; a 404 (audited) otherwise. */
export async function requireThreadParty(
  actor: AuthenticatedActor,
  threadId: string,
): Promise<ThreadParties> {
  const thread = await getDb().messageThread.findUnique({
    where: { id: threadId },
    select: { id: true, patientId: true, doctorId: true },
  });
  const isParty =
    thread !== null &&
    ((actor.role === "PATIENT" && thread.patientId === actor.userId) ||
      (actor.role === "DOCTOR" && thread.doctorId === actor.userId));
  if (!thread || !isParty) return refuseAsNotFound("MessageThread", threadId);
  return {
    ...thread,
    counterpartId: actor.userId === thread.patientId ? thread.doctorId : thread.patientId,
  };
}

/** Everyone a user shares a thread with (who hears when they come online or go offline). */
export async function threadCounterpartsOf(userId: string): Promise<string[]> {
  const threads = await getDb().messageThread.findMany({
    where: { OR: [{ patientId: userId }, { doctorId: userId }] },
    select: { patientId: true, doctorId: true },
  });
  return threads.map((thread) => (thread.patientId === userId ? thread.doctorId : thread.patientId));
}
