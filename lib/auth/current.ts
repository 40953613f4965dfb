// Who is signed in, checked on the server for every page, server action and
// route handler (the proxy's redirects are only a convenience).
import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { type Permission, roleCan } from "@/lib/authz/permissions";
import { recordAuditEvent } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { requestIdOf } from "@/lib/http/route";
import { runWithContext } from "@/lib/request-context";
import { clientIp } from "@/lib/security/client-ip";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { authOptions } from "./options";
import { type SessionEndReason, checkSession } from "./sessions";

export interface AuthenticatedActor {
  userId: string;
  role: Role;
  sessionId: string;
  idleExpiresAt: Date;
}

type Resolution = { actor: AuthenticatedActor } | { actor: null; reason: SessionEndReason | "none" };

// Once per request: the layout and the page both ask, and each check is a query.
const resolveActor = cache(async (touch: boolean): Promise<Resolution> => {
  const session = await getServerSession(authOptions());
  if (!session?.sessionId) return { actor: null, reason: "none" };
  const check = await checkSession(session.sessionId, { touch });
  if (!check.ok) return { actor: null, reason: check.reason };
  return {
    actor: {
      userId: check.userId,
      role: check.role,
      sessionId: check.sessionId,
      idleExpiresAt: check.idleExpiresAt,
    },
  };
});

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
  const resolution = await resolveActor(true);
  if (!resolution.actor) {
    redirect(resolution.reason === "none" ? "/sign-in" : `/sign-in?reason=${resolution.reason}`);
  }
  if (permission && !roleCan(resolution.actor.role, permission)) {
    await auditDenied(resolution.actor, permission);
    notFound();
  }
  return resolution.actor;
}

/** Route handlers: the actor, or a 401/403 AppError. */
export async function requireApiActor(
  permission?: Permission,
  options: { touch?: boolean } = {},
): Promise<AuthenticatedActor> {
  const resolution = await resolveActor(options.touch ?? true);
  if (!resolution.actor) {
    throw new AppError(
      "UNAUTHENTICATED",
      resolution.reason === "idle"
        ? "Your session ended after a period of inactivity. Sign in again."
        : "Sign in first.",
    );
  }
  await consumeRateLimit("api", `user:${resolution.actor.userId}`);
  if (permission && !roleCan(resolution.actor.role, permission)) {
    await auditDenied(resolution.actor, permission);
    throw new AppError("FORBIDDEN", "You do not have access to this.");
  }
  return resolution.actor;
}
