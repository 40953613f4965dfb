// The "retention.sweep" job: scheduled daily by the job queue (RETENTION_SCHEDULE, registered in
// lib/jobs/workers.ts), or requested by an admin ("Run now" on /admin/retention).
import "server-only";
import { runRetention } from "./sweep";

/**
 * One waiting sweep at a time (a second "Run now" while one waits adds nothing); two tries more. A
 * run may take long after an outage: pg-boss's default 15-minute expiry would start a second one
 * beside it (batches take turns, but the hand-over of files still to remove assumes one at a time).
 */
export const RETENTION_JOB_OPTIONS = {
  tz: "UTC",
  singletonKey: "retention.sweep",
  retryLimit: 2,
  expireInHours: 6,
} as const;

export async function runRetentionJob(data: { requestedBy?: string } = {}): Promise<void> {
  void data;
  await runRetention();
}
