import "server-only";
import { headers } from "next/headers";
import { clientIp } from "@/lib/security/client-ip";
import { type RateLimitName, consumeRateLimit } from "@/lib/security/rate-limit";

/** Anonymous server actions (sign-up, reset requests): throttled per client address. */
export async function throttleAnonymous(limit: RateLimitName, purpose: string): Promise<void> {
  await consumeRateLimit(limit, `${purpose}:${clientIp(await headers()) ?? "unknown-client"}`);
}
