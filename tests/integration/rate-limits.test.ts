import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POST as keepAlive } from "@/app/api/auth/keep-alive/route";
import { resetEnvCache } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { RATE_LIMITS, consumeRateLimit } from "@/lib/security/rate-limit";

const randomIp = () => `10.${[1, 2, 3].map(() => randomBytes(1)[0]! % 250).join(".")}`;

function keepAliveFrom(address: string, cookie?: string) {
  const headers: Record<string, string> = { "x-forwarded-for": `203.0.113.9, ${address}` };
  if (cookie) headers.cookie = cookie;
  return keepAlive(new Request("http://localhost/api/auth/keep-alive", { method: "POST", headers }), {
    params: Promise.resolve({}),
  });
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.stubEnv("NODE_ENV", "test");
  resetEnvCache();
});

describe("the general API limit", () => {
  it("is decided on a verified session: a junk session cookie counts against the client's address", async () => {
    vi.stubEnv("TRUST_PROXY", "true");
    resetEnvCache();
    const address = randomIp();
    for (let i = 0; i < RATE_LIMITS.api.points; i += 1) {
      expect((await keepAliveFrom(address, "haven.session=x")).status).toBe(401);
    }
    const limited = await keepAliveFrom(address, "haven.session=another-junk-value");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await keepAliveFrom(randomIp())).status).toBe(401);
  });

  it("answers 429 with Retry-After even when the limiter was created by another copy of the library", async () => {
    // Next bundles server code into several module graphs; a limiter created by one
    // rejects with its own RateLimiterRes, which is not `instanceof` another copy's class.
    const foreignRejection = { msBeforeNext: 42_000, consumedPoints: 101, remainingPoints: 0 };
    const limiters = (globalThis as { havenRateLimiters?: Map<string, unknown> }).havenRateLimiters;
    const original = limiters?.get("uploads");
    const store = limiters ?? new Map();
    (globalThis as { havenRateLimiters?: Map<string, unknown> }).havenRateLimiters = store;
    // What rate-limiter-flexible rejects with: a result object, not an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    store.set("uploads", { consume: () => Promise.reject(foreignRejection) });
    try {
      const error = await consumeRateLimit("uploads", "anyone").catch((e: unknown) => e);
      expect(AppError.is(error)).toBe(true);
      expect((error as AppError).status).toBe(429);
      expect((error as AppError).details.retryAfterSeconds).toBe(42);
    } finally {
      if (original) store.set("uploads", original);
      else store.delete("uploads");
    }
  });
});
