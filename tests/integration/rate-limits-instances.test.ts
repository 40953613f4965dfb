// Rate limits hold across instances: each `next start` process builds its own limiters,
// each with a pool of its own (lib/security/rate-limit.ts keeps them on globalThis). Two
// such sets are made here in turn, as two processes would, and spend from one budget.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { RATE_LIMITS, consumeRateLimit } from "@/lib/security/rate-limit";

type Limiters = Map<string, unknown>;
const shared = globalThis as { havenRateLimiters?: Limiters };
const instances: Limiters[] = [];

/** Makes the next limiter calls build fresh limiters and pools: another process's. */
function becomeNewInstance(): void {
  const limiters: Limiters = new Map();
  instances.push(limiters);
  shared.havenRateLimiters = limiters;
}

afterAll(async () => {
  shared.havenRateLimiters = undefined;
  for (const limiters of instances) {
    for (const limiter of limiters.values()) {
      await (limiter as { client?: { end?: () => Promise<void> } }).client?.end?.();
    }
  }
});

describe("rate limits across instances", () => {
  it("points spent on instance A count on instance B (PostgreSQL, not memory)", async () => {
    const key = `test:${randomUUID()}`;
    const { points } = RATE_LIMITS.insuranceSession;
    becomeNewInstance();
    for (let i = 0; i < points - 2; i += 1) await consumeRateLimit("insuranceSession", key);
    const onA = instances[0]!.get("insuranceSession");

    becomeNewInstance();
    await consumeRateLimit("insuranceSession", key);
    await consumeRateLimit("insuranceSession", key);
    // B's limiter is not A's: its own object and pool, sharing only the database.
    expect(instances[1]!.get("insuranceSession")).not.toBe(onA);
    const refused = await consumeRateLimit("insuranceSession", key).catch((error: unknown) => error);
    expect(AppError.is(refused)).toBe(true);
    expect((refused as AppError).status).toBe(429);
  });
});
