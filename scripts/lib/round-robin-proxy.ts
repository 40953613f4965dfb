// A tiny round-robin load balancer for tests and benchmarks that run several app
// instances: each request goes to the next upstream in turn (or to the one `pin`
// names), bodies stream both ways (Server-Sent Events and other long-lived responses
// included), WebSocket upgrades are tunnelled, and the forwarding headers are set the
// way a real load balancer sets them: X-Forwarded-For gets the client's socket
// address appended (TRUST_PROXY=true trusts exactly that last entry), X-Forwarded-Proto,
// -Host and -Port are overwritten. The Host header is passed through unchanged.
import http from "node:http";
import type { Duplex } from "node:stream";
import { findFreePort } from "./free-port";

export interface RoundRobinProxyOptions {
  /** Base URLs of the instances, e.g. ["http://127.0.0.1:4001", "http://127.0.0.1:4002"]. */
  upstreams: readonly string[];
  /** Port to listen on (default: a free one); always on 127.0.0.1 unless `host` says otherwise. */
  port?: number;
  host?: string;
  /** Sends a request to a fixed upstream (its index) instead of the next one; undefined → round robin. */
  pin?: (request: http.IncomingMessage) => number | undefined;
  /** The scheme the client used, as X-Forwarded-Proto (default "http"). */
  forwardedProto?: "http" | "https";
  /** Called for each request (and upgrade) once its upstream is chosen, e.g. to log who served what. */
  onForward?: (forwarded: { method: string; url: string; upstream: number; pinned: boolean }) => void;
  /** Sockets kept open per upstream (default 256): the benchmark drives many connections. */
  maxSocketsPerUpstream?: number;
}

export interface RoundRobinProxy {
  /** The proxy's own base URL (what the browser or load generator talks to). */
  url: string;
  port: number;
  /** Requests (and upgrades) forwarded to each upstream so far, in `upstreams` order; a snapshot. */
  readonly counts: number[];
  /** Requests that got a 502 because their upstream could not be reached. */
  readonly failures: number;
  /** Sets every count back to zero (e.g. before the step a test measures). */
  resetCounts(): void;
  /** Stops listening, ends open streams and tunnels, and frees the pooled sockets. */
  stop(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  // Headers named in Connection are hop-by-hop too.
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const result: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    result[name] = value;
  }
  return result;
}

export async function startRoundRobinProxy(options: RoundRobinProxyOptions): Promise<RoundRobinProxy> {
  if (options.upstreams.length === 0) throw new Error("the proxy needs at least one upstream");
  const upstreams = options.upstreams.map((raw) => {
    const url = new URL(raw);
    if (url.protocol !== "http:") throw new Error(`only http upstreams are supported: ${raw}`);
    return url;
  });
  const agents = upstreams.map(
    () => new http.Agent({ keepAlive: true, maxSockets: options.maxSocketsPerUpstream ?? 256 }),
  );
  const counts = upstreams.map(() => 0);
  let failures = 0;
  let next = 0;
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (await findFreePort());
  const proto = options.forwardedProto ?? "http";
  const tunnels = new Set<Duplex>();

  function choose(request: http.IncomingMessage): number {
    const pinned = options.pin?.(request);
    if (pinned !== undefined) {
      if (!Number.isInteger(pinned) || pinned < 0 || pinned >= upstreams.length) {
        throw new Error(`pin chose upstream ${pinned}, but there are ${upstreams.length}`);
      }
      return chosen(request, pinned, true);
    }
    const index = next;
    next = (next + 1) % upstreams.length;
    return chosen(request, index, false);
  }

  function chosen(request: http.IncomingMessage, index: number, pinned: boolean): number {
    counts[index]! += 1;
    options.onForward?.({
      method: request.method ?? "GET",
      url: request.url ?? "/",
      upstream: index,
      pinned,
    });
    return index;
  }

  function forwardedHeaders(request: http.IncomingMessage): http.OutgoingHttpHeaders {
    const headers = withoutHopByHop(request.headers);
    const address = request.socket.remoteAddress ?? "";
    const prior = request.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = prior ? `${String(prior)}, ${address}` : address;
    headers["x-forwarded-proto"] = proto;
    if (request.headers.host) headers["x-forwarded-host"] = request.headers.host;
    headers["x-forwarded-port"] = String(port);
    return headers;
  }

  const server = http.createServer((request, response) => {
    const index = choose(request);
    const target = upstreams[index]!;
    const upstreamRequest = http.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: forwardedHeaders(request),
      agent: agents[index],
    });
    upstreamRequest.on("response", (upstreamResponse) => {
      response.writeHead(
        upstreamResponse.statusCode ?? 502,
        upstreamResponse.statusMessage,
        withoutHopByHop(upstreamResponse.headers),
      );
      // An event stream's headers go out at once (its first bytes may come much later); other
      // responses send them with their first chunk, one write instead of two (the benchmark).
      if (String(upstreamResponse.headers["content-type"] ?? "").startsWith("text/event-stream")) {
        response.flushHeaders();
      }
      upstreamResponse.pipe(response);
      upstreamResponse.on("error", () => response.destroy());
    });
    upstreamRequest.on("error", () => {
      if (!response.headersSent) {
        failures += 1;
        response.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
        response.end("upstream unavailable\n");
      } else {
        response.destroy();
      }
    });
    // The client went away (a closed tab's event stream): stop the upstream request too.
    response.on("close", () => {
      if (!response.writableFinished) upstreamRequest.destroy();
    });
    request.pipe(upstreamRequest);
  });

  server.on("upgrade", (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const index = choose(request);
    const target = upstreams[index]!;
    tunnels.add(socket);
    socket.on("close", () => tunnels.delete(socket));
    socket.on("error", () => socket.destroy());
    const headers = forwardedHeaders(request);
    headers.connection = "Upgrade";
    if (request.headers.upgrade) headers.upgrade = request.headers.upgrade;
    const upstreamRequest = http.request({
      hostname: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers,
    });
    upstreamRequest.on("upgrade", (upstreamResponse, upstreamSocket, upstreamHead) => {
      tunnels.add(upstreamSocket);
      upstreamSocket.on("close", () => {
        tunnels.delete(upstreamSocket);
        socket.destroy();
      });
      upstreamSocket.on("error", () => upstreamSocket.destroy());
      socket.on("close", () => upstreamSocket.destroy());
      const lines = [
        `HTTP/1.1 ${upstreamResponse.statusCode ?? 101} ${upstreamResponse.statusMessage ?? ""}`,
      ];
      for (let i = 0; i < upstreamResponse.rawHeaders.length; i += 2) {
        lines.push(`${upstreamResponse.rawHeaders[i]}: ${upstreamResponse.rawHeaders[i + 1]}`);
      }
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
    });
    // The upstream refused the upgrade: pass its answer back and close.
    upstreamRequest.on("response", (upstreamResponse) => {
      const lines = [
        `HTTP/1.1 ${upstreamResponse.statusCode ?? 502} ${upstreamResponse.statusMessage ?? ""}`,
      ];
      for (let i = 0; i < upstreamResponse.rawHeaders.length; i += 2) {
        const name = upstreamResponse.rawHeaders[i]!;
        if (!HOP_BY_HOP.has(name.toLowerCase())) lines.push(`${name}: ${upstreamResponse.rawHeaders[i + 1]}`);
      }
      lines.push("connection: close");
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
      upstreamResponse.pipe(socket);
    });
    upstreamRequest.on("error", () => {
      failures += 1;
      socket.end("HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    });
    upstreamRequest.end();
  });

  // An event stream may stay silent between heartbeats: no idle timeout on either side.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    get counts() {
      return [...counts];
    },
    get failures() {
      return failures;
    },
    resetCounts() {
      counts.fill(0);
      failures = 0;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of tunnels) socket.destroy();
      for (const agent of agents) agent.destroy();
      await closed;
    },
  };
}
