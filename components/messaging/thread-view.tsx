"use client";
// One conversation, kept current by realtime events: a new message is fetched
// on its own (?after=), a retraction or a gap refetches, the other party's read
// receipt and typing are applied locally. Sending is optimistic: the browser makes
// the message id, so a retry is the same message and never a duplicate.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { usePresence, useRealtimeEvent, useRealtimeState } from "@/components/realtime/realtime-provider";
import { Button } from "@/components/ui/form";
import {
  MESSAGES_PATH,
  type MessagesPath,
  THREAD_PAGE_SIZE,
  type ThreadView as ThreadData,
} from "@/lib/domain/messaging/schemas";
import {
  ApiError,
  UNREACHABLE,
  fetchThread,
  markRead,
  newMessageId,
  retractMessage,
  sendMessage,
} from "./api";
import { Composer, type ConsentNotice, type Draft, type SendOutcome } from "./composer";
import { type OutgoingMessage, PendingMessage, StoredMessage } from "./message-item";
import {
  INBOX_KEY,
  appendMessages,
  markOwnReadUpTo,
  markRetracted,
  markTheirsReadUpTo,
  mergeLatest,
  newestUnreadFromThem,
  prependPage,
  threadKey,
} from "./thread-cache";

const TYPING_SHOWN_MS = 5_000;
/** Within this distance of the bottom, new messages scroll into view. */
const STICKY_BOTTOM_PX = 160;

const messageOf = (failure: unknown) => (failure instanceof ApiError ? failure.message : UNREACHABLE);

export function ThreadView({
  initial,
  basePath,
  patientId,
  timeZone,
  consentNotice = null,
}: {
  initial: ThreadData;
  basePath: MessagesPath;
  /** The thread's patient: attachments go into their documents. */
  patientId: string;
  timeZone: string;
  /** Why sending is refused now (the patient has not agreed to secure messaging), shown in the composer. */
  consentNotice?: ConsentNotice | null;
}) {
  const threadId = initial.id;
  const counterpart = initial.counterpart;
  const queryClient = useQueryClient();
  const key = useMemo(() => threadKey(threadId), [threadId]);

  const { data = initial, isError } = useQuery({
    queryKey: key,
    // A refetch brings the latest page; earlier pages the person opened stay.
    queryFn: async () => mergeLatest(queryClient.getQueryData<ThreadData>(key), await fetchThread(threadId)),
    initialData: initial,
  });
  const messages = data.messages;

  const online = usePresence(threadId, counterpart.id, counterpart.online);
  const connection = useRealtimeState();
  const [outbox, setOutbox] = useState<OutgoingMessage[]>([]);
  const [typing, setTyping] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const [now, setNow] = useState(() => Date.now());
  const [earlier, setEarlier] = useState<{ loading: boolean; error: string | null }>({
    loading: false,
    error: null,
  });
  const typingTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const scroller = useRef<HTMLDivElement>(null);
  // Own messages added from the send's answer, not yet seen in a fetch: a message the
  // other party sent a moment earlier may sort before them, so they are no anchor for ?after=.
  const sentNotFetched = useRef(new Set<string>());
  const markedUpTo = useRef<string | null>(null);

  const setThread = (update: (view: ThreadData) => ThreadData | null) =>
    queryClient.setQueryData<ThreadData>(key, (view) => (view ? (update(view) ?? view) : view));
  const refetchThread = () => {
    sentNotFetched.current.clear();
    return queryClient.invalidateQueries({ queryKey: key });
  };

  function showTyping() {
    setTyping(true);
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => setTyping(false), TYPING_SHOWN_MS);
  }
  useEffect(() => () => clearTimeout(typingTimer.current), []);

  async function fetchNewer(expected: string) {
    const cached = queryClient.getQueryData<ThreadData>(key)?.messages ?? [];
    if (cached.some((message) => message.id === expected)) return;
    const anchor = cached.findLast((message) => !sentNotFetched.current.has(message.id));
    if (!anchor) return refetchThread();
    try {
      const page = await fetchThread(threadId, { after: anchor.id });
      // A full page may not be all of it: start over from the latest page.
      if (page.messages.length >= THREAD_PAGE_SIZE) return refetchThread();
      for (const message of page.messages) sentNotFetched.current.delete(message.id);
      const known = new Set(cached.map((message) => message.id));
      const arrived = page.messages.filter((message) => !message.mine && !known.has(message.id));
      setThread((view) => appendMessages(view, page.messages));
      // Not after the newest one shown (two sent in the same millisecond): the whole page, then.
      if (!page.messages.some((message) => message.id === expected)) await refetchThread();
      if (arrived.length) {
        setTyping(false);
        setAnnouncement(
          arrived.length === 1
            ? `New message from ${counterpart.name}.`
            : `${arrived.length} new messages from ${counterpart.name}.`,
        );
      }
    } catch {
      await refetchThread();
    }
  }

  useRealtimeEvent((event) => {
    switch (event.name) {
      case "message.created":
        if (event.data.threadId === threadId) void fetchNewer(event.data.messageId);
        break;
      case "message.retracted":
        if (event.data.threadId !== threadId) break;
        setThread((view) => markRetracted(view, event.data.messageId, new Date().toISOString()));
        void refetchThread();
        break;
      case "thread.read":
        if (event.data.threadId !== threadId) break;
        if (!queryClient.getQueryData<ThreadData>(key)?.messages.some((m) => m.id === event.data.upTo)) {
          void refetchThread();
          break;
        }
        // Both parties hear it: the other party read up to one of mine, or I read theirs (another tab).
        setThread((view) =>
          view.messages.find((message) => message.id === event.data.upTo)?.mine
            ? (markOwnReadUpTo(view, event.data.upTo, new Date().toISOString()) ?? view)
            : markTheirsReadUpTo(view, event.data.upTo, new Date().toISOString()),
        );
        break;
      case "typing":
        if (event.data.threadId === threadId && event.data.userId === counterpart.id) showTyping();
        break;
      case "resync":
        void refetchThread();
        break;
      default:
        break;
    }
  });

  // Read receipts: whenever the page is in view and the other party's messages are unread.
  const newestUnread = newestUnreadFromThem(data);
  useEffect(() => {
    if (!newestUnread) return;
    const mark = () => {
      if (document.visibilityState !== "visible" || markedUpTo.current === newestUnread) return;
      markedUpTo.current = newestUnread;
      markRead(threadId, newestUnread)
        .then(() => {
          queryClient.setQueryData<ThreadData>(key, (view) =>
            view ? markTheirsReadUpTo(view, newestUnread, new Date().toISOString()) : view,
          );
          return queryClient.invalidateQueries({ queryKey: INBOX_KEY }, { cancelRefetch: false });
        })
        .catch(() => {
          // Tried again when the page is next shown or a message arrives.
          markedUpTo.current = null;
        });
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [newestUnread, threadId, key, queryClient]);

  // The retract buttons disappear when their 5 minutes are over.
  useEffect(() => {
    const ends = messages
      .map((message) => (message.retractableUntil ? Date.parse(message.retractableUntil) : Number.NaN))
      .filter((end) => end > now);
    if (!ends.length) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, Math.min(...ends) - Date.now()) + 250);
    return () => clearTimeout(timer);
  }, [messages, now]);

  // Newest at the bottom: start there, and follow new messages unless the person scrolled up to read.
  const lastId = outbox.at(-1)?.id ?? messages.at(-1)?.id;
  const wasAtBottom = useRef(true);
  useEffect(() => {
    const element = scroller.current;
    if (element && wasAtBottom.current) element.scrollTop = element.scrollHeight;
  }, [lastId]);
  const onScroll = () => {
    const element = scroller.current;
    if (element) {
      wasAtBottom.current =
        element.scrollHeight - element.scrollTop - element.clientHeight < STICKY_BOTTOM_PX;
    }
  };

  async function deliver(item: OutgoingMessage): Promise<SendOutcome> {
    try {
      const { message } = await sendMessage(threadId, {
        id: item.id,
        body: item.body,
        ...(item.attachment ? { documentId: item.attachment.id } : {}),
      });
      sentNotFetched.current.add(message.id);
      setThread((view) => appendMessages(view, [message]));
      setOutbox((list) => list.filter((entry) => entry.id !== item.id));
      void queryClient.invalidateQueries({ queryKey: INBOX_KEY }, { cancelRefetch: false });
      return {};
    } catch (failure) {
      // Bad input, or a refusal (no messaging consent): back to the composer with its reason.
      if (failure instanceof ApiError && (failure.status === 422 || failure.status === 403)) {
        return { invalid: failure.message };
      }
      setOutbox((list) =>
        list.map((entry) =>
          entry.id === item.id ? { ...entry, status: "failed", error: messageOf(failure) } : entry,
        ),
      );
      return {};
    }
  }

  async function send(draft: Draft): Promise<SendOutcome> {
    wasAtBottom.current = true;
    const item: OutgoingMessage = {
      ...draft,
      id: newMessageId(),
      createdAt: new Date().toISOString(),
      status: "sending",
      error: null,
    };
    setOutbox((list) => [...list, item]);
    const outcome = await deliver(item);
    // Bad input goes back to the composer with its reason instead of sitting here as "not sent".
    if (outcome.invalid !== undefined) setOutbox((list) => list.filter((entry) => entry.id !== item.id));
    return outcome;
  }

  async function retry(item: OutgoingMessage) {
    setOutbox((list) =>
      list.map((entry) => (entry.id === item.id ? { ...entry, status: "sending", error: null } : entry)),
    );
    const outcome = await deliver(item);
    if (outcome.invalid !== undefined) {
      const reason = outcome.invalid;
      setOutbox((list) =>
        list.map((entry) => (entry.id === item.id ? { ...entry, status: "failed", error: reason } : entry)),
      );
    }
  }

  async function retract(messageId: string): Promise<string | null> {
    try {
      const { message } = await retractMessage(messageId);
      setThread((view) => appendMessages(view, [message]));
      return null;
    } catch (failure) {
      return messageOf(failure);
    }
  }

  async function showEarlier() {
    const first = messages[0];
    if (!first) return;
    setEarlier({ loading: true, error: null });
    try {
      // Asked for by the person: not a background request.
      const page = await fetchThread(threadId, { before: first.id }, false);
      wasAtBottom.current = false;
      setThread((view) => prependPage(view, page));
      setEarlier({ loading: false, error: null });
    } catch (failure) {
      setEarlier({ loading: false, error: messageOf(failure) });
    }
  }

  const confirmed = new Set(messages.map((message) => message.id));
  const pending = outbox.filter((item) => !confirmed.has(item.id));
  const attachmentNote =
    basePath === MESSAGES_PATH.PATIENT
      ? "The file is also saved in your documents."
      : "The file is also saved in the patient's documents.";

  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h1 className="text-2xl font-bold text-brand-900">{counterpart.name}</h1>
        <p className="flex items-center gap-1.5 text-sm">
          <span
            aria-hidden="true"
            className={`inline-block h-2.5 w-2.5 rounded-full ${online ? "bg-emerald-600" : "bg-slate-400"}`}
          />
          <span className={online ? "font-medium text-emerald-800" : "text-slate-600"}>
            {online ? "Online" : "Offline"}
          </span>
        </p>
      </header>
      <p className="text-sm text-slate-700">
        Messages become part of your care record: they cannot be edited or deleted, but you can retract a
        message in the first 5 minutes after sending it. For anything urgent, call the clinic or your local
        emergency number.
      </p>
      {connection === "closed" ? (
        <p role="status" className="text-sm text-amber-900">
          Live updates are paused while Haven reconnects. New messages will appear once it is back.
        </p>
      ) : null}
      {isError ? (
        <p role="status" className="text-sm text-amber-900">
          The conversation could not be refreshed. What you see may not be the latest.
        </p>
      ) : null}

      <section
        className="rounded-lg border border-slate-200 bg-white shadow-sm"
        aria-labelledby="thread-heading"
      >
        <h2 id="thread-heading" className="sr-only">
          Conversation with {counterpart.name}
        </h2>
        <div
          ref={scroller}
          onScroll={onScroll}
          tabIndex={0}
          role="region"
          aria-label="Messages"
          className="max-h-[60vh] space-y-3 overflow-y-auto p-4 focus:ring-2 focus:ring-brand-100 focus:outline-none"
        >
          {data.hasEarlier ? (
            <div className="flex flex-col items-center gap-1">
              <Button
                type="button"
                variant="secondary"
                disabled={earlier.loading}
                onClick={() => void showEarlier()}
              >
                {earlier.loading ? "Loading…" : "Show earlier messages"}
              </Button>
              {earlier.error ? (
                <p role="alert" className="text-sm text-red-700">
                  {earlier.error}
                </p>
              ) : null}
            </div>
          ) : null}
          {messages.length === 0 && pending.length === 0 ? (
            <p className="text-sm text-slate-700">No messages yet. Write the first one below.</p>
          ) : (
            <ol className="space-y-3">
              {messages.map((message) => (
                <StoredMessage
                  key={message.id}
                  message={message}
                  sender={message.mine ? "You" : counterpart.name}
                  timeZone={timeZone}
                  now={now}
                  onRetract={retract}
                />
              ))}
              {pending.map((item) => (
                <PendingMessage
                  key={item.id}
                  message={item}
                  timeZone={timeZone}
                  onRetry={() => void retry(item)}
                  onDiscard={() => setOutbox((list) => list.filter((entry) => entry.id !== item.id))}
                />
              ))}
            </ol>
          )}
        </div>
        <div className="border-t border-slate-200 p-4">
          <p aria-live="polite" role="status" className="min-h-5 text-sm text-slate-700 italic">
            {typing ? `${counterpart.name} is typing…` : ""}
          </p>
          <p aria-live="polite" role="status" className="sr-only">
            {announcement}
          </p>
          <Composer
            threadId={threadId}
            patientId={patientId}
            attachmentNote={attachmentNote}
            onSend={send}
            consentNotice={consentNotice}
          />
        </div>
      </section>
    </div>
  );
}
