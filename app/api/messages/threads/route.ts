import { requireApiActor, runAs } from "@/lib/auth/current";
import { openThread } from "@/lib/domain/messaging/open-thread";
import { inboxOf } from "@/lib/domain/messaging/queries";
import { openThreadSchema } from "@/lib/domain/messaging/schemas";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";
const NO_STORE = { "cache-control": "no-store" };

/** The actor's threads with unread counts. */
export const GET = route(
  async () => {
    const actor = await requireApiActor("messages:use");
    return Response.json(await runAs(actor, () => inboxOf(actor)), { headers: NO_STORE });
  },
  { limit: "conversationApi" },
);

/** Opens (or finds) the thread with someone the actor shares a confirmed visit with; 404 otherwise. */
export const POST = route(
  async (request) => {
    const actor = await requireApiActor("messages:use");
    const { counterpartId } = await parseJson(request, openThreadSchema);
    const id = await runAs(actor, () => openThread(actor, counterpartId));
    return Response.json({ thread: { id } }, { headers: NO_STORE });
  },
  { limit: "conversationApi" },
);
