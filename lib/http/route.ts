import "server-only";
import { randomUUID } from "node:crypto";
import { SESSION_COOKIE, cookieName } from "@/lib/auth/cookies";
import { describeError, logger } from "@/lib/logger";
import { runWithContext } from "@/lib/request-context";
import { clientIp } from "@/lib/security/client-ip";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { AppError, toErrorBody } from "./errors";

const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/** The proxy stamps every request with an id; direct calls (tests) get a fresh one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

export interface RouteContext<Params> {
  requestId: string;
  params: Params;
}

type Handler<Params> = (request: Request, context: RouteContext<Params>) => Promise<Response>;

export interface RouteOptions {
  /** The general API limit; off only for endpoints that monitors poll (health). */
  rateLimited?: boolean;
}

// Requests that carry a session are limited per user once authenticated
// (requireApiActor); a forged cookie gains nothing, as it is then refused.
const hasSessionCookie = (request: Request) =>
  (request.headers.get("cookie") ?? "").includes(`${cookieName(SESSION_COOKIE)}=`);

/**
 * Wraps a route handler: opens the request context (anonymous until the
 * handler authenticates), puts the request id on every response, maps AppError
 * to its status and anything else to a logged, generic 500.
 */
export function route<Params = Record<string, never>>(handler: Handler<Params>, options: RouteOptions = {}) {
  return async (request: Request, nextContext: { params: Promise<Params> }): Promise<Response> => {
    const requestId = requestIdOf(request.headers);
    try {
      if (options.rateLimited !== false && !hasSessionCookie(request)) {
        await consumeRateLimit("api", `ip:${clientIp(request.headers) ?? "unknown-client"}`);
      }
      const params = await nextContext.params;
      const context = {
        actor: { kind: "anonymous" as const },
        requestId,
        ip: clientIp(request.headers),
        userAgent: request.headers.get("user-agent")?.slice(0, 512) ?? null,
      };
      const response = await runWithContext(context, () => handler(request, { requestId, params }));
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
