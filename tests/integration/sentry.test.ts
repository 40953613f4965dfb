// Sentry without PHI: with a DSN pointed at a local endpoint, an error in a route that
// handled PHI reaches "Sentry" as the error's kind, place and request id, and nothing the
// request carried (cookie, headers, body, query string) nor any PHI. Without a DSN the SDK is
// never initialised and nothing leaves. The test reads what arrived at the endpoint.
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  flushSentry,
  reportError,
  sentryEnabled,
  startSentryIfConfigured,
} from "@/lib/integrations/sentry/server";
import { parseJson } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { z } from "zod";

const received: string[] = [];
let server: Server;
let dsn = "";

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push(Buffer.concat(chunks).toString("utf8"));
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  dsn = `http://0123456789abcdef@127.0.0.1:${(server.address() as AddressInfo).port}/7`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const CANARIES = {
  cookie: "cookie-canary-7f3a",
  header: "header-canary-2b9c",
  name: "Canary Ravenscroft",
  history: "canary-history-asthma",
  query: "query-canary-55",
  email: "canary.person@example.test",
};

/** A route that reads PHI from its body, then fails unexpectedly (a bug), naming an address in the error. */
const failingPhiRoute = route(async (request) => {
  const body = await parseJson(request, z.object({ fullName: z.string(), medicalHistory: z.string() }));
  throw new Error(`profile update failed for ${CANARIES.email} (${body.fullName.length} characters)`);
});

const phiRequest = () =>
  new Request(`http://haven.test/api/me/health-profile?q=${CANARIES.query}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      cookie: `haven.session=${CANARIES.cookie}`,
      "x-canary": CANARIES.header,
    },
    body: JSON.stringify({ fullName: CANARIES.name, medicalHistory: CANARIES.history }),
  });

describe("Sentry", () => {
  it("is not initialised without a DSN, and nothing leaves", async () => {
    expect(startSentryIfConfigured({ NODE_ENV: "production" })).toBe(false);
    expect(sentryEnabled()).toBe(false);
    const response = await failingPhiRoute(phiRequest(), { params: Promise.resolve({}) });
    expect(response.status).toBe(500);
    reportError(new Error("not sent"), { requestId: "req-1" });
    await flushSentry(500);
    expect(received).toEqual([]);
  });

  it("with a DSN, reports an error in a PHI route with its request id and without PHI, cookie, header, body or query", async () => {
    expect(startSentryIfConfigured({ SENTRY_DSN: dsn, NODE_ENV: "test" })).toBe(true);
    expect(sentryEnabled()).toBe(true);
    const response = await failingPhiRoute(phiRequest(), { params: Promise.resolve({}) });
    expect(response.status).toBe(500);
    const requestId = response.headers.get("x-request-id")!;
    await flushSentry(5_000);

    const events = received.filter((envelope) => envelope.includes('"type":"event"'));
    expect(events).toHaveLength(1);
    const [, , payload] = events[0]!.split("\n");
    const event = JSON.parse(payload!) as {
      exception: { values: { type: string; value: string }[] };
      tags: Record<string, string>;
      request?: Record<string, unknown>;
    };
    expect(event.exception.values[0]!.type).toBe("Error");
    expect(event.exception.values[0]!.value).toBe("profile update failed for [email] (18 characters)");
    expect(event.tags.requestId).toBe(requestId);
    const everything = received.join("\n");
    for (const [what, canary] of Object.entries(CANARIES)) {
      expect(everything, `${what} left for Sentry`).not.toContain(canary);
    }
    expect(everything).not.toMatch(/"cookies"|"headers"|"query_string"|"ip_address"/);
  });
});
