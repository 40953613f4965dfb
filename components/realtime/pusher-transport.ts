// The Pusher transport: loaded only when the server says Pusher is configured
// (the library stays out of every other bundle). Events arrive on the user's own
// private channel; presence comes from one presence channel per thread, which
// Pusher's channel authorisation (/api/realtime/auth) admits only the two parties to.
import type Pusher from "pusher-js";
import type { PresenceChannel } from "pusher-js";
import type { RealtimeClientConfig } from "@/lib/realtime/events";
import { BACKGROUND_HEADER, threadPresenceChannel, userChannel } from "@/lib/realtime/events";
import { type ConnectionState, RESYNC, type TransportHandlers, toRealtimeEvent } from "./transport";

type PusherConfig = Extract<RealtimeClientConfig, { transport: "pusher" }>;

export interface PusherConnection {
  /** Calls onChange with the counterpart's presence in a thread until the returned function is called. */
  watchPresence: (threadId: string, counterpartId: string, onChange: (online: boolean) => void) => () => void;
  close: () => void;
}

const STATE_OF: Record<string, ConnectionState> = {
  initialized: "connecting",
  connecting: "connecting",
  connected: "open",
  unavailable: "closed",
  failed: "closed",
  disconnected: "closed",
};

export async function connectPusher(
  config: PusherConfig,
  userId: string,
  { onEvent, onState }: TransportHandlers,
): Promise<PusherConnection> {
  const PusherClient = (await import("pusher-js")).default;
  const pusher: Pusher = new PusherClient(config.key, {
    cluster: config.cluster,
    forceTLS: config.forceTLS,
    // WebSockets only: the HTTP fallbacks reach further hosts the CSP's connect-src would have to allow.
    enabledTransports: ["ws", "wss"],
    ...(config.host ? { wsHost: config.host } : {}),
    ...(config.port ? { wsPort: config.port, wssPort: config.port } : {}),
    channelAuthorization: {
      endpoint: "/api/realtime/auth",
      transport: "ajax",
      // Subscribing is not activity: it must not keep an idle session alive.
      headers: { [BACKGROUND_HEADER]: "1" },
    },
  });

  let connectedBefore = false;
  pusher.connection.bind("state_change", ({ current }: { current: string }) => {
    onState(STATE_OF[current] ?? "connecting");
    if (current !== "connected") return;
    // Pusher does not replay what was sent while we were disconnected.
    if (connectedBefore) onEvent(RESYNC);
    connectedBefore = true;
  });

  pusher.subscribe(userChannel(userId)).bind_global((name: string, data: unknown) => {
    const parsed = toRealtimeEvent(name, data);
    if (parsed) onEvent(parsed);
  });

  // Several components may watch one thread; the channel is left when the last one stops.
  const watchers = new Map<string, number>();

  function watchPresence(threadId: string, counterpartId: string, onChange: (online: boolean) => void) {
    const name = threadPresenceChannel(threadId);
    const channel = pusher.subscribe(name) as PresenceChannel;
    watchers.set(name, (watchers.get(name) ?? 0) + 1);
    const onSubscribed = () => onChange(channel.members.get(counterpartId) !== null);
    const onAdded = (member: { id: string }) => {
      if (member.id === counterpartId) onChange(true);
    };
    const onRemoved = (member: { id: string }) => {
      if (member.id === counterpartId) onChange(false);
    };
    channel.bind("pusher:subscription_succeeded", onSubscribed);
    channel.bind("pusher:member_added", onAdded);
    channel.bind("pusher:member_removed", onRemoved);
    if (channel.subscribed) onSubscribed();
    return () => {
      channel.unbind("pusher:subscription_succeeded", onSubscribed);
      channel.unbind("pusher:member_added", onAdded);
      channel.unbind("pusher:member_removed", onRemoved);
      const left = (watchers.get(name) ?? 1) - 1;
      if (left > 0) {
        watchers.set(name, left);
      } else {
        watchers.delete(name);
        pusher.unsubscribe(name);
      }
    };
  }

  return { watchPresence, close: () => pusher.disconnect() };
}
