import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  MIN_AUDIT_LOG_RETENTION_DAYS,
  countsOf,
  creationDay,
  describePeriod,
  emptyCounts,
  hasExpired,
  retentionCutoff,
  retentionPolicy,
} from "@/lib/domain/retention/policy";
import { parseEnv } from "@/lib/env";

const envWith = (overrides: Record<string, string> = {}) =>
  parseEnv({
    DATABASE_URL: "postgresql://haven@db:5432/haven",
    AUTH_SECRET: "q8Zr3vN1xL0pW7sK2mB5tY9cF4hJ6dG1aE8uR3oI",
    PHI_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
    PHI_BLIND_INDEX_KEY: randomBytes(32).toString("base64"),
    AUDIT_MAC_KEY: randomBytes(32).toString("base64"),
    AUDIT_CHECKPOINT_KEY: randomBytes(32).toString("base64"),
    ...overrides,
  });

describe("retention cutoffs", () => {
  const now = new Date("2030-03-10T12:00:00.000Z");

  it("is exactly the period's whole days before now", () => {
    expect(retentionCutoff(now, 30).toISOString()).toBe("2030-02-08T12:00:00.000Z");
    // 2192 days: six years and a day (one leap day, 2028, lies between).
    expect(retentionCutoff(now, 2_192).toISOString()).toBe("2024-03-09T12:00:00.000Z");
  });

  it("expires what was created strictly before the cutoff, and keeps the cutoff itself", () => {
    const cutoff = retentionCutoff(now, 30);
    expect(hasExpired(new Date(cutoff.getTime() - 1), now, 30)).toBe(true);
    expect(hasExpired(cutoff, now, 30)).toBe(false);
    expect(hasExpired(new Date(cutoff.getTime() + 1), now, 30)).toBe(false);
  });

  it("refuses a period that is not a whole, positive number of days", () => {
    expect(() => retentionCutoff(now, 0)).toThrow(/whole number/);
    expect(() => retentionCutoff(now, 1.5)).toThrow(/whole number/);
  });
});

describe("the policy", () => {
  it("takes each period from the configuration, with the documented defaults", () => {
    const defaults = retentionPolicy(envWith());
    expect(defaults.map((rule) => [rule.dataType, rule.days])).toEqual([
      ["messages", 3_653],
      ["documents", 3_653],
      ["auditLog", 2_192],
    ]);
    const custom = retentionPolicy(
      envWith({
        RETENTION_MESSAGES_DAYS: "365",
        RETENTION_DOCUMENTS_DAYS: "730",
        RETENTION_AUDIT_LOG_DAYS: "2555",
      }),
    );
    expect(custom.map((rule) => rule.days)).toEqual([365, 730, 2_555]);
    for (const rule of custom) {
      expect(rule.label).not.toBe("");
      expect(rule.explanation.length).toBeGreaterThan(40);
      expect(rule.setting).toMatch(/^RETENTION_/);
    }
  });

  it("never keeps the audit log less than six years (the configuration refuses it)", () => {
    expect(MIN_AUDIT_LOG_RETENTION_DAYS).toBe(2_192);
    expect(() => envWith({ RETENTION_AUDIT_LOG_DAYS: "2191" })).toThrow(/2192/);
  });

  it("describes periods in words", () => {
    expect(describePeriod(3_653)).toBe("10 years");
    expect(describePeriod(2_192)).toBe("6 years");
    expect(describePeriod(365)).toBe("1 year");
    expect(describePeriod(45)).toBe("45 days");
  });
});

describe("run counts", () => {
  it("says the day an item was created, not its time", () => {
    expect(creationDay(new Date("2021-07-04T23:59:59.999Z"))).toBe("2021-07-04");
  });

  it("reads stored counts, tolerating missing or malformed fields", () => {
    expect(countsOf(null)).toEqual(emptyCounts());
    expect(
      countsOf({ messages: 3, heldBack: { documents: 2 }, filesPendingRemoval: ["abc", 4] }),
    ).toMatchObject({
      messages: 3,
      documents: 0,
      heldBack: { messages: 0, documents: 2, auditLog: 0 },
      filesPendingRemoval: ["abc"],
    });
  });
});
