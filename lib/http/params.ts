// Ids in page paths: anything that is not a UUID cannot name a record, so it is
// the same 404 as an id that does not exist (and never reaches a query).
import { notFound } from "next/navigation";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** How a route names the resource in its path for the audit trail: the id, or that it was none. */
export const namedResource = (type: string, value: string) => ({
  type,
  id: isUuid(value) ? value : "(not an id)",
});

/** The id from a page's path, or a 404. */
export function pageIdOr404(value: string): string {
  if (!isUuid(value)) notFound();
  return value;
}
