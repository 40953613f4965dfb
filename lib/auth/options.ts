// next-auth (credentials). Its only credential is a single-use sign-in ticket
// that Haven's own password and second-factor steps issue (lib/auth/sign-in.ts).
// The JWT cookie carries the server-side session id; lib/auth/current.ts checks
// that session on every request, so the server can end it.
import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getEnv } from "@/lib/env";
import { clientIp } from "@/lib/security/client-ip";
import type { Role } from "@/lib/db/generated/enums";
import { SESSION_COOKIE, cookieName, secureCookiesEnabled } from "./cookies";
import { exchangeTicket } from "./sign-in";
import { revokeSession, sessionPolicy } from "./sessions";

declare module "next-auth" {
  interface Session {
    sessionId: string;
    userId: string;
    role: Role;
  }
  interface User {
    role: Role;
    sessionId: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    sessionId?: string;
    userId?: string;
    role?: Role;
  }
}

let cached: AuthOptions | undefined;

export function authOptions(): AuthOptions {
  if (cached) return cached;
  const env = getEnv();
  process.env.NEXTAUTH_URL ??= env.APP_URL;
  const secure = secureCookiesEnabled();
  cached = {
    secret: env.AUTH_SECRET,
    useSecureCookies: secure,
    session: { strategy: "jwt", maxAge: Math.floor(sessionPolicy().maxAgeMs / 1000) },
    cookies: {
      sessionToken: {
        name: cookieName(SESSION_COOKIE),
        options: { httpOnly: true, sameSite: "lax", path: "/", secure },
      },
    },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "ticket",
        name: "Haven",
        credentials: { ticket: { type: "text" } },
        async authorize(credentials, request) {
          const ticket = credentials?.ticket;
          if (typeof ticket !== "string" || ticket.length > 100) return null;
          const headers = new Headers(request.headers as Record<string, string>);
          const user = await exchangeTicket(ticket, {
            ip: clientIp(headers),
            userAgent: headers.get("user-agent"),
          });
          return user ? { id: user.id, role: user.role, sessionId: user.sessionId } : null;
        },
      }),
    ],
    events: {
      // Signing out ends the server-side session at once, not just the cookie.
      async signOut({ token }) {
        if (token?.sessionId) await revokeSession(token.sessionId, "signed-out");
      },
    },
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sessionId = user.sessionId;
          token.userId = user.id;
          token.role = user.role;
        }
        return token;
      },
      session({ session, token }) {
        return {
          ...session,
          sessionId: token.sessionId ?? "",
          userId: token.userId ?? "",
          role: token.role ?? "PATIENT",
        };
      },
    },
  };
  return cached;
}
