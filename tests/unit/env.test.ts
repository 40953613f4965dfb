import { describe, expect, it } from "vitest";
import { ConfigurationError, parseEnv } from "@/lib/env";

const STRONG = "q8Zr3vN1xL0pW7sK2mB5tY9cF4hJ6dG1aE8uR3oI";
const KEY = Buffer.alloc(32, 7).toString("base64");
const base = {
  DATABASE_URL: "postgresql://haven@db:5432/haven",
  AUTH_SECRET: STRONG,
  PHI_ENCRYPTION_KEYS: `k2:${KEY}`,
  PHI_BLIND_INDEX_KEY: KEY,
  SMTP_URL: "smtp://mail.internal:587",
};

function problemsOf(raw: Record<string, string | undefined>): string {
  try {
    parseEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error("expected parseEnv to fail");
}

describe("parseEnv", () => {
  it("accepts a complete production configuration and applies defaults", () => {
    const env = parseEnv({ ...base, NODE_ENV: "production" });
    expect(env.DATABASE_POOL_SIZE).toBe(10);
    expect(env.APP_URL).toBe("http://localhost:3000");
  });

  it("names a missing secret and how to fix it, in production", () => {
    const message = problemsOf({ ...base, AUTH_SECRET: undefined, NODE_ENV: "production" });
    expect(message).toMatch(/AUTH_SECRET is missing/);
    expect(message).toMatch(/openssl rand/);
  });

  it("points developers at npm run dev for a missing secret", () => {
    expect(problemsOf({ ...base, AUTH_SECRET: undefined, NODE_ENV: "development" })).toMatch(/npm run dev/);
  });

  it("refuses short and placeholder secrets in production", () => {
    expect(problemsOf({ ...base, AUTH_SECRET: "short", NODE_ENV: "production" })).toMatch(
      /AUTH_SECRET must be at least 32 characters/,
    );
    expect(
      problemsOf({ ...base, AUTH_SECRET: "change-me-change-me-change-me-change-me", NODE_ENV: "production" }),
    ).toMatch(/AUTH_SECRET is a placeholder/);
  });

  it("names an invalid variable and lists every problem at once", () => {
    const message = problemsOf({
      DATABASE_URL: "mysql://x",
      DATABASE_POOL_SIZE: "0",
      NODE_ENV: "production",
    });
    expect(message).toMatch(/DATABASE_URL must be a postgresql:\/\/ connection string/);
    expect(message).toMatch(/DATABASE_POOL_SIZE/);
    expect(message).toMatch(/AUTH_SECRET is missing/);
  });

  it("requires DATABASE_URL", () => {
    expect(problemsOf({ ...base, DATABASE_URL: undefined })).toMatch(/DATABASE_URL is required/);
  });

  it("validates the PHI key ring and blind index key lengths", () => {
    const short = Buffer.alloc(16, 1).toString("base64");
    expect(problemsOf({ ...base, PHI_ENCRYPTION_KEYS: `k1:${short}` })).toMatch(
      /PHI_ENCRYPTION_KEYS key k1 must be exactly 32 bytes/,
    );
    expect(problemsOf({ ...base, PHI_ENCRYPTION_KEYS: "not-a-ring" })).toMatch(
      /PHI_ENCRYPTION_KEYS each entry/,
    );
    expect(problemsOf({ ...base, PHI_BLIND_INDEX_KEY: short })).toMatch(
      /PHI_BLIND_INDEX_KEY the key must be exactly 32/,
    );
  });
});
