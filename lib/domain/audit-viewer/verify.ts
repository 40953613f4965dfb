// "Verify integrity" on the audit page: the same check as `npm run audit:verify`
// (lib/audit/verify.ts: the seal chain rebuilt with the application's keys and
// compared with the newest signed checkpoint in AUDIT_CHECKPOINT_DIR), run for an
// admin and summarised for the page. Audited: audit.verify, SUCCESS or FAILURE.
import "server-only";
import type { AuditKeys } from "@/lib/audit/keys";
import { type AuditVerification, verifyAuditTrail } from "@/lib/audit/verify";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { recordAuditEvent, sealerConnection } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getEnv } from "@/lib/env";
import { assertAuditReviewer } from "./queries";

/** Where the chain and its checkpoints are (the application's own by default; a test names its own). */
export interface TrailSource {
  base: PrismaClient;
  keys: AuditKeys;
  checkpoints: { directory: string };
  sealBoundMs: number;
}

function applicationTrail(): TrailSource {
  const { base, auditKeys } = sealerConnection();
  const env = getEnv();
  return {
    base,
    keys: auditKeys,
    checkpoints: { directory: env.AUDIT_CHECKPOINT_DIR },
    sealBoundMs: env.AUDIT_SEAL_BOUND_SECONDS * 1000,
  };
}

/** What the page shows (plain values: it crosses to the browser). */
export interface IntegrityReport {
  ok: boolean;
  /** Seals checked (legacy: rows from before the sealer, on the old chain). */
  sealed: number;
  legacy: number;
  unsealed: number;
  overdue: number;
  /** The newest seal: the chain's head. */
  head: { sealSequence: string; sealedAt: string } | null;
  checkpoint: { sealSequence: string; at: string; matched: boolean } | null;
  /** The first seal that does not verify. */
  brokenAt: string | null;
  /** Each names the seal and audit row sequence numbers concerned. */
  problems: string[];
  checkedAt: string;
  durationMs: number;
}

export function summarise(
  result: AuditVerification,
  head: IntegrityReport["head"],
  checkedAt: Date,
  durationMs: number,
): IntegrityReport {
  const checkpointProblem = result.problems.some((problem) => /checkpoint/i.test(problem));
  return {
    ok: result.ok,
    sealed: result.sealed,
    legacy: result.legacy,
    unsealed: result.unsealed,
    overdue: result.overdue,
    head,
    checkpoint: result.checkpoint
      ? {
          sealSequence: result.checkpoint.sealSequence.toString(),
          at: result.checkpoint.at,
          matched: !checkpointProblem,
        }
      : null,
    brokenAt: result.brokenAt === null ? null : result.brokenAt.toString(),
    problems: result.problems,
    checkedAt: checkedAt.toISOString(),
    durationMs,
  };
}

/** Runs the verification for an admin and records that it ran and what it found (counts, no content). */
export async function verifyAuditIntegrity(
  actor: AuthenticatedActor,
  source: TrailSource = applicationTrail(),
): Promise<IntegrityReport> {
  await assertAuditReviewer(actor);
  const started = Date.now();
  const result = await verifyAuditTrail(source.base, source.keys, {
    checkpoints: source.checkpoints,
    sealBoundMs: source.sealBoundMs,
  });
  const [head] = await source.base.$queryRaw<{ seal_sequence: bigint; sealed_at: Date }[]>`
    SELECT seal_sequence, sealed_at FROM audit_seals ORDER BY seal_sequence DESC LIMIT 1`;
  const report = summarise(
    result,
    head ? { sealSequence: head.seal_sequence.toString(), sealedAt: head.sealed_at.toISOString() } : null,
    new Date(started),
    Date.now() - started,
  );
  await recordAuditEvent({
    action: "audit.verify",
    resourceType: "AuditLog",
    resourceId: null,
    outcome: report.ok ? "SUCCESS" : "FAILURE",
    details: {
      sealed: report.sealed,
      unsealed: report.unsealed,
      overdue: report.overdue,
      problems: report.problems.length,
      brokenAt: report.brokenAt,
      checkpointSeal: report.checkpoint?.sealSequence ?? null,
    },
  });
  return report;
}
