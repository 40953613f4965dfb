// The retention runs an admin sees on /admin/retention, and "Run now": an audited request that
// sends the "retention.sweep" job (the worker runs it; at most one request waits at a time).
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { roleCan } from "@/lib/authz/permissions";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { queue, sendJob } from "@/lib/jobs/queue";
import { type RetentionCounts, countsOf } from "./policy";

export interface RetentionRunView {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  asOf: Date;
  counts: RetentionCounts;
  heldBack: number;
  /** Whether the run failed (its message is for the logs, not the page). */
  failed: boolean;
}

async function assertRetentionAdmin(actor: AuthenticatedActor): Promise<void> {
  if (!roleCan(actor.role, "rights:manage")) await refuseAsNotFound("RetentionRun", "(runs)");
}

/** The newest runs first. */
export async function recentRetentionRuns(
  actor: AuthenticatedActor,
  limit = 10,
): Promise<RetentionRunView[]> {
  await assertRetentionAdmin(actor);
  const runs = await getDb().retentionRun.findMany({
    orderBy: { startedAt: "desc" },
    take: limit,
    select: {
      id: true,
      startedAt: true,
      finishedAt: true,
      asOf: true,
      destroyed: true,
      heldBack: true,
      error: true,
    },
  });
  return runs.map(({ destroyed, error, ...run }) => ({
    ...run,
    counts: countsOf(destroyed),
    failed: error !== null,
  }));
}

/** Sweeps requested or scheduled that no worker has started yet. */
export async function waitingRetentionSweeps(actor: AuthenticatedActor): Promise<number> {
  await assertRetentionAdmin(actor);
  const boss = await queue();
  return boss.getQueueSize("retention.sweep");
}

/** "Run now": audited, then the job is sent (committed with the audit row). */
export async function requestRetentionRun(actor: AuthenticatedActor): Promise<void> {
  await assertRetentionAdmin(actor);
  // The queue starts on a connection of its own, before the transaction (lib/jobs/queue.ts).
  await queue();
  await transaction(async () => {
    await recordAuditEvent({ action: "retention.run-requested", resourceType: "RetentionRun" });
    await sendJob("retention.sweep", { requestedBy: actor.userId }, { singletonKey: "retention.sweep" });
  });
}
