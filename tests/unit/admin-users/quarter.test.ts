// Access reviews are per calendar quarter in UTC: the quarter of an instant, its
// bounds ([start, end)), the period's name, parsing it back, and its label.
import { describe, expect, it } from "vitest";
import {
  describeQuarter,
  parsePeriod,
  previousQuarter,
  quarterOf,
} from "@/lib/domain/access-reviews/quarter";

describe("quarterOf", () => {
  it("names the quarter and gives its UTC bounds, end exclusive", () => {
    const q = quarterOf(new Date("2026-12-02T07:35:00Z"));
    expect(q.period).toBe("2026-Q4");
    expect(q.start.toISOString()).toBe("2026-10-01T00:00:00.000Z");
    expect(q.end.toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it.each([
    ["2026-01-01T00:00:00.000Z", "2026-Q1"],
    ["2026-03-31T23:59:59.999Z", "2026-Q1"],
    ["2026-04-01T00:00:00.000Z", "2026-Q2"],
    ["2026-06-30T23:59:59.999Z", "2026-Q2"],
    ["2026-07-01T00:00:00.000Z", "2026-Q3"],
    ["2026-09-30T23:59:59.999Z", "2026-Q3"],
    ["2026-10-01T00:00:00.000Z", "2026-Q4"],
    ["2026-12-31T23:59:59.999Z", "2026-Q4"],
  ])("puts %s in %s (boundaries in UTC)", (instant, period) => {
    expect(quarterOf(new Date(instant)).period).toBe(period);
  });

  it("uses UTC, not the server's zone: New Year's Eve evening in New York is already next year's Q1", () => {
    // 31 Dec 2026 20:00 in New York is 1 Jan 2027 01:00 UTC.
    expect(quarterOf(new Date("2026-12-31T20:00:00-05:00")).period).toBe("2027-Q1");
  });

  it("puts every instant of a quarter between its bounds", () => {
    for (let day = 0; day < 366; day += 1) {
      const instant = new Date(Date.UTC(2028, 0, 1) + day * 86_400_000 + 12 * 3_600_000);
      const q = quarterOf(instant);
      expect(instant >= q.start && instant < q.end).toBe(true);
    }
  });

  it("refuses an invalid date", () => {
    expect(() => quarterOf(new Date("not a date"))).toThrow(RangeError);
  });
});

describe("parsePeriod", () => {
  it("reads a period back into the same quarter", () => {
    const q = quarterOf(new Date("2027-05-17T10:00:00Z"));
    expect(parsePeriod(q.period)).toEqual(q);
  });

  it.each(["2026-Q0", "2026-Q5", "2026Q4", "26-Q4", "2026-q4", "", "1999-Q1", "2026-Q4 "])(
    "refuses %j",
    (text) => {
      expect(parsePeriod(text)).toBeNull();
    },
  );
});

describe("previousQuarter and describeQuarter", () => {
  it("steps back across a year", () => {
    expect(previousQuarter(parsePeriod("2027-Q1")!).period).toBe("2026-Q4");
    expect(previousQuarter(parsePeriod("2026-Q3")!).period).toBe("2026-Q2");
  });

  it("labels the quarter with its first and last day in UTC", () => {
    expect(describeQuarter(parsePeriod("2026-Q4")!)).toBe("1 Oct – 31 Dec 2026 (UTC)");
    expect(describeQuarter(parsePeriod("2028-Q1")!)).toBe("1 Jan – 31 Mar 2028 (UTC)");
  });
});
