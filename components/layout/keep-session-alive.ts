// Extending the session on purpose: the person pressed "Stay signed in", or they are in a
// video visit (talking is activity, though nothing is clicked). Every extension is announced
// on the window, so the idle warning follows whoever made it.
export const SESSION_EXTENDED = "haven:session-extended";

export type SessionExtended = CustomEvent<{ secondsLeft: number }>;

/** The seconds until the extended session would end, or null when it has already ended. */
export async function keepSessionAlive(): Promise<number | null> {
  let response: Response;
  try {
    response = await fetch("/api/auth/keep-alive", { method: "POST" });
  } catch {
    // Offline for a moment: the next attempt (or the server's own timeout) decides.
    return null;
  }
  if (!response.ok) return null;
  const { secondsLeft } = (await response.json()) as { secondsLeft: number };
  window.dispatchEvent(new CustomEvent(SESSION_EXTENDED, { detail: { secondsLeft } }));
  return secondsLeft;
}
