// Starts a throw-away real PostgreSQL server (tests, CI, benchmarks): temporary
// data directory, free port, torn down by stop(). PostgreSQL refuses to run as
// root, so as root the server runs as the `postgres` system user.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findFreePort } from "./free-port";

export interface PostgresServer {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server; the data directory stays for start() again. */
  pause(): void;
  /** Starts a paused server again on the same port. */
  resume(): void;
  /** Stops the server and deletes its data. */
  stop(): void;
}

function findBinDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv) return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(
      "PostgreSQL server binaries not found. Install them (apt-get install -y postgresql) or set TEST_DATABASE_URL to an existing database.",
    );
  }
  return path.join(root, newest, "bin");
}

/** A PostgreSQL client program (pg_dump, psql…) of the installed server version. */
export function postgresBinary(name: string): string {
  return path.join(findBinDir(), name);
}

const isRoot = process.getuid?.() === 0;

function run(binDir: string, command: string, args: string[]): void {
  const binary = path.join(binDir, command);
  const [file, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
  const result = spawnSync(file, argv, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

export async function startPostgres(options: { database?: string } = {}): Promise<PostgresServer> {
  const binDir = findBinDir();
  const dataDir = mkdtempSync(path.join(tmpdir(), "haven-pg-"));
  if (isRoot) {
    const ids = execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim();
    const gid = execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim();
    chownSync(dataDir, Number(ids), Number(gid));
  }
  const port = await findFreePort();
  const database = options.database ?? "haven_test";
  run(binDir, "initdb", [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
    "-N",
  ]);
  const start = () =>
    run(binDir, "pg_ctl", [
      "-D",
      dataDir,
      "-w",
      "-l",
      path.join(dataDir, "server.log"),
      "-o",
      `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
      "start",
    ]);
  const stopServer = () => run(binDir, "pg_ctl", ["-D", dataDir, "-w", "-m", "fast", "stop"]);
  start();
  run(binDir, "createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", database]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/${database}`,
    port,
    dataDir,
    pause: stopServer,
    resume: start,
    stop() {
      try {
        stopServer();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
