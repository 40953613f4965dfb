import { requireApiActor } from "@/lib/auth/current";
import { extendSession, sessionPolicy } from "@/lib/auth/sessions";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** "Stay signed in": counts as activity and returns the seconds until the idle timeout. */
export const POST = route(async () => {
  const actor = await requireApiActor();
  await extendSession(actor.sessionId);
  return Response.json({ secondsLeft: Math.floor(sessionPolicy().idleMs / 1000) });
});
