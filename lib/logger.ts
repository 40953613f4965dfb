// Structured JSON logs on stdout/stderr. Callers pass ids and metadata only:
// never PHI, never secrets (see BRIEF rule 5). A tiny writer rather than a
// logging library because Next bundles server code and pino's worker threads
// do not survive that; the format is what log collectors ingest anyway.
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

function threshold(): number {
  const configured = process.env.LOG_LEVEL as Level | undefined;
  return ORDER[configured ?? "info"] ?? ORDER.info;
}

function write(level: Level, message: string, fields: LogFields = {}): void {
  if (ORDER[level] < threshold()) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
}

/** Only the class and message of an error: messages from Haven never carry PHI, stack traces can. */
export function describeError(error: unknown): LogFields {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  // Something thrown that is not an Error (a library's result object): its class name only.
  const className = typeof error === "object" && error !== null ? error.constructor?.name : undefined;
  return { errorName: className ? `${className} (not an Error)` : typeof error };
}

export const logger = {
  debug: (message: string, fields?: LogFields) => write("debug", message, fields),
  info: (message: string, fields?: LogFields) => write("info", message, fields),
  warn: (message: string, fields?: LogFields) => write("warn", message, fields),
  error: (message: string, fields?: LogFields) => write("error", message, fields),
};
