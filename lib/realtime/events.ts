// What realtime events exist and what they carry: ids and event names only,
// never message text, names or anything else a third party must not hold
// (Pusher sees these). Clients fetch content through the authenticated API.
// No server imports: the browser parses events with these schemas.
import { z } from "zod";

export const REALTIME_EVENTS = {
  /** A message was sent in a thread the recipient belongs to. Durable (replayable). */
  "message.created": z.object({ threadId: z.uuid(), messageId: z.uuid() }),
  /** A message was retracted. Durable. */
  "message.retracted": z.object({ threadId: z.uuid(), messageId: z.uuid() }),
  /** The other party read the thread up to a message. Durable. */
  "thread.read": z.object({ threadId: z.uuid(), upTo: z.uuid() }),
  /** A thread the user belongs to was opened by the other party. Durable. */
  "thread.created": z.object({ threadId: z.uuid() }),
  /** The other party is typing in a thread. Ephemeral. */
  typing: z.object({ threadId: z.uuid(), userId: z.uuid() }),
  /** Someone sharing a thread with the user came online or went offline. Ephemeral. */
  presence: z.object({ userId: z.uuid(), online: z.boolean() }),
  /** A patient joined a visit's video room and waits to be admitted (to the doctor). Durable. */
  "video.waiting": z.object({ visitId: z.uuid() }),
  /**
   * A visit's status changed (to both parties), however it changed: the video room's admit
   * and end, the visit page's start, complete and no-show, a cancellation. Durable.
   */
  "visit.status": z.object({
    visitId: z.uuid(),
    status: z.enum(["HELD", "CONFIRMED", "IN_PROGRESS", "COMPLETED", "CANCELLED", "NO_SHOW", "EXPIRED"]),
  }),
  /** The other party left the room (they may come back). Durable. */
  "video.left": z.object({ visitId: z.uuid(), userId: z.uuid() }),
  /** The other party sent a WebRTC signal: fetch it (GET …/signals?after=). Durable. */
  "video.signal": z.object({ visitId: z.uuid(), signalId: z.string().regex(/^\d+$/) }),
  /** Events were lost (too old to replay): refetch everything. */
  resync: z.object({}),
} as const;

export type RealtimeEventName = keyof typeof REALTIME_EVENTS;
export type RealtimeEventData<Name extends RealtimeEventName> = z.infer<(typeof REALTIME_EVENTS)[Name]>;

/** Events stored for replay after a reconnect (Last-Event-ID); the rest are fire-and-forget. */
export const DURABLE_EVENTS = [
  "message.created",
  "message.retracted",
  "thread.read",
  "thread.created",
  "video.waiting",
  "visit.status",
  "video.left",
  "video.signal",
] as const;
export type DurableEventName = (typeof DURABLE_EVENTS)[number];

export const isRealtimeEventName = (name: string): name is RealtimeEventName =>
  Object.hasOwn(REALTIME_EVENTS, name);

/** Parses an event arriving in the browser; anything unknown or malformed is null. */
export function parseRealtimeEvent(
  name: string,
  data: unknown,
): { name: RealtimeEventName; data: RealtimeEventData<RealtimeEventName> } | null {
  if (!isRealtimeEventName(name)) return null;
  const parsed = REALTIME_EVENTS[name].safeParse(data);
  return parsed.success ? { name, data: parsed.data } : null;
}

/**
 * Sent by the browser on requests it makes by itself (a realtime event arrived), not for
 * the person: they must not keep an idle session alive.
 */
export const BACKGROUND_HEADER = "x-haven-background";

/** Channel names (Pusher's naming, used by both transports). */
export const userChannel = (userId: string) => `private-user-${userId}`;
export const threadPresenceChannel = (threadId: string) => `presence-thread-${threadId}`;

/** How the browser connects, sent from the server (no secrets: Pusher's key is public). */
export type RealtimeClientConfig =
  /** `since`: the newest stored event when the page was rendered (the first stream starts there). */
  | { transport: "builtin"; since: string | null }
  | {
      transport: "pusher";
      key: string;
      cluster: string;
      host: string | null;
      port: number | null;
      forceTLS: boolean;
    };
