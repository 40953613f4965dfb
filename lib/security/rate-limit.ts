// Rate limits stored in PostgreSQL (rate-limiter-flexible), so they hold across
// every app instance. RATE_LIMIT_STORE=memory serves the single-process
// embedded development database, whose one session a second pool would share.
import "server-only";
import pg from "pg";
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";

export const RATE_LIMITS = {
  /** General API: per user, or per client address when anonymous. */
  api: { points: 100, duration: 15 * 60 },
  /** Sign-in, sign-up, password reset requests: per client address. */
  auth: { points: 5, duration: 15 * 60 },
  uploads: { points: 20, duration: 60 * 60 },
  /** Password change, MFA changes, exports: per user. */
  sensitive: { points: 10, duration: 60 * 60 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

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
          storeClient: new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 }),
          tableName: "rate_limits",
          tableCreated: true,
          clearExpiredByTimeout: false,
        });
  globalForLimits.havenRateLimiters.set(name, created);
  return created;
}

/** Spends one point; over the limit it throws a 429 AppError carrying Retry-After. */
export async function consumeRateLimit(name: RateLimitName, key: string): Promise<void> {
  try {
    await limiter(name).consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw new AppError("RATE_LIMITED", `Too many requests. Try again in ${formatWait(retryAfterSeconds)}.`, {
      retryAfterSeconds,
    });
  }
}

/** Gives a point back (a successful sign-in does not count against the address). */
export async function refundRateLimit(name: RateLimitName, key: string): Promise<void> {
  await limiter(name).reward(key, 1);
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
