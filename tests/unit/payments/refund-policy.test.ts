import { describe, expect, it } from "vitest";
import { currencyExponent, formatMoney, parseMajorAmount } from "@/lib/domain/payments/money";
import { cancellationRefundMinor, describeRefundPolicy } from "@/lib/domain/payments/refund-policy";

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
