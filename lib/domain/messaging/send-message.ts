// Sending a message: the text is PHI (encrypted under the patient's data key by the
// data layer), a file is a document already in the patient's record, and both
// parties' open pages are told (ids only) once it is committed.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { currentTransaction, getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { confirmConsentHeld, requireConsent } from "@/lib/domain/consent/require-consent";
import { AppError } from "@/lib/http/errors";
import { publishDurable } from "@/lib/realtime/publish";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { requireThreadParty } from "./access";
import { MESSAGING_MESSAGES, type MessageView, type SendMessageInput, sendMessageSchema } from "./schemas";
import { MESSAGE_SELECT, type MessageRow, toMessageView } from "./views";

export interface SentMessage {
  message: MessageView;
  /** False when this id was already sent (a retry): nothing new was stored. */
  created: boolean;
}

async function existingMessage(
  actor: AuthenticatedActor,
  threadId: string,
  id: string,
): Promise<SentMessage | null> {
  const header = await getDb().message.findUnique({
    where: { id },
    select: { threadId: true, senderId: true },
  });
  if (!header) return null;
  if (header.threadId !== threadId || header.senderId !== actor.userId) {
    throw new AppError("CONFLICT", "This message id is already used. Reload the page and send it again.");
  }
  const row: MessageRow = await getDb().message.findUniqueOrThrow({
    where: { id },
    select: MESSAGE_SELECT,
  });
  return { message: toMessageView(row, actor.userId), created: false };
}

export async function sendMessage(
  actor: AuthenticatedActor,
  threadId: string,
  input: SendMessageInput,
): Promise<SentMessage> {
  const thread = await requireThreadParty(actor, threadId);
  const { id, body, documentId } = sendMessageSchema.parse(input);
  // A retry of a send that reached us: the same message, not a second one.
  const repeated = await existingMessage(actor, threadId, id);
  if (repeated) return repeated;
  // Either party: messages flow only while the patient agrees to secure messaging.
  await requireConsent(thread.patientId, "MESSAGING");
  await consumeRateLimit("messageSend", `user:${actor.userId}`);

  if (documentId) {
    // Only a file the sender put into this patient's record.
    const document = await getDb().document.findUnique({
      where: { id: documentId },
      select: { patientId: true, uploadedById: true, scanStatus: true },
    });
    if (!document || document.patientId !== thread.patientId || document.uploadedById !== actor.userId) {
      throw new AppError("VALIDATION_FAILED", MESSAGING_MESSAGES.attachment, {
        fields: [{ field: "documentId", message: MESSAGING_MESSAGES.attachment }],
      });
    }
    // A file still waiting for its scan may yet be found infected and deleted: not sent until then.
    if (document.scanStatus === "PENDING") {
      throw new AppError("CONFLICT", MESSAGING_MESSAGES.attachmentPending, {
        fields: [{ field: "documentId", message: MESSAGING_MESSAGES.attachmentPending }],
      });
    }
  }

  try {
    const row = await transaction(async () => {
      await confirmConsentHeld(thread.patientId, "MESSAGING");
      // The thread's row lock, held to commit, and the database's clock read after it: messages
      // of a thread commit in the order of their times, so "the messages after this one" and
      // "read up to this one" never skip a message that committed late.
      const [locked] = await currentTransaction()!.$queryRaw<{ at: Date }[]>`
        UPDATE message_threads SET last_message_at = clock_timestamp()
        WHERE id = ${threadId}::uuid RETURNING last_message_at AS at`;
      const created: MessageRow = await getDb().message.create({
        data: {
          id,
          threadId,
          patientId: thread.patientId,
          senderId: actor.userId,
          body,
          documentId: documentId ?? null,
          createdAt: locked!.at,
        },
        select: MESSAGE_SELECT,
      });
      await recordAuditEvent({
        action: "message.sent",
        resourceType: "Message",
        resourceId: id,
        details: { threadId, patientId: thread.patientId, attachment: documentId ?? null },
      });
      // Both parties: the recipient, and the sender's other tabs and devices.
      await publishDurable([thread.counterpartId, actor.userId], "message.created", {
        threadId,
        messageId: id,
      });
      return created;
    });
    return { message: toMessageView(row, actor.userId), created: true };
  } catch (error) {
    // The same id sent twice at once: the other request stored it.
    const raced = await existingMessage(actor, threadId, id).catch(() => null);
    if (raced) return raced;
    throw error;
  }
}
