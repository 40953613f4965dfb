import { z } from "zod";
import { requireApiActor, runAs } from "@/lib/auth/current";
import { authorizeChannel } from "@/lib/domain/messaging/realtime";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { signPusherSubscription } from "@/lib/integrations/pusher/server";
import { realtimeTransport } from "@/lib/realtime/config";

export const dynamic = "force-dynamic";

// pusher-js posts application/x-www-form-urlencoded: socket_id and channel_name.
const subscriptionSchema = z.object({
  socket_id: z.string().regex(/^\d+\.\d+$/, { error: "socket_id is not a Pusher socket id." }),
  channel_name: z.string().min(1).max(200),
});

/** Pusher channel authorization: the user's own private channel, or a thread's presence channel they belong to. */
export const POST = route(
  async (request) => {
    const actor = await requireApiActor("messages:use");
    if (realtimeTransport() !== "pusher")
      throw new AppError("NOT_FOUND", "Pusher is not used on this server.");
    if (!(request.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
      throw new AppError("BAD_REQUEST", "Send socket_id and channel_name as a form.");
    }
    const form = new URLSearchParams(await request.text());
    const parsed = subscriptionSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("BAD_REQUEST", "Send socket_id and channel_name.");
    const { socket_id: socketId, channel_name: channel } = parsed.data;
    const { presence } = await runAs(actor, () => authorizeChannel(actor, channel));
    const body = signPusherSubscription(socketId, channel, presence ?? undefined);
    return Response.json(body, { headers: { "cache-control": "no-store" } });
  },
  { limit: "conversationApi" },
);
