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
  const committed: Array<() => void> = [];
  const result = await base.$transaction(
    (tx) => {
      afterCommitCallbacks.set(tx, committed);
      return activeTransaction.run(tx, async () => await fn(tx));
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
  for (const callback of committed) callback();
  return result;
}

const afterCommitCallbacks = new WeakMap<object, Array<() => void>>();

/**
 * Runs fn once the current transaction has committed (never if it rolls back),
 * or at once outside a transaction: for telling others about data they can now
 * read (realtime events). fn must not throw; it runs after the caller's result is settled.
 */
export function afterCommit(fn: () => void): void {
  const tx = activeTransaction.getStore();
  const callbacks = tx ? afterCommitCallbacks.get(tx) : undefined;
  if (callbacks) callbacks.push(fn);
  else fn();
}
