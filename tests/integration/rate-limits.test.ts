import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POST as passwordSignIn } from "@/app/api/auth/sign-in/password/route";
import { resetEnvCache } from "@/lib/env";
import { RATE_LIMITS } from "@/lib/security/rate-limit";

const randomIp = () => `10.${[1, 2, 3].map(() => randomBytes(1)[0]! % 250).join(".")}`;

async function attempt(forwardedFor: string) {
  const request = new Request("http://localhost/api/auth/sign-in/password", {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify({
      email: `nobody-${randomBytes(4).toString("hex")}@example.test`,
      password: "wrong-password-value",
    }),
  });
  return passwordSignIn(request, { params: Promise.resolve({}) });
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.stubEnv("NODE_ENV", "test");
  resetEnvCache();
});

describe("sign-in throttling per client address", () => {
  it(`answers the ${RATE_LIMITS.auth.points + 1}th attempt in 15 minutes with 429 and Retry-After (trusted proxy)`, async () => {
    vi.stubEnv("TRUST_PROXY", "true");
    resetEnvCache();
    const ip = randomIp();
    for (let i = 0; i < RATE_LIMITS.auth.points; i += 1) {
      expect((await attempt(`203.0.113.50, ${ip}`)).status).toBe(401);
    }
    const limited = await attempt(`203.0.113.50, ${ip}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(((await limited.json()) as { error: { message: string } }).error.message).toMatch(
      /Too many requests/,
    );
    // Another client is not affected.
    expect((await attempt(randomIp())).status).toBe(401);
  });

  it("is not reset by a spoofed X-Forwarded-For when proxies are not trusted", async () => {
    vi.stubEnv("TRUST_PROXY", "false");
    resetEnvCache();
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMITS.auth.points; i += 1) statuses.push((await attempt(randomIp())).status);
    expect(statuses.slice(0, RATE_LIMITS.auth.points).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
