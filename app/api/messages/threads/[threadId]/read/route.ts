import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { markThreadRead } from "@/lib/domain/messaging/mark-read";
import { markReadSchema } from "@/lib/domain/messaging/schemas";
import { parseJson } from "@/lib/http/body";
import { isUuid, namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Marks the other party's messages read up to one (`upTo`). */
export const POST = route<{ threadId: string }>(
  async (request, { params }) => {
    const resource = namedResource("MessageThread", params.threadId);
    const actor = await requireApiActorForResource("messages:use", resource);
    const { upTo } = await parseJson(request, markReadSchema);
    const result = await runAs(actor, () =>
      isUuid(params.threadId)
        ? markThreadRead(actor, params.threadId, upTo)
        : refuseAsNotFound(resource.type, resource.id),
    );
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
  { limit: "conversationApi" },
);
