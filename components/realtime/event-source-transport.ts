// The built-in transport: one EventSource on /api/realtime/events.
// While the browser reconnects on its own (network blips, server restarts) it
// resends Last-Event-ID and the server replays durable events. After an HTTP error
// (401 signed out, 429 too many tabs) the EventSource gives up for good; we then open
// a new one after a backoff, carrying the last id in the query string because a new
// EventSource has no Last-Event-ID to send.
import { REALTIME_EVENT_NAMES, RESYNC, type TransportHandlers, toRealtimeEvent } from "./transport";

const ENDPOINT = "/api/realtime/events";
const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;

/**
 * Connects and keeps connecting until the returned function is called. `since` is the newest
 * event when the page was rendered: the first stream starts there, so nothing that happened
 * between the render and this connection is missed.
 */
export function connectEventSource(
  { onEvent, onState }: TransportHandlers,
  since: string | null,
): () => void {
  let source: EventSource | null = null;
  let lastEventId: string | null = null;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let opened = false;
  let stopped = false;

  const receive = (event: Event) => {
    const message = event as MessageEvent<string>;
    // Only durable events carry an id; the browser keeps the previous one on the others.
    if (message.lastEventId) lastEventId = message.lastEventId;
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    const parsed = toRealtimeEvent(message.type, data);
    if (parsed) onEvent(parsed);
  };

  const open = () => {
    if (stopped) return;
    const url = lastEventId
      ? `${ENDPOINT}?lastEventId=${encodeURIComponent(lastEventId)}`
      : !opened && since
        ? `${ENDPOINT}?since=${encodeURIComponent(since)}`
        : ENDPOINT;
    const current = new EventSource(url);
    source = current;
    for (const name of REALTIME_EVENT_NAMES) current.addEventListener(name, receive);
    current.onopen = () => {
      retryMs = FIRST_RETRY_MS;
      onState("open");
      // Without an id the server cannot know what we missed while we were away.
      if (opened && !lastEventId) onEvent(RESYNC);
      opened = true;
    };
    current.onerror = () => {
      if (current.readyState !== EventSource.CLOSED) {
        onState("connecting");
        return;
      }
      onState("closed");
      current.close();
      scheduleReopen();
    };
  };

  const scheduleReopen = () => {
    if (stopped || retryTimer !== undefined) return;
    const delay = retryMs;
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      open();
    }, delay);
  };

  // Back online: no reason to sit out the rest of a long backoff.
  const onOnline = () => {
    if (stopped || source?.readyState !== EventSource.CLOSED) return;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    open();
  };
  window.addEventListener("online", onOnline);

  open();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    window.removeEventListener("online", onOnline);
    source?.close();
  };
}
