import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { getEnv } from "@/lib/env";
import { PrismaClient } from "./generated/client";

export function createPrismaClient(
  databaseUrl: string,
  poolSize: number,
  connectTimeoutMs: number,
): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}

// One pool per process; the global survives Next's hot reloads in development.
const globalForPrisma = globalThis as unknown as { havenPrisma?: PrismaClient };

export function getPrisma(): PrismaClient {
  if (!globalForPrisma.havenPrisma) {
    const env = getEnv();
    globalForPrisma.havenPrisma = createPrismaClient(
      env.DATABASE_URL,
      env.DATABASE_POOL_SIZE,
      env.DATABASE_CONNECT_TIMEOUT_MS,
    );
  }
  return globalForPrisma.havenPrisma;
}

/** Closes the pool; the next getPrisma() opens a new one with the current configuration. */
export async function disconnectPrisma(): Promise<void> {
  const client = globalForPrisma.havenPrisma;
  globalForPrisma.havenPrisma = undefined;
  await client?.$disconnect();
}
