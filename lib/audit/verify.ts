// `npm run audit:verify`: rebuilds the seal chain from the first seal, with the
// application's keys and independently of the database's functions, and checks
// it against the latest signed checkpoint kept outside the database. It names
// every seal that does not match (a row edited, backdated, inserted or deleted
// and the chain recomputed), every row Haven did not write, the newest seals
// missing since the checkpoint, and rows left unsealed longer than the bound.
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import {
  GENESIS_HASH,
  STORED_ROW_COLUMNS,
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

  let expected = 1n;
  let prevHash = GENESIS_HASH;
  let legacyPrev: { sequence: bigint; hash: string } = { sequence: 0n, hash: GENESIS_HASH };
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
          if (sequence !== legacyPrev.sequence + 1n || row.prev_hash !== legacyPrev.hash) {
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
  if (legacyPrev.sequence !== legacyCutoff && legacyCutoff > 0n) {
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
