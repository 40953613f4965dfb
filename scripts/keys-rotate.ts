// `npm run keys:rotate`: re-wraps every data key with the active key (the first
// entry of PHI_ENCRYPTION_KEYS) and converts values still in the legacy format,
// while the app keeps serving. Safe to stop and run again. Afterwards the older
// keys can be removed from the ring.
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { createBaseClient } from "@/lib/db/client";
import { rotateEncryptionKeys } from "@/lib/db/key-rotation";
import { getEnv } from "@/lib/env";
import { runAsSystem } from "@/lib/request-context";
import { loadProjectEnv } from "./lib/load-env";

loadProjectEnv();
const env = getEnv();
const { keyRing, audit } = phiCryptoConfigFromEnv();
const batchSize = Number(process.argv.find((arg) => arg.startsWith("--batch="))?.slice(8) ?? 200);
const base = createBaseClient({ url: env.DATABASE_URL, poolSize: 2, connectTimeoutMs: 5_000 });

console.log(`Moving data keys to ring key ${keyRing.activeKeyId} (batches of ${batchSize})…`);
try {
  const { dataKeys, models: reports } = await runAsSystem("keys:rotate", () =>
    rotateEncryptionKeys(base, keyRing, audit, {
      batchSize,
      onBatch: (r) => process.stdout.write(`  ${r.model}: ${r.scanned} scanned, ${r.rotated} re-encrypted\r`),
    }),
  );
  process.stdout.write("\n");
  console.log(
    `  data keys        re-wrapped ${dataKeys.rewrapped} of ${dataKeys.scanned} on older ring keys`,
  );
  for (const r of reports) {
    console.log(
      `  ${r.model.padEnd(16)} scanned ${r.scanned}, converted from the legacy format ${r.rotated}, already current ${r.alreadyCurrent}, retried ${r.retried}`,
    );
  }
  const older = [...keyRing.keys.keys()].filter((id) => id !== keyRing.activeKeyId);
  console.log(
    older.length
      ? `Done. Every value now uses ${keyRing.activeKeyId}; ${older.join(", ")} can be removed from PHI_ENCRYPTION_KEYS.`
      : `Done. Every value uses ${keyRing.activeKeyId}.`,
  );
} finally {
  await base.$disconnect();
}
