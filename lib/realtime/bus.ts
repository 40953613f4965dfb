// How the built-in transport's app instances tell each other about events:
// PostgreSQL LISTEN/NOTIFY (several instances on one database; a NOTIFY sent in a
// transaction is delivered at its commit, never for a rollback), or an in-process
// bus for one instance (the embedded development database: its NOTIFY reaches no
// other connection). Both behind one interface; lib/realtime/hub.ts listens.
import "server-only";
import { EventEmitter } from "node:events";
import pg from "pg";
import { afterCommit, currentTransaction, getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { describeError, logger } from "@/lib/logger";
import type { RealtimeEventName } from "./events";

/** One event for one user. `id` is the stored event's id (durable events), null for ephemeral ones. */
export interface Envelope {
  id: string | null;
  userId: string;
  name: RealtimeEventName;
  data: Record<string, unknown>;
}

export interface BusListener {
  envelope(envelope: Envelope): void;
  /** The bus was disconnected and is back: events may have been missed meanwhile. */
  resumed(): void;
}

export interface RealtimeBus {
  /** Delivers when the current transaction commits (durable events, stored in the same transaction). */
  sendOnCommit(envelopes: Envelope[]): Promise<void>;
  /** Delivers now (ephemeral events: typing, presence). */
  sendNow(envelopes: Envelope[]): Promise<void>;
  listen(listener: BusListener): Promise<void>;
  /** Proves the listening connection still answers, and reconnects it if not. */
  check(): Promise<void>;
  close(): Promise<void>;
}

const NOTIFY_CHANNEL = "haven_realtime";
const encode = (envelope: Envelope) =>
  JSON.stringify({ i: envelope.id, u: envelope.userId, n: envelope.name, d: envelope.data });

function decode(payload: string | undefined): Envelope | null {
  try {
    const raw = JSON.parse(payload ?? "") as {
      i: string | null;
      u: string;
      n: RealtimeEventName;
      d: Record<string, unknown>;
    };
    if (typeof raw.u !== "string" || typeof raw.n !== "string") return null;
    return { id: raw.i ?? null, userId: raw.u, name: raw.n, data: raw.d ?? {} };
  } catch {
    return null;
  }
}

class PostgresBus implements RealtimeBus {
  private client: pg.Client | null = null;
  private listener: BusListener | null = null;
  private closed = false;
  private retryMs = 500;

  async sendOnCommit(envelopes: Envelope[]): Promise<void> {
    const tx = currentTransaction();
    if (!tx) throw new Error("durable realtime events are sent inside the transaction that made the change");
    for (const envelope of envelopes) {
      await tx.$executeRaw`SELECT pg_notify(${NOTIFY_CHANNEL}, ${encode(envelope)})`;
    }
  }

  async sendNow(envelopes: Envelope[]): Promise<void> {
    for (const envelope of envelopes) {
      await getDb().$executeRaw`SELECT pg_notify(${NOTIFY_CHANNEL}, ${encode(envelope)})`;
    }
  }

  async listen(listener: BusListener): Promise<void> {
    this.listener = listener;
    await this.connect();
  }

  /** A dedicated connection (LISTEN holds it for good, so never one of the pool's). */
  private async connect(): Promise<void> {
    const env = getEnv();
    const client = new pg.Client({
      connectionString: env.REALTIME_LISTEN_URL ?? env.DATABASE_URL,
      keepAlive: true,
    });
    client.on("notification", (message) => {
      const envelope = decode(message.payload);
      if (envelope) this.listener?.envelope(envelope);
    });
    client.on("error", (error) => {
      logger.warn("realtime listener connection failed; reconnecting", describeError(error));
      this.reconnect(client);
    });
    client.on("end", () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.client = client;
    this.retryMs = 500;
  }

  async check(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the realtime listener did not answer in 5 s")), 5_000).unref(),
    );
    try {
      await Promise.race([client.query("SELECT 1"), timeout]);
    } catch (error) {
      logger.warn("realtime listener unresponsive; reconnecting", describeError(error));
      this.reconnect(client);
    }
  }

  private reconnect(broken: pg.Client): void {
    if (this.closed || this.client !== broken) return;
    this.client = null;
    broken.removeAllListeners();
    // A late socket error on the discarded client must not crash the process.
    broken.on("error", () => undefined);
    void broken.end().catch(() => undefined);
    const attempt = async () => {
      if (this.closed) return;
      try {
        await this.connect();
        logger.info("realtime listener reconnected");
        this.listener?.resumed();
      } catch (error) {
        logger.warn("realtime listener still down", describeError(error));
        this.retryMs = Math.min(this.retryMs * 2, 30_000);
        setTimeout(() => void attempt(), this.retryMs).unref();
      }
    };
    setTimeout(() => void attempt(), this.retryMs).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    client?.removeAllListeners();
    client?.on("error", () => undefined);
    await client?.end().catch(() => undefined);
  }
}

class MemoryBus implements RealtimeBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  sendOnCommit(envelopes: Envelope[]): Promise<void> {
    afterCommit(() => this.emit(envelopes));
    return Promise.resolve();
  }

  sendNow(envelopes: Envelope[]): Promise<void> {
    this.emit(envelopes);
    return Promise.resolve();
  }

  private emit(envelopes: Envelope[]): void {
    for (const envelope of envelopes) this.emitter.emit("envelope", envelope);
  }

  listen(listener: BusListener): Promise<void> {
    this.emitter.on("envelope", (envelope: Envelope) => listener.envelope(envelope));
    return Promise.resolve();
  }

  check(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.emitter.removeAllListeners();
    return Promise.resolve();
  }
}

// One bus per process, shared by every module graph Next builds (route handlers, actions).
const globalForBus = globalThis as unknown as { havenRealtimeBus?: RealtimeBus };

export function realtimeBus(): RealtimeBus {
  globalForBus.havenRealtimeBus ??= getEnv().REALTIME_BUS === "memory" ? new MemoryBus() : new PostgresBus();
  return globalForBus.havenRealtimeBus;
}

/** Closes the bus (tests, shutdown); the next realtimeBus() makes a new one. */
export async function closeRealtimeBus(): Promise<void> {
  const bus = globalForBus.havenRealtimeBus;
  globalForBus.havenRealtimeBus = undefined;
  await bus?.close();
}
