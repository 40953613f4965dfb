// The built-in transport inside one app instance: the open event streams of this
// process, fed by the bus (lib/realtime/bus.ts). Each stream delivers a user's
// durable events in id order exactly once, replaying from the database after a
// reconnect (Last-Event-ID) or after the bus itself was disconnected.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Session } from "better-sse";
import { checkSession } from "@/lib/auth/sessions";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { describeError, logger } from "@/lib/logger";
import { type BusListener, type Envelope, realtimeBus } from "./bus";
import type { RealtimeEventName } from "./events";

/** Events sent per replay round; a client further behind is told to refetch everything. */
const REPLAY_LIMIT = 500;

export class StreamConnection {
  private lastId: bigint;
  private replaying = true;
  private pending: Envelope[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    /** The stream's row in realtime_connections (beaten by the hub). */
    readonly id: string,
    readonly userId: string,
    readonly sessionId: string,
    private readonly session: Session,
    lastId: bigint,
    readonly close: () => void,
  ) {
    this.lastId = lastId;
  }

  get lastEventId(): bigint {
    return this.lastId;
  }

  /** From the bus: delivered now, or after the replay under way. */
  receive(envelope: Envelope): void {
    if (this.replaying) this.pending.push(envelope);
    else this.deliver(envelope);
  }

  /**
   * Sends what is stored after the last id this client has (and, with a grace period, what was
   * stored shortly before it), then what arrived meanwhile.
   */
  catchUp(options: { replay: boolean; graceMs: number }): Promise<void> {
    // Set now, not when the chain gets there: events arriving meanwhile must wait.
    this.replaying = true;
    this.chain = this.chain.then(async () => {
      this.replaying = true;
      try {
        if (options.replay && this.lastId > 0n) await this.replay(options.graceMs);
      } catch (error) {
        logger.error("realtime replay failed", describeError(error));
        this.push("resync", {}, null);
      } finally {
        this.replaying = false;
        const pending = this.pending;
        this.pending = [];
        for (const envelope of pending) this.deliver(envelope);
      }
    });
    return this.chain;
  }

  private async replay(graceMs: number): Promise<void> {
    const db = getDb();
    // The last event a client saw was one of its user's: if that row is gone, it was
    // pruned (older than the retention), and events after it may be gone too.
    const seen = await db.realtimeEvent.findFirst({
      where: { id: this.lastId, userId: this.userId },
      select: { id: true, createdAt: true },
    });
    if (!seen) return this.resync();
    const rows = await db.realtimeEvent.findMany({
      where: {
        userId: this.userId,
        OR: [
          { id: { gt: this.lastId } },
          ...(graceMs > 0 ? [{ createdAt: { gte: new Date(seen.createdAt.getTime() - graceMs) } }] : []),
        ],
      },
      orderBy: { id: "asc" },
      take: REPLAY_LIMIT,
      select: { id: true, name: true, data: true },
    });
    for (const row of rows) {
      const envelope: Envelope = {
        id: String(row.id),
        userId: this.userId,
        name: row.name as RealtimeEventName,
        data: row.data as Record<string, unknown>,
      };
      // Within the grace period: sent again without moving the cursor back.
      if (row.id <= this.lastId) this.push(envelope.name, envelope.data, String(this.lastId));
      else this.deliver(envelope);
    }
    if (rows.length === REPLAY_LIMIT) await this.resync();
  }

  /** Tells the client to refetch what it shows, and carries on from the newest event. */
  private async resync(): Promise<void> {
    const newest = await getDb().realtimeEvent.findFirst({
      where: { userId: this.userId },
      orderBy: { id: "desc" },
      select: { id: true },
    });
    // Also lower: after a database restore the client may hold ids that no longer exist.
    this.lastId = newest?.id ?? 0n;
    this.push("resync", {}, null);
  }

  private deliver(envelope: Envelope): void {
    if (envelope.id !== null) {
      const id = BigInt(envelope.id);
      if (id <= this.lastId) return; // already sent (replay and live overlap)
      this.lastId = id;
    }
    this.push(envelope.name, envelope.data, envelope.id);
  }

  private push(name: string, data: object, id: string | null): void {
    if (!this.session.isConnected) return;
    try {
      // An event without its own id repeats the last one, so the browser's
      // Last-Event-ID keeps naming the last durable event it received.
      this.session.push(data, name, id ?? (this.lastId > 0n ? String(this.lastId) : ""));
    } catch (error) {
      logger.warn("realtime push failed", describeError(error));
    }
  }
}

class Hub implements BusListener {
  readonly instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly byUser = new Map<string, Set<StreamConnection>>();
  private listening: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = 0;

  /** Starts listening to the bus (once per process). */
  listen(): Promise<void> {
    this.listening ??= realtimeBus()
      .listen(this)
      .catch((error: unknown) => {
        this.listening = null;
        throw error;
      });
    return this.listening;
  }

  async add(connection: StreamConnection): Promise<void> {
    await this.listen();
    let set = this.byUser.get(connection.userId);
    if (!set) this.byUser.set(connection.userId, (set = new Set()));
    set.add(connection);
    this.startHeartbeat();
  }

  remove(connection: StreamConnection): void {
    const set = this.byUser.get(connection.userId);
    set?.delete(connection);
    if (set?.size === 0) this.byUser.delete(connection.userId);
  }

  connectionsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  all(): StreamConnection[] {
    return [...this.byUser.values()].flatMap((set) => [...set]);
  }

  envelope(envelope: Envelope): void {
    for (const connection of this.byUser.get(envelope.userId) ?? []) connection.receive(envelope);
  }

  resumed(): void {
    for (const connection of this.all()) void connection.catchUp({ replay: true, graceMs: 0 });
  }

  /** One timer per instance: beats for its connections, session checks, housekeeping. */
  private startHeartbeat(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), getEnv().REALTIME_HEARTBEAT_SECONDS * 1000);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const connections = this.all();
    if (connections.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    try {
      // A listening connection can die without a word (an idle timeout on the way, a failover).
      if (this.listening) await realtimeBus().check();
      if (connections.length > 0) {
        await getDb().realtimeConnection.updateMany({
          where: { id: { in: connections.map((connection) => connection.id) } },
          data: { beatAt: new Date() },
        });
      }
      // A stream outlives no session: sign-out, revocation, the idle timeout and the
      // absolute lifetime end it within one beat. Checking does not count as activity.
      const verdicts = new Map<string, Promise<boolean>>();
      for (const connection of connections) {
        let alive = verdicts.get(connection.sessionId);
        if (!alive) {
          alive = checkSession(connection.sessionId, { touch: false }).then((check) => check.ok);
          verdicts.set(connection.sessionId, alive);
        }
        if (!(await alive)) connection.close();
      }
      if (Date.now() - this.lastPrune > 10 * 60_000) {
        this.lastPrune = Date.now();
        await pruneRealtimeTables();
      }
    } catch (error) {
      logger.warn("realtime heartbeat failed", describeError(error));
    }
  }
}

/**
 * Events past their retention, the video rooms' relayed WebRTC signals with them (a visit's
 * end deletes its own; these are rooms that never ended), and connection rows of instances
 * that stopped without closing them.
 */
export async function pruneRealtimeTables(
  now = new Date(),
): Promise<{ events: number; signals: number; connections: number }> {
  const db = getDb();
  const hours = getEnv().REALTIME_EVENT_RETENTION_HOURS;
  const expired = { createdAt: { lt: new Date(now.getTime() - hours * 3_600_000) } };
  const events = await db.realtimeEvent.deleteMany({ where: expired });
  const signals = await db.videoSignal.deleteMany({ where: expired });
  const connections = await db.realtimeConnection.deleteMany({
    where: { beatAt: { lt: new Date(now.getTime() - staleAfterMs()) } },
  });
  return { events: events.count, signals: signals.count, connections: connections.count };
}

/** A connection row not beaten for this long belongs to an instance that stopped. */
export const staleAfterMs = () => Math.max(60_000, getEnv().REALTIME_HEARTBEAT_SECONDS * 4000);

const globalForHub = globalThis as unknown as { havenRealtimeHub?: Hub };

export function realtimeHub(): Hub {
  globalForHub.havenRealtimeHub ??= new Hub();
  return globalForHub.havenRealtimeHub;
}
