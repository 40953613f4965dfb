import { z } from "zod";
import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { issueVideoToken } from "@/lib/domain/video/issue-token";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * An Agora token for one visit's video room (POST with a JSON body: a token is never in a
 * URL or a cache). The visit's doctor and patient only, in the visit's window; 404 for anyone else.
 */
export const POST = route(async (request) => {
  const actor = await requireApiActorForResource("video:join", { type: "Appointment", id: null });
  const { visitId } = await parseJson(
    request,
    z.object({ visitId: z.uuid({ error: "visitId must be a visit id." }) }),
  );
  const token = await runAs(actor, () => issueVideoToken(actor, visitId));
  return Response.json(token, { headers: { "cache-control": "no-store" } });
});
