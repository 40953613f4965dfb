// The "insurance.sessions.expire" job: every minute, pg-boss's timekeeper (registered in
// lib/jobs/workers.ts) sends one tick to one worker, which destroys the keys of every session past
// its expiry. A session is refused from its expiresAt on, whether or not the tick has run yet.
import "server-only";
import { logger } from "@/lib/logger";
import { destroyExpiredSessions } from "./sessions";

export const EXPIRE_SESSIONS_JOB = {
  cron: "* * * * *",
  options: { tz: "UTC", singletonKey: "insurance.sessions.expire", retryLimit: 1, expireInMinutes: 5 },
} as const;

export async function expireSessionsJob(): Promise<void> {
  const destroyed = await destroyExpiredSessions();
  if (destroyed > 0) logger.info("expired insurance sessions destroyed", { destroyed });
}
