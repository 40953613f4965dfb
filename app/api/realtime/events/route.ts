import { requireApiActor, runAs } from "@/lib/auth/current";
import { presenceAudienceOf } from "@/lib/domain/messaging/realtime";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { realtimeTransport } from "@/lib/realtime/config";
import { openEventStream } from "@/lib/realtime/event-stream";

export const dynamic = "force-dynamic";

/** The built-in transport: this user's events as Server-Sent Events (ids and names only). */
export const GET = route(
  async (request) => {
    const actor = await requireApiActor("messages:use");
    if (realtimeTransport() !== "builtin") {
      throw new AppError("NOT_FOUND", "Realtime events come through Pusher on this server.");
    }
    return runAs(actor, () => openEventStream(request, actor, { presenceAudience: presenceAudienceOf }));
  },
  { limit: "conversationApi" },
);
