// `npm run worker`: the job workers (holds that expire, reminders, no-shows…)
// as their own process, for production. Run one or more beside the web
// servers; pg-boss gives every job to exactly one of them. In development the
// web server runs them itself (JOBS_IN_PROCESS=true, set by `npm run dev`).
import { disconnectDb } from "@/lib/db/client";
import { applyErasureLedger } from "@/lib/domain/patient-rights/erasure";
import { getEnv } from "@/lib/env";
import { startSentryIfConfigured } from "@/lib/integrations/sentry/server";
import { stopQueue } from "@/lib/jobs/queue";
import { startJobWorkers } from "@/lib/jobs/workers";
import { loadProjectEnv } from "./lib/load-env";

loadProjectEnv();
getEnv();
// Failed jobs are reported like the web server's errors, when SENTRY_DSN is set.
startSentryIfConfigured();
// A database restored from a backup may hold data erased since: erase it again before any work.
await applyErasureLedger();
await startJobWorkers();
console.log("[worker] Haven job workers are running. Stop with Ctrl+C.");

async function shutdown() {
  await stopQueue();
  await disconnectDb();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
