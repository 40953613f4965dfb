// Opening the conversation of a patient and a doctor: one thread per pair, created
// the first time either of them opens it, only if they share a confirmed visit.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { publishDurable } from "@/lib/realtime/publish";
import { sharesCare } from "./access";

/** The thread's id; a 404 (audited) when the two share no confirmed visit, or for anyone but a patient or doctor. */
export async function openThread(actor: AuthenticatedActor, counterpartId: string): Promise<string> {
  const pair =
    actor.role === "PATIENT"
      ? { patientId: actor.userId, doctorId: counterpartId }
      : actor.role === "DOCTOR"
        ? { patientId: counterpartId, doctorId: actor.userId }
        : null;
  if (!pair || pair.patientId === pair.doctorId || !(await sharesCare(pair.patientId, pair.doctorId))) {
    return refuseAsNotFound("MessageThread", counterpartId);
  }
  const existing = await getDb().messageThread.findUnique({
    where: { patientId_doctorId: pair },
    select: { id: true },
  });
  if (existing) return existing.id;
  try {
    return await transaction(async () => {
      const thread = await getDb().messageThread.create({ data: pair, select: { id: true } });
      await recordAuditEvent({
        action: "messages.thread.opened",
        resourceType: "MessageThread",
        resourceId: thread.id,
        details: { patientId: pair.patientId, doctorId: pair.doctorId },
      });
      await publishDurable([counterpartId], "thread.created", { threadId: thread.id });
      return thread.id;
    });
  } catch (error) {
    // Both opened it at once: the other request created it.
    const raced = await getDb().messageThread.findUnique({
      where: { patientId_doctorId: pair },
      select: { id: true },
    });
    if (raced) return raced.id;
    throw error;
  }
}
