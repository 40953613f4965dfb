// Message times in the viewer's own zone ("24 Nov, 14:30"; the full date in a tooltip).
import { formatDateTime } from "@/lib/domain/scheduling/format";

const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatMessageTime(iso: string, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
    });
    formatters.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

export const formatFullTime = (iso: string, timeZone: string) => formatDateTime(new Date(iso), timeZone);
