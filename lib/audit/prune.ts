// Audit-log retention: removes the oldest sealed rows, in seal order, from the
// START of the chain only, and records an anchor (the last removed seal and its
// hash, MACed with the chain key) from which `npm run audit:verify` checks the
// rest. The database lets this happen only inside a transaction that declares
// haven.lifecycle = 'destroy' and a retention of at least 2192 days, and only
// for rows older than that (the triggers of migration 20261202112913_audit_retention).
import "server-only";
import { Prisma } from "@/lib/db/generated/client";
import { anchorMac } from "./canonical";
import type { AuditKeys } from "./keys";
import { SEALER_LOCK } from "./sealer";

export interface AuditPruneBatch {
  rows: number;
  fromSeal: bigint;
  throughSeal: bigint;
}

export type AuditPruneStop =
  /** The next row is newer than the cutoff (or nothing old is left). */
  | "cutoff"
  /** The next row concerns a patient under a legal hold: nothing after it is removed either. */
  | "legal-hold"
  /** The next seal is the newest: the chain always keeps its head. */
  | "head"
  /** The batch is full: call again. */
  | "batch";

export interface AuditPruneResult {
  batch: AuditPruneBatch | null;
  stoppedBy: AuditPruneStop;
}

interface Candidate {
  seal_sequence: bigint;
  audit_sequence: bigint;
  hash: string;
  old: boolean;
  subject_id: string | null;
}

/**
 * One batch, in the caller's transaction (which must also record the `retention.destroyed` audit
 * row): takes the sealer's lock, removes up to batchSize of the oldest sealed rows that occurred
 * before the cutoff, and appends the anchor.
 */
export async function pruneAuditChainStart(
  tx: Prisma.TransactionClient,
  keys: AuditKeys,
  options: { cutoff: Date; retentionDays: number; heldSubjects: ReadonlySet<string>; batchSize: number },
): Promise<AuditPruneResult> {
  // The trigger checks this too; refusing here gives the clearer message.
  if (!Number.isInteger(options.retentionDays) || options.retentionDays < 2_192) {
    throw new Error("audit rows are kept at least 2192 days (six years)");
  }
  // No seal is added while the start moves (the sealer reads the head in the same lock).
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEALER_LOCK}::bigint)`;
  await tx.$executeRaw`SELECT set_config('haven.lifecycle', 'destroy', true),
                              set_config('haven.audit_retention_days', ${String(options.retentionDays)}, true)`;
  const [anchor] = await tx.$queryRaw<{ pruned_through_seal: bigint }[]>`
    SELECT pruned_through_seal FROM audit_chain_anchors ORDER BY pruned_through_seal DESC LIMIT 1`;
  const [head] = await tx.$queryRaw<{ seal_sequence: bigint }[]>`
    SELECT seal_sequence FROM audit_seals ORDER BY seal_sequence DESC LIMIT 1`;
  if (!head) return { batch: null, stoppedBy: "cutoff" };
  const start = (anchor?.pruned_through_seal ?? 0n) + 1n;
  // The database's clock judges age in the trigger; the cutoff may only be earlier (more cautious).
  const candidates = await tx.$queryRaw<Candidate[]>`
    SELECT s.seal_sequence, s.audit_sequence, s.hash,
           (a.occurred_at < ${options.cutoff}::timestamptz
             AND a.occurred_at < now() - make_interval(days => ${options.retentionDays}::int)) AS old,
           a.subject_id::text AS subject_id
      FROM audit_seals s JOIN audit_log a ON a."sequence" = s.audit_sequence
     WHERE s.seal_sequence >= ${start}
     ORDER BY s.seal_sequence
     LIMIT ${options.batchSize}`;
  const removed: Candidate[] = [];
  let stoppedBy: AuditPruneStop = "batch";
  let expected = start;
  for (const candidate of candidates) {
    // A gap (a seal already missing) is for audit:verify to report, not for this job to hide.
    if (candidate.seal_sequence !== expected) {
      stoppedBy = "cutoff";
      break;
    }
    if (candidate.seal_sequence >= head.seal_sequence) {
      stoppedBy = "head";
      break;
    }
    if (!candidate.old) {
      stoppedBy = "cutoff";
      break;
    }
    if (candidate.subject_id && options.heldSubjects.has(candidate.subject_id)) {
      stoppedBy = "legal-hold";
      break;
    }
    removed.push(candidate);
    expected += 1n;
  }
  if (candidates.length < options.batchSize && stoppedBy === "batch") stoppedBy = "cutoff";
  const last = removed.at(-1);
  if (!last) return { batch: null, stoppedBy };

  const fromSeal = removed[0]!.seal_sequence;
  const throughSeal = last.seal_sequence;
  await tx.$executeRaw`DELETE FROM audit_seals WHERE seal_sequence BETWEEN ${fromSeal} AND ${throughSeal}`;
  await tx.$executeRaw`
    DELETE FROM audit_log WHERE "sequence" IN (${Prisma.join(removed.map((row) => row.audit_sequence))})`;
  const anchorHash = last.hash;
  const mac = anchorMac(keys, { prunedThroughSeal: throughSeal, anchorHash, rows: removed.length });
  await tx.$executeRaw`
    INSERT INTO audit_chain_anchors (pruned_through_seal, anchor_hash, rows, pruned_at, mac)
    VALUES (${throughSeal}, ${anchorHash}, ${removed.length}, now(), ${mac})`;
  return { batch: { rows: removed.length, fromSeal, throughSeal }, stoppedBy };
}
