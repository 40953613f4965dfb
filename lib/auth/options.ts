// next-auth's configuration, for its own endpoints under /api/auth (session,
// csrf, signout). Haven's sign-in steps issue the session cookie themselves
// (session-cookie.ts) in next-auth's JWT format; the cookie carries only the
// server-side session id, and every reader checks that session on the server.
import "server-only";
import type { AuthOptions } from "next-auth";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import type { Role } from "@/lib/db/generated/enums";
import { SESSION_COOKIE, cookieName, decodeSessionJwt, secureCookiesEnabled } from "./cookies";
import { checkSession, revokeSession, sessionPolicy } from "./sessions";

declare module "next-auth" {
  interface Session {
    userId: string;
    role: Role;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    sessionId?: string;
    userId?: string;
    role?: Role;
  }
}

/** Thrown into next-auth, which answers an empty session and clears the cookie. */
class EndedSessionError extends Error {
  override name = "EndedSessionError";
}

let cached: AuthOptions | undefined;

export function authOptions(): AuthOptions {
  if (cached) return cached;
  const env = getEnv();
  process.env.NEXTAUTH_URL ??= env.APP_URL;
  const secure = secureCookiesEnabled();
  cached = {
    secret: env.AUTH_SECRET,
    // next-auth's own endpoints read the cookie as every other reader does (both secrets in a rotation).
    jwt: { decode: ({ token }) => (token ? decodeSessionJwt(token) : Promise.resolve(null)) },
    useSecureCookies: secure,
    session: { strategy: "jwt", maxAge: Math.floor(sessionPolicy().maxAgeMs / 1000) },
    cookies: {
      sessionToken: {
        name: cookieName(SESSION_COOKIE),
        options: { httpOnly: true, sameSite: "lax", path: "/", secure },
      },
    },
    pages: { signIn: "/sign-in", signOut: "/sign-in", error: "/sign-in" },
    providers: [],
    // next-auth logs whole error objects; Haven logs codes only.
    logger: {
      error: (code) => logger.warn("next-auth", { code }),
      warn: (code) => logger.warn("next-auth", { code }),
      debug: () => undefined,
    },
    events: {
      // Signing out through next-auth's endpoint ends the server-side session too.
      async signOut({ token }) {
        if (token?.sessionId) await revokeSession(token.sessionId, "signed-out");
      },
    },
    callbacks: {
      // GET /api/auth/session applies the same server-side check as every page:
      // a revoked, idle, expired or deactivated session is no session.
      async session({ session, token }) {
        const check = token.sessionId ? await checkSession(token.sessionId, { touch: false }) : null;
        if (!check?.ok) throw new EndedSessionError("the session has ended");
        return { expires: session.expires, userId: check.userId, role: check.role };
      },
    },
  };
  return cached;
}
