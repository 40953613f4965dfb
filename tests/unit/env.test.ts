import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigurationError, SECRET_SPECS, parseEnv } from "@/lib/env";

const STRONG = "q8Zr3vN1xL0pW7sK2mB5tY9cF4hJ6dG1aE8uR3oI";
const KEY = randomBytes(32).toString("base64");
const OTHER_KEY = randomBytes(32).toString("base64");
const base = {
  DATABASE_URL: "postgresql://haven@db:5432/haven",
  AUTH_SECRET: STRONG,
  PHI_ENCRYPTION_KEYS: `k2:${OTHER_KEY}`,
  PHI_BLIND_INDEX_KEY: KEY,
  AUDIT_MAC_KEY: randomBytes(32).toString("base64"),
  AUDIT_CHECKPOINT_KEY: randomBytes(32).toString("base64"),
  BACKUP_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
  AUDIT_CHECKPOINT_DIR: "/var/lib/haven/audit-checkpoints",
  ERASURE_LEDGER_DIR: "/var/lib/haven/erasure-ledger",
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
    expect(message).toMatch(/openssl rand -base64 48/);
  });

  it("names every S3 setting that documents in a bucket need", () => {
    const message = problemsOf({ ...base, DOCUMENT_STORAGE: "s3", S3_ENDPOINT: "https://s3.example.test" });
    expect(message).toMatch(/S3_BUCKET is missing/);
    expect(message).toMatch(/S3_SECRET_ACCESS_KEY is missing/);
    expect(message).not.toMatch(/S3_ENDPOINT/);
  });

  it("names every S3 setting that backups in a bucket need, and refuses a prefix that is not a folder", () => {
    const message = problemsOf({ ...base, BACKUP_STORAGE: "s3", BACKUP_S3_BUCKET: "clinic-backups" });
    expect(message).toContain("BACKUP_S3_ENDPOINT is missing");
    expect(message).toContain("BACKUP_S3_ACCESS_KEY_ID is missing");
    expect(message).toContain("BACKUP_S3_SECRET_ACCESS_KEY is missing");
    expect(message).not.toContain("BACKUP_S3_BUCKET is missing");
    expect(problemsOf({ ...base, BACKUP_S3_PREFIX: "../backups" })).toContain("BACKUP_S3_PREFIX");
    expect(problemsOf({ ...base, BACKUP_STORAGE: "ftp" })).toContain("BACKUP_STORAGE");
  });

  it("points developers at npm run dev for a missing secret", () => {
    expect(problemsOf({ ...base, AUTH_SECRET: undefined, NODE_ENV: "development" })).toMatch(/npm run dev/);
  });

  it("refuses short and placeholder secrets in production", () => {
    expect(problemsOf({ ...base, AUTH_SECRET: "short", NODE_ENV: "production" })).toMatch(
      /AUTH_SECRET must be at least 32 characters/,
    );
    expect(
      problemsOf({ ...base, AUTH_SECRET: "change-me-9f8Kq2LmZx7Rt4Wv1Ny6Pb3Hs", NODE_ENV: "production" }),
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

  it("refuses secrets that are long but not random, naming the variable and the command that makes a good one", () => {
    const production = { ...base, NODE_ENV: "production" };
    expect(problemsOf({ ...production, AUTH_SECRET: "a".repeat(32) })).toMatch(
      /AUTH_SECRET repeats a single character; generate one with `openssl rand -base64 48`/,
    );
    expect(problemsOf({ ...production, AUTH_SECRET: "password".repeat(4) })).toMatch(
      /AUTH_SECRET repeats a pattern/,
    );
    expect(problemsOf({ ...production, AUTH_SECRET: "Password1Password2Password3Passw" })).toMatch(
      /AUTH_SECRET repeats a pattern/,
    );
    // Five letters in no repeating order: no pattern, but far too few symbols to be random.
    expect(problemsOf({ ...production, AUTH_SECRET: "abccbdaaeaceabaaddacaeeaebbeadab" })).toMatch(
      /AUTH_SECRET uses too few different characters to be random/,
    );
    const zeros = Buffer.alloc(32).toString("base64");
    expect(problemsOf({ ...production, PHI_ENCRYPTION_KEYS: `k1:${zeros}` })).toMatch(
      /PHI_ENCRYPTION_KEYS key k1 is all zeros; generate one with `npm run keys:generate`/,
    );
    expect(problemsOf({ ...production, PHI_BLIND_INDEX_KEY: zeros })).toMatch(
      /PHI_BLIND_INDEX_KEY key is all zeros; generate one with `openssl rand -base64 32`/,
    );
    const counting = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString("base64");
    expect(problemsOf({ ...production, PHI_BLIND_INDEX_KEY: counting })).toMatch(/counting sequence/);
    const patterned = Buffer.from(Array.from({ length: 32 }, (_, i) => [7, 99, 23, 180][i % 4]!));
    expect(problemsOf({ ...production, PHI_BLIND_INDEX_KEY: patterned.toString("base64") })).toMatch(
      /PHI_BLIND_INDEX_KEY key repeats a pattern/,
    );
  });

  it("requires a separate backup key in production only", () => {
    expect(problemsOf({ ...base, BACKUP_ENCRYPTION_KEY: undefined, NODE_ENV: "production" })).toMatch(
      /BACKUP_ENCRYPTION_KEY is missing/,
    );
    expect(() => parseEnv({ ...base, BACKUP_ENCRYPTION_KEY: undefined })).not.toThrow();
    expect(problemsOf({ ...base, BACKUP_ENCRYPTION_KEY: "0".repeat(64) })).toMatch(
      /BACKUP_ENCRYPTION_KEY key/,
    );
    expect(problemsOf({ ...base, BACKUP_ENCRYPTION_KEY: OTHER_KEY })).toMatch(
      /BACKUP_ENCRYPTION_KEY uses the same key as PHI_ENCRYPTION_KEYS/,
    );
    expect(
      problemsOf({ ...base, BACKUP_ENCRYPTION_KEY: Buffer.from(KEY, "base64").toString("hex") }),
    ).toMatch(/BACKUP_ENCRYPTION_KEY uses the same key as PHI_BLIND_INDEX_KEY/);
  });

  it("takes the AUTH_SECRET being retired in AUTH_SECRET_PREVIOUS, never a weak one or the current one", () => {
    const retired = randomBytes(48).toString("base64url");
    expect(
      parseEnv({ ...base, NODE_ENV: "production", AUTH_SECRET_PREVIOUS: retired }).AUTH_SECRET_PREVIOUS,
    ).toBe(retired);
    expect(problemsOf({ ...base, AUTH_SECRET_PREVIOUS: "short" })).toMatch(
      /AUTH_SECRET_PREVIOUS must be at least 32 characters/,
    );
    expect(problemsOf({ ...base, AUTH_SECRET_PREVIOUS: base.AUTH_SECRET })).toMatch(
      /AUTH_SECRET_PREVIOUS is the same as AUTH_SECRET/,
    );
  });

  it("refuses the in-process stores in production only", () => {
    const production = { ...base, NODE_ENV: "production" };
    expect(problemsOf({ ...production, RATE_LIMIT_STORE: "memory" })).toMatch(
      /RATE_LIMIT_STORE=memory is for the embedded development database/,
    );
    expect(problemsOf({ ...production, REALTIME_BUS: "memory" })).toMatch(
      /REALTIME_BUS=memory is for the embedded development database/,
    );
    expect(() =>
      parseEnv({ ...production, RATE_LIMIT_STORE: "postgres", REALTIME_BUS: "postgres" }),
    ).not.toThrow();
    const development = parseEnv({ ...base, RATE_LIMIT_STORE: "memory", REALTIME_BUS: "memory" });
    expect([development.RATE_LIMIT_STORE, development.REALTIME_BUS]).toEqual(["memory", "memory"]);
  });

  it("refuses one key serving two purposes", () => {
    expect(problemsOf({ ...base, PHI_BLIND_INDEX_KEY: OTHER_KEY })).toMatch(
      /PHI_BLIND_INDEX_KEY uses the same key as PHI_ENCRYPTION_KEYS/,
    );
    expect(problemsOf({ ...base, AUTH_SECRET: KEY })).toMatch(/uses the same key as AUTH_SECRET/);
    expect(problemsOf({ ...base, PHI_ENCRYPTION_KEYS: `k2:${OTHER_KEY},k1:${OTHER_KEY}` })).toMatch(
      /PHI_ENCRYPTION_KEYS lists the same key twice \(ids k2 and k1\)/,
    );
  });

  it("accepts every value the documented commands generate", () => {
    for (let i = 0; i < 300; i += 1) {
      const generated = Object.fromEntries(SECRET_SPECS.map((spec) => [spec.name, spec.generate()]));
      expect(() => parseEnv({ ...base, ...generated, NODE_ENV: "production" })).not.toThrow();
      // `openssl rand -hex 32` and `-hex 16` style secrets are random too.
      for (const bytes of [16, 32]) {
        const hex = randomBytes(bytes).toString("hex");
        expect(() => parseEnv({ ...base, AUTH_SECRET: hex, NODE_ENV: "production" })).not.toThrow();
      }
    }
  });
});
