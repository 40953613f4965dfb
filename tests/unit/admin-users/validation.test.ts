// What the admin's account and access-review forms accept: a second-factor reset
// needs a reason of 10 to 500 characters (trimmed); ids must be UUIDs; the patient
// lookup takes one valid email; a decision is Keep or Revoke; exports are CSV or JSON.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decisionSchema, exportFormatSchema } from "@/lib/domain/access-reviews/schemas";
import {
  MFA_RESET_REASON_MESSAGE,
  accountSessionSchema,
  mfaResetSchema,
  patientLookupSchema,
} from "@/lib/domain/accounts/schemas";
import { describeBrowser } from "@/lib/domain/accounts/user-agent";

const userId = randomUUID();
const messageOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues[0]?.message;

describe("mfaResetSchema", () => {
  it("accepts a reason of 10 to 500 characters, trimmed", () => {
    expect(mfaResetSchema.parse({ userId, reason: "  Lost phone, confirmed by call-back  " })).toEqual({
      userId,
      reason: "Lost phone, confirmed by call-back",
    });
    expect(mfaResetSchema.safeParse({ userId, reason: "x".repeat(10) }).success).toBe(true);
    expect(mfaResetSchema.safeParse({ userId, reason: "x".repeat(500) }).success).toBe(true);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["only spaces", "            "],
    ["9 characters", "x".repeat(9)],
    ["9 characters padded with spaces", `   ${"x".repeat(9)}   `],
    ["501 characters", "x".repeat(501)],
  ])("refuses a reason that is %s, with the same clear message", (_label, reason) => {
    const result = mfaResetSchema.safeParse({ userId, reason });
    expect(result.success).toBe(false);
    expect(messageOf(result)).toBe(MFA_RESET_REASON_MESSAGE);
  });

  it("refuses an account id that is not a UUID", () => {
    expect(mfaResetSchema.safeParse({ userId: "1 OR 1=1", reason: "Lost phone, new device" }).success).toBe(
      false,
    );
  });
});

describe("accountSessionSchema and patientLookupSchema", () => {
  it("needs both ids as UUIDs", () => {
    expect(accountSessionSchema.safeParse({ userId, sessionId: randomUUID() }).success).toBe(true);
    expect(accountSessionSchema.safeParse({ userId, sessionId: "abc" }).success).toBe(false);
    expect(accountSessionSchema.safeParse({ sessionId: randomUUID() }).success).toBe(false);
  });

  it("takes one valid email, trimmed", () => {
    expect(patientLookupSchema.parse({ email: " maya@example.test " })).toEqual({
      email: "maya@example.test",
    });
    expect(messageOf(patientLookupSchema.safeParse({ email: "maya" }))).toMatch(/valid email/);
    expect(messageOf(patientLookupSchema.safeParse({ email: "" }))).toMatch(/Enter your email/);
  });
});

describe("decisionSchema and exportFormatSchema", () => {
  it("accepts Keep or Revoke for an entry of a review", () => {
    const ids = { reviewId: randomUUID(), entryId: randomUUID() };
    expect(decisionSchema.safeParse({ ...ids, decision: "KEEP" }).success).toBe(true);
    expect(decisionSchema.safeParse({ ...ids, decision: "REVOKE" }).success).toBe(true);
    expect(decisionSchema.safeParse({ ...ids, decision: "DELETE" }).success).toBe(false);
    expect(decisionSchema.safeParse({ ...ids, decision: "keep" }).success).toBe(false);
    expect(decisionSchema.safeParse({ reviewId: "x", entryId: ids.entryId, decision: "KEEP" }).success).toBe(
      false,
    );
  });

  it("exports CSV or JSON only", () => {
    expect(exportFormatSchema.safeParse("csv").success).toBe(true);
    expect(exportFormatSchema.safeParse("json").success).toBe(true);
    expect(exportFormatSchema.safeParse("xlsx").success).toBe(false);
  });
});

describe("describeBrowser", () => {
  it.each([
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Chrome 131 on Linux",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.68",
      "Edge 130 on Windows",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Firefox 133 on macOS",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      "Safari 18 on iOS",
    ],
    ["curl/8.5.0", "Other browser"],
    [null, "Unknown browser"],
    ["", "Unknown browser"],
  ])("reads %j as %j", (userAgent, expected) => {
    expect(describeBrowser(userAgent)).toBe(expected);
  });
});
