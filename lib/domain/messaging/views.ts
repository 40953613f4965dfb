// Rows to the DTOs the UI receives (lib/domain/messaging/schemas.ts).
import "server-only";
import { isDownloadable } from "@/lib/domain/documents/schemas";
import { type MessageView, RETRACT_WINDOW_MS } from "./schemas";

/** What a message query selects to build a MessageView (the body and the file name are PHI). */
export const MESSAGE_SELECT = {
  id: true,
  threadId: true,
  senderId: true,
  body: true,
  createdAt: true,
  readAt: true,
  retractedAt: true,
  document: { select: { id: true, fileName: true, contentType: true, sizeBytes: true, scanStatus: true } },
} as const;

export interface MessageRow {
  id: string;
  threadId: string;
  senderId: string;
  body: string | null;
  createdAt: Date;
  readAt: Date | null;
  retractedAt: Date | null;
  document: {
    id: string;
    fileName: string;
    contentType: string;
    sizeBytes: number;
    scanStatus: "PENDING" | "CLEAN" | "NOT_SCANNED";
  } | null;
}

export function toMessageView(row: MessageRow, viewerId: string, now = Date.now()): MessageView {
  const mine = row.senderId === viewerId;
  const retracted = row.retractedAt !== null;
  const retractableUntil = row.createdAt.getTime() + RETRACT_WINDOW_MS;
  return {
    id: row.id,
    threadId: row.threadId,
    senderId: row.senderId,
    mine,
    body: retracted ? null : (row.body ?? ""),
    attachment:
      retracted || !row.document
        ? null
        : {
            id: row.document.id,
            fileName: row.document.fileName,
            contentType: row.document.contentType,
            sizeBytes: row.document.sizeBytes,
            downloadable: isDownloadable(row.document.scanStatus),
          },
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
    retractedAt: row.retractedAt?.toISOString() ?? null,
    retractableUntil:
      mine && !retracted && retractableUntil > now ? new Date(retractableUntil).toISOString() : null,
  };
}
