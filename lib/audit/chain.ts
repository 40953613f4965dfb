// The audit hash chain: hash = SHA-256(prev_hash ‖ canonical row). Shared by the
// writer and by `npm run audit:verify`, so both serialise rows identically.
import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export interface ChainedFields {
  sequence: bigint;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
}

/** JSON with object keys sorted at every level, so jsonb's reordering cannot change the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function canonicalRow(row: ChainedFields): string {
  return canonicalJson([
    row.sequence.toString(),
    row.occurredAt.toISOString(),
    row.actorId,
    row.actorRole,
    row.action,
    row.resourceType,
    row.resourceId,
    row.outcome,
    row.requestId,
    row.ip,
    row.userAgent,
    row.details ?? null,
  ]);
}

export function chainHash(prevHash: string, row: ChainedFields): string {
  return createHash("sha256").update(prevHash, "utf8").update(canonicalRow(row), "utf8").digest("hex");
}
