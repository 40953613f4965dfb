import { z } from "zod";
import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { sendMessage } from "@/lib/domain/messaging/send-message";
import { parseJson } from "@/lib/http/body";
import { isUuid, namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// The service validates the fields (and says which is wrong); here only the shape.
const bodySchema = z.object({
  id: z.unknown(),
  body: z.unknown().optional(),
  documentId: z.unknown().optional(),
});

/** Sends a message (201), or answers a repeat of an id already sent with that message (200). */
export const POST = route<{ threadId: string }>(
  async (request, { params }) => {
    const resource = namedResource("MessageThread", params.threadId);
    const actor = await requireApiActorForResource("messages:use", resource);
    const input = await parseJson(request, bodySchema);
    const sent = await runAs(actor, () =>
      isUuid(params.threadId)
        ? sendMessage(actor, params.threadId, input as Parameters<typeof sendMessage>[2])
        : refuseAsNotFound(resource.type, resource.id),
    );
    return Response.json(
      { message: sent.message },
      { status: sent.created ? 201 : 200, headers: { "cache-control": "no-store" } },
    );
  },
  { limit: "conversationApi" },
);
