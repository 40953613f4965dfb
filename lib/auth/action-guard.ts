import "server-only";
import { headers } from "next/headers";
import { emailBlindIndex } from "@/lib/db/client";
import { clientAddressKey } from "@/lib/security/client-ip";
import { type RateLimitName, consumeRateLimit } from "@/lib/security/rate-limit";

/**
 * Anonymous server actions (sign-up, password reset): throttled per client
 * address; when the address is unknown, per email address (`perEmail`)
 * instead, never in one bucket shared by every client.
 */
export async function throttleAnonymous(limit: RateLimitName, perEmail?: string): Promise<void> {
  const key = clientAddressKey(await headers()) ?? (perEmail ? `email:${emailBlindIndex(perEmail)}` : null);
  if (key) await consumeRateLimit(limit, key);
}
