import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { Prisma, PrismaClient } from "./generated/client";

// Shared by every module graph Next builds (see lib/request-context.ts).
const globalForTransaction = globalThis as unknown as {
  havenTransaction?: AsyncLocalStorage<Prisma.TransactionClient>;
};
const activeTransaction = (globalForTransaction.havenTransaction ??=
  new AsyncLocalStorage<Prisma.TransactionClient>());

export function currentTransaction(): Prisma.TransactionClient | undefined {
  return activeTransaction.getStore();
}

/**
 * Runs fn in one database transaction. Nested calls join the outer one, and
 * every query the data layer makes meanwhile (audit rows included) uses it.
 */
export async function inTransaction<T>(
  base: PrismaClient,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const current = activeTransaction.getStore();
  if (current) return await fn(current);
  return base.$transaction((tx) => activeTransaction.run(tx, async () => await fn(tx)), {
    maxWait: 10_000,
    timeout: 30_000,
  });
}
