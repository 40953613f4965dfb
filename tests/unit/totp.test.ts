import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { newTotpSecret, totpEnrolment, verifyTotp } from "@/lib/auth/totp";

describe("TOTP", () => {
  it("accepts a current code once and refuses it again", async () => {
    const secret = newTotpSecret();
    const now = Math.floor(Date.now() / 1000);
    const code = await generate({ secret, epoch: now });
    const step = await verifyTotp(secret, code, null);
    expect(step).toBe(Math.floor(now / 30));
    expect(await verifyTotp(secret, code, step)).toBeNull();
    // The next step's code (clock drift tolerance) is still accepted after it.
    const next = await generate({ secret, epoch: now + 30 });
    expect(await verifyTotp(secret, next, step)).toBe(step! + 1);
  });

  it("refuses wrong, stale and malformed codes", async () => {
    const secret = newTotpSecret();
    const stale = await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 120 });
    expect(await verifyTotp(secret, stale, null)).toBeNull();
    expect(await verifyTotp(secret, "12345", null)).toBeNull();
    expect(await verifyTotp(secret, "abcdef", null)).toBeNull();
  });

  it("offers an otpauth URI and a QR code for enrolment", async () => {
    const secret = newTotpSecret();
    const enrolment = await totpEnrolment(secret, "someone");
    expect(enrolment.uri).toMatch(new RegExp(`^otpauth://totp/.*secret=${secret}`));
    expect(enrolment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
  });
});
