import { describe, expect, it } from "vitest";
import {
  VERIFICATION_CODE_PATTERN,
  newVerificationCode,
  normalizeVerificationCode,
} from "@/lib/domain/prescriptions/verification-code";

describe("verification codes", () => {
  it("are 12 Crockford base32 symbols in three groups, and differ every time", () => {
    const codes = Array.from({ length: 2_000 }, () => newVerificationCode());
    for (const code of codes) expect(code).toMatch(VERIFICATION_CODE_PATTERN);
    expect(new Set(codes).size).toBe(codes.length);
    // No ambiguous letters, ever.
    expect(codes.join("")).not.toMatch(/[ILOU]/);
    // Every symbol of the alphabet shows up (the generator is not stuck on a subset).
    expect(new Set(codes.join("").replace(/-/g, "")).size).toBe(32);
  });

  it("forgive how people type them", () => {
    expect(normalizeVerificationCode("7k3m q9px 2h4d")).toBe("7K3M-Q9PX-2H4D");
    expect(normalizeVerificationCode("7K3MQ9PX2H4D")).toBe("7K3M-Q9PX-2H4D");
    expect(normalizeVerificationCode("oIl0-0000-0000")).toBe("0110-0000-0000");
  });

  it("refuse what cannot be a code", () => {
    for (const input of [
      "",
      "7K3M-Q9PX-2H4",
      "7K3M-Q9PX-2H4DX",
      "7K3M-Q9PX-2H4U",
      "<script>",
      "x".repeat(100),
    ]) {
      expect(normalizeVerificationCode(input), input).toBeNull();
    }
  });
});
