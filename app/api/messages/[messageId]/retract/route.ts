import { z } from "zod";
import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { parseJson } from "@/lib/http/body";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { retractMessage } from "@/lib/domain/messaging/retract-message";
import { isUuid, namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The sender takes a message back within 5 minutes (its text is removed; a marker stays). */
export const POST = route<{ messageId: string }>(
  async (request, { params }) => {
    const resource = namedResource("Message", params.messageId);
    const actor = await requireApiActorForResource("messages:use", resource);
    // An (empty) JSON body: a cross-site form cannot send one without a CORS preflight.
    await parseJson(request, z.object({}));
    const message = await runAs(actor, () =>
      isUuid(params.messageId)
        ? retractMessage(actor, params.messageId)
        : refuseAsNotFound(resource.type, resource.id),
    );
    return Response.json({ message }, { headers: { "cache-control": "no-store" } });
  },
  { limit: "conversationApi" },
);
