import "server-only";
import { randomUUID } from "node:crypto";
import { describeError, logger } from "@/lib/logger";
import { AppError, toErrorBody } from "./errors";

const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/** The proxy stamps every request with an id; direct calls (tests) get a fresh one. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

export interface RouteContext<Params> {
  requestId: string;
  params: Params;
}

type Handler<Params> = (request: Request, context: RouteContext<Params>) => Promise<Response>;

/** Wraps a route handler: request id on every response, AppError → status, anything else → logged generic 500. */
export function route<Params = Record<string, never>>(handler: Handler<Params>) {
  return async (request: Request, nextContext: { params: Promise<Params> }): Promise<Response> => {
    const requestId = requestIdOf(request);
    try {
      const response = await handler(request, { requestId, params: await nextContext.params });
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      if (!(error instanceof AppError)) {
        logger.error("unhandled error in route handler", {
          requestId,
          method: request.method,
          path: new URL(request.url).pathname,
          ...describeError(error),
        });
      }
      const { status, body } = toErrorBody(error, requestId);
      const headers = new Headers({ "x-request-id": requestId, "cache-control": "no-store" });
      const retryAfter = error instanceof AppError ? error.details.retryAfterSeconds : undefined;
      if (retryAfter !== undefined) headers.set("retry-after", String(retryAfter));
      return Response.json(body, { status, headers });
    }
  };
}
