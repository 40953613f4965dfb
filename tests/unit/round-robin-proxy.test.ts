import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RoundRobinProxy, startRoundRobinProxy } from "@/scripts/lib/round-robin-proxy";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * An upstream that echoes what it saw as JSON, accepts upgrades, and streams on /stream: the first
 * event at once, the second only when the test calls endStreams().
 */
async function startUpstream(name: string) {
  const seen: Seen[] = [];
  const openStreams = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    if (request.url === "/stream") {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(`data: first from ${name}\n\n`);
      openStreams.add(response);
      response.on("close", () => openStreams.delete(response));
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      response.writeHead(201, { "content-type": "application/json", "set-cookie": ["a=1", "b=2"] });
      response.end(JSON.stringify({ name, body }));
    });
  });
  server.on("upgrade", (request: http.IncomingMessage, socket: Duplex) => {
    socket.write("HTTP/1.1 101 Switching Protocols\r\nupgrade: echo\r\nconnection: Upgrade\r\n\r\n");
    socket.write(`hello from ${name}|`);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    endStreams: () => {
      for (const response of openStreams) response.end(`data: second from ${name}\n\n`);
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let a: Awaited<ReturnType<typeof startUpstream>>;
let b: Awaited<ReturnType<typeof startUpstream>>;
let proxy: RoundRobinProxy;
const forwarded: { method: string; url: string; upstream: number; pinned: boolean }[] = [];

beforeAll(async () => {
  a = await startUpstream("a");
  b = await startUpstream("b");
  proxy = await startRoundRobinProxy({
    upstreams: [a.url, b.url],
    pin: (request) => (request.headers["x-pin"] === "b" ? 1 : undefined),
    onForward: (entry) => forwarded.push(entry),
  });
});

afterAll(async () => {
  await proxy.stop();
  await a.stop();
  await b.stop();
});

describe("round-robin proxy", () => {
  it("alternates upstreams per request and counts them", async () => {
    proxy.resetCounts();
    const names: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${proxy.url}/echo`);
      names.push(((await response.json()) as { name: string }).name);
    }
    expect(names).toEqual(["a", "b", "a", "b"]);
    expect(proxy.counts).toEqual([2, 2]);
  });

  it("streams the request body and passes status and repeated headers back", async () => {
    const body = "x".repeat(200_000);
    const response = await fetch(`${proxy.url}/upload?q=1`, { method: "POST", body });
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    const echoed = (await response.json()) as { body: string };
    expect(echoed.body).toBe(body);
  });

  it("appends the client address to X-Forwarded-For and sets the forwarded scheme, host and port", async () => {
    await fetch(`${proxy.url}/headers`, { headers: { "x-forwarded-for": "203.0.113.9", "x-pin": "b" } });
    const last = b.seen.at(-1)!;
    expect(last.url).toBe("/headers");
    expect(last.headers["x-forwarded-for"]).toBe("203.0.113.9, 127.0.0.1");
    expect(last.headers["x-forwarded-proto"]).toBe("http");
    expect(last.headers["x-forwarded-host"]).toBe(new URL(proxy.url).host);
    expect(last.headers["x-forwarded-port"]).toBe(String(proxy.port));
    expect(last.headers.host).toBe(new URL(proxy.url).host);
  });

  it("pins the requests the pin function names", async () => {
    proxy.resetCounts();
    for (let i = 0; i < 3; i += 1) await fetch(`${proxy.url}/pinned`, { headers: { "x-pin": "b" } });
    expect(proxy.counts).toEqual([0, 3]);
    expect(forwarded.slice(-3)).toEqual(
      Array(3).fill({ method: "GET", url: "/pinned", upstream: 1, pinned: true }),
    );
  });

  it("delivers a streamed response's first event before the response ends", async () => {
    const response = await fetch(`${proxy.url}/stream`, { headers: { "x-pin": "b" } });
    const reader = response.body!.getReader();
    // The upstream ends the response only when told to: a proxy that buffered would never get here.
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("first from b");
    b.endStreams();
    let rest = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toContain("second from b");
  });

  it("tunnels an upgrade both ways", async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const request = http.request(`${proxy.url}/socket`, {
        headers: { connection: "Upgrade", upgrade: "echo", "x-pin": "b" },
      });
      request.on("upgrade", (response, socket, head) => {
        expect(response.statusCode).toBe(101);
        // Bytes that arrived with the 101 come as `head`.
        let received = head.toString("utf8");
        socket.on("data", (chunk: Buffer) => {
          received += chunk.toString("utf8");
          if (received.endsWith("ping")) {
            socket.destroy();
            resolve(received);
          }
        });
        socket.write("ping");
      });
      request.on("error", reject);
      request.end();
    });
    expect(text).toBe("hello from b|ping");
  });

  it("answers 502 when the upstream is down", async () => {
    const dead = await startUpstream("dead");
    await dead.stop();
    const lonely = await startRoundRobinProxy({ upstreams: [dead.url] });
    try {
      const response = await fetch(`${lonely.url}/`);
      expect(response.status).toBe(502);
      expect(lonely.failures).toBe(1);
    } finally {
      await lonely.stop();
    }
  });
});
