import { describe, expect, it } from "vitest";
import { formatTime, localDay } from "@/lib/domain/scheduling/format";
import {
  type AvailabilityInput,
  type Interval,
  availabilityWindows,
  computeSlots,
  isSlot,
} from "@/lib/domain/scheduling/slots";

const weekdays = (startMinute: number, endMinute: number) =>
  [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute, endMinute }));

const input = (timeZone: string, overrides: Partial<AvailabilityInput> = {}): AvailabilityInput => ({
  timeZone,
  weekly: weekdays(9 * 60, 17 * 60),
  daysOff: [],
  extra: [],
  blocked: [],
  visitMinutes: 30,
  ...overrides,
});

/** Slots of one local day, as local times in the doctor's zone. */
function localTimesOn(day: string, slots: Interval[], timeZone: string): string[] {
  return slots
    .filter((slot) => localDay(slot.start, timeZone) === day)
    .map((slot) => formatTime(slot.start, timeZone));
}

const halfHours = (from: number, to: number) =>
  Array.from({ length: (to - from) * 2 }, (_, i) => {
    const minutes = from * 60 + i * 30;
    return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  });

describe("slots across daylight-saving changes", () => {
  // 2026: the US changes on 8 March and 1 November; the EU on 29 March and 25 October.
  const cases: [string, string[]][] = [
    [
      "America/New_York",
      ["2026-03-07", "2026-03-08", "2026-03-09", "2026-10-31", "2026-11-01", "2026-11-02"],
    ],
    ["Europe/Berlin", ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"]],
    ["Asia/Kolkata", ["2026-03-08", "2026-03-29", "2026-10-25", "2026-11-01"]],
  ];
  for (const [zone, days] of cases) {
    it(`keeps 09:00–17:00 in ${zone} the same local times on and around every change`, () => {
      const slots = computeSlots(
        input(zone),
        [],
        new Date("2026-03-01T00:00:00Z"),
        new Date("2026-11-10T00:00:00Z"),
      );
      for (const day of days) {
        expect(localTimesOn(day, slots, zone), `${zone} ${day}`).toEqual(halfHours(9, 17));
      }
      const starts = slots.map((slot) => slot.start.getTime());
      expect(new Set(starts).size).toBe(starts.length);
      for (const slot of slots) expect(slot.end.getTime() - slot.start.getTime()).toBe(30 * 60_000);
    });
  }

  it("gives a window across the spring-forward gap only its real time (no 02:xx that does not exist)", () => {
    const zone = "America/New_York";
    const night = input(zone, { weekly: [{ weekday: 7, startMinute: 60, endMinute: 4 * 60 }] });
    const slots = computeSlots(night, [], new Date("2026-03-08T00:00:00Z"), new Date("2026-03-09T00:00:00Z"));
    expect(localTimesOn("2026-03-08", slots, zone)).toEqual(["01:00", "01:30", "03:00", "03:30"]);
  });

  it("gives a window across the fall-back overlap both 01:xx hours, as distinct instants", () => {
    const zone = "America/New_York";
    const night = input(zone, { weekly: [{ weekday: 7, startMinute: 60, endMinute: 3 * 60 }] });
    const slots = computeSlots(night, [], new Date("2026-11-01T00:00:00Z"), new Date("2026-11-02T00:00:00Z"));
    expect(localTimesOn("2026-11-01", slots, zone)).toEqual([
      "01:00",
      "01:30",
      "01:00",
      "01:30",
      "02:00",
      "02:30",
    ]);
    expect(slots[2]!.start.getTime() - slots[0]!.start.getTime()).toBe(60 * 60_000);
  });

  it("shows the same instant to a patient in another zone at their own local time", () => {
    const slots = computeSlots(
      input("Europe/Berlin"),
      [],
      new Date("2026-03-30T00:00:00Z"),
      new Date("2026-03-31T00:00:00Z"),
    );
    const first = slots[0]!;
    expect(formatTime(first.start, "Europe/Berlin")).toBe("09:00");
    expect(formatTime(first.start, "America/New_York")).toBe("03:00");
    expect(formatTime(first.start, "Asia/Kolkata")).toBe("12:30");
  });
});

describe("slots from exceptions and bookings", () => {
  const zone = "Asia/Kolkata";
  const from = new Date("2026-12-07T00:00:00+05:30"); // a Monday
  const to = new Date("2026-12-09T00:00:00+05:30");

  it("drops days off, adds extra hours, removes blocked time and booked visits", () => {
    const availability = input(zone, {
      daysOff: ["2026-12-08"],
      extra: [{ start: new Date("2026-12-07T18:00:00+05:30"), end: new Date("2026-12-07T19:00:00+05:30") }],
      blocked: [{ start: new Date("2026-12-07T12:00:00+05:30"), end: new Date("2026-12-07T13:00:00+05:30") }],
    });
    const busy = [
      { start: new Date("2026-12-07T09:30:00+05:30"), end: new Date("2026-12-07T10:00:00+05:30") },
    ];
    const slots = computeSlots(availability, busy, from, to);
    const monday = localTimesOn("2026-12-07", slots, zone);
    expect(monday).not.toContain("09:30");
    expect(monday).not.toContain("12:00");
    expect(monday).not.toContain("12:30");
    expect(monday).toContain("18:30");
    expect(monday).toHaveLength(16 - 1 - 2 + 2);
    expect(localTimesOn("2026-12-08", slots, zone)).toEqual([]);
  });

  it("merges overlapping hours instead of offering a time twice, and knows a real slot from a made-up one", () => {
    const availability = input(zone, {
      weekly: [
        { weekday: 1, startMinute: 9 * 60, endMinute: 12 * 60 },
        { weekday: 1, startMinute: 11 * 60, endMinute: 13 * 60 },
      ],
    });
    const slots = computeSlots(availability, [], from, to);
    expect(localTimesOn("2026-12-07", slots, zone)).toEqual(halfHours(9, 13));
    expect(availabilityWindows(availability, from, to)).toHaveLength(1);
    expect(isSlot(slots, slots[3]!)).toBe(true);
    expect(isSlot(slots, { start: new Date(slots[3]!.start.getTime() + 60_000), end: slots[3]!.end })).toBe(
      false,
    );
  });

  it("offers nothing before the earliest bookable instant", () => {
    const later = new Date("2026-12-07T15:10:00+05:30");
    const slots = computeSlots(input(zone), [], later, to);
    expect(localTimesOn("2026-12-07", slots, zone)[0]).toBe("15:30");
  });
});
