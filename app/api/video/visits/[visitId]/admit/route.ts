import { z } from "zod";
import { runAs } from "@/lib/auth/current";
import { admitPatient } from "@/lib/domain/video/room";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { NO_STORE, requireRoomCaller } from "../room-party";

export const dynamic = "force-dynamic";

/** The doctor admits the waiting patient: the visit is in progress. */
export const POST = route<{ visitId: string }>(async (request, { params }) => {
  const actor = await requireRoomCaller(params.visitId);
  await parseJson(request, z.object({}));
  return Response.json(await runAs(actor, () => admitPatient(actor, params.visitId)), { headers: NO_STORE });
});
