// Signing in: password, then (doctors, admins, and patients who enabled it) a
// second factor, then a single-use ticket that next-auth exchanges for a
// server-side session. Every attempt is audited; failures say nothing about
// whether the email has an account.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { runAsActor, runAsSystem } from "@/lib/request-context";
import { consumeAuthToken, issueAuthToken } from "./auth-tokens";
import { assertNotLocked, clearFailedAttempts, lockedError, registerFailedAttempt } from "./lockout";
import { burnPasswordCheck, verifyPassword } from "./password";
import { acceptSecondFactor, activateAuthenticator } from "./second-factor";
import { createSession } from "./sessions";

export const SIGN_IN_FAILED = "Email or password is incorrect.";
const MFA_REQUIRED_ROLES: readonly Role[] = ["DOCTOR", "ADMIN"];

export type PasswordStepResult =
  { next: "ticket"; ticket: string } | { next: "mfa"; userId: string } | { next: "enrol"; userId: string };

const signInAudit = (outcome: "SUCCESS" | "FAILURE" | "DENIED", userId: string | null, reason: string) =>
  recordAuditEvent({
    action: "auth.sign-in",
    resourceType: "User",
    resourceId: userId,
    outcome,
    details: { reason },
  });

export async function passwordStep(email: string, password: string): Promise<PasswordStepResult> {
  return runAsSystem("auth.sign-in", async () => {
    const user = await getDb().user.findFirst({
      where: { email },
      select: {
        id: true,
        role: true,
        status: true,
        passwordHash: true,
        emailVerifiedAt: true,
        failedSignInCount: true,
        lockedUntil: true,
        mfaEnabledAt: true,
      },
    });
    if (!user?.passwordHash || user.status !== "ACTIVE") {
      await burnPasswordCheck(password);
      await signInAudit("FAILURE", user?.id ?? null, user ? "inactive" : "unknown-email");
      throw new AppError("UNAUTHENTICATED", SIGN_IN_FAILED);
    }
    if (user.lockedUntil && user.lockedUntil > new Date()) {
      await signInAudit("DENIED", user.id, "locked");
      throw lockedError(user.lockedUntil);
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      const lockedUntil = await registerFailedAttempt(user.id);
      await signInAudit("FAILURE", user.id, "wrong-password");
      throw lockedUntil ? lockedError(lockedUntil) : new AppError("UNAUTHENTICATED", SIGN_IN_FAILED);
    }
    if (!user.emailVerifiedAt) {
      await signInAudit("DENIED", user.id, "email-unverified");
      throw new AppError("FORBIDDEN", "Confirm your email address first: open the link we sent you.");
    }
    await clearFailedAttempts(user);
    if (user.mfaEnabledAt) return { next: "mfa", userId: user.id };
    if (MFA_REQUIRED_ROLES.includes(user.role)) return { next: "enrol", userId: user.id };
    return { next: "ticket", ticket: await issueAuthToken("SIGN_IN_TICKET", user.id) };
  });
}

/** Second step: a TOTP code (accepted once) or an unused recovery code. */
export async function secondFactorStep(userId: string, code: string): Promise<string> {
  return runAsSystem("auth.sign-in", async () => {
    const user = await getDb().user.findUnique({
      where: { id: userId },
      select: {
        id: true,
        status: true,
        mfaSecret: true,
        mfaLastTimeStep: true,
        failedSignInCount: true,
        lockedUntil: true,
      },
    });
    if (!user?.mfaSecret || user.status !== "ACTIVE")
      throw new AppError("UNAUTHENTICATED", "Start signing in again.");
    assertNotLocked(user);

    const accepted = await acceptSecondFactor({ ...user, mfaSecret: user.mfaSecret }, code);
    if (!accepted) {
      const lockedUntil = await registerFailedAttempt(user.id);
      await signInAudit("FAILURE", user.id, "wrong-code");
      throw lockedUntil
        ? lockedError(lockedUntil)
        : new AppError("UNAUTHENTICATED", "That code is not valid. Codes work once.");
    }
    await clearFailedAttempts(user);
    return issueAuthToken("SIGN_IN_TICKET", user.id);
  });
}

/** Forced enrolment at first sign-in: the code proves the authenticator works; returns a ticket and recovery codes. */
export async function enrolmentStep(userId: string, secret: string, code: string) {
  return runAsSystem("auth.mfa-enrolment", async () => {
    const recoveryCodes = await activateAuthenticator(userId, secret, code);
    return { ticket: await issueAuthToken("SIGN_IN_TICKET", userId), recoveryCodes };
  });
}

export interface SignedInUser {
  id: string;
  role: Role;
  sessionId: string;
}

/** next-auth's authorize(): a valid ticket becomes a server-side session. */
export async function exchangeTicket(
  ticket: string,
  client: { ip: string | null; userAgent: string | null },
): Promise<SignedInUser | null> {
  return runAsSystem("auth.sign-in", async () => {
    const userId = await consumeAuthToken("SIGN_IN_TICKET", ticket);
    if (!userId) return null;
    const user = await getDb().user.findUnique({
      where: { id: userId },
      select: { id: true, role: true, status: true },
    });
    if (!user || user.status !== "ACTIVE") return null;
    const session = await createSession(user.id, client);
    await runAsActor({ kind: "user", userId: user.id, role: user.role }, () =>
      recordAuditEvent({
        action: "auth.sign-in",
        resourceType: "Session",
        resourceId: session.id,
        details: { reason: "ok" },
      }),
    );
    return { id: user.id, role: user.role, sessionId: session.id };
  });
}
