import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { threadViewOf } from "@/lib/domain/messaging/queries";
import { threadPageSchema } from "@/lib/domain/messaging/schemas";
import { AppError } from "@/lib/http/errors";
import { isUuid, namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** A page of a thread's messages (the latest, or ?before= / ?after= a message); 404 for anyone but its parties. */
export const GET = route<{ threadId: string }>(
  async (request, { params }) => {
    const resource = namedResource("MessageThread", params.threadId);
    const actor = await requireApiActorForResource("messages:use", resource);
    const search = new URL(request.url).searchParams;
    const page = threadPageSchema.safeParse({
      before: search.get("before") ?? undefined,
      after: search.get("after") ?? undefined,
    });
    if (!page.success) throw new AppError("BAD_REQUEST", "before and after must be message ids.");
    const view = await runAs(actor, () =>
      isUuid(params.threadId)
        ? threadViewOf(actor, params.threadId, page.data)
        : refuseAsNotFound(resource.type, resource.id),
    );
    return Response.json(view, { headers: { "cache-control": "no-store" } });
  },
  { limit: "conversationApi" },
);
