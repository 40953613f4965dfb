// Calling a route handler as a browser would: from an address of its own (so the
// per-address limits of one test do not spill into another; each test file passes
// its own network, as files run in parallel on one database) and with this
// person's session cookie, or none.
import type { AuthenticatedActor } from "@/lib/auth/current";
import { encodeSessionCookie } from "@/lib/auth/session-cookie";
import { createSession } from "@/lib/auth/sessions";
import { runAsSystem } from "@/lib/request-context";

let requests = 0;

export async function browserHeaders(
  network: number,
  actor?: AuthenticatedActor,
): Promise<Record<string, string>> {
  requests += 1;
  const headers: Record<string, string> = { "x-forwarded-for": `10.${network}.${requests % 250}.7` };
  if (actor) {
    const session = await runAsSystem("test", () =>
      createSession(actor.userId, { ip: null, userAgent: "tests" }),
    );
    const cookie = await encodeSessionCookie({
      sessionId: session.id,
      userId: actor.userId,
      role: actor.role,
    });
    headers.cookie = `${cookie.name}=${cookie.value}`;
  }
  return headers;
}
