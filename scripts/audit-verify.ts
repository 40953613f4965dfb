// `npm run audit:verify`: checks the audit trail (lib/audit/verify.ts) of
// DATABASE_URL with the application's audit keys and the signed checkpoints in
// AUDIT_CHECKPOINT_DIR. Prints OK and the counts, or every problem, and exits 1.
import { verifyAuditTrail } from "@/lib/audit/verify";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { createBaseClient } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { loadProjectEnv } from "./lib/load-env";

loadProjectEnv();
const env = getEnv();
const base = createBaseClient({ url: env.DATABASE_URL, poolSize: 1, connectTimeoutMs: 5_000 });
try {
  const result = await verifyAuditTrail(base, phiCryptoConfigFromEnv().audit, {
    checkpoints: { directory: env.AUDIT_CHECKPOINT_DIR },
    sealBoundMs: env.AUDIT_SEAL_BOUND_SECONDS * 1000,
  });
  const checkpoint = result.checkpoint
    ? `latest checkpoint: seal ${result.checkpoint.sealSequence} at ${result.checkpoint.at}`
    : "no checkpoint yet";
  // After the retention job trimmed the oldest rows, the chain starts after its anchor.
  const start = result.anchor
    ? `; the chain starts after seal ${result.anchor.prunedThroughSeal} (older rows removed by retention on ${result.anchor.prunedAt.toISOString()})`
    : "";
  const counts = `${result.sealed} seals verified (${result.legacy} legacy), ${result.unsealed} rows waiting to be sealed; ${checkpoint}${start}`;
  if (result.ok) {
    console.log(`audit trail OK: ${counts}`);
  } else {
    console.error(
      `audit trail BROKEN${result.brokenAt !== null ? ` at seal ${result.brokenAt}` : ""}: ${counts}`,
    );
    for (const problem of result.problems) console.error(`  - ${problem}`);
    process.exitCode = 1;
  }
} finally {
  await base.$disconnect();
}
