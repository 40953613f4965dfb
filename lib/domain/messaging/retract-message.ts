// Retracting a message: messages are part of the record and are never edited or
// deleted, but the sender may take one back within 5 minutes. Its text is removed
// (the file stays in the patient's record), a "retracted" marker stays visible to
// both, and the audit trail keeps that it happened.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { publishDurable } from "@/lib/realtime/publish";
import { MESSAGING_MESSAGES, type MessageView, RETRACT_WINDOW_MS } from "./schemas";
import { MESSAGE_SELECT, type MessageRow, toMessageView } from "./views";

export async function retractMessage(
  actor: AuthenticatedActor,
  messageId: string,
  now = new Date(),
): Promise<MessageView> {
  const header = await getDb().message.findUnique({
    where: { id: messageId },
    select: {
      threadId: true,
      senderId: true,
      createdAt: true,
      retractedAt: true,
      thread: { select: { patientId: true, doctorId: true } },
    },
  });
  const isParty = header !== null && [header.thread.patientId, header.thread.doctorId].includes(actor.userId);
  if (!header || !isParty) return refuseAsNotFound("Message", messageId);
  if (header.senderId !== actor.userId) throw new AppError("FORBIDDEN", MESSAGING_MESSAGES.retractOwn);
  if (header.retractedAt) throw new AppError("CONFLICT", MESSAGING_MESSAGES.alreadyRetracted);
  if (now.getTime() - header.createdAt.getTime() > RETRACT_WINDOW_MS) {
    throw new AppError("CONFLICT", MESSAGING_MESSAGES.retractWindow);
  }
  const counterpartId =
    header.thread.patientId === actor.userId ? header.thread.doctorId : header.thread.patientId;
  return transaction(async () => {
    const { count } = await getDb().message.updateMany({
      where: { id: messageId, retractedAt: null },
      data: { retractedAt: now, body: null },
    });
    if (count === 0) throw new AppError("CONFLICT", MESSAGING_MESSAGES.alreadyRetracted);
    await recordAuditEvent({
      action: "message.retracted",
      resourceType: "Message",
      resourceId: messageId,
      details: { threadId: header.threadId, patientId: header.thread.patientId },
    });
    await publishDurable([counterpartId, actor.userId], "message.retracted", {
      threadId: header.threadId,
      messageId,
    });
    const row = (await getDb().message.findUniqueOrThrow({
      where: { id: messageId },
      select: { ...MESSAGE_SELECT, body: false },
    })) as Omit<MessageRow, "body">;
    return toMessageView({ ...row, body: null }, actor.userId, now.getTime());
  });
}
