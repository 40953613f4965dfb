// Recognises "the database is not answering" among the errors pg, pg-pool, the Prisma adapter and
// Prisma throw: a stopped or restarting server, a refused or dropped connection, a full pool, a
// statement past DATABASE_STATEMENT_TIMEOUT_MS, a reply that never came. lib/http/errors.ts maps
// these to 503 (try again) instead of 500 (our bug). Pure: no driver imports, shapes only.

/** SQLSTATEs of an unavailable server: connection exceptions (class 08), shutdown, overload, timeout. */
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown: the server is stopping
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or in recovery
  "53300", // too_many_connections
  "57014", // query_canceled: statement_timeout
  "55P03", // lock_not_available: lock_timeout
]);

/** Prisma's codes for the same: unreachable, timed out, connection closed, pool or transaction start timed out. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2037"]);

const UNAVAILABLE_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH"]);

/** pg's and pg-pool's own messages, which carry no code. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // the server closed the socket, or the connect timeout fired
  /^timeout exceeded when trying to connect$/, // no pool slot within DATABASE_CONNECT_TIMEOUT_MS
  /^Query read timeout$/, // no reply within the statement bound plus its grace
  /not queryable/, // a client whose connection already failed
  /^Cannot use a pool after calling end/,
];

function isUnavailableShape(value: Record<string, unknown>): boolean {
  const code = typeof value.code === "string" ? value.code : undefined;
  if (code && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith("08"))) return true;
  if (code && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  // The adapter's converted error: { kind, originalCode } (Prisma keeps it as meta.driverAdapterError.cause).
  const kind = value.kind;
  if (kind === "DatabaseNotReachable" || kind === "ConnectionClosed" || kind === "SocketTimeout") return true;
  if (kind === "TooManyConnections") return true;
  const originalCode = typeof value.originalCode === "string" ? value.originalCode : undefined;
  if (originalCode && (UNAVAILABLE_SQLSTATES.has(originalCode) || originalCode.startsWith("08"))) return true;
  const message = typeof value.message === "string" ? value.message : "";
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/** True when the error (or what it wraps: cause, Prisma's meta, an AggregateError's errors) says the database is unavailable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (isUnavailableShape(record)) return true;
    pending.push(record.cause);
    const meta = record.meta as Record<string, unknown> | undefined;
    if (meta && typeof meta === "object") pending.push(meta.driverAdapterError);
    if (Array.isArray(record.errors)) pending.push(...(record.errors as unknown[]));
  }
  return false;
}
