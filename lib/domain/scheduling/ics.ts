// A calendar file for a visit: "Haven visit", its time and its link. No names,
// no reasons: calendars are synced to third parties.
import { getEnv } from "@/lib/env";

const stamp = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

export function visitCalendar(visit: { id: string; startsAt: Date; endsAt: Date }, path: string): string {
  const url = `${getEnv().APP_URL}${path}`;
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Haven//Telehealth//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${visit.id}@haven`,
    `DTSTAMP:${stamp(new Date())}`,
    `DTSTART:${stamp(visit.startsAt)}`,
    `DTEND:${stamp(visit.endsAt)}`,
    "SUMMARY:Haven visit",
    `DESCRIPTION:Join from Haven: ${url}`,
    `URL:${url}`,
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}
