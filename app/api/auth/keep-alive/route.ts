import { requireApiActor } from "@/lib/auth/current";
import { extendSession } from "@/lib/auth/sessions";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** "Stay signed in": counts as activity and returns the seconds until the session would end. */
export const POST = route(async () => {
  const actor = await requireApiActor();
  const idleExpiresAt = await extendSession(actor.sessionId);
  return Response.json({ secondsLeft: Math.floor((idleExpiresAt.getTime() - Date.now()) / 1000) });
});
