// Runs once when the server starts: refuse to start on invalid configuration
// (missing or weak secrets in production) instead of failing on a request later;
// then start the audit sealer, which chains committed audit rows within seconds.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { assertConfiguration } = await import("@/lib/startup-check");
  assertConfiguration();
  const { startAuditSealerService } = await import("@/lib/audit/sealer-service");
  startAuditSealerService();
}
