// The session cookie: a next-auth JWT (encrypted, A256GCM with a key derived
// from AUTH_SECRET) that carries only the server-side session id. Haven's
// sign-in steps issue it from server actions, so signing in works with or
// without JavaScript; next-auth's own endpoints read the same format.
import "server-only";
import { LRUCache } from "lru-cache";
import { encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import type { Role } from "@/lib/db/generated/enums";
import { getEnv } from "@/lib/env";
import { SESSION_COOKIE, cookieName, decodeSessionJwt, secureCookiesEnabled } from "./cookies";
import { sessionPolicy } from "./sessions";

export interface SessionToken {
  sessionId: string;
  userId: string;
  role: Role;
}

/** The cookie's name and value for a session (also what `npm run bench` signs its users in with). */
export async function encodeSessionCookie(token: SessionToken): Promise<{ name: string; value: string }> {
  const maxAge = Math.floor(sessionPolicy().maxAgeMs / 1000);
  const value = await encode({ token: { ...token }, secret: getEnv().AUTH_SECRET, maxAge });
  return { name: cookieName(SESSION_COOKIE), value };
}

export async function setSessionCookie(token: SessionToken): Promise<void> {
  const maxAge = Math.floor(sessionPolicy().maxAgeMs / 1000);
  const { name, value } = await encodeSessionCookie(token);
  (await cookies()).set(name, value, {
    httpOnly: true,
    secure: secureCookiesEnabled(),
    sameSite: "lax",
    path: "/",
    maxAge,
  });
}

/** The session cookie's value in a Cookie header (route handlers read their request). */
export function sessionCookieFrom(cookieHeader: string | null): string | undefined {
  const prefix = `${cookieName(SESSION_COOKIE)}=`;
  return (cookieHeader ?? "")
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(prefix))
    ?.slice(prefix.length);
}

/** The session this request's cookie names (pages and actions). */
export async function readSessionCookie(): Promise<SessionToken | null> {
  return decodeSessionCookie((await cookies()).get(cookieName(SESSION_COOKIE))?.value);
}

// Decoding derives a key (HKDF) and decrypts the JWT on every request: the
// result for a cookie value is the same until the token expires, so it is kept
// briefly. Only what decoding proves is cached; the session itself is checked
// against the database on every request.
const decoded = new LRUCache<string, { token: SessionToken | null; until: number }>({ max: 10_000 });
const DECODED_TTL_MS = 60_000;

/** The session a cookie value names, or null for none, a forged one or an expired one. */
export async function decodeSessionCookie(value: string | undefined): Promise<SessionToken | null> {
  if (!value || value.length > 4096) return null;
  const now = Date.now();
  const hit = decoded.get(value);
  if (hit && hit.until > now) return hit.token;
  let token: SessionToken | null = null;
  let until = now + DECODED_TTL_MS;
  const payload = await decodeSessionJwt(value);
  if (typeof payload?.sessionId === "string") token = payload as unknown as SessionToken;
  if (typeof payload?.exp === "number") until = Math.min(until, payload.exp * 1000);
  decoded.set(value, { token, until });
  return token;
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).delete({ name: cookieName(SESSION_COOKIE), path: "/", secure: secureCookiesEnabled() });
}
