import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { sessionIdHeaderSchema } from "@/lib/domain/insurance/schemas";
import { destroyVerificationSession } from "@/lib/domain/insurance/sessions";
import { AppError } from "@/lib/http/errors";
import { namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Destroys a verification session's keys at once (X-Session-ID); 404 if it is not the patient's or is gone. */
export const POST = route(async (request) => {
  const header = sessionIdHeaderSchema.safeParse(request.headers.get("x-session-id"));
  const actor = await requireApiActorForResource(
    "insurance:own",
    namedResource("InsuranceSession", request.headers.get("x-session-id") ?? ""),
  );
  if (!header.success) throw new AppError("BAD_REQUEST", "Send the session id in the X-Session-ID header.");
  await runAs(actor, () => destroyVerificationSession(actor, header.data));
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
});
