import "server-only";
import { verifiedApiActorOf } from "@/lib/auth/current";
import { reportError } from "@/lib/integrations/sentry/server";
import { describeError, logger } from "@/lib/logger";
import { runWithContext } from "@/lib/request-context";
import { clientAddressKey, clientIp } from "@/lib/security/client-ip";
import { assertSpentWithinLimit, consumeRateLimit } from "@/lib/security/rate-limit";
import { AppError, toErrorBody } from "./errors";
import { requestIdOf } from "./request-id";

export interface RouteContext<Params> {
  requestId: string;
  params: Params;
}

type Handler<Params> = (request: Request, context: RouteContext<Params>) => Promise<Response>;

export interface RouteOptions {
  /** The general API limit; off only for endpoints that monitors poll (health). */
  rateLimited?: boolean;
  /** Which per-user limit the request spends: the general "api" one, or the conversations' own (messaging, realtime, video). */
  limit?: "api" | "conversationApi";
}

/**
 * The general API limit, decided on a verified session, never on the mere
 * presence of a cookie: a signed-in user is limited per user; anyone else per
 * client address; a request whose address is unknown (a misconfigured proxy)
 * is not put in one bucket shared by every such client.
 */
async function applyApiLimit(request: Request, limit: "api" | "conversationApi"): Promise<void> {
  const { actor, spent } = await verifiedApiActorOf(request, limit);
  if (actor) {
    if (spent) assertSpentWithinLimit(limit, spent);
    else await consumeRateLimit(limit, `user:${actor.userId}`);
    return;
  }
  const key = clientAddressKey(request.headers);
  if (key) await consumeRateLimit("api", key);
}

/** The error reading a body throws when its client disconnected; anything else stays a server error. */
function isAbandonedBody(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return error.name === "AbortError" || error.message === "aborted" || code === "ECONNRESET";
}

/**
 * Wraps a route handler: opens the request context (anonymous until the
 * handler authenticates), applies the API limit, puts the request id on every
 * response, maps AppError to its status and anything else to a logged, generic 500.
 */
export function route<Params = Record<string, never>>(handler: Handler<Params>, options: RouteOptions = {}) {
  return async (request: Request, nextContext: { params: Promise<Params> }): Promise<Response> => {
    const requestId = requestIdOf(request.headers);
    const context = {
      actor: { kind: "anonymous" as const },
      requestId,
      ip: clientIp(request.headers),
      userAgent: request.headers.get("user-agent")?.slice(0, 512) ?? null,
      memo: new Map<string, Promise<unknown>>(),
    };
    try {
      const response = await runWithContext(context, async () => {
        // Resolves the session from this request's cookie once; requireApiActor reuses it.
        if (options.rateLimited !== false) await applyApiLimit(request, options.limit ?? "api");
        const params = await nextContext.params;
        return handler(request, { requestId, params });
      });
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (caught) {
      // A client that goes away mid-body (a closed tab, a dropped upload) is not a server error:
      // reading the body throws "aborted", which would otherwise be logged and reported as one.
      const clientLeft = request.signal.aborted && isAbandonedBody(caught);
      if (clientLeft) logger.info("request abandoned by the client", { requestId, method: request.method });
      const error = clientLeft
        ? new AppError(
            "BAD_REQUEST",
            "The request was interrupted before it arrived whole. Please try again.",
          )
        : caught;
      if (!AppError.is(error)) {
        logger.error("unhandled error in route handler", {
          requestId,
          method: request.method,
          path: new URL(request.url).pathname,
          ...describeError(error),
        });
        reportError(error, { requestId });
      }
      const { status, body } = toErrorBody(error, requestId);
      const headers = new Headers({ "x-request-id": requestId, "cache-control": "no-store" });
      const retryAfter = AppError.is(error) ? error.details.retryAfterSeconds : undefined;
      if (retryAfter !== undefined) headers.set("retry-after", String(retryAfter));
      return Response.json(body, { status, headers });
    }
  };
}
