import { z } from "zod";
import { runAs } from "@/lib/auth/current";
import { leaveRoom } from "@/lib/domain/video/room";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { NO_STORE, requireRoomCaller } from "../room-party";

export const dynamic = "force-dynamic";

/** The caller's room session leaves (a button, or the tab closing with a keep-alive request). */
export const POST = route<{ visitId: string }>(
  async (request, { params }) => {
    const actor = await requireRoomCaller(params.visitId);
    const { session } = await parseJson(
      request,
      z.object({ session: z.uuid({ error: "session must be this room's session id." }) }),
    );
    await runAs(actor, () => leaveRoom(actor, params.visitId, session));
    return Response.json({}, { headers: NO_STORE });
  },
  { limit: "conversationApi" },
);
