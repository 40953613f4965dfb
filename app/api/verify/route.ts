import { normalizeVerificationCode } from "@/lib/domain/prescriptions/verification-code";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * The /verify form posts here and is sent on to /verify/<code> (303), so the
 * form works without JavaScript and without a GET form. The code names no one.
 */
export const POST = route(async (request) => {
  const form = await request.formData().catch(() => null);
  const typed = form?.get("code");
  const code = typeof typed === "string" ? normalizeVerificationCode(typed.trim()) : null;
  return new Response(null, {
    status: 303,
    headers: { location: code ? `/verify/${code}` : "/verify/unknown", "cache-control": "no-store" },
  });
});
