import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { blindIndex, normalizeEmail, normalizePhone } from "@/lib/crypto/blind-index";

const key = randomBytes(32);

describe("blind index", () => {
  it("matches values that normalise alike", () => {
    const index = (email: string) => blindIndex(key, "User.emailIndex", normalizeEmail(email));
    expect(index("  Maya.Patel@Example.org ")).toBe(index("maya.patel@example.org"));
    const phone = (value: string) => blindIndex(key, "PatientProfile.phoneIndex", normalizePhone(value));
    expect(phone("+1 (555) 010-0101")).toBe(phone("+15550100101"));
    expect(phone("+1 555 010 0101")).not.toBe(phone("1 555 010 0101"));
  });

  it("is keyed and separated by purpose, so it is no plain hash", () => {
    const value = normalizeEmail("a@b.c");
    expect(blindIndex(key, "User.emailIndex", value)).not.toBe(
      blindIndex(randomBytes(32), "User.emailIndex", value),
    );
    expect(blindIndex(key, "User.emailIndex", value)).not.toBe(
      blindIndex(key, "PatientProfile.phoneIndex", value),
    );
    expect(blindIndex(key, "User.emailIndex", value)).not.toContain(value);
  });
});
