// Which client address Haven believes, per deployment (ARCHITECTURE.md, "Client address").
// Free of Node-only and server-only imports: proxy.ts runs it on every request.
//
// - No proxy (TRUST_PROXY=false): `next start` fills X-Forwarded-For with the socket
//   address, but only when the request has none (`??=`), so a client could choose its
//   own. proxy.ts deletes every forwarding header a client sent; Next then fills in the
//   socket address, and that single entry is the client.
// - N trusted proxies (TRUST_PROXY=true for one, or a number): each proxy appends the
//   address it saw, so the client is the N-th entry from the end. Entries further left
//   were written by the client and are ignored.

/** Headers a client could use to claim another address, host or scheme. */
export const FORWARDING_HEADERS = [
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "forwarded",
  "x-real-ip",
] as const;

/** TRUST_PROXY as a number of trusted proxy hops: "false" → 0, "true" → 1, "2" → 2. */
export function trustedProxyHops(value: string | undefined): number {
  if (!value || value === "false") return 0;
  if (value === "true") return 1;
  const hops = Number(value);
  return Number.isInteger(hops) && hops > 0 ? hops : 0;
}

/** Without a trusted proxy, removes the forwarding headers a client sent (proxy.ts). */
export function stripUntrustedForwarding(headers: Headers, hops: number): void {
  if (hops > 0) return;
  for (const name of FORWARDING_HEADERS) headers.delete(name);
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9a-f:]{2,39}$/i;

/** A syntactically valid address, with IPv4-mapped IPv6 ("::ffff:1.2.3.4") as plain IPv4. */
export function normaliseAddress(raw: string | undefined): string | null {
  const value = raw?.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  if (!value) return null;
  const v4 = IPV4.exec(value);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255) ? value : null;
  return IPV6.test(value) && value.includes(":") ? value.toLowerCase() : null;
}

/** The client address from X-Forwarded-For, given how many proxies in front are trusted. */
export function clientAddressFrom(forwardedFor: string | null, hops: number): string | null {
  const entries = (forwardedFor ?? "").split(",").map((entry) => entry.trim());
  if (hops === 0) return entries.length === 1 ? normaliseAddress(entries[0]) : null;
  return entries.length >= hops ? normaliseAddress(entries[entries.length - hops]) : null;
}

/**
 * The bucket an address is limited in: the address itself for IPv4, its /64
 * for IPv6, where one subscriber routinely holds a whole /64.
 */
export function addressBucket(address: string): string {
  if (!address.includes(":")) return address;
  const [head = "", tail = ""] = address.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = address.includes("::") ? 8 - headGroups.length - tailGroups.length : 0;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill("0"), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
