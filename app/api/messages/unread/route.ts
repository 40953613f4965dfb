import { requireApiActor, runAs } from "@/lib/auth/current";
import { unreadTotalOf } from "@/lib/domain/messaging/queries";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** How many messages wait unread (the navigation's badge): a count, no names or text. */
export const GET = route(
  async () => {
    const actor = await requireApiActor("messages:use");
    const unreadTotal = await runAs(actor, () => unreadTotalOf(actor));
    return Response.json({ unreadTotal }, { headers: { "cache-control": "no-store" } });
  },
  { limit: "conversationApi" },
);
