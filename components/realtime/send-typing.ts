// "I am typing" for a thread: at most one request per thread every 3 s however fast
// someone types. Best effort: a lost indicator is not worth an error message.
const THROTTLE_MS = 3_000;
const lastSent = new Map<string, number>();

export function sendTyping(threadId: string): void {
  const now = Date.now();
  const previous = lastSent.get(threadId);
  if (previous !== undefined && now - previous < THROTTLE_MS) return;
  lastSent.set(threadId, now);
  fetch("/api/realtime/typing", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ threadId }),
  }).catch(() => undefined);
}
