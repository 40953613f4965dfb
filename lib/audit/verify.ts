// Recomputes the audit hash chain from the first row. Any edited, inserted,
// removed or reordered row breaks it at that row's sequence number.
import type { PrismaClient } from "@/lib/db/generated/client";
import { GENESIS_HASH, chainHash } from "./chain";

export type VerificationResult =
  { ok: true; count: number } | { ok: false; count: number; brokenAt: bigint; reason: string };

export async function verifyAuditChain(base: PrismaClient, batchSize = 2_000): Promise<VerificationResult> {
  let prevHash = GENESIS_HASH;
  let expectedSequence = 1n;
  let count = 0;
  for (;;) {
    const rows = await base.auditLog.findMany({
      where: { sequence: { gte: expectedSequence } },
      orderBy: { sequence: "asc" },
      take: batchSize,
    });
    if (rows.length === 0) return { ok: true, count };
    for (const row of rows) {
      const broken = (reason: string): VerificationResult => ({
        ok: false,
        count,
        brokenAt: row.sequence,
        reason,
      });
      if (row.sequence !== expectedSequence) {
        return { ok: false, count, brokenAt: expectedSequence, reason: `row ${expectedSequence} is missing` };
      }
      if (row.prevHash !== prevHash) return broken("prev_hash does not match the previous row's hash");
      if (chainHash(prevHash, row) !== row.hash) return broken("the row's content does not match its hash");
      prevHash = row.hash;
      expectedSequence += 1n;
      count += 1;
    }
  }
}
