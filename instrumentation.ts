// Runs once when the server starts: refuse to start on invalid configuration
// (missing or weak secrets in production) instead of failing on a request later;
// then start the audit sealer, which chains committed audit rows within seconds,
// and (development) the job workers.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { assertConfiguration } = await import("@/lib/startup-check");
  assertConfiguration();
  const { startAuditSealerService } = await import("@/lib/audit/sealer-service");
  startAuditSealerService();
  // Development runs the job workers in the web server; production runs `npm run worker`.
  if (process.env.JOBS_IN_PROCESS === "true") {
    const { startJobWorkers } = await import("@/lib/jobs/workers");
    await startJobWorkers();
  }
}
