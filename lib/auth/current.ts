// Who is signed in, checked on the server for every page, server action and
// route handler (the proxy's redirects are only a convenience).
import "server-only";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { type Permission, roleCan } from "@/lib/authz/permissions";
import { recordAuditEvent } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { requestIdOf } from "@/lib/http/request-id";
import { memoInContext, runWithContext } from "@/lib/request-context";
import type { PointToSpend } from "@/lib/db/session-lookup";
import { clientIp } from "@/lib/security/client-ip";
import { BACKGROUND_HEADER } from "@/lib/realtime/events";
import { type RateLimitName, perUserPointToSpend } from "@/lib/security/rate-limit";
import {
  type SessionToken,
  decodeSessionCookie,
  readSessionCookie,
  sessionCookieFrom,
} from "./session-cookie";
import { type SessionEndReason, checkSession, sessionPolicy } from "./sessions";

export interface AuthenticatedActor {
  userId: string;
  role: Role;
  sessionId: string;
  idleExpiresAt: Date;
}

const isEventStream = (request: Request) =>
  (request.headers.get("accept") ?? "").includes("text/event-stream");

type Resolution =
  | { actor: AuthenticatedActor; spent: { points: number; expiresAtMs: number } | null }
  | { actor: null; reason: SessionEndReason | "none" };

async function resolveToken(
  token: SessionToken | null,
  spend: PointToSpend | null = null,
  touch = true,
): Promise<Resolution> {
  if (!token) return { actor: null, reason: "none" };
  const check = await checkSession(token.sessionId, { touch, spend });
  if (!check.ok) return { actor: null, reason: check.reason };
  return {
    actor: {
      userId: check.userId,
      role: check.role,
      sessionId: check.sessionId,
      idleExpiresAt: check.idleExpiresAt,
    },
    spent: check.spent ?? null,
  };
}

// Once per request: the layout and the page both ask (React's cache); a route
// handler's limit and its handler both ask (the request context's memo).
const resolveForRender = cache(async () => resolveToken(await readSessionCookie()));
const resolveActor = (): Promise<Resolution> => memoInContext("session", () => resolveForRender());

/**
 * Route handlers (route() calls it first): the actor this request's own cookie
 * names after the full server-side check, or null for no, a forged or an ended
 * session; for a live session, one point of the API limit is spent in the same
 * statement (`spent`: the counter after it; null when limits live in memory).
 */
export async function verifiedApiActorOf(
  request: Request,
  limit: RateLimitName = "api",
): Promise<{ actor: AuthenticatedActor | null; spent: { points: number; expiresAtMs: number } | null }> {
  const value = sessionCookieFrom(request.headers.get("cookie"));
  // What the page fetches by itself (a realtime event arrived, the event stream) is not
  // the person's activity: it must not keep an idle session alive.
  const background = request.headers.get(BACKGROUND_HEADER) === "1" || isEventStream(request);
  const resolution = await memoInContext("session", async () =>
    resolveToken(
      await decodeSessionCookie(value),
      perUserPointToSpend(limit, sessionPolicy().idleMs),
      !background,
    ),
  );
  return resolution.actor ? resolution : { actor: null, spent: null };
}

/** Runs fn with this actor and the current request (id, address, browser) as the data layer's context. */
export async function runAs<T>(actor: AuthenticatedActor | null, fn: () => Promise<T>): Promise<T> {
  const requestHeaders = await headers();
  return runWithContext(
    {
      actor: actor ? { kind: "user", userId: actor.userId, role: actor.role } : { kind: "anonymous" },
      requestId: requestIdOf(requestHeaders),
      ip: clientIp(requestHeaders),
      userAgent: requestHeaders.get("user-agent")?.slice(0, 512) ?? null,
    },
    fn,
  );
}

async function auditDenied(actor: AuthenticatedActor, permission: Permission): Promise<void> {
  await runAs(actor, () =>
    recordAuditEvent({
      action: "authz.denied",
      resourceType: "Permission",
      resourceId: permission,
      outcome: "DENIED",
    }),
  );
}

/** Pages and server actions: the signed-in actor, or a redirect to sign-in that says why; 404 without the permission. */
export async function requireActor(permission?: Permission): Promise<AuthenticatedActor> {
  const resolution = await resolveActor();
  if (!resolution.actor) {
    redirect(resolution.reason === "none" ? "/sign-in" : `/sign-in?reason=${resolution.reason}`);
  }
  if (permission && !roleCan(resolution.actor.role, permission)) {
    await auditDenied(resolution.actor, permission);
    notFound();
  }
  return resolution.actor;
}

/**
 * Route handlers that name one resource (a visit, a file): every refusal is a 404,
 * so nobody, signed in or not, learns whether the id exists; and every refusal,
 * an anonymous visitor's too, is audited against the resource the request named
 * (`namedResource`: the id, or "(not an id)"; null for a resource not yet created).
 */
export async function requireApiActorForResource(
  permission: Permission,
  resource: { type: string; id: string | null },
): Promise<AuthenticatedActor> {
  const resolution = await resolveActor();
  if (!resolution.actor || !roleCan(resolution.actor.role, permission)) {
    await runAs(resolution.actor ?? null, () =>
      recordAuditEvent({
        action: "authz.denied",
        resourceType: resource.type,
        resourceId: resource.id,
        outcome: "DENIED",
        details: { permission, signedIn: resolution.actor !== null },
      }),
    );
    throw new AppError("NOT_FOUND", "Not found.");
  }
  return resolution.actor;
}

/** Route handlers: the actor, or a 401/403 AppError. (route() has already applied the API limit.) */
export async function requireApiActor(permission?: Permission): Promise<AuthenticatedActor> {
  const resolution = await resolveActor();
  if (!resolution.actor) {
    throw new AppError(
      "UNAUTHENTICATED",
      resolution.reason === "idle"
        ? "Your session ended after a period of inactivity. Sign in again."
        : "Sign in first.",
    );
  }
  if (permission && !roleCan(resolution.actor.role, permission)) {
    await auditDenied(resolution.actor, permission);
    throw new AppError("FORBIDDEN", "You do not have access to this.");
  }
  return resolution.actor;
}
