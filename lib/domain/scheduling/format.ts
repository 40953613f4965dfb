// Times as people read them: always in a named zone. Shared by server and
// browser components (Intl only).
import { formatMoney } from "@/lib/domain/payments/money";

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { ...options, timeZone });
    cache.set(key, format);
  }
  return format;
}

/** "Tue 24 Nov 2026, 14:30 CET" */
export function formatDateTime(instant: Date, timeZone: string): string {
  return formatter(timeZone, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(instant);
}

/** "14:30" */
export function formatTime(instant: Date, timeZone: string): string {
  return formatter(timeZone, { hour: "2-digit", minute: "2-digit" }).format(instant);
}

/** "Tuesday 24 November" */
export function formatDay(instant: Date, timeZone: string): string {
  return formatter(timeZone, { weekday: "long", day: "numeric", month: "long" }).format(instant);
}

/** The local date key (YYYY-MM-DD) of an instant in a zone, for grouping. */
export function localDay(instant: Date, timeZone: string): string {
  const parts = formatter(timeZone, { year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(
    instant,
  );
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** "Europe/Berlin (CET)": the zone as shown beside every time. */
export function describeTimeZone(timeZone: string, at = new Date()): string {
  const short = formatter(timeZone, { timeZoneName: "short" })
    .formatToParts(at)
    .find((part) => part.type === "timeZoneName")?.value;
  return short ? `${timeZone.replace(/_/g, " ")} (${short})` : timeZone;
}

/** Slots grouped by local day in a zone, labelled for people, valued as ISO instants for forms. */
export function groupByDay(
  slots: readonly { start: Date }[],
  timeZone: string,
): { key: string; label: string; slots: { value: string; label: string }[] }[] {
  const days = new Map<string, { key: string; label: string; slots: { value: string; label: string }[] }>();
  for (const slot of slots) {
    const key = localDay(slot.start, timeZone);
    let day = days.get(key);
    if (!day) {
      day = { key, label: formatDay(slot.start, timeZone), slots: [] };
      days.set(key, day);
    }
    day.slots.push({ value: slot.start.toISOString(), label: formatTime(slot.start, timeZone) });
  }
  return [...days.values()];
}

/** "€45.00", "₹600.00" (the currency's own minor unit: lib/domain/payments/money.ts). */
export const formatFee = formatMoney;
