// Rate limits stored in PostgreSQL (rate-limiter-flexible), so they hold across
// every app instance. RATE_LIMIT_STORE=memory serves the single-process
// embedded development database, whose one session a second pool would share.
//
// Limits protect without becoming a denial of service: guessing is stopped by
// the per-account lockout (lib/auth/lockout.ts); per-address limits count only
// failures where a success is the normal case, and a request whose address is
// unknown is never put in a bucket shared with everyone (see lib/security/client-ip.ts).
import "server-only";
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from "rate-limiter-flexible";
import { createDatabasePool } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import type { PointToSpend } from "@/lib/db/session-lookup";
import { AppError } from "@/lib/http/errors";

export const RATE_LIMITS = {
  /** General API: per signed-in user (verified session), or per client address when anonymous. */
  api: { points: 100, duration: 15 * 60 },
  /** Failed sign-in steps (wrong password or code) per client address; successes cost nothing. */
  signInFailures: { points: 10, duration: 15 * 60 },
  /** New patient accounts per client address (or per email when the address is unknown). */
  signUp: { points: 20, duration: 60 * 60 },
  /** Password reset emails per client address. */
  passwordResetRequest: { points: 10, duration: 60 * 60 },
  /** Password reset emails per email address, so nobody's inbox can be flooded. */
  passwordResetMail: { points: 3, duration: 60 * 60 },
  /** Choosing a new password from a reset link, per client address. */
  passwordResetConfirm: { points: 10, duration: 15 * 60 },
  /**
   * The API of conversations, per user: messaging and realtime (threads, typing, read marks, the
   * event stream) and the video room (its WebRTC signals). A conversation makes many small
   * requests, which would use up the general limit in minutes.
   */
  conversationApi: { points: 900, duration: 15 * 60 },
  /** Messages sent, per user. */
  messageSend: { points: 30, duration: 5 * 60 },
  uploads: { points: 20, duration: 60 * 60 },
  /** Insurance verification sessions opened, per client address (per patient when it is unknown). */
  insuranceSession: { points: 10, duration: 60 },
  /** Insurance checks sent to a payer, per patient: each one reaches the insurer. */
  insuranceVerify: { points: 20, duration: 60 * 60 },
  /** Password change, MFA changes, exports: per user. */
  sensitive: { points: 10, duration: 60 * 60 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

// One limiter per name per process, shared by every module graph Next builds.
const globalForLimits = globalThis as unknown as {
  havenRateLimiters?: Map<RateLimitName, RateLimiterAbstract>;
};

function limiter(name: RateLimitName): RateLimiterAbstract {
  globalForLimits.havenRateLimiters ??= new Map();
  const existing = globalForLimits.havenRateLimiters.get(name);
  if (existing) return existing;
  const env = getEnv();
  const options = { keyPrefix: name, ...RATE_LIMITS[name] };
  const created =
    env.RATE_LIMIT_STORE === "memory"
      ? new RateLimiterMemory(options)
      : new RateLimiterPostgres({
          ...options,
          // Every API request spends a point: a pool of its own, half the app's, so
          // limits never wait behind data queries (nor data queries behind them).
          // With the app's bounds and idle-error handling (a database restart must not crash the process).
          storeClient: createDatabasePool({
            url: env.DATABASE_URL,
            poolSize: Math.max(2, Math.ceil(env.DATABASE_POOL_SIZE / 2)),
            connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
            statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
          }),
          tableName: "rate_limits",
          tableCreated: true,
          clearExpiredByTimeout: false,
        });
  globalForLimits.havenRateLimiters.set(name, created);
  return created;
}

interface LimiterRejection {
  msBeforeNext: number;
  consumedPoints: number;
}

/**
 * rate-limiter-flexible rejects with a RateLimiterRes, which is not an Error.
 * The limiter may have been created by another module graph's copy of the
 * library, so the class is recognised by its shape, not with `instanceof`.
 */
export function isLimiterRejection(value: unknown): value is LimiterRejection {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as LimiterRejection).msBeforeNext === "number" &&
    typeof (value as LimiterRejection).consumedPoints === "number"
  );
}

function rateLimited(msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError("RATE_LIMITED", `Too many requests. Try again in ${formatWait(retryAfterSeconds)}.`, {
    retryAfterSeconds,
  });
}

/** Spends one point; over the limit it throws a 429 AppError carrying Retry-After. */
export async function consumeRateLimit(name: RateLimitName, key: string): Promise<void> {
  try {
    await limiter(name).consume(key);
  } catch (error) {
    if (isLimiterRejection(error)) throw rateLimited(error.msBeforeNext);
    throw error;
  }
}

/** For limits that count failures only: refuses once the failures are used up, spends nothing. */
export async function assertUnderLimit(name: RateLimitName, key: string): Promise<void> {
  const state = await limiter(name).get(key);
  if (state && state.consumedPoints >= RATE_LIMITS[name].points) throw rateLimited(state.msBeforeNext);
}

/** Counts one failure against a failures-only limit (never throws for being over it). */
export async function countFailure(name: RateLimitName, key: string): Promise<void> {
  await limiter(name).penalty(key, 1);
}

/**
 * A point of a per-user limit to spend inside the session lookup's statement
 * (lib/db/session-lookup.ts), or null when limits are kept in memory.
 */
export function perUserPointToSpend(name: RateLimitName, idleMs: number): PointToSpend | null {
  if (getEnv().RATE_LIMIT_STORE === "memory") return null;
  return { keyPrefix: `${name}:user:`, durationMs: RATE_LIMITS[name].duration * 1000, idleMs };
}

/** A 429 when a counter spent that way is over the limit. */
export function assertSpentWithinLimit(
  name: RateLimitName,
  spent: { points: number; expiresAtMs: number },
): void {
  if (spent.points > RATE_LIMITS[name].points) throw rateLimited(spent.expiresAtMs - Date.now());
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
