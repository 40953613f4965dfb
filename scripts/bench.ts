// `npm run bench`: Haven's speed over HTTP, on a production build, in one run.
// Starts its own PostgreSQL, builds the app into .next-bench (a benchmark build:
// the only kind that can switch the encryption + audit layer off, for
// comparison), starts `next start`, and loads it with autocannon at 50
// connections, on the same machine:
//   (a) the ceiling: a route handler with one SELECT (GET /api/health)
//   (b) a signed-in PHI read through a JSON API route: session check, API limit,
//       decryption and an audit row (GET /api/me/health-profile)
//   (c) the same read with the encryption + audit layer switched off
//   (d) signing in (the password step: Argon2id, 64 MiB)
//   (e) a signed-in page render (GET /patient)
//   (f) booking under contention: patients post the booking form (the server
//       action, as a browser without JavaScript does) for a small pool of times,
//       so most attempts meet a taken time; afterwards no two active visits of
//       a doctor or of a patient may overlap
//   (g) the audit viewer: 2 000 000 audit rows in a database of their own, then
//       its page function per filter (scripts/lib/bench-audit-viewer.ts)
//   (h) the ceiling (a) again on a server started with SENTRY_DSN set (pointed
//       at a local sink), to show what initialising Sentry costs a route
//   (i) sending a message: a patient posts to their doctor's thread through the
//       JSON route the chat page calls (encrypt, audit, realtime outbox)
//   (j) uploading a 200 KB PDF through POST /api/documents, scanned by a real
//       clamd (scripts/lib/clamd-server.ts), encrypted and stored
//   (k) downloading such a document (GET /api/documents/:id: decrypt, audit)
//   (l) a clinic day's mixed workload (scripts/lib/bench-workload.ts: 80 % reads,
//       15 % writes, 5 % bookings and uploads) at 50 and at 200 connections
//   (m) the same mixed workload through the round-robin proxy
//       (scripts/lib/round-robin-proxy.ts) to one instance, then to two
//       instances on the same PostgreSQL: how throughput grows
// (i) to (m) also report the server's memory (peak RSS) and requests that got no answer.
// It reports throughput and p50/p95/p99 per scenario, the ratios b/a and b/c,
// the audit sealing lag while (b) ran, `audit:verify` right after, and then the
// data-layer micro-benchmark; a table on screen and JSON in bench-results/.
//   --reuse-build    use an existing .next-bench instead of building
//   BENCH_SECONDS    seconds per scenario (default 10), BENCH_CONNECTIONS (50)
//   BENCH_SERVER_NODE_ARGS   Node options for the server only (a CPU profile)
//   BENCH_ONLY       comma-separated scenario keys to run (default all: a,b,c,d,e,f,g,h,i,j,k,l,m)
//   BENCH_MIXED_CONNECTIONS  the mixed workload's steps (default 50,200);
//   BENCH_SCALE_CONNECTIONS  the two-instance run's connections (default 200)
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import path from "node:path";
import autocannon, { type Request as LoadRequest } from "autocannon";
import { verifyAuditTrail } from "@/lib/audit/verify";
import { encodeSessionCookie } from "@/lib/auth/session-cookie";
import { hashPassword } from "@/lib/auth/password";
import { createSession } from "@/lib/auth/sessions";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { createBaseClient, disconnectDb, getDb } from "@/lib/db/client";
import { CONSENT_KINDS, currentGrantOf } from "@/lib/domain/consent/documents";
import { SECRET_SPECS, getEnv, resetEnvCache } from "@/lib/env";
import { runAsSystem } from "@/lib/request-context";
import { runAuditViewerBench } from "./lib/bench-audit-viewer";
import {
  UPLOAD_BYTES,
  documentsByPatient,
  ensureDocuments,
  resetRateLimits,
  sampleRss,
  seedCare,
  uploadBody,
} from "./lib/bench-clinic";
import { CLINIC_DAY_MIX, type ClinicOperation, operationPicker, sharesInPercent } from "./lib/bench-workload";
import { type ClamdServer, startClamd } from "./lib/clamd-server";
import { runDataLayerBench } from "./lib/bench-data-layer";
import { findFreePort } from "./lib/free-port";
import { type PostgresServer, startPostgres } from "./lib/postgres-server";
import { type RoundRobinProxy, startRoundRobinProxy } from "./lib/round-robin-proxy";
import { applyMigrations } from "./lib/schema-engine";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SIGN_IN_CONNECTIONS = 8;
const USERS = Number(process.env.BENCH_USERS ?? 500);
const DIST_DIR = ".next-bench";
const SIGN_IN_EMAIL = "bench.signin@bench.test";
const SIGN_IN_PASSWORD = "bench-sign-in-phrase-2026";
const WANTED = new Set(
  (process.env.BENCH_ONLY ?? "a,b,c,d,e,f,g,h,i,j,k,l,m").split(",").map((key) => key.trim()),
);
const MIXED_CONNECTIONS = (process.env.BENCH_MIXED_CONNECTIONS ?? "50,200").split(",").map(Number);
const SCALE_CONNECTIONS = Number(process.env.BENCH_SCALE_CONNECTIONS ?? 200);
const CLINIC_KEYS = ["i", "j", "k", "l", "m"];
const BOOKING_DOCTORS = 5;
const SLOTS_PER_DOCTOR = 40;

interface Scenario {
  key: string;
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  requests: number;
  unexpected: number;
  connections?: number;
  /** Requests that got no answer at all (timeout, reset). */
  noAnswer?: number;
  /** Peak resident memory of each server process group while it ran (MiB). */
  rssPeakMb?: number[];
  /** Per operation, for a mixed workload. */
  operations?: Record<string, { requests: number; p50Ms: number; p95Ms: number; unexpected: number }>;
}

interface LoadRequestSpec {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** The operation's name in a mixed workload, for its own latencies and expected statuses. */
  op?: string;
}

interface LoadOptions {
  /** Runs even when the key is not in BENCH_ONLY (a step of a scenario that is). */
  force?: boolean;
  /** Process groups whose memory is sampled while the scenario runs. */
  rssGroups?: number[];
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0;

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"], env });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Waits (at most 15 s) until the server answers its health check within 250 ms: the
 * load generator stops the warm-up by closing its connections, and a server that
 * was behind still works off what they sent, which would count against the next step.
 */
async function settle(base: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const started = Date.now();
    try {
      await (await fetch(`${base}/api/health`)).arrayBuffer();
    } catch {
      // not answering yet
    }
    if (Date.now() - started < 250) return;
  }
}

/** One scenario: a short warm-up, then SECONDS at CONNECTIONS, every latency kept. */
async function load(
  key: string,
  name: string,
  base: string,
  request: (i: number) => LoadRequestSpec,
  expected: (status: number, op?: string) => boolean,
  connections = CONNECTIONS,
  extra: LoadOptions = {},
): Promise<Scenario | null> {
  if (!WANTED.has(key) && !extra.force) return null;
  const options = (duration: number) => {
    let i = 0;
    return {
      url: base,
      connections,
      duration,
      requests: [
        {
          // autocannon keeps one context per connection and sends one request at a time on it, so
          // the operation noted here is still the connection's when its response arrives.
          setupRequest: (req: LoadRequest, context: object): LoadRequest => {
            const { op, ...spec } = request(i++);
            (context as { op?: string }).op = op;
            return { ...req, ...spec };
          },
        },
      ],
    };
  };
  await autocannon(options(2));
  await settle(base);
  const latencies: number[] = [];
  const byOperation = new Map<string, { latencies: number[]; unexpected: number }>();
  let unexpected = 0;
  let requestErrors = 0;
  let firstError: string | undefined;
  const sampler = extra.rssGroups ? sampleRss(extra.rssGroups) : null;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options(SECONDS), (error, done) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done),
    );
    instance.on("response", (client, status, _bytes, responseTime) => {
      latencies.push(responseTime);
      const op = (client as { requestIterator?: { context?: { op?: string } } }).requestIterator?.context?.op;
      const good = expected(status, op);
      if (!good) unexpected += 1;
      if (op) {
        const entry = byOperation.get(op) ?? { latencies: [], unexpected: 0 };
        entry.latencies.push(responseTime);
        if (!good) entry.unexpected += 1;
        byOperation.set(op, entry);
      }
    });
    // A request that never got an answer (timeout, reset) is not a latency; say why, once.
    instance.on("reqError", (error: Error) => {
      requestErrors += 1;
      firstError ??= error.message;
    });
  });
  const memory = await sampler?.stop();
  if (requestErrors > 0) {
    console.warn(`[bench] (${key}) ${requestErrors} requests got no answer; the first: ${firstError}`);
  }
  latencies.sort((a, b) => a - b);
  const operations = byOperation.size
    ? Object.fromEntries(
        [...byOperation].map(([op, entry]) => {
          entry.latencies.sort((a, b) => a - b);
          return [
            op,
            {
              requests: entry.latencies.length,
              p50Ms: Math.round(percentile(entry.latencies, 0.5)),
              p95Ms: Math.round(percentile(entry.latencies, 0.95)),
              unexpected: entry.unexpected,
            },
          ];
        }),
      )
    : undefined;
  return {
    key,
    name,
    requestsPerSecond: Math.round(latencies.length / result.duration),
    p50Ms: Math.round(percentile(latencies, 0.5)),
    p95Ms: Math.round(percentile(latencies, 0.95)),
    p99Ms: Math.round(percentile(latencies, 0.99)),
    requests: latencies.length,
    unexpected,
    connections,
    noAnswer: requestErrors,
    ...(memory ? { rssPeakMb: memory.peakMb } : {}),
    ...(operations ? { operations } : {}),
  };
}

/** A page's server-action form as a browser without JavaScript posts it, with the given fields. */
function multipartForm(html: string, given: Record<string, string>): { body: string; contentType: string } {
  const fields = new Map<string, string>();
  for (const match of html.matchAll(/<input type="hidden" name="(\$ACTION[^"]*)"(?: value="([^"]*)")?/g)) {
    fields.set(match[1]!, (match[2] ?? "").replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
  }
  for (const [name, value] of Object.entries(given)) fields.set(name, value);
  const boundary = "----havenbench";
  const body =
    [...fields]
      .map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      )
      .join("") + `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function signInForm(base: string) {
  const html = await (await fetch(`${base}/sign-in`)).text();
  return multipartForm(html, { step: "password", email: SIGN_IN_EMAIL, password: SIGN_IN_PASSWORD });
}

/** Booking forms for the first free times of each bench doctor, as a patient's browser would post them. */
async function bookingForms(base: string, doctorIds: string[], cookie: string) {
  const forms: { path: string; body: string; contentType: string }[] = [];
  for (const doctorId of doctorIds) {
    const html = await (await fetch(`${base}/doctors/${doctorId}`, { headers: { cookie } })).text();
    const times = [...html.matchAll(/name="startsAt" value="([^"]+)"/g)].map((match) => match[1]!);
    if (times.length < SLOTS_PER_DOCTOR) throw new Error(`bench doctor ${doctorId} shows too few free times`);
    for (const startsAt of times.slice(0, SLOTS_PER_DOCTOR)) {
      forms.push({
        path: `/doctors/${doctorId}`,
        ...multipartForm(html, { doctorId, startsAt, reason: "Follow-up on blood pressure readings" }),
      });
    }
  }
  return forms;
}

async function seed(): Promise<{ cookies: string[]; doctorIds: string[]; patientIds: string[] }> {
  const db = getDb();
  const cookies: string[] = [];
  const doctorIds: string[] = [];
  const patientIds: string[] = [];
  await runAsSystem("bench", async () => {
    for (let i = 0; i < BOOKING_DOCTORS; i += 1) {
      const doctor = await db.user.create({
        data: {
          email: `bench.doctor${i}@bench.test`,
          role: "DOCTOR",
          timeZone: "Europe/Berlin",
          emailVerifiedAt: new Date(),
          doctorProfile: { create: { displayName: `Dr. Bench ${i}`, specialty: "Family Medicine" } },
          // Every day, all day: the first free times are never far off, whenever the bench runs.
          availabilityRules: {
            create: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 })),
          },
        },
        select: { id: true },
      });
      doctorIds.push(doctor.id);
    }
    for (let i = 0; i < USERS; i += 1) {
      const user = await db.user.create({
        data: {
          email: `bench.patient${i}@bench.test`,
          role: "PATIENT",
          emailVerifiedAt: new Date(),
          patientProfile: {
            create: {
              fullName: `Bench Patient ${i}`,
              dateOfBirth: "1980-01-01",
              allergies: "Penicillin",
            },
          },
          // Agreed to everything, as a patient who uses the clinic does (messages and uploads need it).
          consents: { create: CONSENT_KINDS.map((kind) => currentGrantOf(kind)) },
        },
        select: { id: true },
      });
      patientIds.push(user.id);
      const session = await createSession(user.id, { ip: null, userAgent: "haven-bench" });
      const cookie = await encodeSessionCookie({ sessionId: session.id, userId: user.id, role: "PATIENT" });
      cookies.push(`${cookie.name}=${cookie.value}`);
    }
    await db.user.create({
      data: {
        email: SIGN_IN_EMAIL,
        role: "PATIENT",
        emailVerifiedAt: new Date(),
        passwordHash: await hashPassword(SIGN_IN_PASSWORD),
        patientProfile: { create: { fullName: "Bench Sign-in" } },
      },
      select: { id: true },
    });
  });
  return { cookies, doctorIds, patientIds };
}

/** A stand-in for Sentry's ingest endpoint on loopback: accepts every envelope and counts them. */
async function startSentrySink(): Promise<{ dsn: string; received(): number; close(): Promise<void> }> {
  let received = 0;
  const sink = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received += 1;
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const port = await findFreePort();
  await new Promise<void>((resolve) => sink.listen(port, "127.0.0.1", resolve));
  return {
    dsn: `http://benchpublickey@127.0.0.1:${port}/1`,
    received: () => received,
    close: () => new Promise((resolve) => sink.close(() => resolve())),
  };
}

function stopGroup(child: ChildProcess | undefined): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, "SIGINT");
  } catch {
    // already gone
  }
}

function stopServer(): void {
  stopGroup(server);
  server = undefined;
}

/** Another `next start` of the benchmark build (the two-instance run), in its own process group. */
function startInstance(port: number, appUrl: string, env: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    [path.resolve("node_modules/next/dist/bin/next"), "start", "--port", String(port)],
    {
      env: { ...process.env, ...env, NODE_ENV: "production", APP_URL: appUrl },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    },
  );
  instances.push(child);
  return child;
}

/** What each clinic operation answers when it did its work. */
function clinicExpected(status: number, op?: string): boolean {
  switch (op as ClinicOperation | undefined) {
    case "message-send":
    case "document-upload":
      return status === 201;
    // 303: booked, on to the visit page; 200: the form again with the next free times (taken meanwhile).
    case "booking":
      return status === 303 || status === 200;
    default:
      return status === 200;
  }
}

interface ClinicContext {
  cookies: string[];
  patientIds: string[];
  threadIds: string[];
  /** Each patient's document to download, by patient id. */
  documents: Map<string, string>;
  /** Booking forms of free times, as a patient's browser posts them. */
  forms: { path: string; body: string; contentType: string }[];
  doctorIds: string[];
}

const MESSAGE_TEXT = "My readings this morning were 128/82 and 131/85. Is that fine?";

/** The request of each clinic operation for the i-th request, as the browser sends it to `base`. */
function clinicRequests(
  base: string,
  clinic: ClinicContext,
): Record<ClinicOperation, (i: number) => LoadRequestSpec> {
  // Request i is patient p's (the same patient's cookie, thread and document).
  const patient = (i: number) => i % clinic.cookies.length;
  const cookieOf = (i: number) => clinic.cookies[patient(i)]!;
  let booking = 0;
  return {
    "visit-list": (i) => ({
      method: "GET",
      path: "/patient",
      headers: { cookie: cookieOf(i) },
      op: "visit-list",
    }),
    chart: (i) => ({
      method: "GET",
      path: "/api/me/health-profile",
      headers: { cookie: cookieOf(i) },
      op: "chart",
    }),
    thread: (i) => ({
      method: "GET",
      path: `/api/messages/threads/${clinic.threadIds[patient(i)]}`,
      headers: { cookie: cookieOf(i) },
      op: "thread",
    }),
    unread: (i) => ({
      method: "GET",
      path: "/api/messages/unread",
      headers: { cookie: cookieOf(i) },
      op: "unread",
    }),
    slots: (i) => ({
      method: "GET",
      path: `/doctors/${clinic.doctorIds[i % clinic.doctorIds.length]}`,
      headers: { cookie: cookieOf(i) },
      op: "slots",
    }),
    "document-download": (i) => ({
      method: "GET",
      path: `/api/documents/${clinic.documents.get(clinic.patientIds[patient(i)]!)}`,
      headers: { cookie: cookieOf(i) },
      op: "document-download",
    }),
    "message-send": (i) => ({
      method: "POST",
      path: `/api/messages/threads/${clinic.threadIds[patient(i)]}/messages`,
      headers: { cookie: cookieOf(i), "content-type": "application/json", origin: base },
      // A new id per request: the route treats a repeated id as a retry of the same message.
      body: JSON.stringify({ id: randomUUID(), body: MESSAGE_TEXT }),
      op: "message-send",
    }),
    "document-upload": (i) => {
      const { body, contentType } = uploadBody(clinic.patientIds[patient(i)]!);
      return {
        method: "POST",
        path: "/api/documents",
        headers: {
          cookie: cookieOf(i),
          "content-type": contentType,
          origin: base,
          accept: "application/json",
        },
        body,
        op: "document-upload",
      };
    },
    booking: (i) => {
      // Each free time once, in turn: a clinic's bookings rarely collide (scenario f measures contention).
      const form = clinic.forms[booking++ % clinic.forms.length]!;
      return {
        method: "POST",
        path: form.path,
        headers: { cookie: cookieOf(i), "content-type": form.contentType, origin: base },
        body: form.body,
        op: "booking",
      };
    },
  };
}

function printClinicRow(s: Scenario): void {
  const rss = s.rssPeakMb?.length ? s.rssPeakMb.map((mb) => `${mb}`).join("+") + " MiB" : "";
  console.log(
    `(${s.key})  ${s.name.padEnd(46)} ${String(s.connections ?? "").padStart(4)} ${String(s.requestsPerSecond).padStart(7)} ${`${s.p50Ms}ms`.padStart(7)} ${`${s.p95Ms}ms`.padStart(7)} ${`${s.p99Ms}ms`.padStart(7)}  ${`${s.unexpected}/${s.requests}`.padStart(11)} ${String(s.noAnswer ?? 0).padStart(9)}  ${rss}`,
  );
  for (const [op, figures] of Object.entries(s.operations ?? {})) {
    if (Object.keys(s.operations ?? {}).length < 2) break;
    console.log(
      `       ${op.padEnd(44)}      ${String(Math.round(figures.requests / SECONDS)).padStart(7)} ${`${figures.p50Ms}ms`.padStart(7)} ${`${figures.p95Ms}ms`.padStart(7)} ${"".padStart(7)}  ${`${figures.unexpected}/${figures.requests}`.padStart(11)}`,
    );
  }
}

const writable = process.env as Record<string, string | undefined>;
let postgres: PostgresServer | undefined;
let server: ChildProcess | undefined;
const instances: ChildProcess[] = [];
let clamd: ClamdServer | undefined;
let proxy: RoundRobinProxy | undefined;
try {
  postgres = await startPostgres({ database: "haven_bench" });
  await applyMigrations(postgres.url);
  const checkpointDir = mkdtempSync(path.join(tmpdir(), "haven-bench-checkpoints-"));
  const serverEnv: Record<string, string> = {
    ...Object.fromEntries(SECRET_SPECS.map((spec) => [spec.name, spec.generate()])),
    DATABASE_URL: postgres.url,
    AUDIT_CHECKPOINT_DIR: checkpointDir,
    SMTP_URL: "smtp://127.0.0.1:9",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: DIST_DIR,
    DOCUMENTS_DIR: mkdtempSync(path.join(tmpdir(), "haven-bench-documents-")),
    ERASURE_LEDGER_DIR: mkdtempSync(path.join(tmpdir(), "haven-bench-erasures-")),
  };
  // Production settings here too, so the session cookies minted below carry the production name.
  Object.assign(writable, serverEnv, { NODE_ENV: "production" });
  resetEnvCache();
  console.log(`[bench] PostgreSQL ready; seeding ${USERS} signed-in patients…`);
  const { cookies, doctorIds, patientIds } = await seed();
  const clinicWanted = CLINIC_KEYS.some((key) => WANTED.has(key));
  let threadIds: string[] = [];
  if (clinicWanted) {
    console.log("[bench] Seeding a past visit, a thread and two messages per patient…");
    threadIds = await seedCare(getDb(), patientIds, doctorIds);
  }
  await disconnectDb();
  let scanned = false;
  if (["j", "k", "l", "m"].some((key) => WANTED.has(key))) {
    // Uploads are scanned by a real clamd, as in production (one EICAR signature: no database download here).
    try {
      clamd = await startClamd();
      Object.assign(serverEnv, { CLAMAV_HOST: clamd.host, CLAMAV_PORT: String(clamd.port) });
      scanned = true;
    } catch (error) {
      console.warn(
        `[bench] no clamd (${error instanceof Error ? error.message : String(error)}): uploads are measured unscanned`,
      );
    }
  }

  if (!process.argv.includes("--reuse-build") || !existsSync(DIST_DIR)) {
    console.log("[bench] Building the benchmark build (next build into .next-bench)…");
    const code = await run("npx", ["--no-install", "next", "build"], {
      ...process.env,
      ...serverEnv,
      NODE_ENV: "production",
      HAVEN_BENCH_BUILD: "1",
    });
    if (code !== 0) throw new Error("next build failed");
  }
  const port = await findFreePort();
  const base = `http://127.0.0.1:${port}`;
  // Node itself runs next, so that BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof
  // --cpu-prof-dir=/tmp/profiles") can show where the server's time goes.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  server = spawn(
    process.execPath,
    [...nodeArgs, path.resolve("node_modules/next/dist/bin/next"), "start", "--port", String(port)],
    {
      env: { ...process.env, ...serverEnv, NODE_ENV: "production", APP_URL: base },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    },
  );
  await waitFor(`${base}/api/health`);
  console.log(`[bench] next start on ${base}; ${SECONDS} s per scenario at ${CONNECTIONS} connections.\n`);

  const cookie = (i: number) => cookies[i % cookies.length]!;
  const ok = (status: number) => status === 200;
  const scenarios: Scenario[] = [];
  const add = (scenario: Scenario | null) => {
    if (scenario) scenarios.push(scenario);
  };
  add(
    await load(
      "a",
      "ceiling: route handler, one SELECT",
      base,
      () => ({
        method: "GET",
        path: "/api/health",
        headers: {},
      }),
      ok,
    ),
  );
  const readStarted = new Date();
  add(
    await load(
      "b",
      "PHI read via JSON API (decrypt + audit)",
      base,
      (i) => ({
        method: "GET",
        path: "/api/me/health-profile",
        headers: { cookie: cookie(i) },
      }),
      ok,
    ),
  );
  const readEnded = new Date();
  add(
    await load(
      "c",
      "same read, encryption + audit off",
      base,
      (i) => ({
        method: "GET",
        path: "/api/me/health-profile",
        headers: { cookie: cookie(i), "x-haven-bench-plain": "1" },
      }),
      ok,
    ),
  );
  const form = await signInForm(base);
  add(
    await load(
      "d",
      "sign-in (password step, Argon2id, 8 conn.)",
      base,
      () => ({
        method: "POST",
        path: "/sign-in",
        headers: { "content-type": form.contentType, origin: base },
        body: form.body,
      }),
      (status) => status === 303,
      // Argon2id takes a core for a fraction of a second by design: at 50 connections the queue alone
      // outlasts the load generator's 10 s timeout and nothing is measured (the next scenario then
      // meets the backlog). A handful of concurrent sign-ins is what a clinic sees.
      SIGN_IN_CONNECTIONS,
    ),
  );
  add(
    await load(
      "e",
      "signed-in page render (/patient)",
      base,
      (i) => ({
        method: "GET",
        path: "/patient",
        headers: { cookie: cookie(i) },
      }),
      ok,
    ),
  );

  const forms = WANTED.has("f") ? await bookingForms(base, doctorIds, cookie(0)) : [];
  add(
    await load(
      "f",
      "booking under contention (server action)",
      base,
      (i) => {
        // Doctors in turn, each time tried by many patients: most attempts meet a taken time.
        const form =
          forms[
            (i % BOOKING_DOCTORS) * SLOTS_PER_DOCTOR + (Math.floor(i / BOOKING_DOCTORS) % SLOTS_PER_DOCTOR)
          ]!;
        return {
          method: "POST",
          path: form.path,
          headers: { cookie: cookie(i), "content-type": form.contentType, origin: base },
          body: form.body,
        };
      },
      // 303: booked, on to the visit page; 200: the form again, "just taken" with the next free times.
      (status) => status === 303 || status === 200,
    ),
  );

  // The sealer runs inside the server: wait for it to catch up, then measure its lag during (b).
  const plain = createBaseClient({ url: postgres.url, poolSize: 2, connectTimeoutMs: 5_000 });
  for (let i = 0; i < 40; i += 1) {
    const [pending] = await plain.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM audit_log a
       WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_sequence = a."sequence")`;
    if (pending?.n === 0n) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const [lag] = await plain.$queryRaw<
    { p50: number | null; p99: number | null; max: number | null; rows: bigint }[]
  >`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.sealed_at - a.occurred_at)) AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM s.sealed_at - a.occurred_at)) AS p99,
           max(extract(epoch FROM s.sealed_at - a.occurred_at)) AS max, count(*) AS rows
      FROM audit_log a JOIN audit_seals s ON s.audit_sequence = a."sequence"
     WHERE a.occurred_at BETWEEN ${readStarted} AND ${readEnded}`;
  const [booking] = await plain.$queryRaw<
    { booked: bigint; doctor_overlaps: bigint; patient_overlaps: bigint }[]
  >`
    WITH active AS (
      SELECT id, doctor_id, patient_id, tstzrange(starts_at, ends_at) AS span FROM appointments
       WHERE status IN ('HELD', 'CONFIRMED', 'IN_PROGRESS'))
    SELECT (SELECT count(*) FROM active) AS booked,
           (SELECT count(*) FROM active a JOIN active b ON a.doctor_id = b.doctor_id AND a.id < b.id AND a.span && b.span) AS doctor_overlaps,
           (SELECT count(*) FROM active a JOIN active b ON a.patient_id = b.patient_id AND a.id < b.id AND a.span && b.span) AS patient_overlaps`;
  const verification = await verifyAuditTrail(plain, phiCryptoConfigFromEnv().audit, {
    checkpoints: { directory: checkpointDir },
    sealBoundMs: getEnv().AUDIT_SEAL_BOUND_SECONDS * 1000,
  });

  const byKey = Object.fromEntries(scenarios.map((s) => [s.key, s])) as Record<string, Scenario>;
  const ratio = (x: string, y: string) => {
    const [over, under] = [byKey[x], byKey[y]];
    return over && under ? Number((over.requestsPerSecond / under.requestsPerSecond).toFixed(2)) : null;
  };
  console.log(
    `Haven over HTTP (next start, PostgreSQL, ${CONNECTIONS} connections, load generator on the same machine)\n`,
  );
  console.log(
    `     ${"scenario".padEnd(42)} ${"req/s".padStart(7)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"p99".padStart(7)}  unexpected`,
  );
  for (const s of scenarios) {
    console.log(
      `(${s.key})  ${s.name.padEnd(42)} ${String(s.requestsPerSecond).padStart(7)} ${`${s.p50Ms}ms`.padStart(7)} ${`${s.p95Ms}ms`.padStart(7)} ${`${s.p99Ms}ms`.padStart(7)}  ${s.unexpected}/${s.requests}`,
    );
  }
  for (const s of scenarios.filter((x) => x.unexpected > x.requests * 0.01)) {
    console.log(
      `WARNING: (${s.key}) got ${s.unexpected} unexpected answers: its figures do not measure the real path`,
    );
  }
  const ratios = { bOverA: ratio("b", "a"), bOverC: ratio("b", "c") };
  console.log(`\nratios: b/a ×${ratios.bOverA} (target ≥ 0.6), b/c ×${ratios.bOverC} (target ≥ 0.8)`);
  const bookings = {
    distinctTimesOffered: forms.length,
    booked: Number(booking?.booked ?? 0n),
    doctorOverlaps: Number(booking?.doctor_overlaps ?? 0n),
    patientOverlaps: Number(booking?.patient_overlaps ?? 0n),
  };
  if (byKey.f) {
    console.log(
      `bookings (f): ${bookings.booked} booked of ${bookings.distinctTimesOffered} times offered to ${byKey.f.requests} attempts; overlapping active visits: ${bookings.doctorOverlaps} per doctor, ${bookings.patientOverlaps} per patient (must be 0)`,
    );
  }
  const sealing = {
    rows: Number(lag?.rows ?? 0n),
    p50Seconds: Number((lag?.p50 ?? 0).toFixed(3)),
    p99Seconds: Number((lag?.p99 ?? 0).toFixed(3)),
    maxSeconds: Number((lag?.max ?? 0).toFixed(3)),
  };
  console.log(
    `audit sealing lag during (b): p50 ${sealing.p50Seconds} s, p99 ${sealing.p99Seconds} s, max ${sealing.maxSeconds} s over ${sealing.rows} rows (bound 2 s)`,
  );
  console.log(
    verification.ok
      ? `audit:verify right after: OK, ${verification.sealed} seals`
      : `audit:verify right after: BROKEN\n  ${verification.problems.join("\n  ")}`,
  );

  // (i)–(m): the clinic's scenarios, after the checks above so that they count only (a)–(f).
  const clinicScenarios: Scenario[] = [];
  let scaling: { oneInstance: number; twoInstances: number; ratio: number; split: number[] } | null = null;
  if (clinicWanted) {
    const groups = () => [server!.pid!];
    const clinic: ClinicContext = {
      cookies,
      patientIds,
      threadIds,
      documents: new Map(),
      forms: [],
      doctorIds,
    };
    const requests = clinicRequests(base, clinic);
    const clinicRun = async (
      key: string,
      name: string,
      at: string,
      request: (i: number) => LoadRequestSpec,
      connections: number,
      rssGroups: number[],
    ) => {
      await resetRateLimits(plain);
      const scenario = await load(key, name, at, request, clinicExpected, connections, {
        force: true,
        rssGroups,
      });
      if (scenario) {
        clinicScenarios.push(scenario);
        printClinicRow(scenario);
      }
      return scenario;
    };
    console.log(
      `\nClinic scenarios (uploads ${UPLOAD_BYTES / 1024} KB PDFs, ${scanned ? "scanned by clamd" : "NOT scanned: no clamd"})\n`,
    );
    console.log(
      `     ${"scenario".padEnd(46)} ${"conn".padStart(4)} ${"req/s".padStart(7)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"p99".padStart(7)}  ${"unexpected".padStart(11)} ${"no answer".padStart(9)}  server RSS (peak)`,
    );
    if (WANTED.has("i")) {
      await clinicRun(
        "i",
        "message send (patient → doctor, JSON route)",
        base,
        requests["message-send"],
        CONNECTIONS,
        groups(),
      );
    }
    if (WANTED.has("j")) {
      await clinicRun(
        "j",
        "document upload (200 KB PDF, scan, encrypt)",
        base,
        requests["document-upload"],
        CONNECTIONS,
        groups(),
      );
    }
    const mixedWanted = WANTED.has("l") || WANTED.has("m");
    if (WANTED.has("k") || mixedWanted) {
      clinic.documents = await ensureDocuments(plain, base, patientIds, (index) => cookies[index]!);
    }
    if (WANTED.has("k")) {
      await clinicRun(
        "k",
        "document download (decrypt, audit)",
        base,
        requests["document-download"],
        CONNECTIONS,
        groups(),
      );
    }
    const pick = operationPicker(CLINIC_DAY_MIX);
    const mixed = (all: Record<ClinicOperation, (i: number) => LoadRequestSpec>) => (i: number) =>
      all[pick(i)](i);
    if (WANTED.has("l")) {
      for (const connections of MIXED_CONNECTIONS) {
        clinic.forms = await bookingForms(base, doctorIds, cookie(0));
        await clinicRun("l", `mixed clinic day, 1 instance`, base, mixed(requests), connections, groups());
      }
    }
    if (WANTED.has("m")) {
      // The same build behind the round-robin proxy: first one instance, then two, on one PostgreSQL.
      // The proxy runs in this process, next to the load generator; both share the two cores with the servers.
      stopServer();
      const frontPort = await findFreePort();
      const front = `http://127.0.0.1:${frontPort}`;
      const frontRequests = clinicRequests(front, clinic);
      const upstreams: string[] = [];
      const results: Scenario[] = [];
      for (const count of [1, 2]) {
        const instancePort = await findFreePort();
        startInstance(instancePort, front, serverEnv);
        upstreams.push(`http://127.0.0.1:${instancePort}`);
        await waitFor(`${upstreams.at(-1)}/api/health`);
        proxy = await startRoundRobinProxy({ upstreams, port: frontPort });
        clinic.forms = await bookingForms(front, doctorIds, cookie(0));
        proxy.resetCounts();
        const scenario = await clinicRun(
          "m",
          `mixed via proxy, ${count} instance${count > 1 ? "s" : ""}`,
          front,
          mixed(frontRequests),
          SCALE_CONNECTIONS,
          instances.map((child) => child.pid!),
        );
        // A request the load generator gave up on (10 s) is cut at the proxy too, which counts it as a failure.
        console.log(
          `       requests per instance: ${proxy.counts.join(" / ")}; cut short or upstream unreachable: ${proxy.failures}`,
        );
        await proxy.stop();
        proxy = undefined;
        if (scenario) results.push(scenario);
      }
      const [one, two] = results;
      if (one && two) {
        scaling = {
          oneInstance: one.requestsPerSecond,
          twoInstances: two.requestsPerSecond,
          ratio: Number((two.requestsPerSecond / one.requestsPerSecond).toFixed(2)),
          split: two.rssPeakMb ?? [],
        };
        const starved = [one, two].some((step) => (step.noAnswer ?? 0) > step.requests * 0.01);
        if (starved) {
          console.log(
            "WARNING: (m) many requests got no answer within 10 s: the machine is saturated and the ratio below does not measure scaling",
          );
        }
        console.log(
          `two instances / one: ×${scaling.ratio} (${one.requestsPerSecond} → ${two.requestsPerSecond} req/s at ${SCALE_CONNECTIONS} connections; load generator, proxy, both servers and PostgreSQL share ${os.cpus().length} cores)`,
        );
      }
      for (const child of instances.splice(0)) stopGroup(child);
    }
    for (const s of clinicScenarios.filter(
      (x) => x.unexpected > x.requests * 0.01 || (x.noAnswer ?? 0) > 0,
    )) {
      console.log(
        `WARNING: (${s.key}) ${s.name}: ${s.unexpected} unexpected answers, ${s.noAnswer ?? 0} without an answer`,
      );
    }
    const documentsNow = await documentsByPatient(plain);
    console.log(`documents downloadable after the run: ${documentsNow.size} patients have one`);
  }
  await plain.$disconnect();

  // The server's sealer would seal the micro-benchmark's rows (written with other keys) as forged: stop it first.
  stopServer();
  let sentry: { scenario: Scenario; overCeiling: number | null; eventsReceived: number } | null = null;
  if (WANTED.has("h")) {
    // A server of the same build with Sentry initialised (errors only, as in production); the sink
    // answers like Sentry's envelope endpoint and counts what arrives (nothing, unless an error occurs).
    const sink = await startSentrySink();
    const sentryPort = await findFreePort();
    const sentryBase = `http://127.0.0.1:${sentryPort}`;
    server = spawn(
      process.execPath,
      [path.resolve("node_modules/next/dist/bin/next"), "start", "--port", String(sentryPort)],
      {
        env: {
          ...process.env,
          ...serverEnv,
          NODE_ENV: "production",
          APP_URL: sentryBase,
          SENTRY_DSN: sink.dsn,
        },
        stdio: ["ignore", "ignore", "inherit"],
        detached: true,
      },
    );
    await waitFor(`${sentryBase}/api/health`);
    const scenario = await load(
      "h",
      "ceiling with SENTRY_DSN set",
      sentryBase,
      () => ({ method: "GET", path: "/api/health", headers: {} }),
      ok,
    );
    stopServer();
    await sink.close();
    if (scenario) {
      const ceiling = byKey.a;
      const overCeiling = ceiling
        ? Number((scenario.requestsPerSecond / ceiling.requestsPerSecond).toFixed(2))
        : null;
      sentry = { scenario, overCeiling, eventsReceived: sink.received() };
      console.log(
        `(h)  ${scenario.name.padEnd(42)} ${String(scenario.requestsPerSecond).padStart(7)} ${`${scenario.p50Ms}ms`.padStart(7)} ${`${scenario.p95Ms}ms`.padStart(7)} ${`${scenario.p99Ms}ms`.padStart(7)}  ${scenario.unexpected}/${scenario.requests}`,
      );
      console.log(`Sentry's cost: h/a ×${overCeiling ?? "?"} (without a DSN Haven never initialises it)`);
    }
  }
  const dataLayer = await runDataLayerBench(postgres.url);
  const auditViewer = WANTED.has("g") ? await runAuditViewerBench(postgres.url) : null;
  mkdirSync("bench-results", { recursive: true });
  const file = path.join("bench-results", `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        connections: CONNECTIONS,
        seconds: SECONDS,
        scenarios,
        ratios,
        bookings,
        sealing,
        auditVerified: verification.ok,
        dataLayer,
        auditViewer,
        sentry,
        clinic: clinicWanted
          ? {
              mix: sharesInPercent(CLINIC_DAY_MIX),
              uploadBytes: UPLOAD_BYTES,
              uploadsScanned: scanned,
              scenarios: clinicScenarios,
              scaling,
              cores: os.cpus().length,
            }
          : null,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\n[bench] results written to ${file}`);
} finally {
  stopServer();
  for (const child of instances) stopGroup(child);
  await proxy?.stop();
  clamd?.stop();
  postgres?.stop();
}
