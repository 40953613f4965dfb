import "server-only";
import { getDb } from "@/lib/db/client";
import { APP_VERSION } from "@/lib/version";

export interface HealthReport {
  status: "ok" | "degraded";
  version: string;
  uptime: number;
  database: "ok" | "down";
}

const DATABASE_PROBE_TIMEOUT_MS = 2_000;
// Starting the client (Prisma's query engine, once per process) took 1–2.5 s on a loaded 2-core
// machine, which a cold instance's first probe counted as the database's silence: it is bounded
// on its own, and only the query is held to the probe's 2 s.
const CLIENT_START_TIMEOUT_MS = 10_000;
const clientStarts = new WeakMap<object, Promise<unknown>>();

async function within<T>(work: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function probeDatabase(): Promise<"ok" | "down"> {
  const db = getDb();
  let start = clientStarts.get(db);
  if (!start) {
    start = db.$connect().catch(() => clientStarts.delete(db));
    clientStarts.set(db, start);
  }
  await within(start, CLIENT_START_TIMEOUT_MS, undefined);
  const probe = db.$queryRaw`SELECT 1`.then(() => "ok" as const).catch(() => "down" as const);
  return within(probe, DATABASE_PROBE_TIMEOUT_MS, "down");
}

/** Liveness and readiness in one report; it says nothing about configuration or data. */
export async function checkHealth(): Promise<HealthReport> {
  const database = await probeDatabase();
  return {
    status: database === "ok" ? "ok" : "degraded",
    version: APP_VERSION,
    uptime: Math.round(process.uptime()),
    database,
  };
}
