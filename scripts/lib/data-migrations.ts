// Data migrations that SQL cannot do, run after the schema migrations by
// `npm run db:migrate` and `npm run dev`: values still encrypted in the legacy
// format (directly under a ring key) move to their owner's data key. The keys
// never reach the database, so this needs the application's configuration.
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { createBaseClient } from "@/lib/db/client";
import { rotateEncryptionKeys } from "@/lib/db/key-rotation";
import { runAsSystem } from "@/lib/request-context";

/** Returns a line saying what changed, or null when nothing had to. */
export async function runDataMigrations(databaseUrl: string): Promise<string | null> {
  const { keyRing, audit } = phiCryptoConfigFromEnv();
  const base = createBaseClient({ url: databaseUrl, poolSize: 1, connectTimeoutMs: 5_000 });
  try {
    const { dataKeys, models } = await runAsSystem("db:migrate", () =>
      rotateEncryptionKeys(base, keyRing, audit),
    );
    const converted = models.reduce((sum, model) => sum + model.rotated, 0);
    if (converted === 0 && dataKeys.rewrapped === 0) return null;
    return `moved ${converted} rows of PHI to per-person data keys, re-wrapped ${dataKeys.rewrapped} data keys`;
  } finally {
    await base.$disconnect();
  }
}
