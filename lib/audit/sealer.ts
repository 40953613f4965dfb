// The sealer chains committed audit rows after the fact, so that writers never
// wait on a global lock. One sealer at a time across every instance (a
// transaction-scoped advisory lock per round); each round seals, in a stable
// order, every committed row it has not sealed yet:
//
// - Candidates are rows whose inserting transaction id is at or above the
//   watermark. At the start of a round, every transaction older than the oldest
//   one still running (pg_snapshot_xmin) has ended; once all their rows are
//   sealed, that becomes the new watermark. A transaction that commits after a
//   later one is simply sealed in a later round: never skipped.
// - Each seal is hash_n = HMAC(chain key, hash_{n-1} ‖ n ‖ verdict ‖ row), so
//   re-chaining without the audit key is detected, and each row's own MAC is
//   checked: a row Haven did not write is sealed as "forged" and reported.
// - Every so often the head of the chain is written, signed, outside the
//   database (checkpoints.ts), so deleting the newest rows is detected too.
import "server-only";
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { describeError, logger } from "@/lib/logger";
import { GENESIS_HASH, STORED_ROW_COLUMNS, type StoredAuditRow, sealHash, verdictOf } from "./canonical";
import { type CheckpointStore, appendCheckpoint } from "./checkpoints";
import type { AuditKeys } from "./keys";

/** Held by each sealing round, and by the retention job while it removes the start of the chain. */
export const SEALER_LOCK = 7_244_913_552;

export interface ChainHead {
  sealSequence: bigint;
  hash: string;
}

export interface SealReport {
  sealed: number;
  /** Rows without a valid MAC (not written by Haven) or copies of a sealed row. */
  suspicious: number;
  head: ChainHead | null;
  /** Another instance held the sealer lock. */
  busy: boolean;
}

type CandidateRow = StoredAuditRow & { duplicated: boolean };

/** One round, in one transaction: seals up to batchSize rows. */
async function sealRound(
  base: PrismaClient,
  keys: AuditKeys,
  batchSize: number,
): Promise<SealReport & { full: boolean }> {
  return base.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}::bigint) AS locked`;
      if (!lock?.locked) return { sealed: 0, suspicious: 0, head: null, busy: true, full: false };
      const [horizon] = await tx.$queryRaw<{ xmin: bigint }[]>`
        SELECT (pg_snapshot_xmin(pg_current_snapshot()))::text::bigint AS xmin`;
      const [state] = await tx.$queryRaw<{ watermark: bigint; legacy_cutoff: bigint }[]>`
        SELECT watermark, legacy_cutoff FROM audit_sealer_state WHERE id = 1`;
      if (!horizon || !state) throw new Error("audit_sealer_state is missing its row");
      const rows = await tx.$queryRaw<CandidateRow[]>`
        SELECT ${Prisma.raw(STORED_ROW_COLUMNS)},
               (SELECT count(*) FROM audit_log b WHERE b.event_id = a.event_id) > 1 AS duplicated
          FROM audit_log a
         WHERE a.txid >= ${state.watermark}
           AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_sequence = a."sequence")
         ORDER BY a.txid, a."sequence"
         LIMIT ${batchSize}`;
      const [last] = await tx.$queryRaw<{ seal_sequence: bigint; hash: string }[]>`
        SELECT seal_sequence, hash FROM audit_seals ORDER BY seal_sequence DESC LIMIT 1`;
      // After the retention job removed the start of the chain (never its newest seal), the chain
      // continues from its anchor should every seal ever be gone.
      const [anchor] = last
        ? []
        : await tx.$queryRaw<{ pruned_through_seal: bigint; anchor_hash: string }[]>`
            SELECT pruned_through_seal, anchor_hash FROM audit_chain_anchors
             ORDER BY pruned_through_seal DESC LIMIT 1`;
      let head: ChainHead | null = last
        ? { sealSequence: last.seal_sequence, hash: last.hash }
        : anchor
          ? { sealSequence: anchor.pruned_through_seal, hash: anchor.anchor_hash }
          : null;
      let suspicious = 0;
      const seals = rows.map((row) => {
        const verdict = verdictOf(keys, row, {
          legacyCutoff: state.legacy_cutoff,
          duplicated: row.duplicated,
        });
        if (verdict === "forged" || verdict === "replayed") suspicious += 1;
        const sealSequence = (head?.sealSequence ?? 0n) + 1n;
        const prevHash = head?.hash ?? GENESIS_HASH;
        const hash = sealHash(keys, { sealSequence, prevHash, verdict }, row);
        head = { sealSequence, hash };
        return Prisma.sql`(${sealSequence}::bigint, ${BigInt(row.sequence)}::bigint, ${verdict}, ${prevHash}, ${hash})`;
      });
      if (seals.length) {
        await tx.$executeRaw`
          INSERT INTO audit_seals (seal_sequence, audit_sequence, verdict, prev_hash, hash, sealed_at)
          SELECT v.*, clock_timestamp() FROM (VALUES ${Prisma.join(seals)}) AS v`;
      }
      const full = rows.length === batchSize;
      if (!full && horizon.xmin > state.watermark) {
        await tx.$executeRaw`UPDATE audit_sealer_state SET watermark = ${horizon.xmin} WHERE id = 1`;
      }
      return { sealed: rows.length, suspicious, head, busy: false, full };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/** Seals every committed row not sealed yet (unless another instance is sealing right now). */
export async function sealPendingAuditRows(
  base: PrismaClient,
  keys: AuditKeys,
  options: { batchSize?: number } = {},
): Promise<SealReport> {
  const total: SealReport = { sealed: 0, suspicious: 0, head: null, busy: false };
  for (;;) {
    const round = await sealRound(base, keys, options.batchSize ?? 1_000);
    total.sealed += round.sealed;
    total.suspicious += round.suspicious;
    total.head = round.head ?? total.head;
    total.busy = round.busy;
    if (!round.full) return total;
  }
}

export interface SealerOptions {
  intervalMs: number;
  checkpointEveryMs: number;
  checkpoints: CheckpointStore;
}

/**
 * Runs the sealer in this process until stop(): a round every intervalMs, and a
 * signed checkpoint of the head whenever it moved and checkpointEveryMs passed.
 */
export function startAuditSealer(base: PrismaClient, keys: AuditKeys, options: SealerOptions) {
  let stopped = false;
  let lastCheckpoint: { at: number; sealSequence: bigint } = { at: 0, sealSequence: -1n };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  const schedule = () => {
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = null;
        if (!stopped) schedule();
      });
    }, options.intervalMs);
    timer.unref();
  };

  async function tick() {
    try {
      const report = await sealPendingAuditRows(base, keys);
      if (report.suspicious > 0) {
        logger.error("audit rows without a valid MAC were sealed as forged or replayed", {
          count: report.suspicious,
          head: report.head?.sealSequence.toString() ?? null,
        });
      }
      const head = report.head;
      if (head && head.sealSequence !== lastCheckpoint.sealSequence) {
        const now = Date.now();
        if (now - lastCheckpoint.at >= options.checkpointEveryMs) {
          await appendCheckpoint(options.checkpoints, keys, head);
          lastCheckpoint = { at: now, sealSequence: head.sealSequence };
        }
      }
    } catch (error) {
      logger.error("audit sealer round failed", describeError(error));
    }
  }

  schedule();
  return {
    /** Stops after the round in progress, if any, has finished. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
