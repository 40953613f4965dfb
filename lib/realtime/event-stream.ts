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

/**
 * Where the stream starts: the Last-Event-ID header (the browser's own reconnects), ?lastEventId=
 * (a new EventSource after an error), both exact; or ?since= (the newest event when the page was
 * rendered), replayed with a grace period because the page's data may have been read a moment
 * before that id. Duplicates are harmless (events only make the page refetch); a gap is not.
 */
function cursorOf(request: Request): { id: bigint; graceMs: number } | null {
  const search = new URL(request.url).searchParams;
  const exact = request.headers.get("last-event-id") ?? search.get("lastEventId");
  const parse = (raw: string | null) => (raw && /^[0-9]{1,18}$/.test(raw) ? BigInt(raw) : null);
  const exactId = parse(exact);
  if (exactId !== null) return { id: exactId, graceMs: 0 };
  const since = parse(search.get("since"));
  return since !== null ? { id: since, graceMs: SINCE_GRACE_MS } : null;
}
const SINCE_GRACE_MS = 10_000;

/** The newest event stored for a user (the page renders it, and its first stream starts there). */
export async function newestEventIdOf(userId: string): Promise<string | null> {
  const newest = await getDb().realtimeEvent.findFirst({
    where: { userId },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  return newest ? String(newest.id) : null;
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
  // Listening before answering: a bus that cannot listen is a 503 the browser backs off from,
  // not a stream that ends at once and is reopened every two seconds.
  try {
    await hub.listen();
  } catch (error) {
    logger.error("realtime bus cannot listen", describeError(error));
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "Live updates are unavailable right now; Haven will try again.",
      {
        retryAfterSeconds: 30,
      },
    );
  }
  const cursor = cursorOf(request);
  const connectionId = randomUUID();
  const { wasOnline } = await register(actor.userId, connectionId, hub.instanceId);
  // Gone while we were setting up: no stream (its abort will never fire again).
  if (request.signal.aborted) {
    await unregister(actor.userId, connectionId);
    return new Response(null, { status: 204 });
  }

  const announce = (online: boolean) =>
    void options
      .presenceAudience(actor.userId)
      // Only those with a stream open can show it; the others read it when they load a page.
      .then((audience) => onlineUsers(audience))
      .then((present) => publishEphemeral([...present], "presence", { userId: actor.userId, online }))
      .catch((error: unknown) => logger.warn("presence announcement failed", describeError(error)));

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
  streamRequest.signal.addEventListener("abort", cleanUp, { once: true });

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
    if (closed || streamRequest.signal.aborted) return cleanUp();
    connection = new StreamConnection(
      connectionId,
      actor.userId,
      actor.sessionId,
      session,
      cursor?.id ?? 0n,
      () => closer.abort(),
    );
    try {
      // Registered first (events arriving meanwhile wait), then the replay, then those.
      await hub.add(connection);
      if (closed) return hub.remove(connection);
      await connection.catchUp(
        cursor ? { replay: true, graceMs: cursor.graceMs } : { replay: false, graceMs: 0 },
      );
    } catch (error) {
      logger.error("realtime stream failed to start", describeError(error));
      closer.abort();
      return;
    }
    if (!wasOnline) announce(true);
  }
}
