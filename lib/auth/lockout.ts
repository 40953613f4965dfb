// Account lockout: failed passwords and codes count against the account; at
// the threshold it locks for a while, and the answer says until when.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";

export function lockedError(until: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new AppError(
    "LOCKED",
    `Too many failed attempts: this account is locked until ${until.toISOString().slice(11, 16)} UTC. Try again then, or reset your password.`,
    { retryAfterSeconds },
  );
}

export function assertNotLocked(user: { lockedUntil: Date | null }): void {
  if (user.lockedUntil && user.lockedUntil > new Date()) throw lockedError(user.lockedUntil);
}

/** Counts one failure (atomically, so parallel guesses all count); returns the lock's end when this one locked it. */
export async function registerFailedAttempt(userId: string): Promise<Date | null> {
  const env = getEnv();
  const { failedSignInCount } = await getDb().user.update({
    where: { id: userId },
    data: { failedSignInCount: { increment: 1 } },
    select: { failedSignInCount: true },
  });
  if (failedSignInCount < env.SIGN_IN_LOCKOUT_THRESHOLD) return null;
  const lockedUntil = new Date(Date.now() + env.SIGN_IN_LOCKOUT_MINUTES * 60_000);
  await getDb().user.update({ where: { id: userId }, data: { failedSignInCount: 0, lockedUntil } });
  await recordAuditEvent({
    action: "auth.lockout",
    resourceType: "User",
    resourceId: userId,
    outcome: "DENIED",
  });
  return lockedUntil;
}

export async function clearFailedAttempts(user: {
  id: string;
  failedSignInCount: number;
  lockedUntil: Date | null;
}) {
  if (user.failedSignInCount > 0 || user.lockedUntil) {
    await getDb().user.update({ where: { id: user.id }, data: { failedSignInCount: 0, lockedUntil: null } });
  }
}
