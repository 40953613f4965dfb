// One canonical text for an audit row, built the same way by the writer (from
// the values it inserts) and by the sealer and verifier (from the row as
// PostgreSQL renders it), and the MACs over it.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { AuditKeys } from "./keys";

export const GENESIS_HASH = "0".repeat(64);

/** An audit row's content as text, in the order it is MACed. */
export interface AuditRowContent {
  event_id: string;
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
  /** JSON text; canonicalised before MACing (jsonb reorders keys). */
  details: string | null;
  /** Whose personal data the event concerns; rows without one keep the v1 canonical form. */
  subject_id: string | null;
}

/** A stored row as the sealer and verifier read it. */
export interface StoredAuditRow extends AuditRowContent {
  sequence: string;
  row_mac: string | null;
  /** The old, unkeyed chain of rows written before the sealer ("legacy"). */
  prev_hash: string | null;
  hash: string | null;
}

/** The SELECT list that renders a stored row (table alias a) as StoredAuditRow. */
export const STORED_ROW_COLUMNS = `a."sequence"::text AS sequence, a.event_id::text AS event_id,
  to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
  a.actor_id::text AS actor_id, a.actor_role, a.action, a.resource_type, a.resource_id,
  a.outcome::text AS outcome, a.request_id, a.ip, a.user_agent, a.details::text AS details,
  a.subject_id::text AS subject_id, a.row_mac, a.prev_hash, a.hash`;

/** JSON with object keys sorted at every level: the same text for the same value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const field = (value: string | null) =>
  value === null ? "-" : `${Buffer.byteLength(value, "utf8")}:${value}`;

/**
 * v1 rows (no subject) keep the form they were MACed and sealed with; a row with
 * a subject appends it under a v2 marker, so clearing or adding a subject breaks
 * the MAC either way.
 */
export function canonicalRow(row: AuditRowContent): string {
  const details = row.details === null ? null : canonicalJson(JSON.parse(row.details));
  const fields = [
    row.event_id,
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
    details,
  ];
  const v1 = fields.map(field).join("|");
  return row.subject_id === null ? v1 : `${v1}|v2|${field(row.subject_id)}`;
}

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text, "utf8").digest("hex");

/** The MAC the writer stores with a row. */
export function rowMac(keys: AuditKeys, row: AuditRowContent): string {
  return hmac(keys.rowKey, `haven-audit-row-v1|${canonicalRow(row)}`);
}

export function rowMacValid(keys: AuditKeys, row: StoredAuditRow): boolean {
  if (!row.row_mac || row.row_mac.length !== 64) return false;
  return timingSafeEqual(Buffer.from(row.row_mac, "utf8"), Buffer.from(rowMac(keys, row), "utf8"));
}

export type SealVerdict = "ok" | "legacy" | "forged" | "replayed";

/** What a row is: written by Haven (ok), before the sealer (legacy), copied (replayed), or not by Haven (forged). */
export function verdictOf(
  keys: AuditKeys,
  row: StoredAuditRow,
  options: { legacyCutoff: bigint; duplicated: boolean },
): SealVerdict {
  if (rowMacValid(keys, row)) return options.duplicated ? "replayed" : "ok";
  const legacy = row.row_mac === null && row.hash !== null && BigInt(row.sequence) <= options.legacyCutoff;
  return legacy ? "legacy" : "forged";
}

/** hash_n of the seal chain: keyed, so it cannot be recomputed without the audit key. */
export function sealHash(
  keys: AuditKeys,
  seal: { sealSequence: bigint; prevHash: string; verdict: SealVerdict },
  row: StoredAuditRow,
): string {
  return hmac(
    keys.chainKey,
    [
      "haven-audit-seal-v1",
      seal.sealSequence.toString(),
      seal.prevHash,
      seal.verdict,
      row.sequence,
      canonicalRow(row),
      row.row_mac ?? "-",
      row.hash ?? "-",
    ].join("|"),
  );
}

/** The old chain (rows written before the sealer): SHA-256(prev_hash ‖ row), as the retired trigger computed it. */
export function legacyChainHash(row: StoredAuditRow): string {
  const text = [
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
  return createHash("sha256")
    .update((row.prev_hash ?? GENESIS_HASH) + text, "utf8")
    .digest("hex");
}

/** An anchor's MAC (audit_chain_anchors.mac): keyed, so an anchor for a removal Haven did not make is detected. */
export function anchorMac(
  keys: AuditKeys,
  anchor: { prunedThroughSeal: bigint; anchorHash: string; rows: number },
): string {
  return hmac(
    keys.chainKey,
    [
      "haven-audit-anchor-v1",
      anchor.prunedThroughSeal.toString(),
      anchor.anchorHash,
      String(anchor.rows),
    ].join("|"),
  );
}
