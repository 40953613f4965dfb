// The browser's JSON calls to Haven's API, shared by every feature area. Errors become
// ApiError with the server's own readable message (every error body is
// { error: { message, fields? } }); a request that never reached the server is status 0.
import { BACKGROUND_HEADER } from "@/lib/realtime/events";

/**
 * Sent on requests no person asked for (refetches after a realtime event, polling):
 * the server does not count them as activity, so an open tab does not keep an idle
 * session alive.
 */
export const BACKGROUND = { [BACKGROUND_HEADER]: "1" } as const;

export const UNREACHABLE = "Haven could not be reached. Check your connection and try again.";
export const GENERIC = "Something went wrong. Try again.";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    /** The server's message per invalid field (a 422), for forms that show them beside each field. */
    readonly fields: readonly { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/**
 * The most specific message in an error body: the first field's, else the general one.
 * `tooLarge` replaces the generic message on a 413 without a JSON body (the proxy's or the
 * platform's body limit answers before Haven does).
 */
export async function errorOf(
  response: Response,
  { tooLarge }: { tooLarge?: string } = {},
): Promise<ApiError> {
  try {
    const body = (await response.json()) as {
      error?: { message?: string; fields?: { field: string; message: string }[] };
    };
    const message = body.error?.fields?.[0]?.message ?? body.error?.message;
    if (message) return new ApiError(response.status, message, body.error?.fields ?? []);
  } catch {
    // Not JSON (a proxy's page, a dropped connection): the generic message below.
  }
  return new ApiError(response.status, response.status === 413 && tooLarge ? tooLarge : GENERIC);
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  /** The page asked by itself, not the person: see BACKGROUND. */
  background?: boolean;
  /** The message for a bare 413 (see errorOf). */
  tooLarge?: string;
  headers?: Record<string, string>;
  /** Let the request outlive the page (a cleanup sent as the person leaves). */
  keepalive?: boolean;
}

export async function request<T>(
  url: string,
  {
    method = "GET",
    json,
    background = false,
    tooLarge,
    headers = {},
    keepalive = false,
  }: RequestOptions = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      cache: "no-store",
      headers: {
        accept: "application/json",
        ...(json === undefined ? {} : { "content-type": "application/json" }),
        ...(background ? BACKGROUND : {}),
        ...headers,
      },
      keepalive,
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  } catch {
    throw new ApiError(0, UNREACHABLE);
  }
  if (!response.ok) throw await errorOf(response, tooLarge === undefined ? {} : { tooLarge });
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** The readable message of any failure from request(): the server's, else "could not be reached". */
export const messageOf = (failure: unknown): string =>
  failure instanceof ApiError ? failure.message : UNREACHABLE;
