// One error type for expected failures, mapped to HTTP status in one place.
import { z } from "zod";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";

export type ErrorCode =
  | "BAD_REQUEST"
  | "VALIDATION_FAILED"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "LOCKED"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED"
  | "SERVICE_UNAVAILABLE"
  | "INSUFFICIENT_STORAGE"
  | "INTERNAL";

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LOCKED: 423,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INSUFFICIENT_STORAGE: 507,
  INTERNAL: 500,
};

export interface FieldError {
  field: string;
  message: string;
}

// Next bundles server code into several module graphs (pages, actions, route
// handlers) that each hold their own copy of this class, while some objects
// (the database client, rate limiters) are shared process-wide. `instanceof`
// across those copies is false, so errors are recognised by a registered symbol.
const APP_ERROR_BRAND = Symbol.for("haven.AppError");

/** An expected failure whose message is safe to show the user (it must never contain PHI). */
export class AppError extends Error {
  override name = "AppError";
  readonly [APP_ERROR_BRAND] = true;

  /** True for an AppError from any copy of this module. */
  static is(value: unknown): value is AppError {
    return typeof value === "object" && value !== null && APP_ERROR_BRAND in value;
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { fields?: FieldError[]; retryAfterSeconds?: number; alternatives?: string[] } = {},
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** A zod validation error from any copy of zod (see APP_ERROR_BRAND). */
export function isZodError(value: unknown): value is z.ZodError {
  return (
    value instanceof z.ZodError ||
    (value instanceof Error && value.name === "ZodError" && Array.isArray((value as z.ZodError).issues))
  );
}

export function validationError(error: z.ZodError): AppError {
  const fields = error.issues.map((issue) => ({
    field: issue.path.join(".") || "(body)",
    message: issue.message,
  }));
  return new AppError("VALIDATION_FAILED", "Some fields are invalid.", { fields });
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    fields?: FieldError[];
    alternatives?: string[];
  };
}

/** What a request that met an unavailable (stopped, overloaded, too slow) database is told. */
export const DATABASE_UNAVAILABLE_MESSAGE =
  "The service is briefly unavailable and could not finish this request. Try again in a minute, and quote the request id if it persists.";

/**
 * Expected errors keep their message; an unavailable database becomes a 503 (the transaction rolled
 * back, so a retry is safe); anything else becomes a generic 500 that names the request id.
 */
export function toErrorBody(error: unknown, requestId: string): { status: number; body: ErrorBody } {
  const appError = AppError.is(error)
    ? error
    : isZodError(error)
      ? validationError(error)
      : isDatabaseUnavailable(error)
        ? new AppError("SERVICE_UNAVAILABLE", DATABASE_UNAVAILABLE_MESSAGE)
        : new AppError(
            "INTERNAL",
            "Something went wrong on our side. Quote the request id if you contact support.",
          );
  return {
    status: appError.status,
    body: {
      error: {
        code: appError.code,
        message: appError.message,
        requestId,
        ...(appError.details.fields ? { fields: appError.details.fields } : {}),
        ...(appError.details.alternatives ? { alternatives: appError.details.alternatives } : {}),
      },
    },
  };
}
