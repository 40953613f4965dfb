import { describe, expect, it } from "vitest";
import { currencyExponent, formatMoney, parseMajorAmount } from "@/lib/domain/payments/money";
import { cancellationRefundMinor, describeRefundPolicy } from "@/lib/domain/payments/refund-policy";
import { doctorSettingsSchema } from "@/lib/domain/scheduling/schemas";

const now = new Date("2026-12-01T10:00:00Z");
const hoursAhead = (hours: number) => new Date(now.getTime() + hours * 3_600_000);
const policy = { now, fullBeforeHours: 48, latePercent: 50 };

describe("cancellation refunds", () => {
  it("gives everything back when the patient cancels early enough, or the doctor cancels at any time", () => {
    const base = { capturedMinor: 4500, reservedMinor: 0, ...policy };
    expect(cancellationRefundMinor({ ...base, startsAt: hoursAhead(48), cancelledBy: "patient" })).toBe(4500);
    expect(cancellationRefundMinor({ ...base, startsAt: hoursAhead(2), cancelledBy: "doctor" })).toBe(4500);
  });

  it("gives the late share inside the window, rounded down to a whole minor unit", () => {
    const base = { capturedMinor: 4501, reservedMinor: 0, ...policy, cancelledBy: "patient" as const };
    expect(cancellationRefundMinor({ ...base, startsAt: hoursAhead(47.9) })).toBe(2250);
    expect(cancellationRefundMinor({ ...base, startsAt: hoursAhead(30), latePercent: 0 })).toBe(0);
    expect(cancellationRefundMinor({ ...base, startsAt: hoursAhead(30), latePercent: 100 })).toBe(4501);
  });

  it("never gives back what was refunded already", () => {
    const base = { capturedMinor: 4000, ...policy };
    expect(
      cancellationRefundMinor({
        ...base,
        reservedMinor: 1500,
        startsAt: hoursAhead(72),
        cancelledBy: "patient",
      }),
    ).toBe(2500);
    expect(
      cancellationRefundMinor({
        ...base,
        reservedMinor: 2500,
        startsAt: hoursAhead(30),
        cancelledBy: "patient",
      }),
    ).toBe(0);
    expect(
      cancellationRefundMinor({
        ...base,
        reservedMinor: 4000,
        startsAt: hoursAhead(72),
        cancelledBy: "doctor",
      }),
    ).toBe(0);
  });

  it("says the policy in words", () => {
    expect(describeRefundPolicy(48, 50)).toMatch(/48 hours.*50% back.*always refunded in full/);
    expect(describeRefundPolicy(24, 0)).toMatch(/no refund/);
  });
});

describe("money", () => {
  it("uses each currency's own minor unit", () => {
    expect(currencyExponent("EUR")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);
    expect(formatMoney(4500, "EUR")).toBe("€45.00");
    expect(formatMoney(60_000, "INR")).toBe("₹600.00");
    expect(formatMoney(500, "JPY")).toBe("JP¥500");
  });

  it("reads amounts as people type them, and refuses what is not one", () => {
    expect(parseMajorAmount("12", "EUR")).toBe(1200);
    expect(parseMajorAmount("12.5", "EUR")).toBe(1250);
    expect(parseMajorAmount("12,50", "EUR")).toBe(1250);
    expect(parseMajorAmount("500", "JPY")).toBe(500);
    expect(parseMajorAmount("1.234", "KWD")).toBe(1234);
    for (const bad of ["", "-5", "12.345", "1e3", "abc", "12.5.0", "5.5"]) {
      expect(parseMajorAmount(bad, bad === "5.5" ? "JPY" : "EUR"), bad).toBeNull();
    }
  });
});

describe("a doctor's fee", () => {
  const settings = (fee: string, currency: string) =>
    doctorSettingsSchema.safeParse({
      timeZone: "Europe/Berlin",
      visitMinutes: "30",
      languages: "en",
      bio: "",
      fee,
      currency,
    });

  it("is stored in the currency's own minor unit", () => {
    expect(settings("45.50", "EUR").data?.fee).toBe(4550);
    expect(settings("5000", "JPY").data?.fee).toBe(5000);
    expect(settings("1.250", "KWD").data?.fee).toBe(1250);
  });

  it("refuses decimals a currency does not have, and codes that are no currency", () => {
    expect(settings("50.5", "JPY").error?.issues[0]?.message).toMatch(/JPY has no decimals/);
    expect(settings("45.505", "EUR").error?.issues[0]?.message).toMatch(/at most 2 decimals/);
    expect(settings("45", "ABC").error?.issues[0]?.message).toMatch(/ISO 4217/);
  });
});
