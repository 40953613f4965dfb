// Each worker: configuration the app requires, pointing at the test database.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject, vi } from "vitest";

vi.stubEnv("NODE_ENV", "test");
process.env.DATABASE_URL = inject("databaseUrl");
process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.PHI_ENCRYPTION_KEYS ??= `test1:${randomBytes(32).toString("base64")}`;
process.env.PHI_BLIND_INDEX_KEY ??= randomBytes(32).toString("base64");
process.env.AUDIT_MAC_KEY ??= randomBytes(32).toString("base64");
process.env.AUDIT_CHECKPOINT_KEY ??= randomBytes(32).toString("base64");
process.env.AUDIT_CHECKPOINT_DIR ??= mkdtempSync(path.join(tmpdir(), "haven-audit-checkpoints-"));
process.env.ERASURE_LEDGER_DIR ??= mkdtempSync(path.join(tmpdir(), "haven-erasure-ledger-"));
process.env.LOG_LEVEL ??= "error";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

// Test files that share a worker process (isolate: false, tests/vitest.config.ts) start without the
// job queue a previous file left: it runs on that file's connection pool, closed by its afterAll, so
// a file starting job workers would otherwise get it back and its jobs would never run.
if ((globalThis as { havenQueue?: unknown }).havenQueue) {
  const { stopQueue } = await import("@/lib/jobs/queue");
  await stopQueue().catch(() => undefined);
}
