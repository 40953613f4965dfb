// Lockout: the main guard against guessing. Failed passwords and codes count
// against a key; at the threshold the key locks for a while.
//
// - An account's key is its email's blind index, counted whether or not an
//   account exists: a locked answer is the same for every email, so it tells
//   nobody which emails have accounts.
// - A browser where the account signed in before (a known device, see
//   known-devices.ts) counts against its own key instead, so someone guessing a
//   doctor's password from elsewhere cannot lock the doctor out of their own
//   browser (OWASP's "device cookies").
// - The owner is emailed a single-use unlock link; a password reset also unlocks.
// - Codes entered on a password reset link count against their own key.
import "server-only";
import { emailBlindIndex, getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";

export type LockKey = `account:${string}` | `device:${string}` | `reset:${string}`;

export const accountLockKey = (emailIndex: string): LockKey => `account:${emailIndex}`;
export const emailLockKey = (email: string): LockKey => accountLockKey(emailBlindIndex(email));
export const deviceLockKey = (deviceId: string): LockKey => `device:${deviceId}`;
/** Codes entered with a password reset link count separately: a lock caused by others must not block a reset. */
export const resetLockKey = (userId: string): LockKey => `reset:${userId}`;

export function lockedError(until: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new AppError(
    "LOCKED",
    `Too many failed attempts: signing in to this account is paused until ${until.toISOString().slice(11, 16)} UTC. ` +
      "If it is your account, we emailed you a link to unlock it now; resetting your password also unlocks it.",
    { retryAfterSeconds },
  );
}

/** When the key's lock ends, or null if it is not locked. */
export async function lockedUntil(key: LockKey): Promise<Date | null> {
  const row = await getDb().signInLockout.findUnique({ where: { key }, select: { lockedUntil: true } });
  return row?.lockedUntil && row.lockedUntil > new Date() ? row.lockedUntil : null;
}

export interface FailureOutcome {
  /** The end of the lock this key is under now, if any. */
  lockedUntil: Date | null;
  /** This failure is the one that locked it (exactly one of concurrent failures). */
  newlyLocked: boolean;
}

/** Counts one failure, atomically (parallel guesses all count); locks at the threshold. */
export async function registerFailure(key: LockKey): Promise<FailureOutcome> {
  const env = getEnv();
  const db = getDb();
  const now = new Date();
  const row = await db.signInLockout.upsert({
    where: { key },
    create: { key, failedCount: 1 },
    update: { failedCount: { increment: 1 } },
    select: { failedCount: true, lockedUntil: true },
  });
  if (row.lockedUntil && row.lockedUntil > now) return { lockedUntil: row.lockedUntil, newlyLocked: false };
  if (row.failedCount < env.SIGN_IN_LOCKOUT_THRESHOLD) return { lockedUntil: null, newlyLocked: false };
  const until = new Date(now.getTime() + env.SIGN_IN_LOCKOUT_MINUTES * 60_000);
  const { count } = await db.signInLockout.updateMany({
    where: { key, failedCount: { gte: env.SIGN_IN_LOCKOUT_THRESHOLD } },
    data: { failedCount: 0, lockedUntil: until },
  });
  return { lockedUntil: until, newlyLocked: count === 1 };
}

/** A success, an unlock link or a password reset: the count and any lock end. */
export async function clearFailures(key: LockKey): Promise<void> {
  await getDb().signInLockout.deleteMany({ where: { key } });
}
