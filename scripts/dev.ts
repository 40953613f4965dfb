// `npm run dev`: everything a new developer needs, then `next dev`.
// Secrets generated once into .env.local; without DATABASE_URL an embedded
// PostgreSQL-compatible database under .data/ is started, migrated and seeded.
import { spawn } from "node:child_process";
import path from "node:path";
import { disconnectDb, getDb } from "@/lib/db/client";
import { formatDemoAccounts, seedDemoData } from "@/prisma/seed";
import { seedDemoVideoVisit } from "@/prisma/seed-video";
import { ensureDevelopmentSecrets } from "./lib/dev-secrets";
import { type EmbeddedDatabase, startEmbeddedDatabase } from "./lib/embedded-database";
import { findFreePort, isPortFree } from "./lib/free-port";
import { loadProjectEnv } from "./lib/load-env";
import { runDataMigrations } from "./lib/data-migrations";
import { applyMigrations } from "./lib/schema-engine";

const DEFAULT_EMBEDDED_PORT = 54329;

// Next types NODE_ENV as read-only; this script is where it is decided.
const writableEnv = process.env as Record<string, string | undefined>;
writableEnv.NODE_ENV ??= "development";
writableEnv.NEXT_TELEMETRY_DISABLED ??= "1";
loadProjectEnv();
if (process.env.NODE_ENV === "production") {
  console.error("npm run dev is for development; in production run `npm run build && npm start`.");
  process.exit(1);
}

const generated = ensureDevelopmentSecrets();
if (generated.length)
  console.log(`[haven] Generated ${generated.join(", ")} into .env.local (development only, not committed).`);

let embedded: EmbeddedDatabase | undefined;
if (!process.env.DATABASE_URL) {
  const dataDir = path.resolve(".data/pglite");
  const port = (await isPortFree(DEFAULT_EMBEDDED_PORT)) ? DEFAULT_EMBEDDED_PORT : await findFreePort();
  embedded = await startEmbeddedDatabase({ dataDir, port });
  process.env.DATABASE_URL = embedded.url;
  process.env.DATABASE_POOL_SIZE = "1";
  // Every request queues for that one connection: under a burst (a video call's signalling)
  // a wait of a few seconds is normal here and must not fail the request.
  process.env.DATABASE_CONNECT_TIMEOUT_MS ??= "30000";
  // A second pool (the rate limiter's) would share PGlite's single session.
  process.env.RATE_LIMIT_STORE ??= "memory";
  // PGlite's NOTIFY reaches no other connection: one instance, one in-process bus.
  process.env.REALTIME_BUS ??= "memory";
  // pg_dump refuses PGlite (it reports PostgreSQL 18): no scheduled backups or drills here.
  process.env.BACKUP_SCHEDULE ??= "off";
  process.env.BACKUP_DRILL_SCHEDULE ??= "off";
  console.log(`[haven] Embedded database (PGlite) in .data/pglite, listening on 127.0.0.1:${port}.`);
}

// One process for everything in development: the job workers run inside the web server.
process.env.JOBS_IN_PROCESS ??= "true";

const databaseUrl = process.env.DATABASE_URL;
const applied = await applyMigrations(databaseUrl);
console.log(
  applied.length
    ? `[haven] Applied migrations: ${applied.join(", ")}`
    : "[haven] Database schema is up to date.",
);
const converted = await runDataMigrations(databaseUrl);
if (converted) console.log(`[haven] Data: ${converted}.`);

const accounts = await seedDemoData(getDb());
const videoVisitAt = await seedDemoVideoVisit(getDb());
await disconnectDb();
console.log(`[haven] Demo accounts (development only):\n${formatDemoAccounts(accounts)}`);
if (videoVisitAt) {
  console.log(
    `[haven] Video demo: Lucia Romero has a video visit with Dr. Erik Lindqvist at ${videoVisitAt.toISOString().slice(11, 16)} UTC ` +
      "(its room is open now). Sign in as each in two browser windows and open the visit.",
  );
}

const port = process.env.PORT ?? "3000";
const next = spawn("npx", ["--no-install", "next", "dev", "--port", port], {
  stdio: "inherit",
  env: process.env,
});
console.log(`[haven] Starting Haven on http://localhost:${port}`);

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  await embedded?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
next.on("exit", (code) => void shutdown(code ?? 0));
