// Which errors mean "the database is not answering" (503, try again) and which are bugs (500):
// the shapes pg, pg-pool, @prisma/adapter-pg and Prisma produce (seen in tests/integration/faults-*.test.ts).
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { toErrorBody } from "@/lib/http/errors";

const withCode = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, ...extra });

describe("isDatabaseUnavailable", () => {
  it("recognises a stopped, refusing, overloaded or too slow server, however wrapped", () => {
    const unavailable = [
      withCode("terminating connection due to administrator command", "57P01", { severity: "FATAL" }),
      withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED", { syscall: "connect", errno: -111 }),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Query read timeout"),
      // Prisma's wrapping of the adapter's error: a statement_timeout, and a closed connection.
      withCode("Raw query failed. Code: `57014`.", "P2010", {
        meta: { driverAdapterError: { cause: { kind: "postgres", originalCode: "57014" } } },
      }),
      withCode("Server has closed the connection.", "P1017"),
      withCode("Transaction API error: Unable to start a transaction in the given time.", "P2028"),
      new Error("outer", { cause: withCode("the database system is starting up", "57P03") }),
    ];
    for (const error of unavailable) expect(isDatabaseUnavailable(error), error.message).toBe(true);
  });

  it("leaves bugs and refused data alone: they stay 500s (or their own mapping)", () => {
    const bugs = [
      new Error("relation users does not exist"),
      withCode("Raw query failed. Code: `P0001`. Message: `audit store refuses writes`", "P2010", {
        meta: { driverAdapterError: { cause: { kind: "postgres", originalCode: "P0001" } } },
      }),
      withCode("Unique constraint failed", "P2002"),
      "a string",
      null,
    ];
    for (const error of bugs) expect(isDatabaseUnavailable(error), String(error)).toBe(false);
  });

  it("maps to a 503 that names the request id and nothing of the cause", () => {
    const { status, body } = toErrorBody(
      withCode("canceling statement due to statement timeout", "57014"),
      "req-7",
    );
    expect(status).toBe(503);
    expect(body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(body.error.requestId).toBe("req-7");
    expect(body.error.message).not.toMatch(/statement|timeout|cancel/);
  });
});
