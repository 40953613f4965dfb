// What the two transports (Server-Sent Events, Pusher) hand the provider: parsed
// events and how the connection stands. No server imports.
import {
  REALTIME_EVENTS,
  type RealtimeEventData,
  type RealtimeEventName,
  parseRealtimeEvent,
} from "@/lib/realtime/events";

/** One event, its data typed by its name (so `event.name === "typing"` narrows `event.data`). */
export type RealtimeEvent = {
  [Name in RealtimeEventName]: { name: Name; data: RealtimeEventData<Name> };
}[RealtimeEventName];

export type ConnectionState = "connecting" | "open" | "closed";

export interface TransportHandlers {
  onEvent: (event: RealtimeEvent) => void;
  onState: (state: ConnectionState) => void;
}

export const REALTIME_EVENT_NAMES = Object.keys(REALTIME_EVENTS) as RealtimeEventName[];

/** The shared parser, with its result narrowed to the union above (it checks name and data together). */
export const toRealtimeEvent = (name: string, data: unknown): RealtimeEvent | null =>
  parseRealtimeEvent(name, data) as RealtimeEvent | null;

/** Told to listeners after a gap nothing can replay: they refetch what they show. */
export const RESYNC: RealtimeEvent = { name: "resync", data: {} };
