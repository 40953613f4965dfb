import "server-only";
import { getIronSession } from "iron-session";
import { cookies } from "next/headers";
import { getEnv } from "@/lib/env";
import { cookieName, secureCookiesEnabled } from "./cookies";

/** A short-lived, encrypted and signed cookie (iron-session) for state between two requests. */
export async function openSealedCookie<T extends object>(baseName: string, ttlSeconds: number) {
  return getIronSession<T>(await cookies(), {
    password: getEnv().AUTH_SECRET,
    cookieName: cookieName(baseName),
    ttl: ttlSeconds,
    cookieOptions: { httpOnly: true, secure: secureCookiesEnabled(), sameSite: "strict", path: "/" },
  });
}
