// The sealer of this server process, started once by instrumentation.ts. Every
// instance runs one; the advisory lock lets one of them seal at a time.
import "server-only";
import { sealerConnection } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { startAuditSealer } from "./sealer";

const globalForSealer = globalThis as unknown as { havenSealer?: ReturnType<typeof startAuditSealer> };

export function startAuditSealerService(): void {
  if (globalForSealer.havenSealer) return;
  const env = getEnv();
  const { base, auditKeys } = sealerConnection();
  globalForSealer.havenSealer = startAuditSealer(base, auditKeys, {
    intervalMs: env.AUDIT_SEAL_INTERVAL_MS,
    checkpointEveryMs: env.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000,
    checkpoints: { directory: env.AUDIT_CHECKPOINT_DIR },
  });
}
