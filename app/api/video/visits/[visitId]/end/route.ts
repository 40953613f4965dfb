import { z } from "zod";
import { runAs } from "@/lib/auth/current";
import { endVisit } from "@/lib/domain/video/room";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { NO_STORE, requireRoomCaller } from "../room-party";

export const dynamic = "force-dynamic";

/** The doctor ends the visit: it is completed. */
export const POST = route<{ visitId: string }>(async (request, { params }) => {
  const actor = await requireRoomCaller(params.visitId);
  await parseJson(request, z.object({}));
  return Response.json(await runAs(actor, () => endVisit(actor, params.visitId)), { headers: NO_STORE });
});
