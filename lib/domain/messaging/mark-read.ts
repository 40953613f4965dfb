// Marking a thread read up to a message: the reader's unread messages from the other
// party up to that one get their read time (once: a trigger refuses changing it).
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { publishDurable } from "@/lib/realtime/publish";
import { requireThreadParty } from "./access";

export async function markThreadRead(
  actor: AuthenticatedActor,
  threadId: string,
  upTo: string,
): Promise<{ marked: number }> {
  const thread = await requireThreadParty(actor, threadId);
  const cursor = await getDb().message.findFirst({
    where: { id: upTo, threadId },
    select: { createdAt: true },
  });
  if (!cursor) return refuseAsNotFound("Message", upTo);
  return transaction(async () => {
    const { count } = await getDb().message.updateMany({
      where: { threadId, senderId: thread.counterpartId, readAt: null, createdAt: { lte: cursor.createdAt } },
      data: { readAt: new Date() },
    });
    if (count > 0) {
      await recordAuditEvent({
        action: "messages.read",
        resourceType: "MessageThread",
        resourceId: threadId,
        details: { patientId: thread.patientId, marked: count, upTo },
      });
      await publishDurable([thread.counterpartId, actor.userId], "thread.read", { threadId, upTo });
    }
    return { marked: count };
  });
}
