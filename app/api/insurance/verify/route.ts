import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { sessionIdHeaderSchema, verifyRequestSchema } from "@/lib/domain/insurance/schemas";
import { verifyInsurance } from "@/lib/domain/insurance/verify-insurance";
import { parseJson } from "@/lib/http/body";
import { AppError } from "@/lib/http/errors";
import { namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * One eligibility check: `{sessionId, encryptedPayload, timestamp, patientConsent}` with the
 * X-Session-ID header. Stale, replayed or foreign payloads are refused; the answer names the
 * coverage and the check's reference number.
 */
export const POST = route(async (request) => {
  const header = sessionIdHeaderSchema.safeParse(request.headers.get("x-session-id"));
  const actor = await requireApiActorForResource(
    "insurance:own",
    namedResource("InsuranceSession", request.headers.get("x-session-id") ?? ""),
  );
  if (!header.success) throw new AppError("BAD_REQUEST", "Send the session id in the X-Session-ID header.");
  const body = await parseJson(request, verifyRequestSchema);
  const result = await runAs(actor, () => verifyInsurance(actor, header.data, body));
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
