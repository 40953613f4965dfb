// The PostgreSQL-backed job queue (pg-boss 10, the last line for Node 20) for
// everything scheduled. It shares the application's pg pool, so it also runs on
// the embedded development database (a pool of one), and a job sent inside a
// transaction is committed, or rolled back, with the work that sent it.
// Several instances may work the queue at once: pg-boss hands each job to one
// worker (SELECT … FOR UPDATE SKIP LOCKED).
import "server-only";
import PgBoss from "pg-boss";
import { currentTransaction, sharedPool } from "@/lib/db/client";

export const JOB_NAMES = [
  "appointment.expire-hold",
  "appointment.reminder",
  "appointment.mark-no-show",
  "appointment.notify",
  "backup.drill",
  "backup.run",
  "document.scan",
  "emergency.notify",
  "insurance.sessions.expire",
  "payments.submit-refund",
  "retention.sweep",
  "security.notify-alert",
] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** Queues that are not "standard": a "short" queue holds one waiting job per singleton key. */
const QUEUE_OPTIONS: Partial<Record<JobName, { policy: PgBoss.QueuePolicy }>> = {
  // The schedule's daily job and an admin's "Run now" coalesce while one waits.
  "retention.sweep": { policy: "short" },
  // A minute's tick while the previous one still waits adds nothing.
  "insurance.sessions.expire": { policy: "short" },
  // A backup or drill still waiting makes the next tick's one redundant.
  "backup.run": { policy: "short" },
  "backup.drill": { policy: "short" },
};

const globalForQueue = globalThis as unknown as { havenQueue?: Promise<PgBoss> };

function poolDb(): PgBoss.Db {
  const pool = sharedPool();
  return { executeSql: async (text, values) => ({ rows: (await pool.query(text, values)).rows }) };
}

/**
 * Creates the queue unless it exists. Two processes creating the same new queues at once (a fresh
 * database: the test files, several instances' first start) can deadlock in pg-boss's DDL; the
 * loser's transaction is rolled back and trying again finds the queue there.
 */
async function createQueueOnce(boss: PgBoss, name: JobName): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await boss.createQueue(name, { name, ...QUEUE_OPTIONS[name] });
      return;
    } catch (error) {
      if (attempt >= 3 || (error as { code?: string }).code !== "40P01") throw error;
    }
  }
}

async function startQueue(role: "send" | "work"): Promise<PgBoss> {
  const boss = new PgBoss({
    db: poolDb(),
    // Maintenance (expiring, archiving) belongs to workers; a web server only sends.
    supervise: role === "work",
    // Cron schedules (the retention sweep) are kept in the database; a worker's timekeeper sends each
    // tick's job once across every instance (pg-boss takes a database-wide turn per minute).
    schedule: role === "work",
    migrate: true,
  });
  boss.on("error", (error) => {
    // Logged where the queue is used; an error event must not crash the process.
    void import("@/lib/logger").then(({ logger, describeError }) =>
      logger.error("job queue error", describeError(error)),
    );
  });
  await boss.start();
  for (const name of JOB_NAMES) await createQueueOnce(boss, name);
  return boss;
}

/** This process's queue (started once). */
export function queue(role: "send" | "work" = "send"): Promise<PgBoss> {
  globalForQueue.havenQueue ??= startQueue(role);
  return globalForQueue.havenQueue;
}

export interface JobTiming {
  startAfter?: Date;
  /** At most one job with this key is waiting (pg-boss singletonKey). */
  singletonKey?: string;
}

/**
 * Sends a job; inside a transaction it commits or rolls back with that
 * transaction. Starting the queue needs a connection of its own: a service
 * that sends inside a transaction calls `await queue()` before opening it
 * (otherwise transactions holding every pooled connection would wait forever).
 */
export async function sendJob(name: JobName, data: object, timing: JobTiming = {}): Promise<void> {
  const tx = currentTransaction();
  if (tx && !globalForQueue.havenQueue) {
    throw new Error(`start the job queue (await queue()) before the transaction that sends ${name}`);
  }
  const boss = await queue();
  await boss.send(name, data, {
    ...(timing.startAfter ? { startAfter: timing.startAfter } : {}),
    ...(timing.singletonKey ? { singletonKey: timing.singletonKey } : {}),
    retryLimit: 3,
    ...(tx
      ? {
          db: {
            // pg-boss's own fixed SQL, its values bound as parameters ($1…): nothing is interpolated.
            executeSql: async (text: string, values: unknown[]) => ({
              rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values),
            }),
          },
        }
      : {}),
  });
}

/** Stops this process's queue (tests, shutdown). */
export async function stopQueue(): Promise<void> {
  const boss = await globalForQueue.havenQueue;
  globalForQueue.havenQueue = undefined;
  await boss?.stop({ graceful: true, close: false, wait: true });
}
