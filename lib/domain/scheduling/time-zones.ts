// Time zone names as people know them. Node's and Chromium's ICU still report
// some zones by names IANA retired years ago ("Asia/Calcutta" for Kolkata,
// "Europe/Kiev" for Kyiv); Haven stores and lists the current names. Both
// names work for formatting, so older stored values keep working.
import { isTimeZone } from "./slots";

/** Retired IANA names ICU may still report, and their current names (IANA "backward" links). */
const CURRENT_NAME: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Argentina/ComodRivadavia": "America/Argentina/Catamarca",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** Valid zones seen so far; invalid input is never kept, and the map is bounded all the same. */
const known = new Map<string, string>();
const MAX_KNOWN = 2_000;

/**
 * The current IANA name of a valid zone, or null for anything that is not a zone.
 * Every page reads the account's zone through here, so a zone is checked once per process.
 */
export function canonicalTimeZone(zone: string): string | null {
  const trimmed = zone.trim();
  const cached = known.get(trimmed);
  if (cached) return cached;
  if (!isTimeZone(trimmed)) return null;
  const current = CURRENT_NAME[trimmed];
  const canonical = current && isTimeZone(current) ? current : trimmed;
  if (known.size < MAX_KNOWN) known.set(trimmed, canonical);
  return canonical;
}

let choices: { value: string; label: string }[] | undefined;

/** Every zone for a select, by current name, sorted. */
export function timeZoneChoices(): readonly { value: string; label: string }[] {
  choices ??= [...new Set(Intl.supportedValuesOf("timeZone").map((zone) => canonicalTimeZone(zone) ?? zone))]
    .sort()
    .map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }));
  return choices;
}
