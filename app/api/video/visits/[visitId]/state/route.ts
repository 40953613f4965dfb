import { runAs } from "@/lib/auth/current";
import { roomStatus } from "@/lib/domain/video/room";
import { route } from "@/lib/http/route";
import { NO_STORE, requireRoomCaller } from "../room-party";

export const dynamic = "force-dynamic";

/** Where the room stands (waiting, admitted, ended; whether the patient is waiting). */
export const GET = route<{ visitId: string }>(
  async (_request, { params }) => {
    const actor = await requireRoomCaller(params.visitId);
    return Response.json(await runAs(actor, () => roomStatus(actor, params.visitId)), { headers: NO_STORE });
  },
  { limit: "conversationApi" },
);
