import { getEnv } from "@/lib/env";

/** Secure, __Host- prefixed cookies everywhere but plain-http development. */
export function secureCookiesEnabled(): boolean {
  const env = getEnv();
  return env.NODE_ENV === "production" || env.APP_URL.startsWith("https://");
}

export function cookieName(base: string): string {
  return secureCookiesEnabled() ? `__Host-${base}` : base;
}

export const SESSION_COOKIE = "haven.session";
export const PENDING_SIGN_IN_COOKIE = "haven.pending";
export const MFA_ENROLMENT_COOKIE = "haven.mfa-enrol";
export const KNOWN_DEVICES_COOKIE = "haven.known-devices";
