// `npm test`: every test, against a real PostgreSQL this script starts itself
// (or TEST_DATABASE_URL), then a production build in Debian's Chromium.
// Ends with one line: `tests: N passed, M failed`, summed over Vitest and Playwright.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { SECRET_SPECS, resetEnvCache } from "@/lib/env";
import { disconnectDb, getDb } from "@/lib/db/client";
import { seedDemoData } from "@/prisma/seed";
import { type ClamdServer, startClamd } from "./lib/clamd-server";
import { seedE2eFixtures } from "./lib/e2e-fixtures";
import { findFreePort } from "./lib/free-port";
import { type PostgresServer, startPostgres } from "./lib/postgres-server";
import { startSmtpCapture } from "./lib/smtp-capture";
import { applyMigrations } from "./lib/schema-engine";

const ARTIFACTS = path.resolve("tests/.artifacts");
// Flags: --e2e-only, --skip-e2e, --reuse-build (keep an existing .next: for
// iterating on end-to-end tests); any other argument filters the files of both runners.
const argv = process.argv.slice(2);
const args = new Set(argv.filter((arg) => arg.startsWith("--")));
const fileFilters = argv.filter((arg) => !arg.startsWith("--"));
const runUnit = !args.has("--e2e-only");
const runE2e = !args.has("--skip-e2e");
const reuseBuild = args.has("--reuse-build") && existsSync(".next/BUILD_ID");

/** Runs a command with inherited output; async so this process keeps serving (the SMTP capture) meanwhile. */
function run(command: string, argv: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(1));
  });
}

/** Runs a command with its output in a file (printed only when it fails): for work that overlaps another runner. */
function runLogged(
  command: string,
  argv: string[],
  env: Record<string, string>,
  logFile: string,
): Promise<number> {
  return new Promise((resolve) => {
    const log = openSync(logFile, "w");
    const child = spawn(command, argv, { stdio: ["ignore", log, log], env: { ...process.env, ...env } });
    const done = (code: number) => {
      closeSync(log);
      if (code !== 0) process.stdout.write(readFileSync(logFile, "utf8"));
      resolve(code);
    };
    child.on("exit", (code) => done(code ?? 1));
    child.on("error", () => done(1));
  });
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}

async function recreateDatabase(baseUrl: string, name: string): Promise<string> {
  const admin = new URL(baseUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });
process.env.NEXT_TELEMETRY_DISABLED = "1";

let server: PostgresServer | undefined;
let baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) {
  server = await startPostgres();
  baseUrl = server.url;
  console.log(`[test] PostgreSQL started on port ${server.port} (temporary data directory).`);
}
// A real clamd (one EICAR signature) scans uploads in integration and end-to-end tests.
let clamd: ClamdServer | undefined = await startClamd();
console.log(`[test] clamd started on port ${clamd.port}.`);
const clamdEnv = { CLAMAV_HOST: clamd.host, CLAMAV_PORT: String(clamd.port) };
const stopServer = () => {
  server?.stop();
  server = undefined;
  clamd?.stop();
  clamd = undefined;
};
process.on("SIGINT", () => {
  stopServer();
  process.exit(130);
});

let passed = 0;
let failed = 0;
let exitCode = 0;
try {
  // The end-to-end database and production build are prepared first, and the build (a couple of
  // minutes of CPU) runs while Vitest does: the wall clock is the longer of the two, not the sum.
  let e2e: { url: string; env: Record<string, string>; build: Promise<number> } | undefined;
  if (runE2e) {
    const e2eUrl = await recreateDatabase(baseUrl, "haven_e2e");
    await applyMigrations(e2eUrl);
    // A production build and server, with real (random, per run) secrets.
    const secrets = Object.fromEntries(SECRET_SPECS.map((spec) => [spec.name, spec.generate()]));
    const serverEnv = {
      ...secrets,
      DATABASE_URL: e2eUrl,
      DATABASE_POOL_SIZE: "5",
      AUDIT_CHECKPOINT_DIR: path.join(ARTIFACTS, "audit-checkpoints"),
      ERASURE_LEDGER_DIR: path.join(ARTIFACTS, "erasure-ledger"),
      DOCUMENTS_DIR: path.join(ARTIFACTS, "documents"),
      // No provider keys offline: the production server takes payments through the TEST MODE checkout.
      PAYMENTS_TEST_MODE: "true",
      // Insurance checks are off in production by default; the sandbox insurers answer offline.
      INSURANCE_PAYER_ADAPTER: "sandbox",
      ...clamdEnv,
    };
    // The seed reads its configuration from process.env; Vitest must not inherit the e2e's.
    const ownEnv = { ...process.env };
    Object.assign(process.env, serverEnv);
    await seedDemoData(getDb());
    await seedE2eFixtures(getDb());
    await disconnectDb();
    for (const name of Object.keys(serverEnv)) {
      if (ownEnv[name] === undefined) delete process.env[name];
      else process.env[name] = ownEnv[name];
    }
    resetEnvCache();
    const buildArgs = ["--no-install", "next", "build"];
    const buildEnv = { ...serverEnv, NODE_ENV: "production" };
    const overlap = runUnit && !reuseBuild;
    const build = reuseBuild
      ? Promise.resolve(0)
      : overlap
        ? runLogged("npx", buildArgs, buildEnv, path.join(ARTIFACTS, "next-build.log"))
        : run("npx", buildArgs, buildEnv);
    if (overlap)
      console.log("[test] next build runs beside Vitest; its log: tests/.artifacts/next-build.log");
    e2e = { url: e2eUrl, env: serverEnv, build };
  }

  if (runUnit) {
    const vitestReport = path.join(ARTIFACTS, "vitest.json");
    const code = await run(
      "npx",
      [
        "--no-install",
        "vitest",
        "run",
        "--config",
        "tests/vitest.config.ts",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${vitestReport}`,
        ...fileFilters,
      ],
      { TEST_DATABASE_URL: baseUrl, ...clamdEnv },
    );
    const report = readJson<{ numPassedTests: number; numFailedTests: number }>(vitestReport);
    passed += report?.numPassedTests ?? 0;
    failed += report?.numFailedTests ?? (code === 0 ? 0 : 1);
    if (code !== 0) exitCode = 1;
  }

  if (e2e) {
    const { url: e2eUrl, env: serverEnv } = e2e;
    const waitStarted = Date.now();
    const buildCode = await e2e.build;
    console.log(`[test] next build ready (${Math.round((Date.now() - waitStarted) / 1000)} s after Vitest).`);
    if (buildCode !== 0) {
      failed += 1;
      exitCode = 1;
      console.error("[test] next build failed; end-to-end tests not run.");
    } else {
      const port = String(await findFreePort());
      let noProxyPort = String(await findFreePort());
      while (noProxyPort === port) noProxyPort = String(await findFreePort());
      const mailFile = path.join(ARTIFACTS, "mail.jsonl");
      const smtp = await startSmtpCapture(mailFile);
      const code = await run(
        "npx",
        ["--no-install", "playwright", "test", "--config", "tests/playwright.config.ts", ...fileFilters],
        {
          ...serverEnv,
          E2E_PORT: port,
          E2E_NO_PROXY_PORT: noProxyPort,
          E2E_DATABASE_URL: e2eUrl,
          E2E_MAIL_FILE: mailFile,
          SMTP_URL: smtp.url,
        },
      );
      await smtp.stop();
      type Stats = { stats: { expected: number; unexpected: number; flaky: number } };
      const report = readJson<Stats>(path.join(ARTIFACTS, "playwright.json"));
      passed += report?.stats.expected ?? 0;
      failed += (report?.stats.unexpected ?? (code === 0 ? 0 : 1)) + (report?.stats.flaky ?? 0);
      if (code !== 0) exitCode = 1;
    }
  }
} finally {
  stopServer();
}

console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(exitCode || (failed > 0 ? 1 : 0));
