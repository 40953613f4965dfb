// A client that goes away while its body is read (a closed tab, a dropped upload) is answered
// 400 and logged at info level: not logged or reported as a server error (the benchmark's
// uploads saw dozens of such "unhandled" 500s when the load generator closed its connections).
import { afterEach, describe, expect, it, vi } from "vitest";
import { route } from "@/lib/http/route";
import { logger } from "@/lib/logger";

const readsItsBody = route(
  async (request) => {
    const bytes = await request.arrayBuffer();
    return Response.json({ size: bytes.byteLength });
  },
  { rateLimited: false },
);

function requestCutOff(abort: boolean): Request {
  const controller = new AbortController();
  const body = new ReadableStream<Uint8Array>({
    start(stream) {
      stream.enqueue(new Uint8Array(1024));
      if (abort) controller.abort();
      stream.error(new Error("aborted"));
    },
  });
  return new Request("http://haven.test/api/documents", {
    method: "POST",
    body,
    duplex: "half",
    signal: controller.signal,
  } as RequestInit);
}

afterEach(() => vi.restoreAllMocks());

describe("route(): a request its client abandoned", () => {
  it("answers 400 with the request id and logs no server error", async () => {
    const errors = vi.spyOn(logger, "error");
    const infos = vi.spyOn(logger, "info");
    const response = await readsItsBody(requestCutOff(true), { params: Promise.resolve({}) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("BAD_REQUEST");
    expect(body.error.requestId).toBe(response.headers.get("x-request-id"));
    expect(errors).not.toHaveBeenCalled();
    expect(infos).toHaveBeenCalledWith("request abandoned by the client", expect.any(Object));
  });

  it("keeps any other failure after the client left a server error (a database error, a bug)", async () => {
    const errors = vi.spyOn(logger, "error");
    const controller = new AbortController();
    const failsAfterTheClientLeft = route(
      () => {
        controller.abort();
        throw new Error("relation does not exist");
      },
      { rateLimited: false },
    );
    const request = new Request("http://haven.test/api/x", { method: "POST", signal: controller.signal });
    const response = await failsAfterTheClientLeft(request, { params: Promise.resolve({}) });
    expect(response.status).toBe(500);
    expect(errors).toHaveBeenCalledWith("unhandled error in route handler", expect.any(Object));
  });

  it("still treats the same failure with the client connected as a server error (500, logged)", async () => {
    const errors = vi.spyOn(logger, "error");
    const response = await readsItsBody(requestCutOff(false), { params: Promise.resolve({}) });
    expect(response.status).toBe(500);
    expect(errors).toHaveBeenCalledWith("unhandled error in route handler", expect.any(Object));
  });
});
