import { clearPendingSignIn, readPendingSignIn } from "@/lib/auth/pending-sign-in";
import { secondFactorStep } from "@/lib/auth/sign-in";
import { codeSchema } from "@/lib/domain/accounts/schemas";
import { parseJson } from "@/lib/http/body";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { clientIp } from "@/lib/security/client-ip";
import { consumeRateLimit } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

export const POST = route(async (request) => {
  await consumeRateLimit("auth", `code:${clientIp(request.headers) ?? "unknown-client"}`);
  const { code } = await parseJson(request, codeSchema);
  const pending = await readPendingSignIn();
  if (!pending.userId || pending.stage !== "mfa") {
    throw new AppError("UNAUTHENTICATED", "Your sign-in timed out. Enter your email and password again.");
  }
  const ticket = await secondFactorStep(pending.userId, code);
  await clearPendingSignIn();
  return Response.json({ next: "ticket", ticket });
});
