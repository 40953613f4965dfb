// The session check every request makes, in one statement: the session, its
// user's role and status, and (for API requests of a live session) one point
// of the API limit spent in the shared rate_limits table, with the same row
// layout and arithmetic as rate-limiter-flexible's PostgreSQL store. One round
// trip instead of two on the hottest path (lib/auth/sessions.ts decides).
import "server-only";
import type { Role, UserStatus } from "./generated/enums";
import { plainClient } from "./client";

export interface SessionRow {
  id: string;
  userId: string;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
  role: Role;
  status: UserStatus;
  /** The limit's counter after this request, when a point was spent. */
  spent: { points: number; expiresAtMs: number } | null;
}

export interface PointToSpend {
  /** rate-limiter-flexible's key without the user id, e.g. "api:user:" (the id comes from the session row). */
  keyPrefix: string;
  durationMs: number;
  idleMs: number;
}

interface Raw {
  id: string;
  user_id: string;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoke_reason: string | null;
  role: Role;
  status: UserStatus;
  spent_points: number | null;
  spent_expire: bigint | null;
}

export async function lookUpSession(
  sessionId: string,
  spend: PointToSpend | null,
): Promise<SessionRow | null> {
  const now = Date.now();
  const rows = spend
    ? await plainClient().$queryRaw<Raw[]>`
        WITH found AS (
          SELECT s.id::text, s.user_id::text, s.last_seen_at, s.expires_at, s.revoked_at, s.revoke_reason,
                 u.role, u.status
            FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.id = ${sessionId}::uuid
        ), spent AS (
          INSERT INTO rate_limits (key, points, expire)
          SELECT ${spend.keyPrefix} || found.user_id, 1, ${now + spend.durationMs}::bigint FROM found
           WHERE found.revoked_at IS NULL AND found.status = 'ACTIVE' AND found.expires_at > now()
             AND found.last_seen_at > now() - ${spend.idleMs} * interval '1 millisecond'
          ON CONFLICT (key) DO UPDATE SET
            points = CASE WHEN rate_limits.expire <= ${now}::bigint THEN 1 ELSE rate_limits.points + 1 END,
            expire = CASE WHEN rate_limits.expire <= ${now}::bigint THEN ${now + spend.durationMs}::bigint
                          ELSE rate_limits.expire END
          RETURNING points, expire
        )
        SELECT found.*, spent.points AS spent_points, spent.expire AS spent_expire
          FROM found LEFT JOIN spent ON true`
    : await plainClient().$queryRaw<Raw[]>`
        SELECT s.id::text, s.user_id::text, s.last_seen_at, s.expires_at, s.revoked_at, s.revoke_reason,
               u.role, u.status, NULL::int AS spent_points, NULL::bigint AS spent_expire
          FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = ${sessionId}::uuid`;
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    userId: row.user_id,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokeReason: row.revoke_reason,
    role: row.role,
    status: row.status,
    spent:
      row.spent_points === null || row.spent_expire === null
        ? null
        : { points: row.spent_points, expiresAtMs: Number(row.spent_expire) },
  };
}
