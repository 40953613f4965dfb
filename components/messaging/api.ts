// The browser's calls to the messaging API. Errors become ApiError with the
// server's own readable message (every error body is { error: { message, fields? } }).
import { MESSAGES as DOCUMENT_MESSAGES } from "@/lib/domain/documents/schemas";
import type { Inbox, MessageView, ThreadView } from "@/lib/domain/messaging/schemas";
import {
  ApiError,
  type RequestOptions,
  errorOf as baseErrorOf,
  request as baseRequest,
} from "@/components/http/api-client";

export { ApiError, UNREACHABLE } from "@/components/http/api-client";

// A bare 413 here can only be an attachment over the body limit: say so instead of "went wrong".
const errorOf = (response: Response) => baseErrorOf(response, { tooLarge: DOCUMENT_MESSAGES.tooLarge });
const request = <T>(url: string, options: Omit<RequestOptions, "tooLarge"> = {}) =>
  baseRequest<T>(url, { ...options, tooLarge: DOCUMENT_MESSAGES.tooLarge });

const threadUrl = (threadId: string) => `/api/messages/threads/${encodeURIComponent(threadId)}`;

export const fetchInbox = () => request<Inbox>("/api/messages/threads", { background: true });
export const fetchUnreadTotal = async () =>
  (await request<{ unreadTotal: number }>("/api/messages/unread", { background: true })).unreadTotal;

export function fetchThread(
  threadId: string,
  page: { before?: string; after?: string } = {},
  background = true,
) {
  const query = page.before
    ? `?before=${encodeURIComponent(page.before)}`
    : page.after
      ? `?after=${encodeURIComponent(page.after)}`
      : "";
  return request<ThreadView>(`${threadUrl(threadId)}${query}`, { background });
}

export const sendMessage = (threadId: string, input: { id: string; body: string; documentId?: string }) =>
  request<{ message: MessageView }>(`${threadUrl(threadId)}/messages`, { method: "POST", json: input });

/** Reading is a consequence of looking at the page, not an action of its own. */
export const markRead = (threadId: string, upTo: string) =>
  request<{ marked: number }>(`${threadUrl(threadId)}/read`, {
    method: "POST",
    json: { upTo },
    background: true,
  });

export const retractMessage = (messageId: string) =>
  request<{ message: MessageView }>(`/api/messages/${encodeURIComponent(messageId)}/retract`, {
    method: "POST",
    json: {},
  });

/** Uploads an attachment into the patient's record first (the documents service checks type, size and malware). */
export async function uploadAttachment(patientId: string, file: File): Promise<{ id: string }> {
  const body = new FormData();
  body.set("patientId", patientId);
  body.set("file", file);
  let response: Response;
  try {
    response = await fetch("/api/documents", {
      method: "POST",
      body,
      headers: { accept: "application/json" },
    });
  } catch {
    throw new ApiError(0, "The file did not reach Haven. Check your connection and try again.");
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as { id: string };
}

/** A v4 UUID; crypto.randomUUID exists only on secure origins (not plain http on a LAN address). */
export function newMessageId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
