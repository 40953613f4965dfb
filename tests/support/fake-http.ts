// What the fake provider APIs (fake-stripe.ts, fake-razorpay.ts) share: a plain
// node:http server on a free local port, its request bodies and headers read
// the same way, and a close that does not wait for kept-alive connections.
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

export interface FakeHttpServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `handle` on 127.0.0.1; a handler that throws answers `crash` (the provider's own 500 shape). */
export async function serveFake(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  crash: { status: number; body: unknown },
): Promise<FakeHttpServer> {
  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.writeHead(crash.status, { "content-type": "application/json" });
      response.end(JSON.stringify(crash.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      // The providers' clients keep connections alive; close them or close() waits for their timeout.
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
