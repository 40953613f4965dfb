// Every job handler, registered in one place, and the workers that run them:
// in the web server in development (JOBS_IN_PROCESS=true), as `npm run worker`
// in production. pg-boss gives each job to exactly one worker across instances.
import "server-only";
import type PgBoss from "pg-boss";
import { BACKUP_JOB_OPTIONS, DRILL_JOB_OPTIONS, runBackupJob, runDrillJob } from "@/lib/domain/backups/jobs";
import { scanPendingDocument } from "@/lib/domain/documents/scan-document";
import { deliverEmergencyNotice } from "@/lib/domain/emergency/notifications";
import { EXPIRE_SESSIONS_JOB, expireSessionsJob } from "@/lib/domain/insurance/jobs";
import { submitRefundJob } from "@/lib/domain/payments/refunds";
import { RETENTION_JOB_OPTIONS, runRetentionJob } from "@/lib/domain/retention/jobs";
import { expireHold, markNoShow, remind } from "@/lib/domain/scheduling/jobs";
import { deliverAlertNotice } from "@/lib/domain/security/notifications";
import { deliverNotice } from "@/lib/domain/scheduling/notifications";
import { getEnv } from "@/lib/env";
import { reportError } from "@/lib/integrations/sentry/server";
import { describeError, logger } from "@/lib/logger";
import { type JobName, queue } from "./queue";

type Handler = (data: never) => Promise<void>;

const HANDLERS: Record<JobName, Handler> = {
  "appointment.expire-hold": expireHold,
  "appointment.reminder": remind,
  "appointment.mark-no-show": markNoShow,
  "appointment.notify": deliverNotice,
  "backup.drill": runDrillJob,
  "backup.run": runBackupJob,
  "document.scan": scanPendingDocument,
  "emergency.notify": deliverEmergencyNotice,
  "insurance.sessions.expire": expireSessionsJob,
  "payments.submit-refund": submitRefundJob,
  "retention.sweep": runRetentionJob,
  "security.notify-alert": deliverAlertNotice,
};

/**
 * Runs one job's handler on the data it was queued with, as a worker does: a failure is logged and
 * reported (ids only), then thrown so that pg-boss retries the job.
 */
export async function runJob(name: JobName, data: object, jobId?: string): Promise<void> {
  try {
    await (HANDLERS[name] as (data: object) => Promise<void>)(data);
  } catch (error) {
    logger.error("job failed", { job: name, id: jobId, ...describeError(error) });
    reportError(error, { job: name });
    throw error;
  }
}

/** How often an idle worker looks for work: pg-boss's smallest interval. */
const IDLE_POLL_SECONDS = 0.5;

/**
 * A worker for one queue. It takes one job at a time (pg-boss completes or fails a batch as a whole)
 * and, after a job succeeded, fetches the next at once: waiting out the polling interval after every
 * job held a queue to about 2 jobs a second, so a burst (a morning's reminders) queued up. Only an
 * empty queue, or a job that just failed, waits for the next look.
 */
export async function workQueue(
  boss: PgBoss,
  name: string,
  handle: (data: object, jobId: string) => Promise<void>,
  pollingIntervalSeconds = IDLE_POLL_SECONDS,
): Promise<string> {
  const worker: { id?: string } = {};
  worker.id = await boss.work<object>(name, { pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
    for (const job of jobs) await handle(job.data, job.id);
    if (worker.id) boss.notifyWorker(worker.id);
  });
  return worker.id;
}

/** Starts a worker for every job. */
export async function startJobWorkers(): Promise<PgBoss> {
  const boss = await queue("work");
  for (const name of Object.keys(HANDLERS) as JobName[]) {
    await workQueue(boss, name, (data, jobId) => runJob(name, data, jobId));
  }
  // The retention sweep runs on RETENTION_SCHEDULE (cron, UTC): pg-boss's timekeeper, not a timer,
  // so one instance sends each tick's job and one worker runs it. Re-scheduling replaces the entry.
  try {
    await boss.schedule("retention.sweep", getEnv().RETENTION_SCHEDULE, {}, RETENTION_JOB_OPTIONS);
  } catch (error) {
    logger.error("retention.sweep could not be scheduled (check RETENTION_SCHEDULE)", describeError(error));
    reportError(error, { job: "retention.sweep" });
  }
  try {
    await boss.schedule(
      "insurance.sessions.expire",
      EXPIRE_SESSIONS_JOB.cron,
      {},
      EXPIRE_SESSIONS_JOB.options,
    );
  } catch (error) {
    logger.error("insurance.sessions.expire could not be scheduled", describeError(error));
    reportError(error, { job: "insurance.sessions.expire" });
  }
  // Backups (BACKUP_SCHEDULE) and the weekly restore drill (BACKUP_DRILL_SCHEDULE); "off" removes them.
  const env = getEnv();
  for (const [name, cron, options] of [
    ["backup.run", env.BACKUP_SCHEDULE, BACKUP_JOB_OPTIONS],
    ["backup.drill", env.BACKUP_DRILL_SCHEDULE, DRILL_JOB_OPTIONS],
  ] as const) {
    try {
      if (cron === "off") await boss.unschedule(name);
      else await boss.schedule(name, cron, {}, options);
    } catch (error) {
      logger.error(
        `${name} could not be scheduled (check BACKUP_SCHEDULE and BACKUP_DRILL_SCHEDULE)`,
        describeError(error),
      );
      reportError(error, { job: name });
    }
  }
  logger.info("job workers started", { jobs: Object.keys(HANDLERS).length });
  return boss;
}
