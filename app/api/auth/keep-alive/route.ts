import { requireApiActor } from "@/lib/auth/current";
import { extendSession, sessionPolicy } from "@/lib/auth/sessions";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** "Stay signed in": counts as activity and returns the new idle deadline. */
export const POST = route(async () => {
  const actor = await requireApiActor();
  await extendSession(actor.sessionId);
  return Response.json({ idleExpiresAt: new Date(Date.now() + sessionPolicy().idleMs).toISOString() });
});
