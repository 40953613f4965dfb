import { dictionary } from "@zxcvbn-ts/language-common";
import { describe, expect, it } from "vitest";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/auth/password";

const common = (dictionary as unknown as Record<string, string[]>)["passwords-common"]!;

describe("password policy", () => {
  it("needs at least 12 characters", () => {
    expect(passwordProblem("short-pass1")).toMatch(/at least 12/);
    expect(passwordProblem("a-long-enough-phrase")).toBeNull();
  });

  it("refuses passwords from the bundled breached list, whatever their case", () => {
    const long = common.filter((word) => word.length >= 12).slice(0, 20);
    expect(long.length).toBeGreaterThan(5);
    for (const word of long) expect(passwordProblem(word.toUpperCase()), word).toMatch(/too common/);
    expect(passwordProblem("aaaaaaaaaaaaaa")).toMatch(/too common/);
  });

  it("refuses a password containing the email's name", () => {
    expect(passwordProblem("maya.patel-rocks-2026", "maya.patel@example.org")).toMatch(/email/);
  });

  it("hashes with Argon2id and verifies only the right password", async () => {
    const hash = await hashPassword("a-long-enough-phrase");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,p=1,t=3\$/);
    expect(await verifyPassword(hash, "a-long-enough-phrase")).toBe(true);
    expect(await verifyPassword(hash, "a-long-enough-phrasE")).toBe(false);
    expect(await verifyPassword("not-a-hash", "x")).toBe(false);
  });
});
