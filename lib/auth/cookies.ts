import { type JWT, decode } from "next-auth/jwt";
import { getEnv } from "@/lib/env";

/** Secure, __Host- prefixed cookies everywhere but plain-http development. */
export function secureCookiesEnabled(): boolean {
  const env = getEnv();
  return env.NODE_ENV === "production" || env.APP_URL.startsWith("https://");
}

export function cookieName(base: string): string {
  return secureCookiesEnabled() ? `__Host-${base}` : base;
}

/**
 * The payload of a session cookie's JWT, or null for a forged, expired or foreign one. It opens with
 * AUTH_SECRET, and during a rotation with the secret being retired (AUTH_SECRET_PREVIOUS), so rotating
 * signs nobody out; cookies are only ever made with AUTH_SECRET. The one decoder of the cookie: pages
 * and actions (session-cookie.ts), proxy.ts and next-auth's own endpoints (options.ts).
 */
export async function decodeSessionJwt(value: string): Promise<JWT | null> {
  const env = getEnv();
  for (const secret of [env.AUTH_SECRET, env.AUTH_SECRET_PREVIOUS]) {
    if (!secret) continue;
    try {
      return await decode({ token: value, secret });
    } catch {
      // Not made with this secret: try the next one.
    }
  }
  return null;
}

export const SESSION_COOKIE = "haven.session";
export const PENDING_SIGN_IN_COOKIE = "haven.pending";
export const MFA_ENROLMENT_COOKIE = "haven.mfa-enrol";
export const KNOWN_DEVICES_COOKIE = "haven.known-devices";
