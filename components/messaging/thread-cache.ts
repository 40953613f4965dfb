// How a cached thread changes: pure functions over ThreadView, so every update
// (a new page, an event, a sent message) keeps the same order and never shows a
// message twice. Messages are oldest first; ids are unique.
import type { MessageView, ThreadView } from "@/lib/domain/messaging/schemas";

export const threadKey = (threadId: string) => ["messages", "thread", threadId] as const;
export const INBOX_KEY = ["messages", "inbox"] as const;
export const UNREAD_KEY = ["messages", "unread"] as const;

const timeOf = (message: MessageView) => Date.parse(message.createdAt);

/**
 * Adds messages (a message already present is replaced in place), in time order:
 * one's own message confirmed by the send may be in the cache before a message
 * the other party sent a moment earlier arrives.
 */
export function appendMessages(view: ThreadView, incoming: readonly MessageView[]): ThreadView {
  const byId = new Map(incoming.map((message) => [message.id, message]));
  const messages = view.messages.map((message) => {
    const replacement = byId.get(message.id);
    if (!replacement) return message;
    byId.delete(message.id);
    return replacement;
  });
  // Stable: messages of the same instant keep the server's order.
  const combined = [...messages, ...byId.values()];
  combined.sort((a, b) => timeOf(a) - timeOf(b));
  return { ...view, messages: combined };
}

/** Puts an earlier page in front (skipping anything already shown). */
export function prependPage(view: ThreadView, page: ThreadView): ThreadView {
  const shown = new Set(view.messages.map((message) => message.id));
  return {
    ...view,
    messages: [...page.messages.filter((message) => !shown.has(message.id)), ...view.messages],
    hasEarlier: page.hasEarlier,
  };
}

/**
 * A refetched latest page, keeping the earlier pages the person already loaded
 * when the two overlap (when they do not, too much happened in between and the
 * fresh page starts over).
 */
export function mergeLatest(previous: ThreadView | undefined, fresh: ThreadView): ThreadView {
  const first = fresh.messages[0];
  if (!previous || !first) return fresh;
  const overlap = previous.messages.findIndex((message) => message.id === first.id);
  if (overlap <= 0) return fresh;
  return {
    ...fresh,
    messages: [...previous.messages.slice(0, overlap), ...fresh.messages],
    hasEarlier: previous.hasEarlier,
  };
}

/** The other party read up to a message: the viewer's own messages up to it are read. Null if it is not shown. */
export function markOwnReadUpTo(view: ThreadView, upTo: string, readAt: string): ThreadView | null {
  const index = view.messages.findIndex((message) => message.id === upTo);
  if (index < 0) return null;
  return {
    ...view,
    messages: view.messages.map((message, position) =>
      position <= index && message.mine && message.readAt === null ? { ...message, readAt } : message,
    ),
  };
}

/** The viewer read the counterpart's messages up to one. */
export function markTheirsReadUpTo(view: ThreadView, upTo: string, readAt: string): ThreadView {
  const index = view.messages.findIndex((message) => message.id === upTo);
  return {
    ...view,
    messages: view.messages.map((message, position) =>
      position <= index && !message.mine && message.readAt === null ? { ...message, readAt } : message,
    ),
  };
}

/** Hides a retracted message's content at once (the refetch that follows brings the server's view). */
export function markRetracted(view: ThreadView, messageId: string, retractedAt: string): ThreadView {
  return {
    ...view,
    messages: view.messages.map((message) =>
      message.id === messageId
        ? { ...message, body: null, attachment: null, retractedAt, retractableUntil: null }
        : message,
    ),
  };
}

/** The newest message of the counterpart, if any of theirs is still unread. */
export function newestUnreadFromThem(view: ThreadView): string | null {
  const theirs = view.messages.filter((message) => !message.mine);
  if (!theirs.some((message) => message.readAt === null)) return null;
  return theirs.at(-1)?.id ?? null;
}
