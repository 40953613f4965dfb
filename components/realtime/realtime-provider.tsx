"use client";
// One realtime connection per browser tab, shared by every component on the page
// through a context: components subscribe to events, never to the transport.
// Events carry ids only; components fetch content over the authenticated API.
import {
  type ReactNode,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useEffectEvent,
  useMemo,
  useRef,
  useState,
} from "react";
import type { RealtimeClientConfig } from "@/lib/realtime/events";
import { connectEventSource } from "./event-source-transport";
import type { PusherConnection } from "./pusher-transport";
import type { ConnectionState, RealtimeEvent } from "./transport";

export type { ConnectionState, RealtimeEvent } from "./transport";
export { sendTyping } from "./send-typing";

type Listener = (event: RealtimeEvent) => void;

interface RealtimeContextValue {
  state: ConnectionState;
  subscribe: (listener: Listener) => () => void;
  /** Pusher only: presence from the thread's presence channel (the built-in transport sends events). */
  watchPresence: PusherConnection["watchPresence"] | null;
}

const RealtimeContext = createContext<RealtimeContextValue | null>(null);

export function RealtimeProvider({
  config,
  userId,
  children,
}: {
  config: RealtimeClientConfig;
  userId: string;
  children: ReactNode;
}) {
  const listeners = useRef(new Set<Listener>());
  const [state, setState] = useState<ConnectionState>("connecting");
  const [pusher, setPusher] = useState<PusherConnection | null>(null);
  // A refreshed layout passes an equal but new config object: reconnect only when it really
  // changes. `since` (where the first stream starts) matters once, so it is not part of the key.
  const configKey = JSON.stringify(config.transport === "builtin" ? { transport: "builtin" } : config);
  const firstSince = useRef(config.transport === "builtin" ? config.since : null);

  useEffect(() => {
    const current = JSON.parse(configKey) as RealtimeClientConfig;
    const handlers = {
      onEvent: (event: RealtimeEvent) => {
        for (const listener of listeners.current) listener(event);
      },
      onState: setState,
    };
    if (current.transport === "builtin") return connectEventSource(handlers, firstSince.current);

    let stopped = false;
    let connection: PusherConnection | null = null;
    import("./pusher-transport")
      .then(({ connectPusher }) => connectPusher(current, userId, handlers))
      .then((connected) => {
        if (stopped) return connected.close();
        connection = connected;
        setPusher(connected);
      })
      .catch(() => setState("closed"));
    return () => {
      stopped = true;
      connection?.close();
    };
  }, [configKey, userId]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const value = useMemo(
    () => ({ state, subscribe, watchPresence: pusher?.watchPresence ?? null }),
    [state, subscribe, pusher],
  );
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

/** Calls the listener with every realtime event while the component is mounted (nothing outside a provider). */
export function useRealtimeEvent(listener: Listener): void {
  const subscribe = useContext(RealtimeContext)?.subscribe;
  const onEvent = useEffectEvent(listener);
  useEffect(() => {
    if (!subscribe) return;
    return subscribe((event) => onEvent(event));
  }, [subscribe]);
}

/** How the connection stands; "closed" outside a provider. */
export function useRealtimeState(): ConnectionState {
  return useContext(RealtimeContext)?.state ?? "closed";
}

/** Whether the counterpart of a thread is online: presence events (built-in) or the thread's presence channel (Pusher). */
export function usePresence(threadId: string, counterpartId: string, initialOnline: boolean): boolean {
  const [online, setOnline] = useState(initialOnline);
  const watchPresence = useContext(RealtimeContext)?.watchPresence ?? null;

  useRealtimeEvent((event) => {
    if (event.name === "presence" && event.data.userId === counterpartId) setOnline(event.data.online);
  });

  useEffect(() => {
    if (!watchPresence) return;
    return watchPresence(threadId, counterpartId, setOnline);
  }, [watchPresence, threadId, counterpartId]);

  return online;
}
