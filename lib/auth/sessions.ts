// Server-side sessions. The session cookie carries only a session id; every
// request checks the record here, so the server can end a session at once.
import "server-only";
import type { Role, UserStatus } from "@/lib/db/generated/enums";
import { getDb } from "@/lib/db/client";
import { type PointToSpend, lookUpSession } from "@/lib/db/session-lookup";
import { getEnv } from "@/lib/env";

export type SessionEndReason = "idle" | "expired" | "revoked" | "signed-out";

export type SessionCheck =
  | {
      ok: true;
      sessionId: string;
      userId: string;
      role: Role;
      idleExpiresAt: Date;
      spent?: { points: number; expiresAtMs: number } | null;
    }
  | { ok: false; reason: SessionEndReason };

// Writing last_seen_at on every request would make each page view a write. At
// most one write a minute per session: the idle timeout is exact to that minute
// (a session may end up to one minute early, never late).
export const TOUCH_INTERVAL_MS = 60_000;

export function sessionPolicy() {
  const env = getEnv();
  return {
    idleMs: env.SESSION_IDLE_TIMEOUT_MINUTES * 60_000,
    maxAgeMs: env.SESSION_MAX_AGE_HOURS * 3_600_000,
  };
}

export async function createSession(userId: string, client: { ip: string | null; userAgent: string | null }) {
  const now = new Date();
  return getDb().session.create({
    data: {
      userId,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + sessionPolicy().maxAgeMs),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
    },
    select: { id: true, expiresAt: true },
  });
}

/**
 * Validates a session and, when it is alive, records activity (which pushes the
 * idle deadline). With `spend`, the same statement spends one point of a rate
 * limit for the session's user (route handlers: the API limit); `spent` is the
 * counter after it, or null when the point could not be spent that way.
 */
export async function checkSession(
  sessionId: string,
  options: { touch: boolean; spend?: PointToSpend | null } = { touch: true },
): Promise<SessionCheck> {
  const { idleMs } = sessionPolicy();
  const now = new Date();
  // One statement, no PHI column (role and status only): no transaction, no audit row.
  const session = await lookUpSession(sessionId, options.spend ?? null);
  if (!session) return { ok: false, reason: "revoked" };
  if (session.revokedAt)
    return { ok: false, reason: session.revokeReason === "signed-out" ? "signed-out" : "revoked" };
  if (session.status !== ("ACTIVE" satisfies UserStatus)) return { ok: false, reason: "revoked" };
  if (session.expiresAt <= now) return { ok: false, reason: "expired" };
  if (session.lastSeenAt.getTime() + idleMs <= now.getTime()) {
    await revokeSession(session.id, "idle");
    return { ok: false, reason: "idle" };
  }
  let lastSeenAt = session.lastSeenAt;
  if (options.touch && now.getTime() - lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await getDb().session.update({
      where: { id: session.id },
      data: { lastSeenAt: now },
      select: { id: true },
    });
    lastSeenAt = now;
  }
  const idleExpiresAt = new Date(Math.min(lastSeenAt.getTime() + idleMs, session.expiresAt.getTime()));
  return {
    ok: true,
    sessionId: session.id,
    userId: session.userId,
    role: session.role,
    idleExpiresAt,
    spent: session.spent,
  };
}

/** Forces activity now (the "stay signed in" button); returns the new idle deadline (never past the lifetime). */
export async function extendSession(sessionId: string): Promise<Date> {
  const now = new Date();
  const { expiresAt } = await getDb().session.update({
    where: { id: sessionId },
    data: { lastSeenAt: now },
    select: { expiresAt: true },
  });
  return new Date(Math.min(now.getTime() + sessionPolicy().idleMs, expiresAt.getTime()));
}

export async function revokeSession(sessionId: string, reason: string): Promise<void> {
  await getDb().session.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: new Date(), revokeReason: reason },
  });
}

/** Ends every session of a user (optionally but one): password change, reset, MFA reset, deactivation. */
export async function revokeAllSessions(
  userId: string,
  reason: string,
  exceptSessionId?: string,
): Promise<number> {
  const { count } = await getDb().session.updateMany({
    where: { userId, revokedAt: null, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
    data: { revokedAt: new Date(), revokeReason: reason },
  });
  return count;
}

export async function listActiveSessions(userId: string) {
  const { idleMs } = sessionPolicy();
  return getDb().session.findMany({
    where: {
      userId,
      revokedAt: null,
      expiresAt: { gt: new Date() },
      lastSeenAt: { gt: new Date(Date.now() - idleMs) },
    },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, createdAt: true, lastSeenAt: true, ip: true, userAgent: true },
  });
}
