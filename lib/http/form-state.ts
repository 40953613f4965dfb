// The result of a server action behind a form: a message and per-field errors,
// plus the values to put back so bad input loses nothing.
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { describeError, logger } from "@/lib/logger";
import { AppError, isZodError } from "./errors";

export interface FormState {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  data?: Record<string, unknown>;
}

export const INITIAL_FORM_STATE: FormState = { ok: false };

/** A form's answer while the database is stopped, overloaded or too slow: its transaction rolled back. */
export const FORM_DATABASE_UNAVAILABLE_MESSAGE =
  "The service is briefly unavailable, so nothing was saved. Try again in a minute.";

// Longer values are not put back: no field Haven offers takes that much, and the
// state travels to the browser twice (the form and React's copy of it).
const MAX_ECHOED_LENGTH = 10_000;

/** Form fields as strings, minus secrets that must never be echoed back. */
export function formValues(form: FormData, omit: readonly string[] = []): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string" || omit.includes(key) || key.startsWith("$")) continue;
    if (value.length <= MAX_ECHOED_LENGTH) values[key] = value;
  }
  return values;
}

export function failure(error: unknown, values: Record<string, string>): FormState {
  if (isZodError(error)) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { ok: false, message: "Please correct the highlighted fields.", fieldErrors, values };
  }
  if (AppError.is(error)) {
    const fields = error.details.fields ?? [];
    const fieldErrors = Object.fromEntries(fields.map((f) => [f.field, f.message]));
    // Field messages stand beside their fields; the summary only points at them.
    const message =
      fields.length && !error.details.alternatives ? "Please correct the highlighted fields." : error.message;
    const alternatives = error.details.alternatives;
    return { ok: false, message, fieldErrors, values, ...(alternatives ? { data: { alternatives } } : {}) };
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn("database unavailable in server action", describeError(error));
    return { ok: false, message: FORM_DATABASE_UNAVAILABLE_MESSAGE, values };
  }
  logger.error("unhandled error in server action", describeError(error));
  return { ok: false, message: "Something went wrong on our side. Please try again.", values };
}
