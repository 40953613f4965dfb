import "server-only";
import type { z } from "zod";
import { AppError, validationError } from "./errors";

/** Parses a JSON body with a zod schema: malformed JSON is a 400, invalid fields a 422 naming each field. */
export async function parseJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  // A cross-site form or "simple" fetch cannot send this content type without a
  // CORS preflight, which the proxy refuses for unknown origins.
  if (!request.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
    throw new AppError("BAD_REQUEST", "Send the request body as application/json.");
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new AppError("BAD_REQUEST", "The request body must be JSON.");
  }
  const result = schema.safeParse(body);
  if (!result.success) throw validationError(result.error);
  return result.data;
}
