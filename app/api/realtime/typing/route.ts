import { z } from "zod";
import { requireApiActor, runAs } from "@/lib/auth/current";
import { announceTyping } from "@/lib/domain/messaging/realtime";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** "Typing…" to the other party of a thread (the browser sends it at most every 3 s). */
export const POST = route(
  async (request) => {
    const actor = await requireApiActor("messages:use");
    const { threadId } = await parseJson(request, z.object({ threadId: z.uuid() }));
    await runAs(actor, () => announceTyping(actor, threadId));
    return new Response(null, { status: 204 });
  },
  { limit: "conversationApi" },
);
