import { z } from "zod";
import { runAs } from "@/lib/auth/current";
import { joinRoom } from "@/lib/domain/video/room";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { NO_STORE, requireRoomCaller } from "../room-party";

export const dynamic = "force-dynamic";

/** Enters the visit's video room: a session, the room's state and how to connect (ICE servers or an Agora token). */
export const POST = route<{ visitId: string }>(async (request, { params }) => {
  const actor = await requireRoomCaller(params.visitId);
  await parseJson(request, z.object({}));
  return Response.json(await runAs(actor, () => joinRoom(actor, params.visitId)), { headers: NO_STORE });
});
