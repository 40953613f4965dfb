import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { disconnectDb } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { APP_VERSION } from "@/lib/version";
import { type PostgresServer, startPostgres } from "@/scripts/lib/postgres-server";

async function getHealth() {
  const response = await GET(new Request("http://localhost/api/health"), { params: Promise.resolve({}) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, response };
}

describe("GET /api/health", () => {
  // A server of its own, so that stopping it does not disturb other test files.
  let server: PostgresServer;
  const originalUrl = process.env.DATABASE_URL;

  beforeAll(async () => {
    server = await startPostgres({ database: "haven_health" });
    process.env.DATABASE_URL = server.url;
    resetEnvCache();
    await disconnectDb();
  });

  afterAll(async () => {
    await disconnectDb();
    server?.stop();
    process.env.DATABASE_URL = originalUrl;
    resetEnvCache();
  });

  it("reports ok with version and uptime, and nothing else", async () => {
    const { status, body, response } = await getHealth();
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(["database", "status", "uptime", "version"]);
    expect(body).toMatchObject({ status: "ok", version: APP_VERSION, database: "ok" });
    expect(typeof body.uptime).toBe("number");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 503 with database down while PostgreSQL is stopped, and recovers without a restart", async () => {
    server.pause();
    const down = await getHealth();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: "degraded", database: "down" });

    server.resume();
    const up = await getHealth();
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: "ok", database: "ok" });
  });
});
