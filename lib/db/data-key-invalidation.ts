// Every instance hears when a data key is deleted anywhere (an erasure on another
// instance, `npm run erasures:apply`, an operator's SQL): the data_keys trigger
// NOTIFYs the key's id on DATA_KEY_CHANNEL when the deleting transaction commits,
// and this listener drops it from the local cache (lib/db/data-keys.ts).
//
// The cache is trusted only while the listener is connected: until the first
// LISTEN succeeds, and from a dropped connection until it is back, the store reads
// every key from the database. On each (re)connection, once LISTEN holds, one query
// finds which cached keys were deleted meanwhile (their notifications were lost).
import "server-only";
import pg from "pg";
import { describeError, logger } from "@/lib/logger";
import type { DataKeyStore } from "./data-keys";

/** The channel the data_keys trigger notifies (prisma/migrations/…_data_key_invalidation). */
export const DATA_KEY_CHANNEL = "haven_data_keys";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DataKeyListener {
  /** Resolves once the first LISTEN succeeded (or failed: the cache stays untrusted meanwhile). */
  readonly ready: Promise<void>;
  /** Whether the listener is connected now (the cache is trusted). */
  readonly listening: boolean;
  close(): Promise<void>;
}

type Store = Pick<DataKeyStore, "forget" | "recheck" | "cachedKeyIds" | "setTrusted">;

export function listenForDataKeyDeletions(connectionString: string, store: Store): DataKeyListener {
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = 500;
  store.setTrusted(false);

  /**
   * Every cached key the database does not show is read again before its next use: deleted while
   * nobody listened, or created by a transaction still open (which this connection cannot see, so
   * it must not be called destroyed: found when a first LISTEN came after a new patient's key).
   */
  async function sweep(on: pg.Client): Promise<void> {
    const ids = store.cachedKeyIds();
    if (ids.length === 0) return;
    const { rows } = await on.query<{ id: string }>(
      "SELECT id::text FROM data_keys WHERE id = ANY($1::uuid[])",
      [ids],
    );
    const present = new Set(rows.map((row) => row.id));
    for (const id of ids) if (!present.has(id)) store.recheck(id);
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString, keepAlive: true });
    next.on("notification", (message) => {
      if (message.channel !== DATA_KEY_CHANNEL) return;
      if (message.payload && UUID.test(message.payload)) return store.forget(message.payload.toLowerCase());
      // Anything else (a hand-made NOTIFY): check every cached key rather than guess.
      store.setTrusted(false);
      sweep(next).then(
        () => store.setTrusted(client === next),
        (error: unknown) => logger.warn("data key check failed", describeError(error)),
      );
    });
    next.on("error", (error) => {
      logger.warn("data key listener connection failed; reconnecting", describeError(error));
      lost(next);
    });
    next.on("end", () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${DATA_KEY_CHANNEL}`);
      // Deletions before this LISTEN were not heard: the keys still cached are checked once.
      await sweep(next);
    } catch (error) {
      next.removeAllListeners();
      next.on("error", () => undefined);
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    // The listener must never keep a process (a script, a test) alive by itself.
    (next as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
    client = next;
    retryMs = 500;
    store.setTrusted(true);
  }

  function lost(broken: pg.Client): void {
    if (client !== broken) return;
    client = null;
    store.setTrusted(false);
    broken.removeAllListeners();
    broken.on("error", () => undefined);
    void broken.end().catch(() => undefined);
    scheduleRetry();
  }

  function scheduleRetry(): void {
    if (closed) return;
    setTimeout(() => {
      if (closed) return;
      connect().then(
        () => logger.info("data key listener connected"),
        (error: unknown) => {
          logger.warn("data key listener still down", describeError(error));
          retryMs = Math.min(retryMs * 2, 30_000);
          scheduleRetry();
        },
      );
    }, retryMs).unref();
  }

  const ready = connect().catch((error: unknown) => {
    logger.warn("data key listener cannot connect; keys are read from the database", describeError(error));
    scheduleRetry();
  });

  return {
    ready,
    get listening() {
      return client !== null;
    },
    async close() {
      closed = true;
      const current = client;
      client = null;
      store.setTrusted(false);
      if (!current) return;
      current.removeAllListeners();
      current.on("error", () => undefined);
      await current.end().catch(() => undefined);
    },
  };
}
