import "server-only";
import { getEnv } from "@/lib/env";
import { addressBucket, clientAddressFrom } from "./forwarded";

/**
 * The client's address, as lib/security/forwarded.ts explains per deployment,
 * or null when it cannot be known (a trusted proxy that sent no address).
 */
export function clientIp(headers: Headers): string | null {
  return clientAddressFrom(headers.get("x-forwarded-for"), getEnv().TRUST_PROXY);
}

/** The rate-limit key for the client's address (an IPv6 /64 counts as one client), or null. */
export function clientAddressKey(headers: Headers): string | null {
  const address = clientIp(headers);
  return address ? `ip:${addressBucket(address)}` : null;
}
