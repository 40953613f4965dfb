// GET /api/realtime/events (the built-in transport): one Server-Sent Events stream
// per browser tab, at most REALTIME_MAX_CONNECTIONS_PER_USER per user across every
// instance, with heartbeats, Last-Event-ID replay, and presence (online while any of
// the user's streams is open anywhere).
import "server-only";
import { randomUUID } from "node:crypto";
import { Connection, type Session, createResponse } from "better-sse";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { currentTransaction, getDb, transaction } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { describeError, logger } from "@/lib/logger";
import { StreamConnection, realtimeHub, staleAfterMs } from "./hub";
import { publishEphemeral } from "./publish";

export interface EventStreamOptions {
  /** Who is told when this user comes online or goes offline (the people they share a thread with). */
  presenceAudience: (userId: string) => Promise<string[]>;
}

const liveSince = () => new Date(Date.now() - staleAfterMs());

/** Whether each user has a live stream on any instance. */
export async function onlineUsers(userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await getDb().realtimeConnection.findMany({
    where: { userId: { in: [...userIds] }, beatAt: { gte: liveSince() } },
    select: { userId: true },
    distinct: ["userId"],
  });
  return new Set(rows.map((row) => row.userId));
}

/** Records the stream, or refuses it over the per-user limit; serialised per user across instances. */
async function register(
  userId: string,
  connectionId: string,
  instanceId: string,
): Promise<{ wasOnline: boolean }> {
  const max = getEnv().REALTIME_MAX_CONNECTIONS_PER_USER;
  return transaction(async () => {
    await currentTransaction()!.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`realtime:${userId}`}))`;
    const live = await getDb().realtimeConnection.count({ where: { userId, beatAt: { gte: liveSince() } } });
    if (live >= max) {
      throw new AppError(
        "RATE_LIMITED",
        `Haven is already open in ${max} tabs or devices for your account. Close one, then reload this page.`,
        { retryAfterSeconds: 30 },
      );
    }
    await getDb().realtimeConnection.create({
      data: { id: connectionId, userId, instanceId },
      select: { id: true },
    });
    return { wasOnline: live > 0 };
  });
}

async function unregister(userId: string, connectionId: string): Promise<{ stillOnline: boolean }> {
  await getDb().realtimeConnection.deleteMany({ where: { id: connectionId } });
  const live = await getDb().realtimeConnection.count({ where: { userId, beatAt: { gte: liveSince() } } });
  return { stillOnline: live > 0 };
}

/** The last event id the browser has: the Last-Event-ID header on its own reconnects, or ?lastEventId=. */
function lastEventIdOf(request: Request): bigint | null {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId");
  return raw && /^[0-9]{1,18}$/.test(raw) ? BigInt(raw) : null;
}

async function newestEventId(userId: string): Promise<bigint> {
  const newest = await getDb().realtimeEvent.findFirst({
    where: { userId },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  return newest?.id ?? 0n;
}

const encoder = new TextEncoder();

/**
 * better-sse's Fetch connection, made safe for a stream that ends early: its own
 * writes to a closed stream (a client gone before the first flush) hit a Node
 * assertion that crashes the process; here a write after the end is dropped.
 */
class GuardedFetchConnection extends Connection {
  readonly url: URL;
  readonly request: Request;
  readonly response: Response;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private ended = false;

  constructor(request: Request, headers: Record<string, string>) {
    super();
    this.url = new URL(request.url);
    this.request = request;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    this.writer = writable.getWriter();
    this.response = new Response(readable, { status: 200, headers: Connection.constants.RESPONSE_HEADERS });
    Connection.applyHeaders(headers, this.response.headers);
  }

  sendHead = () => undefined;

  sendChunk = (chunk: string) => {
    if (this.ended) return;
    this.writer.write(encoder.encode(chunk)).catch(() => {
      this.ended = true;
    });
  };

  cleanup = () => {
    if (this.ended) return;
    this.ended = true;
    this.writer.close().catch(() => undefined);
  };
}

export async function openEventStream(
  request: Request,
  actor: AuthenticatedActor,
  options: EventStreamOptions,
): Promise<Response> {
  const hub = realtimeHub();
  const connectionId = randomUUID();
  const { wasOnline } = await register(actor.userId, connectionId, hub.instanceId);

  const announce = (online: boolean) =>
    void options
      .presenceAudience(actor.userId)
      .then((audience) => publishEphemeral(audience, "presence", { userId: actor.userId, online }))
      .catch((error: unknown) => logger.warn("presence announcement failed", describeError(error)));

  const requested = lastEventIdOf(request);
  const startId = requested ?? (await newestEventId(actor.userId));
  // The server may end the stream too (session ended): our own signal, joined with the client's.
  const closer = new AbortController();
  const streamRequest = new Request(request.url, {
    headers: request.headers,
    signal: AbortSignal.any([request.signal, closer.signal]),
  });

  let connection: StreamConnection | null = null;
  let closed = false;
  const cleanUp = () => {
    if (closed) return;
    closed = true;
    if (connection) hub.remove(connection);
    void unregister(actor.userId, connectionId)
      .then(({ stillOnline }) => {
        if (!stillOnline) announce(false);
      })
      .catch((error: unknown) => logger.warn("realtime unregister failed", describeError(error)));
  };

  return createResponse(
    new GuardedFetchConnection(streamRequest, {
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    }),
    {
      keepAlive: getEnv().REALTIME_HEARTBEAT_SECONDS * 1000,
      retry: 2000,
      // better-sse reads Last-Event-ID itself; we keep our own numeric cursor.
      trustClientEventId: false,
    },
    (session) => void start(session),
  );

  async function start(session: Session): Promise<void> {
    session.once("disconnected", cleanUp);
    if (!session.isConnected) return cleanUp();
    connection = new StreamConnection(actor.userId, actor.sessionId, session, startId, () => closer.abort());
    try {
      // Registered first (events arriving meanwhile wait), then the replay, then those.
      await hub.add(connection);
      await connection.catchUp(requested !== null);
    } catch (error) {
      logger.error("realtime stream failed to start", describeError(error));
      closer.abort();
      return;
    }
    if (!wasOnline) announce(true);
  }
}
