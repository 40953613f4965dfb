// Running PostgreSQL's own client programs (pg_dump, psql) against a connection URL: the binaries
// come from PG_BIN_DIR, else the newest Debian server install, else PATH. The password travels in
// PGPASSWORD, never on the command line (where `ps` would show it).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const LIBPQ_PARAMETERS = new Set([
  "sslmode",
  "sslrootcert",
  "sslcert",
  "sslkey",
  "sslpassword",
  "application_name",
  "connect_timeout",
  "options",
  "target_session_attrs",
  "host",
  "port",
]);

export function postgresProgram(name: "pg_dump" | "psql"): string {
  // A tool setting rather than app configuration, read like scripts/lib/postgres-server.ts does.
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv) return path.join(fromEnv, name);
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const newest = readdirSync(root)
      .filter((version) => existsSync(path.join(root, version, "bin", name)))
      .sort((a, b) => Number(b) - Number(a))[0];
    if (newest) return path.join(root, newest, "bin", name);
  }
  return name;
}

/** A libpq-safe URL (Prisma's own parameters such as ?schema= removed) and its password apart. */
export function libpqConnection(url: string): { url: string; password: string | undefined } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = "";
  for (const key of [...parsed.searchParams.keys()]) {
    if (!LIBPQ_PARAMETERS.has(key)) parsed.searchParams.delete(key);
  }
  return { url: parsed.toString(), password };
}

export function spawnPostgresProgram(
  name: "pg_dump" | "psql",
  databaseUrl: string,
  args: string[],
): ChildProcess {
  const { url, password } = libpqConnection(databaseUrl);
  return spawn(postgresProgram(name), [...args, `--dbname=${url}`], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}), PGAPPNAME: "haven-backup" },
  });
}

/** Resolves with the exit code and the end of stderr (bounded: it may quote SQL). */
export function waitForExit(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4_000);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stderr }));
  });
}

/** The first line of a tool's error, without quoted data (psql quotes the failing statement). */
export function firstErrorLine(stderr: string): string {
  const line = stderr.split("\n").find((text) => /error|fatal/i.test(text)) ?? stderr.split("\n")[0] ?? "";
  return line.replace(/".*"/g, '"…"').slice(0, 300);
}
