// Forced authenticator enrolment for doctors and admins at their first sign-in.
import { clearPendingSignIn, readPendingSignIn } from "@/lib/auth/pending-sign-in";
import { enrolmentStep } from "@/lib/auth/sign-in";
import { newTotpSecret, totpEnrolment } from "@/lib/auth/totp";
import { codeSchema } from "@/lib/domain/accounts/schemas";
import { parseJson } from "@/lib/http/body";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

async function pendingEnrolment() {
  const pending = await readPendingSignIn();
  if (!pending.userId || pending.stage !== "enrol") {
    throw new AppError("UNAUTHENTICATED", "Your sign-in timed out. Enter your email and password again.");
  }
  return pending;
}

export const GET = route(async () => {
  const pending = await pendingEnrolment();
  pending.enrolSecret ??= newTotpSecret();
  await pending.save();
  return Response.json(await totpEnrolment(pending.enrolSecret, "Haven account"));
});

export const POST = route(async (request) => {
  const { code } = await parseJson(request, codeSchema);
  const pending = await pendingEnrolment();
  if (!pending.enrolSecret) throw new AppError("BAD_REQUEST", "Load the setup key first.");
  const result = await enrolmentStep(pending.userId!, pending.enrolSecret, code);
  await clearPendingSignIn();
  return Response.json({ next: "ticket", ...result });
});
