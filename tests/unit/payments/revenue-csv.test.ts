// The revenue export: amounts in each currency's own exponent (yen has none,
// dinar three), and no cell a spreadsheet would run as a formula.
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import {
  REVENUE_CSV_FIELDS,
  type RevenueRow,
  majorUnits,
  monthsOf,
  parseRevenueRange,
  revenueRowsToCsv,
  spreadsheetSafe,
} from "@/lib/domain/payments/admin-queries";

function row(overrides: Partial<RevenueRow>): RevenueRow {
  const base = {
    month: "2026-11",
    doctorId: "9b2f3c1e-0000-4000-8000-000000000001",
    doctorName: "Dr. Amara Okafor",
    currency: "EUR",
    chargesMinor: 4500,
    refundsMinor: 1000,
    feesMinor: 161,
    chargeCount: 1,
    refundCount: 1,
    ...overrides,
  };
  return { ...base, netMinor: base.chargesMinor - base.refundsMinor - base.feesMinor, ...overrides };
}

/** The CSV as records (header → value), after the byte-order mark. */
function parse(csv: string): Record<string, string>[] {
  expect(csv.startsWith("\uFEFF")).toBe(true);
  const parsed = Papa.parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

describe("revenue CSV", () => {
  it("has the documented header, major and minor units", () => {
    const csv = revenueRowsToCsv([row({})]);
    expect(csv.slice(1).split("\r\n")[0]).toBe(REVENUE_CSV_FIELDS.join(","));
    expect(parse(csv)).toEqual([
      {
        month: "2026-11",
        doctor: "Dr. Amara Okafor",
        currency: "EUR",
        charges: "45.00",
        refunds: "10.00",
        fees: "1.61",
        net: "33.39",
        charges_minor: "4500",
        refunds_minor: "1000",
        fees_minor: "161",
        net_minor: "3339",
        charge_count: "1",
        refund_count: "1",
      },
    ]);
  });

  it("writes yen without decimals and dinar with three", () => {
    const [yen, dinar] = parse(
      revenueRowsToCsv([
        row({ currency: "JPY", chargesMinor: 5000, refundsMinor: 0, feesMinor: 175 }),
        row({ currency: "KWD", chargesMinor: 12345, refundsMinor: 5, feesMinor: 0 }),
      ]),
    );
    expect(yen).toMatchObject({ charges: "5000", fees: "175", net: "4825", net_minor: "4825" });
    expect(dinar).toMatchObject({ charges: "12.345", refunds: "0.005", net: "12.340" });
  });

  it("keeps a negative net a number (refunds in a month can exceed its charges)", () => {
    const [record] = parse(revenueRowsToCsv([row({ chargesMinor: 0, refundsMinor: 2550, feesMinor: 0 })]));
    expect(record).toMatchObject({ net: "-25.50", net_minor: "-2550" });
  });

  it("puts an apostrophe before a doctor name a spreadsheet would run as a formula", () => {
    const names = [
      '=HYPERLINK("http://evil.example","x")',
      "+1+1",
      "-2+3",
      "@SUM(A1:A9)",
      "\tTabbed",
      "\r=cmd",
      "  =1+1",
    ];
    const records = parse(revenueRowsToCsv(names.map((doctorName) => row({ doctorName }))));
    expect(records.map((r) => r.doctor)).toEqual(names.map((name) => `'${name}`));
  });

  it("leaves ordinary names alone, quoting commas and quotes as CSV does", () => {
    const names = ["Dr. Zoë Müller", 'Dr. "Sam" Lee, MD', "Dr. A-B (cardiology)", "डॉ. प्रिया"];
    const records = parse(revenueRowsToCsv(names.map((doctorName) => row({ doctorName }))));
    expect(records.map((r) => r.doctor)).toEqual(names);
    expect(spreadsheetSafe("Dr. Smith = best")).toBe("Dr. Smith = best");
  });

  it("an empty report is the header alone", () => {
    expect(parse(revenueRowsToCsv([]))).toEqual([]);
  });
});

describe("amounts in major units", () => {
  it.each([
    [0, "EUR", "0.00"],
    [5, "EUR", "0.05"],
    [123456789, "EUR", "1234567.89"],
    [-7, "INR", "-0.07"],
    [500, "JPY", "500"],
    [-500, "JPY", "-500"],
    [1, "KWD", "0.001"],
  ])("%i %s is %s", (minor, currency, expected) => {
    expect(majorUnits(minor, currency)).toBe(expected);
  });
});

describe("month range", () => {
  const now = new Date("2026-03-15T12:00:00Z");

  it("defaults to the last 12 months up to this one", () => {
    expect(parseRevenueRange({}, now)).toEqual({ ok: true, range: { from: "2025-04", to: "2026-03" } });
    expect(parseRevenueRange({ from: "", to: " " }, now)).toEqual({
      ok: true,
      range: { from: "2025-04", to: "2026-03" },
    });
  });

  it("fills a missing end from the other one", () => {
    expect(parseRevenueRange({ from: "2026-01" }, now)).toEqual({
      ok: true,
      range: { from: "2026-01", to: "2026-03" },
    });
    expect(parseRevenueRange({ to: "2025-06" }, now)).toEqual({
      ok: true,
      range: { from: "2024-07", to: "2025-06" },
    });
  });

  it.each([
    [{ from: "2026-13" }, "The start month must be a month like 2026-01."],
    [{ to: "March" }, "The end month must be a month like 2026-01."],
    [{ from: "2026-1" }, "The start month must be a month like 2026-01."],
    [{ from: "1999-12" }, "The start month must be a month like 2026-01."],
    [{ from: "2026-03", to: "2026-01" }, "The start month is after the end month."],
    [{ from: "2000-01", to: "2026-01" }, "Choose at most 10 years at a time."],
  ])("refuses %j with a clear message", (input, message) => {
    expect(parseRevenueRange(input, now)).toEqual({ ok: false, message });
  });

  it("lists the months of a range across a year end", () => {
    expect(monthsOf({ from: "2025-11", to: "2026-02" })).toEqual([
      "2025-11",
      "2025-12",
      "2026-01",
      "2026-02",
    ]);
  });
});
