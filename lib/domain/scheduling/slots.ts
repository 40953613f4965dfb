// Bookable slots from a doctor's weekly hours, exceptions and bookings. Pure:
// no database, no clock. Weekly hours are local times in the doctor's IANA time
// zone; everything else is instants. Local times become instants per date with
// Temporal's ZonedDateTime (disambiguation "compatible": a time skipped by a
// spring-forward gap moves after it, an ambiguous fall-back time takes the
// first occurrence), and slots step through each window in absolute minutes.
// So a window that spans a change has exactly as many slots as it has real
// time: none missing, none duplicated, none shifted by an hour.
import { Temporal } from "temporal-polyfill";

export interface WeeklyRange {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes after local midnight. */
  startMinute: number;
  endMinute: number;
}

/** A half-open interval of instants [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

export interface AvailabilityInput {
  /** The doctor's IANA time zone. */
  timeZone: string;
  weekly: readonly WeeklyRange[];
  /** Local dates (YYYY-MM-DD, the doctor's zone) without weekly hours. */
  daysOff: readonly string[];
  /** Bookable time beyond the weekly hours. */
  extra: readonly Interval[];
  /** Not bookable, whatever the weekly hours say. */
  blocked: readonly Interval[];
  visitMinutes: number;
}

const MINUTE_MS = 60_000;

/** The instant a local date and minute-of-day denote in a zone (1440 is the next midnight). */
export function localMinuteToInstant(date: Temporal.PlainDate, minute: number, timeZone: string): Date {
  const day = minute >= 1440 ? date.add({ days: 1 }) : date;
  const m = minute % 1440;
  const zoned = day.toZonedDateTime({
    timeZone,
    plainTime: new Temporal.PlainTime(Math.floor(m / 60), m % 60),
  });
  return new Date(zoned.epochMilliseconds);
}

/** The local date of an instant in a zone. */
export function localDateOf(instant: Date, timeZone: string): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone).toPlainDate();
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.start.getTime() <= last.end.getTime()) {
      if (interval.end > last.end) last.end = interval.end;
    } else {
      merged.push({ start: interval.start, end: interval.end });
    }
  }
  return merged;
}

const overlaps = (a: Interval, b: Interval) => a.start < b.end && b.start < a.end;

/** The windows the doctor is available in, between two instants (weekly hours, days off, extra hours). */
export function availabilityWindows(input: AvailabilityInput, from: Date, to: Date): Interval[] {
  const windows: Interval[] = [];
  const daysOff = new Set(input.daysOff);
  // One local day of margin either side: a window may start before `from` in UTC and still reach into it.
  let date = localDateOf(from, input.timeZone).subtract({ days: 1 });
  const last = localDateOf(to, input.timeZone).add({ days: 1 });
  while (Temporal.PlainDate.compare(date, last) <= 0) {
    if (!daysOff.has(date.toString())) {
      for (const range of input.weekly) {
        if (range.weekday !== date.dayOfWeek) continue;
        windows.push({
          start: localMinuteToInstant(date, range.startMinute, input.timeZone),
          end: localMinuteToInstant(date, range.endMinute, input.timeZone),
        });
      }
    }
    date = date.add({ days: 1 });
  }
  windows.push(...input.extra);
  return merge(
    windows.filter((window) => window.end > from && window.start < to && window.end > window.start),
  );
}

/**
 * Bookable slots starting in [from, to): visit-length steps through each
 * window, minus blocked time and the given busy intervals (active bookings).
 */
export function computeSlots(
  input: AvailabilityInput,
  busy: readonly Interval[],
  from: Date,
  to: Date,
): Interval[] {
  const length = input.visitMinutes * MINUTE_MS;
  const unavailable = [...input.blocked, ...busy];
  const slots: Interval[] = [];
  for (const window of availabilityWindows(input, from, to)) {
    for (let start = window.start.getTime(); start + length <= window.end.getTime(); start += length) {
      const slot = { start: new Date(start), end: new Date(start + length) };
      if (slot.start < from || slot.start >= to) continue;
      if (unavailable.some((interval) => overlaps(slot, interval))) continue;
      slots.push(slot);
    }
  }
  return slots;
}

/** Is this exact interval one of the slots (a booking must start on one)? */
export function isSlot(slots: readonly Interval[], candidate: Interval): boolean {
  return slots.some(
    (slot) =>
      slot.start.getTime() === candidate.start.getTime() && slot.end.getTime() === candidate.end.getTime(),
  );
}

/** Is this an IANA time zone the runtime knows? */
export function isTimeZone(zone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(zone);
    return zone.length <= 64;
  } catch {
    return false;
  }
}
