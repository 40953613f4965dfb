// Runs once when the server starts: refuse to start on invalid configuration
// (missing or weak secrets in production) instead of failing on a request later;
// re-apply the erasure ledger (a restored backup must not bring erased data back);
// then start the audit sealer, which chains committed audit rows within seconds,
// the security monitor, which reads them for alerts, and (development) the job workers.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { assertConfiguration } = await import("@/lib/startup-check");
  assertConfiguration();
  // Sentry only with a DSN: without one the SDK is never initialised (it costs throughput).
  if (process.env.SENTRY_DSN) {
    const { startSentryIfConfigured } = await import("@/lib/integrations/sentry/server");
    startSentryIfConfigured();
  }
  // A database restored from a backup may hold data erased since: erase it again before serving.
  const { applyErasureLedger } = await import("@/lib/domain/patient-rights/erasure");
  await applyErasureLedger();
  const { startAuditSealerService } = await import("@/lib/audit/sealer-service");
  startAuditSealerService();
  // Rules on the sealed audit stream (failed sign-ins, chart-read bursts, …): alerts for admins.
  const { startSecurityMonitorService } = await import("@/lib/domain/security/monitor-service");
  startSecurityMonitorService();
  // Development runs the job workers in the web server; production runs `npm run worker`.
  if (process.env.JOBS_IN_PROCESS === "true") {
    const { startJobWorkers } = await import("@/lib/jobs/workers");
    await startJobWorkers();
  }
}

/** Errors Next catches itself (pages, server actions): reported, scrubbed, when Sentry is on. */
export async function onRequestError(
  error: unknown,
  request: { headers: Record<string, string | string[] | undefined> },
) {
  if (process.env.NEXT_RUNTIME !== "nodejs" || !process.env.SENTRY_DSN) return;
  const { reportError } = await import("@/lib/integrations/sentry/server");
  const requestId = request.headers["x-request-id"];
  reportError(error, { requestId: typeof requestId === "string" ? requestId : null });
}
