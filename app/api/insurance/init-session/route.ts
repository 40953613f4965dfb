import { z } from "zod";
import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { openVerificationSession } from "@/lib/domain/insurance/sessions";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { clientAddressKey } from "@/lib/security/client-ip";

export const dynamic = "force-dynamic";

/**
 * Opens an insurance verification session: a fresh key pair whose public half the browser
 * encrypts the member details to. Patients only (404 for anyone else); 10 a minute per address.
 */
export const POST = route(async (request) => {
  const actor = await requireApiActorForResource("insurance:own", { type: "InsuranceSession", id: null });
  // An empty JSON object: its content type needs a CORS preflight, so no other site can open sessions.
  await parseJson(request, z.object({}).strict());
  const session = await runAs(actor, () => openVerificationSession(actor, clientAddressKey(request.headers)));
  return Response.json(session, { status: 201, headers: { "cache-control": "no-store" } });
});
