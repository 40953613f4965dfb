import { startPendingSignIn, clearPendingSignIn } from "@/lib/auth/pending-sign-in";
import { passwordStep } from "@/lib/auth/sign-in";
import { signInSchema } from "@/lib/domain/accounts/schemas";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { clientIp } from "@/lib/security/client-ip";
import { consumeRateLimit, refundRateLimit } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

export const POST = route(async (request) => {
  const throttleKey = clientIp(request.headers) ?? "unknown-client";
  await consumeRateLimit("auth", throttleKey);
  const { email, password } = await parseJson(request, signInSchema);
  const result = await passwordStep(email, password);
  await refundRateLimit("auth", throttleKey);
  if (result.next === "ticket") {
    await clearPendingSignIn();
    return Response.json({ next: "ticket", ticket: result.ticket });
  }
  await startPendingSignIn({ userId: result.userId, stage: result.next });
  return Response.json({ next: result.next });
});
