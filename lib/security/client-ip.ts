import "server-only";
import { getEnv } from "@/lib/env";

/**
 * The client's address. Next.js gives handlers no socket address, so it can
 * only come from the reverse proxy in front of Haven: trusted only when
 * TRUST_PROXY=true, and then the address that proxy appended (the last entry),
 * which a client cannot forge. Without a trusted proxy every client shares one
 * throttling bucket: strict, but spoofing a header gains nothing.
 */
export function clientIp(headers: Headers): string | null {
  if (!getEnv().TRUST_PROXY) return null;
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last && /^[0-9a-fA-F.:]{2,45}$/.test(last) ? last : null;
}
