// A migrated database of its own with its own encrypted, audited client, for
// tests that must control the whole audit chain or the key ring.
import { randomBytes } from "node:crypto";
import { auditKeysFrom } from "@/lib/audit/keys";
import { parseKeyRing } from "@/lib/crypto/keyring";
import { type Db, createBaseClient, createDb } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { applyMigrations } from "@/scripts/lib/schema-engine";
import { type ScratchDatabase, createScratchDatabase } from "./database";

export const newKey = () => randomBytes(32).toString("base64");
export const blindIndexKey = randomBytes(32);
/** The audit keys of every scratch layer, and their configuration values (for the CLI). */
export const auditKeySecrets = {
  mac: randomBytes(32).toString("base64"),
  checkpoint: randomBytes(32).toString("base64"),
};
export const auditKeys = auditKeysFrom(
  Buffer.from(auditKeySecrets.mac, "base64"),
  Buffer.from(auditKeySecrets.checkpoint, "base64"),
);

export interface ScratchLayer {
  database: ScratchDatabase;
  base: PrismaClient;
  /** An encrypted, audited client over this database with the given key ring spec. */
  clientWith(keyRingSpec: string): Db;
  close(): Promise<void>;
}

export async function createScratchLayer(prefix: string): Promise<ScratchLayer> {
  const database = await createScratchDatabase(process.env.DATABASE_URL!, prefix);
  await applyMigrations(database.url);
  const bases: PrismaClient[] = [];
  const newBase = () => {
    // Generous: in CI the build and the other test workers share two cores, and a burst of
    // transactions (the concurrent sealing test) waits for a pool slot longer than 5 s.
    const client = createBaseClient({ url: database.url, poolSize: 10, connectTimeoutMs: 30_000 });
    bases.push(client);
    return client;
  };
  const base = newBase();
  return {
    database,
    base,
    clientWith: (spec) =>
      createDb(newBase(), { keyRing: parseKeyRing(spec), blindIndexKey, audit: auditKeys }),
    async close() {
      await Promise.all(bases.map((client) => client.$disconnect()));
      await database.drop();
    },
  };
}
