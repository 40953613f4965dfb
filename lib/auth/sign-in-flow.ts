// The sign-in form's steps as one server action: each POST names its step, the
// server keeps the truth (a sealed cookie between steps, never the posted
// state), and the answer is the next screen. It works the same with or without
// JavaScript (React posts the form as multipart, method="post"): no password
// ever travels in a URL.
import "server-only";
import { headers } from "next/headers";
import { z } from "zod";
import { codeSchema, signInSchema } from "@/lib/domain/accounts/schemas";
import { AppError } from "@/lib/http/errors";
import { failure } from "@/lib/http/form-state";
import { clientAddressKey, clientIp } from "@/lib/security/client-ip";
import { readKnownDevices, rememberDevice } from "./known-devices";
import { clearPendingSignIn, readPendingSignIn, startPendingSignIn } from "./pending-sign-in";
import { setSessionCookie } from "./session-cookie";
import type { SignInState } from "./sign-in-state";
import { type SignInClient, enrolmentStep, passwordStep, secondFactorStep, startSession } from "./sign-in";
import { newTotpSecret, totpEnrolment } from "./totp";

export type SignInOutcome = SignInState | { step: "signed-in" };

const stepSchema = z.enum(["password", "mfa", "enrol"], { error: "Start signing in again." });
const TIMED_OUT = "Your sign-in timed out. Enter your email and password again.";

async function signInClient(): Promise<SignInClient & { ip: string | null; userAgent: string | null }> {
  const requestHeaders = await headers();
  return {
    addressKey: clientAddressKey(requestHeaders),
    ip: clientIp(requestHeaders),
    userAgent: requestHeaders.get("user-agent"),
    knownDevices: await readKnownDevices(),
  };
}

async function beginSession(userId: string, client: { ip: string | null; userAgent: string | null }) {
  const user = await startSession(userId, client);
  await setSessionCookie({ sessionId: user.sessionId, userId: user.id, role: user.role });
  await rememberDevice(user.id);
  await clearPendingSignIn();
}

async function enrolmentScreen(pendingSecret: string | undefined) {
  const secret = pendingSecret ?? newTotpSecret();
  const { qrDataUrl } = await totpEnrolment(secret, "Haven account");
  return { secret, qrDataUrl };
}

async function passwordSubmitted(form: FormData): Promise<SignInOutcome> {
  const { email, password } = signInSchema.parse(Object.fromEntries(form));
  const client = await signInClient();
  const result = await passwordStep(email, password, client);
  if (result.next === "session") {
    await beginSession(result.userId, client);
    return { step: "signed-in" };
  }
  if (result.next === "mfa") {
    await startPendingSignIn({ userId: result.userId, stage: "mfa" });
    return { ok: true, step: "mfa" };
  }
  const enrolment = await enrolmentScreen(undefined);
  await startPendingSignIn({ userId: result.userId, stage: "enrol", enrolSecret: enrolment.secret });
  return { ok: true, step: "enrol", enrolment };
}

async function codeSubmitted(form: FormData): Promise<SignInOutcome> {
  const pending = await readPendingSignIn();
  if (!pending.userId || pending.stage !== "mfa") throw new AppError("UNAUTHENTICATED", TIMED_OUT);
  const { code } = codeSchema.parse(Object.fromEntries(form));
  const client = await signInClient();
  await secondFactorStep(pending.userId, code, client);
  await beginSession(pending.userId, client);
  return { step: "signed-in" };
}

async function enrolmentSubmitted(form: FormData): Promise<SignInOutcome> {
  const pending = await readPendingSignIn();
  if (!pending.userId || pending.stage !== "enrol" || !pending.enrolSecret) {
    throw new AppError("UNAUTHENTICATED", TIMED_OUT);
  }
  const { code } = codeSchema.parse(Object.fromEntries(form));
  const recoveryCodes = await enrolmentStep(pending.userId, pending.enrolSecret, code);
  await beginSession(pending.userId, await signInClient());
  return {
    ok: true,
    step: "recovery-codes",
    message: "Two-step sign-in is set up.",
    recoveryCodes,
  };
}

/** One submitted step of the sign-in form; a failure stays on its step with a specific message. */
export async function advanceSignIn(form: FormData): Promise<SignInOutcome> {
  const parsedStep = stepSchema.safeParse(form.get("step"));
  const step = parsedStep.success ? parsedStep.data : "password";
  const typedEmail = form.get("email");
  const email = typeof typedEmail === "string" ? typedEmail.slice(0, 254) : "";
  try {
    if (!parsedStep.success) throw new AppError("BAD_REQUEST", TIMED_OUT);
    if (step === "password") return await passwordSubmitted(form);
    if (step === "mfa") return await codeSubmitted(form);
    return await enrolmentSubmitted(form);
  } catch (error) {
    const state = failure(error, step === "password" ? { email } : {});
    const timedOut = AppError.is(error) && error.code === "UNAUTHENTICATED" && error.message === TIMED_OUT;
    if (timedOut || step === "password") return { ...state, step: "password" };
    if (step === "mfa") return { ...state, step };
    const pending = await readPendingSignIn();
    return { ...state, step, enrolment: await enrolmentScreen(pending.enrolSecret) };
  }
}
