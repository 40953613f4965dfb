// `npm run audit:verify`: rebuilds the seal chain from the first seal, with the
// application's keys and independently of the database's functions, and checks
// it against the latest signed checkpoint kept outside the database. It names
// every seal that does not match (a row edited, backdated, inserted or deleted
// and the chain recomputed), every row Haven did not write, the newest seals
// missing since the checkpoint, and rows left unsealed longer than the bound.
// Once the retention job has removed the oldest rows, the chain is checked from
// its newest anchor (audit_chain_anchors, MACed with the chain key): the first
// remaining seal must follow the last removed one directly, so rows removed
// without an anchor are still reported as missing.
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import {
  GENESIS_HASH,
  STORED_ROW_COLUMNS,
  anchorMac,
  type SealVerdict,
  type StoredAuditRow,
  legacyChainHash,
  sealHash,
  verdictOf,
} from "./canonical";
import { type Checkpoint, type CheckpointStore, readCheckpoints } from "./checkpoints";
import type { AuditKeys } from "./keys";

export interface AuditVerification {
  ok: boolean;
  /** Seals checked, and among them rows from before the sealer. */
  sealed: number;
  legacy: number;
  /** Rows not sealed yet, and those waiting longer than the bound (an alarm). */
  unsealed: number;
  overdue: number;
  checkpoint: Checkpoint | null;
  /** Where the chain starts after retention removed its oldest rows (null: it starts at seal 1). */
  anchor: { prunedThroughSeal: bigint; prunedAt: Date } | null;
  /** The first seal that does not verify, if any. */
  brokenAt: bigint | null;
  problems: string[];
}

type SealRow = Omit<StoredAuditRow, "sequence"> & {
  sequence: string | null;
  seal_sequence: bigint;
  audit_sequence: bigint;
  verdict: SealVerdict;
  seal_prev_hash: string;
  seal_hash: string;
};

const MAX_PROBLEMS = 50;

export async function verifyAuditTrail(
  base: PrismaClient,
  keys: AuditKeys,
  options: { checkpoints: CheckpointStore; sealBoundMs: number; batchSize?: number },
): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 2_000;
  const result: AuditVerification = {
    ok: false,
    sealed: 0,
    legacy: 0,
    unsealed: 0,
    overdue: 0,
    checkpoint: null,
    anchor: null,
    brokenAt: null,
    problems: [],
  };
  const problem = (text: string, at?: bigint) => {
    if (at !== undefined && result.brokenAt === null) result.brokenAt = at;
    if (result.problems.length < MAX_PROBLEMS) result.problems.push(text);
  };

  const [state] = await base.$queryRaw<{ legacy_cutoff: bigint }[]>`
    SELECT legacy_cutoff FROM audit_sealer_state WHERE id = 1`;
  const legacyCutoff = state?.legacy_cutoff ?? 0n;

  const anchors = await base.$queryRaw<
    { pruned_through_seal: bigint; anchor_hash: string; rows: number; pruned_at: Date; mac: string }[]
  >`SELECT pruned_through_seal, anchor_hash, rows, pruned_at, mac FROM audit_chain_anchors
     ORDER BY pruned_through_seal`;
  for (const anchor of anchors) {
    const expectedMac = anchorMac(keys, {
      prunedThroughSeal: anchor.pruned_through_seal,
      anchorHash: anchor.anchor_hash,
      rows: anchor.rows,
    });
    if (anchor.mac !== expectedMac) {
      problem(
        `the anchor at seal ${anchor.pruned_through_seal} was not made by Haven`,
        anchor.pruned_through_seal,
      );
    }
  }
  const anchor = anchors.at(-1) ?? null;
  if (anchor) result.anchor = { prunedThroughSeal: anchor.pruned_through_seal, prunedAt: anchor.pruned_at };

  let expected = anchor ? anchor.pruned_through_seal + 1n : 1n;
  let prevHash = anchor ? anchor.anchor_hash : GENESIS_HASH;
  let legacyPrev: { sequence: bigint; hash: string } = { sequence: 0n, hash: GENESIS_HASH };
  // After a prune, the first remaining legacy row's link to the removed ones cannot be checked
  // (the seal chain, which covers it, can).
  let legacyLinkUnknown = anchor !== null;
  const hashAt = new Map<bigint, string>();
  for (;;) {
    const seals = await base.$queryRaw<SealRow[]>`
      SELECT s.seal_sequence, s.audit_sequence, s.verdict, s.prev_hash AS seal_prev_hash, s.hash AS seal_hash,
             ${Prisma.raw(STORED_ROW_COLUMNS)}
        FROM audit_seals s LEFT JOIN audit_log a ON a."sequence" = s.audit_sequence
       WHERE s.seal_sequence >= ${expected}
       ORDER BY s.seal_sequence
       LIMIT ${batchSize}`;
    if (seals.length === 0) break;
    for (const seal of seals) {
      const n = seal.seal_sequence;
      if (n !== expected) problem(`seals ${expected} to ${n - 1n} are missing`, expected);
      if (seal.seal_prev_hash !== prevHash) problem(`seal ${n} does not follow the seal before it`, n);
      if (seal.sequence === null) {
        problem(`audit row ${seal.audit_sequence}, sealed at seal ${n}, was deleted`, n);
      } else {
        const row = seal as StoredAuditRow;
        if (
          sealHash(keys, { sealSequence: n, prevHash: seal.seal_prev_hash, verdict: seal.verdict }, row) !==
          seal.seal_hash
        ) {
          problem(
            `seal ${n} (audit row ${row.sequence}) does not match: the row or the chain was altered`,
            n,
          );
        }
        const verdict = verdictOf(keys, row, { legacyCutoff, duplicated: seal.verdict === "replayed" });
        if (seal.verdict === "forged" || seal.verdict === "replayed") {
          problem(`audit row ${row.sequence} (seal ${n}) was not written by Haven: ${seal.verdict}`, n);
        } else if (verdict !== seal.verdict) {
          problem(`audit row ${row.sequence} (seal ${n}) was changed after it was written`, n);
        }
        if (seal.verdict === "legacy") {
          result.legacy += 1;
          const sequence = BigInt(row.sequence);
          if (legacyLinkUnknown) {
            legacyLinkUnknown = false;
            if (legacyChainHash(row) !== row.hash) {
              problem(`legacy audit row ${row.sequence} does not match its hash`, n);
            }
          } else if (sequence !== legacyPrev.sequence + 1n || row.prev_hash !== legacyPrev.hash) {
            problem(`legacy audit row ${row.sequence} does not follow legacy row ${legacyPrev.sequence}`, n);
          } else if (legacyChainHash(row) !== row.hash) {
            problem(`legacy audit row ${row.sequence} does not match its hash`, n);
          }
          legacyPrev = { sequence, hash: row.hash ?? "" };
        }
      }
      hashAt.set(n, seal.seal_hash);
      prevHash = seal.seal_hash;
      expected = n + 1n;
      result.sealed += 1;
    }
    // Only the hashes a checkpoint may name need remembering: keep the map small.
    if (hashAt.size > 100_000) hashAt.clear();
  }
  const headSequence = expected - 1n;
  const legacyAllPruned =
    anchor !== null &&
    legacyPrev.sequence === 0n &&
    (
      await base.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM audit_log WHERE "sequence" <= ${legacyCutoff}`
    )[0]?.n === 0n;
  if (legacyPrev.sequence !== legacyCutoff && legacyCutoff > 0n && !legacyAllPruned) {
    problem(`legacy audit rows after ${legacyPrev.sequence} (up to ${legacyCutoff}) are not all sealed`);
  }

  const [pending] = await base.$queryRaw<{ unsealed: bigint; overdue: bigint; oldest: Date | null }[]>`
    SELECT count(*) AS unsealed,
           count(*) FILTER (WHERE a.occurred_at < now() - ${options.sealBoundMs} * interval '1 millisecond') AS overdue,
           min(a.occurred_at) AS oldest
      FROM audit_log a
     WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_sequence = a."sequence")`;
  result.unsealed = Number(pending?.unsealed ?? 0n);
  result.overdue = Number(pending?.overdue ?? 0n);
  if (result.overdue > 0) {
    problem(
      `ALARM: ${result.overdue} audit rows have waited more than ${options.sealBoundMs / 1000} s to be sealed (oldest from ${pending?.oldest?.toISOString()}): is the sealer running?`,
    );
  }
  const duplicates = await base.$queryRaw<{ event_id: string }[]>`
    SELECT event_id::text FROM audit_log GROUP BY event_id HAVING count(*) > 1 LIMIT 10`;
  for (const { event_id } of duplicates) problem(`audit event ${event_id} appears more than once`);

  const reading = await readCheckpoints(options.checkpoints, keys);
  result.checkpoint = reading.latest;
  if (reading.invalid > 0) problem(`${reading.invalid} checkpoint lines are not validly signed`);
  if (reading.latest) {
    const { sealSequence, hash, at } = reading.latest;
    if (headSequence < sealSequence) {
      problem(
        `the newest seals are missing: the checkpoint of ${at} recorded seal ${sealSequence}, the chain ends at ${headSequence} (${sealSequence - headSequence} missing)`,
        headSequence + 1n,
      );
    } else if (anchor && sealSequence <= anchor.pruned_through_seal) {
      // The checkpoint predates the prune: the anchor (MACed) vouches for the removed start.
      if (sealSequence === anchor.pruned_through_seal && anchor.anchor_hash !== hash) {
        problem(`the anchor at seal ${sealSequence} does not match the checkpoint of ${at}`, sealSequence);
      }
    } else {
      const stored = hashAt.get(sealSequence);
      const atHash =
        stored ??
        (
          await base.$queryRaw<{ hash: string }[]>`
            SELECT hash FROM audit_seals WHERE seal_sequence = ${sealSequence}`
        )[0]?.hash;
      if (atHash !== hash)
        problem(`seal ${sealSequence} does not match the checkpoint of ${at}`, sealSequence);
    }
  }
  result.ok = result.problems.length === 0;
  return result;
}
