// Calendar dates as Haven stores them in PHI columns: ISO "YYYY-MM-DD" strings
// (encrypted, so the database can neither check nor sort them; this module does).
// ISO date strings compare correctly as strings.
import { localDay } from "@/lib/domain/scheduling/format";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date that exists on the calendar ("2025-02-30" does not). */
export function isRealDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Today's date where it is already latest (UTC+14). A date checked on the server
 * must not be refused as "in the future" for a patient whose day started earlier
 * than the server's, whatever their zone.
 */
export function latestDateOnEarth(now: Date = new Date()): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export const todayIn = (timeZone: string, now: Date = new Date()): string => localDay(now, timeZone);

/** Full years between a date of birth and a day (both ISO dates). */
export function ageOn(dateOfBirth: string, day: string): number | null {
  if (!isRealDate(dateOfBirth) || !isRealDate(day) || day < dateOfBirth) return null;
  const years = Number(day.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return day.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/** "12 April 1988", for people (the stored form stays ISO). */
export function formatIsoDate(value: string): string {
  if (!isRealDate(value)) return value;
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: "UTC",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(`${value}T00:00:00Z`));
}
