// The audit hash chain, as the database computes it (trigger "audit_log_chain"
// in the secure_data_core migration): hash = SHA-256(prev_hash ‖ canonical row).
// Rebuilt here independently, so `npm run audit:verify` does not trust the
// database's own functions.
import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

/** Each column as PostgreSQL renders it as text (see AUDIT_ROW_AS_TEXT), in chain order. */
export interface AuditRowText {
  sequence: string;
  occurred_at: string;
  actor_id: string | null;
  actor_role: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: string;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
}

/** The SELECT list that renders a row exactly as the trigger hashes it. */
export const AUDIT_ROW_AS_TEXT = `"sequence"::text AS sequence,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
  actor_id::text AS actor_id, actor_role, action, resource_type, resource_id, outcome::text AS outcome,
  request_id, ip, user_agent, details::text AS details`;

const field = (value: string | null) =>
  value === null ? "-" : `${Buffer.byteLength(value, "utf8")}:${value}`;

export function canonicalRow(row: AuditRowText): string {
  return [
    row.sequence,
    row.occurred_at,
    row.actor_id,
    row.actor_role,
    row.action,
    row.resource_type,
    row.resource_id,
    row.outcome,
    row.request_id,
    row.ip,
    row.user_agent,
    row.details,
  ]
    .map(field)
    .join("|");
}

export function chainHash(prevHash: string, row: AuditRowText): string {
  return createHash("sha256")
    .update(prevHash + canonicalRow(row), "utf8")
    .digest("hex");
}
