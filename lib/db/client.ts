// The data layer, composed once: a Prisma client over `pg`, extended with field
// encryption and audit (phi-extension.ts). Everything outside lib/db uses `getDb()`.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { blindIndex } from "@/lib/crypto/blind-index";
import { type AuditEvent, appendAuditEvents } from "@/lib/audit/writer";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { getEnv } from "@/lib/env";
import { describeError, logger } from "@/lib/logger";
import { currentContext } from "@/lib/request-context";
import { type Prisma, PrismaClient } from "./generated/client";
import { type DataKeyListener, listenForDataKeyDeletions } from "./data-key-invalidation";
import { type DataKeyStore, createDataKeyStore } from "./data-keys";
import { PHI_MODELS } from "./phi-fields";
import { type PhiCryptoConfig, phiExtension } from "./phi-extension";
import { currentTransaction, inTransaction } from "./transaction";

export { afterCommit, currentTransaction } from "./transaction";

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
  /**
   * PostgreSQL's statement_timeout on every connection, and (plus REPLY_GRACE_MS) how long the
   * client waits for any reply. Unset or 0: unbounded (maintenance scripts that run long statements).
   */
  statementTimeoutMs?: number;
}

/** A reply this much later than the server's own bound is not coming (a stalled network or proxy). */
const REPLY_GRACE_MS = 2_000;

/**
 * A pg pool with the process's rules: bounded waits (connect, statement, reply) and a listener for
 * idle connections the server drops (a restart, a failover): without one, pg's pool re-throws that
 * error as an uncaught exception; with it, the pool just opens a new connection when next asked.
 */
export function createDatabasePool({
  url,
  poolSize,
  connectTimeoutMs,
  statementTimeoutMs,
}: DatabaseOptions): pg.Pool {
  const bounded = statementTimeoutMs !== undefined && statementTimeoutMs > 0;
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    ...(bounded
      ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + REPLY_GRACE_MS }
      : {}),
  });
  if (bounded) pool.on("connect", closeOnReplyTimeout);
  pool.on("error", (error) => {
    logger.warn("an idle database connection was closed; the pool opens a new one", describeError(error));
  });
  return pool;
}

/**
 * pg's query_timeout rejects the caller but leaves the connection waiting for the lost reply, and
 * every later query on it would queue behind that (a transaction's commit releases it to the pool
 * as healthy). A connection whose reply timed out is ended instead: pg destroys the socket of a
 * client ended mid-query, and the pool drops an ended client when it comes back.
 */
function closeOnReplyTimeout(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (error instanceof Error && error.message === "Query read timeout") {
          client.end().catch(() => undefined);
        }
      });
    }
    return result;
  };
}

/** The plain client over a pool (ended with the client). */
function clientOnPool(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}

/** The plain client: no encryption, no audit. Only for lib/db itself and maintenance scripts. */
export function createBaseClient(options: DatabaseOptions): PrismaClient {
  return clientOnPool(createDatabasePool(options));
}

export function createDb(
  base: PrismaClient,
  crypto: PhiCryptoConfig,
  dataKeys = createDataKeyStore(crypto.keyRing),
) {
  return base.$extends(phiExtension(base, crypto, dataKeys));
}

export type Db = ReturnType<typeof createDb>;

interface Connection {
  /** The process's one pool: Prisma and the job queue (lib/jobs) share it. */
  pool: pg.Pool;
  base: PrismaClient;
  db: Db;
  crypto: PhiCryptoConfig;
  dataKeys: DataKeyStore;
  /** Hears data keys deleted by any instance (null: one instance on the embedded database). */
  keyListener: DataKeyListener | null;
}

// One pool per process; the global survives Next's hot reloads in development.
const globalForDb = globalThis as unknown as { havenDb?: Connection };

function connection(): Connection {
  if (!globalForDb.havenDb) {
    const env = getEnv();
    const pool = createDatabasePool({
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    });
    const base = clientOnPool(pool);
    const crypto = phiCryptoConfigFromEnv();
    const dataKeys = createDataKeyStore(crypto.keyRing);
    // REALTIME_BUS=memory declares one instance on a database whose NOTIFY reaches no other
    // connection (the embedded one): there is nobody to hear from, and destroy() forgets locally.
    const keyListener =
      env.REALTIME_BUS === "memory"
        ? null
        : listenForDataKeyDeletions(env.REALTIME_LISTEN_URL ?? env.DATABASE_URL, dataKeys);
    globalForDb.havenDb = {
      pool,
      base,
      db: createDb(base, crypto, dataKeys),
      crypto,
      dataKeys,
      keyListener,
    };
  }
  return globalForDb.havenDb;
}

export function getDb(): Db {
  return connection().db;
}

const EMAIL_INDEX = PHI_MODELS.User.email.blindIndex;

/**
 * The blind index `users.email_index` holds for this email, whether or not such
 * a user exists: a key for per-account state (the sign-in lockout) that reveals
 * nothing about the email and is the same for known and unknown addresses.
 */
export function emailBlindIndex(email: string): string {
  return blindIndex(
    connection().crypto.blindIndexKey,
    `User.${EMAIL_INDEX.field}`,
    EMAIL_INDEX.normalize(email),
  );
}

/** Runs fn in one transaction; every `getDb()` query inside it (and its audit rows) joins it. */
export function transaction<T>(fn: () => Promise<T>): Promise<T> {
  return inTransaction(connection().base, async () => await fn());
}

/**
 * Crypto-shredding: destroys a person's data key, so every PHI value they ever
 * produced (here and in every backup) can no longer be decrypted. Audited, in
 * the current transaction when there is one. Other instances forget the key
 * when it commits (the data_keys trigger's NOTIFY, lib/db/data-key-invalidation.ts).
 */
export async function destroyDataKey(ownerId: string, reason: string): Promise<boolean> {
  const { base, crypto, dataKeys } = connection();
  return inTransaction(base, async (tx) => {
    const destroyed = await dataKeys.destroy(tx, ownerId);
    await appendAuditEvents(
      tx,
      crypto.audit,
      [
        {
          action: "keys.data-key.destroyed",
          resourceType: "User",
          resourceId: ownerId,
          details: { reason, hadKey: destroyed },
        },
      ],
      currentContext(),
    );
    return destroyed;
  });
}

/** The process's pool, for the job queue (lib/jobs/queue.ts), so it also runs on a pool of one. */
export function sharedPool(): pg.Pool {
  return connection().pool;
}

/** The plain client, for lib/db's own statements that touch no PHI column (session-lookup.ts). */
export function plainClient(): PrismaClient {
  return connection().base;
}

/**
 * The current transaction, for raw SQL that must run in it (row locks, advisory locks, upserts):
 * getDb()'s raw queries run on a connection of their own, outside any transaction.
 */
export function transactionClient(): Prisma.TransactionClient {
  const tx = currentTransaction();
  if (!tx) throw new Error("this statement must run inside transaction()");
  return tx;
}

/**
 * Read-only SELECTs on audit_log (the audit viewer, the security monitor). The PHI client refuses
 * raw SQL naming audit_log, which keeps writes on the one audited, MAC-ing writer; these reads of a
 * table without PHI columns run on the plain client, or inside the caller's transaction.
 */
export function auditLogReader(): Pick<PrismaClient, "$queryRaw"> {
  return currentTransaction() ?? connection().base;
}

/** The plain client and the audit keys, for the audit sealer (lib/audit/sealer-service.ts) only. */
export function sealerConnection() {
  const { base, crypto } = connection();
  return { base, auditKeys: crypto.audit };
}

/**
 * `npm run bench` only: the plain client, to measure a query without encryption
 * and audit. HAVEN_BENCH_BUILD is inlined when the app is built (next.config.mjs),
 * so in every build but the benchmark's this throws.
 */
export function plainClientForBenchmark(): PrismaClient {
  if (process.env.HAVEN_BENCH_BUILD !== "1")
    throw new Error("the plain client exists only in benchmark builds");
  return connection().base;
}

/** Closes the pool; the next getDb() opens a new one with the current configuration. */
export async function disconnectDb(): Promise<void> {
  const current = globalForDb.havenDb;
  globalForDb.havenDb = undefined;
  await current?.keyListener?.close();
  await current?.base.$disconnect();
}

/**
 * Records a non-data event (sign-in, sign-out, export, denial…) on the audit
 * chain, inside the current transaction when there is one.
 */
export function recordAuditEvent(event: AuditEvent): Promise<void> {
  const { base, crypto } = connection();
  return inTransaction(base, (tx) => appendAuditEvents(tx, crypto.audit, [event], currentContext()));
}
