// What may leave for Sentry: the error's kind and where it happened, with ids. Never PHI,
// never what a request carried (cookies, headers, body, query string), never a user's
// details, never local variables or source lines. Applied in beforeSend and beforeSendTransaction, so an
// event that slipped past every other rule is still cut down here, in one place.
import type { Breadcrumb, Event } from "@sentry/nextjs";
import { PHI_MODELS } from "@/lib/db/phi-fields";

/** Every PHI field name the data layer knows, and the names of secrets and personal details. */
const SENSITIVE_KEYS = new Set(
  [
    ...Object.values(PHI_MODELS).flatMap((fields) => Object.keys(fields)),
    "password",
    "token",
    "secret",
    "authorization",
    "cookie",
    "cookies",
    "headers",
    "body",
    "data",
    "query",
    "query_string",
    "name",
    "username",
    "ip_address",
  ].map((key) => key.toLowerCase()),
);

const EMAIL = /[^\s@"'<>]+@[^\s@"'<>]+\.[a-z]{2,}/gi;
// Not inside a longer token: the digits of a UUID or a request id are not a phone number.
const PHONE = /(?<![\w-])\+?\d[\d ()-]{7,}\d(?![\w-])/g;

/** Free text that may quote a value (a library's error message): addresses and numbers masked. */
export function maskText(text: string): string {
  return text.replace(EMAIL, "[email]").replace(PHONE, "[number]");
}

/** A URL's path only: query strings and fragments can carry anything. */
function pathOnly(url: string): string {
  try {
    const parsed = new URL(url, "http://haven.invalid");
    return url.startsWith("/") ? parsed.pathname : `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "[url]";
  }
}

/** Drops sensitive keys at any depth; masks strings. */
function scrubValue(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (typeof value === "string") return maskText(value);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (SENSITIVE_KEYS.has(key.toLowerCase())) continue;
      out[key] = scrubValue(inner, depth + 1);
    }
    return out;
  }
  return value;
}

export function scrubEvent<T extends Event>(event: T): T {
  if (event.request) {
    const { url, method } = event.request;
    event.request = { ...(url ? { url: pathOnly(url) } : {}), ...(method ? { method } : {}) };
  }
  if (event.user) event.user = event.user.id === undefined ? {} : { id: event.user.id };
  if (event.message) event.message = maskText(event.message);
  if (event.extra) event.extra = scrubValue(event.extra) as Event["extra"];
  if (event.contexts) event.contexts = scrubValue(event.contexts) as Event["contexts"];
  if (event.tags) event.tags = scrubValue(event.tags) as Event["tags"];
  if (event.breadcrumbs) event.breadcrumbs = event.breadcrumbs.flatMap(scrubBreadcrumb);
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = maskText(exception.value);
    // Local variables hold request data; source lines are no business of a third party either.
    for (const frame of exception.stacktrace?.frames ?? []) {
      delete frame.vars;
      delete frame.pre_context;
      delete frame.context_line;
      delete frame.post_context;
    }
  }
  return event;
}

/** Console output and UI clicks can hold anything a page showed: only navigation and requests, by path. */
function scrubBreadcrumb(crumb: Breadcrumb): Breadcrumb[] {
  if (crumb.category === "console" || crumb.category?.startsWith("ui.")) return [];
  const url: unknown = crumb.data?.url;
  const method: unknown = crumb.data?.method;
  return [
    {
      ...crumb,
      ...(crumb.message ? { message: maskText(crumb.message) } : {}),
      data:
        typeof url === "string"
          ? { url: pathOnly(url), ...(typeof method === "string" ? { method } : {}) }
          : undefined,
    },
  ];
}
