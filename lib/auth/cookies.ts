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
 * The secrets a session cookie may be made with: AUTH_SECRET, and during a rotation the one being
 * retired (AUTH_SECRET_PREVIOUS), so nobody is signed out by it. New cookies use AUTH_SECRET only.
 */
export function sessionSecrets(
  env: { AUTH_SECRET?: string; AUTH_SECRET_PREVIOUS?: string } = getEnv(),
): string[] {
  return [env.AUTH_SECRET, env.AUTH_SECRET_PREVIOUS].filter((secret): secret is string => Boolean(secret));
}

export const SESSION_COOKIE = "haven.session";
export const PENDING_SIGN_IN_COOKIE = "haven.pending";
export const MFA_ENROLMENT_COOKIE = "haven.mfa-enrol";
export const KNOWN_DEVICES_COOKIE = "haven.known-devices";
