// Signing in: password, then (doctors, admins, and patients who enabled it) a
// second factor, then a server-side session. Every attempt is audited.
//
// Failures say nothing about whether an email has an account: unknown emails,
// inactive accounts and wrong passwords take the same steps (a user lookup, a
// lock lookup, one Argon2 verification, a failure count per email) and get the
// same answer, and after enough failures every email gets the same lock answer.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { runAsActor, runAsSystem } from "@/lib/request-context";
import { assertUnderLimit, countFailure } from "@/lib/security/rate-limit";
import type { KnownDevice } from "./known-devices";
import {
  type LockKey,
  accountLockKey,
  clearFailures,
  deviceLockKey,
  emailLockKey,
  lockedError,
  lockedUntil,
  registerFailure,
} from "./lockout";
import { notifyAccountLocked } from "./unlock";
import { burnPasswordCheck, verifyPassword } from "./password";
import { acceptSecondFactor, activateAuthenticator } from "./second-factor";
import { createSession } from "./sessions";

export const SIGN_IN_FAILED = "Email or password is incorrect.";
const MFA_REQUIRED_ROLES: readonly Role[] = ["DOCTOR", "ADMIN"];

/** What the sign-in steps know about the browser asking. */
export interface SignInClient {
  /** Rate-limit key of the client's address (lib/security/client-ip.ts), or null when unknown. */
  addressKey: string | null;
  /** Accounts this browser signed in to before (known-devices.ts). */
  knownDevices: readonly KnownDevice[];
}

export type PasswordStepResult =
  { next: "session"; userId: string } | { next: "mfa"; userId: string } | { next: "enrol"; userId: string };

const signInAudit = (outcome: "SUCCESS" | "FAILURE" | "DENIED", userId: string | null, reason: string) =>
  recordAuditEvent({
    action: "auth.sign-in",
    resourceType: "User",
    resourceId: userId,
    outcome,
    details: { reason },
  });

/** The lock this browser's attempts for this account count against. */
function lockKeyFor(client: SignInClient, userId: string | undefined, accountKey: LockKey): LockKey {
  const known = userId ? client.knownDevices.find((device) => device.userId === userId) : undefined;
  return known ? deviceLockKey(known.deviceId) : accountKey;
}

/**
 * A failed step: counts against the lock and the client's address, audits, and
 * answers 401, or 423 once locked. The owner hears of a new account lock by email.
 */
async function failedStep(
  lockKey: LockKey,
  client: SignInClient,
  userId: string | null,
  reason: string,
  message: string,
): Promise<never> {
  const outcome = await registerFailure(lockKey);
  if (client.addressKey) await countFailure("signInFailures", client.addressKey);
  await signInAudit("FAILURE", userId, reason);
  if (outcome.newlyLocked) {
    await recordAuditEvent({
      action: "auth.lockout",
      resourceType: "User",
      resourceId: userId,
      outcome: "DENIED",
      details: { scope: lockKey.startsWith("device:") ? "browser" : "account" },
    });
    if (userId && lockKey.startsWith("account:")) notifyAccountLocked(userId, outcome.lockedUntil!);
  }
  throw outcome.lockedUntil ? lockedError(outcome.lockedUntil) : new AppError("UNAUTHENTICATED", message);
}

export async function passwordStep(
  email: string,
  password: string,
  client: SignInClient,
): Promise<PasswordStepResult> {
  return runAsSystem("auth.sign-in", async () => {
    if (client.addressKey) await assertUnderLimit("signInFailures", client.addressKey);
    const found = await getDb().user.findFirst({
      where: { email },
      select: {
        id: true,
        role: true,
        status: true,
        passwordHash: true,
        emailVerifiedAt: true,
        mfaEnabledAt: true,
      },
    });
    const user =
      found?.passwordHash && found.status === "ACTIVE"
        ? { ...found, passwordHash: found.passwordHash }
        : null;
    const lockKey = lockKeyFor(client, user?.id, emailLockKey(email));
    const [locked, passwordOk] = await Promise.all([
      lockedUntil(lockKey),
      user ? verifyPassword(user.passwordHash, password) : burnPasswordCheck(password).then(() => false),
    ]);
    if (locked) {
      await signInAudit("DENIED", found?.id ?? null, "locked");
      throw lockedError(locked);
    }
    if (!user || !passwordOk) {
      const reason = !found ? "unknown-email" : !user ? "inactive" : "wrong-password";
      return failedStep(lockKey, client, found?.id ?? null, reason, SIGN_IN_FAILED);
    }
    if (!user.emailVerifiedAt) {
      await signInAudit("DENIED", user.id, "email-unverified");
      throw new AppError("FORBIDDEN", "Confirm your email address first: open the link we sent you.");
    }
    await clearFailures(lockKey);
    if (user.mfaEnabledAt) return { next: "mfa", userId: user.id };
    if (MFA_REQUIRED_ROLES.includes(user.role)) return { next: "enrol", userId: user.id };
    return { next: "session", userId: user.id };
  });
}

/** Second step: a TOTP code (accepted once) or an unused recovery code. */
export async function secondFactorStep(userId: string, code: string, client: SignInClient): Promise<void> {
  return runAsSystem("auth.sign-in", async () => {
    if (client.addressKey) await assertUnderLimit("signInFailures", client.addressKey);
    const user = await getDb().user.findUnique({
      where: { id: userId },
      select: { id: true, status: true, emailIndex: true, mfaSecret: true, mfaLastTimeStep: true },
    });
    if (!user?.mfaSecret || !user.emailIndex || user.status !== "ACTIVE") {
      throw new AppError("UNAUTHENTICATED", "Start signing in again.");
    }
    const lockKey = lockKeyFor(client, user.id, accountLockKey(user.emailIndex));
    const locked = await lockedUntil(lockKey);
    if (locked) {
      await signInAudit("DENIED", user.id, "locked");
      throw lockedError(locked);
    }
    if (!(await acceptSecondFactor({ ...user, mfaSecret: user.mfaSecret }, code))) {
      return failedStep(lockKey, client, user.id, "wrong-code", "That code is not valid. Codes work once.");
    }
    await clearFailures(lockKey);
  });
}

/** Forced enrolment at first sign-in: the code proves the authenticator works; returns recovery codes. */
export async function enrolmentStep(userId: string, secret: string, code: string): Promise<string[]> {
  return runAsSystem("auth.mfa-enrolment", () => activateAuthenticator(userId, secret, code));
}

export interface SignedInUser {
  id: string;
  role: Role;
  sessionId: string;
}

/** The last step: every factor passed, so a server-side session begins. */
export async function startSession(
  userId: string,
  client: { ip: string | null; userAgent: string | null },
): Promise<SignedInUser> {
  return runAsSystem("auth.sign-in", async () => {
    const user = await getDb().user.findUnique({
      where: { id: userId },
      select: { id: true, role: true, status: true },
    });
    if (!user || user.status !== "ACTIVE") throw new AppError("UNAUTHENTICATED", "Start signing in again.");
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
