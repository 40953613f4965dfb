// Error reporting to Sentry, only when SENTRY_DSN is set: without one nothing is initialised
// (the SDK's instrumentation alone costs a Next route about half its throughput here). What
// leaves is cut down by scrub.ts: the error's kind and place, ids, never PHI or what a request
// carried. No Sentry build plugin: no source-map upload, no telemetry, no network at build.
import "server-only";
import * as Sentry from "@sentry/nextjs";
import { scrubEvent } from "./scrub";

export function sentryEnabled(): boolean {
  return Sentry.getClient() !== undefined;
}

export function initSentry(dsn: string, environment: string = process.env.NODE_ENV ?? "production"): void {
  if (sentryEnabled()) return;
  Sentry.init({
    dsn,
    environment,
    // No IP addresses, cookies or user details are attached by the SDK itself.
    sendDefaultPii: false,
    // Errors only: traces would carry every request's path and timing to a third party.
    tracesSampleRate: 0,
    maxBreadcrumbs: 20,
    beforeSend: scrubEvent,
    beforeSendTransaction: scrubEvent,
  });
}

/** At start-up (instrumentation.ts): Sentry with a DSN, nothing at all without one. */
export function startSentryIfConfigured(env: Record<string, string | undefined> = process.env): boolean {
  if (!env.SENTRY_DSN) return false;
  initSentry(env.SENTRY_DSN, env.SENTRY_ENVIRONMENT ?? env.NODE_ENV ?? "production");
  return true;
}

/**
 * An unexpected error (route(), the pages' onRequestError, a failed job): reported with the
 * request id or the job's name only.
 */
export function reportError(error: unknown, where: { requestId?: string | null; job?: string }): void {
  if (!sentryEnabled()) return;
  const tags: Record<string, string> = {};
  if (where.requestId) tags.requestId = where.requestId;
  if (where.job) tags.job = where.job;
  Sentry.captureException(error, { tags });
}

/** For tests and short-lived scripts: waits until queued events are sent. */
export const flushSentry = (timeoutMs = 2_000) => Sentry.flush(timeoutMs);
