import { runAs } from "@/lib/auth/current";
import { sendSignalSchema, signalsQuerySchema } from "@/lib/domain/video/schemas";
import { sendSignal, signalsFor } from "@/lib/domain/video/signals";
import { parseJson } from "@/lib/http/body";
import { validationError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { NO_STORE, requireRoomCaller } from "../room-party";

export const dynamic = "force-dynamic";

/** The other side's WebRTC signals after ?after= (the page fetches on each `video.signal` event). */
export const GET = route<{ visitId: string }>(
  async (request, { params }) => {
    const actor = await requireRoomCaller(params.visitId);
    const query = signalsQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw validationError(query.error);
    const page = await runAs(actor, () => signalsFor(actor, params.visitId, BigInt(query.data.after)));
    return Response.json(page, { headers: NO_STORE });
  },
  { limit: "conversationApi" },
);

/** Relays one signal (session description, ICE candidate, hello, bye) to the other side. */
export const POST = route<{ visitId: string }>(
  async (request, { params }) => {
    const actor = await requireRoomCaller(params.visitId);
    const signal = await parseJson(request, sendSignalSchema);
    const sent = await runAs(actor, () => sendSignal(actor, params.visitId, signal));
    return Response.json(sent, { status: 201, headers: NO_STORE });
  },
  { limit: "conversationApi" },
);
