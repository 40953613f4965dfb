// Recomputes the audit hash chain from the first row, independently of the
// database's functions. Any edited, inserted or removed row breaks it at that
// row's sequence number.
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { AUDIT_ROW_AS_TEXT, type AuditRowText, GENESIS_HASH, chainHash } from "./chain";

export type VerificationResult =
  { ok: true; count: number } | { ok: false; count: number; brokenAt: bigint; reason: string };

type StoredRow = AuditRowText & { prev_hash: string; hash: string };

export async function verifyAuditChain(base: PrismaClient, batchSize = 2_000): Promise<VerificationResult> {
  let prevHash = GENESIS_HASH;
  let expectedSequence = 1n;
  let count = 0;
  for (;;) {
    const rows = await base.$queryRaw<StoredRow[]>`
      SELECT ${Prisma.raw(AUDIT_ROW_AS_TEXT)}, prev_hash, hash
        FROM audit_log WHERE audit_log."sequence" >= ${expectedSequence}
       ORDER BY audit_log."sequence" LIMIT ${batchSize}`;
    if (rows.length === 0) return { ok: true, count };
    for (const row of rows) {
      const sequence = BigInt(row.sequence);
      if (sequence !== expectedSequence) {
        return { ok: false, count, brokenAt: expectedSequence, reason: `row ${expectedSequence} is missing` };
      }
      const broken = (reason: string): VerificationResult => ({
        ok: false,
        count,
        brokenAt: sequence,
        reason,
      });
      if (row.prev_hash !== prevHash) return broken("prev_hash does not match the previous row's hash");
      if (chainHash(prevHash, row) !== row.hash) return broken("the row's content does not match its hash");
      prevHash = row.hash;
      expectedSequence += 1n;
      count += 1;
    }
  }
}
