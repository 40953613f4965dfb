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

async function probeDatabase(): Promise<"ok" | "down"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"down">((resolve) => {
    timer = setTimeout(() => resolve("down"), DATABASE_PROBE_TIMEOUT_MS);
  });
  const probe = getDb().$queryRaw`SELECT 1`.then(() => "ok" as const).catch(() => "down" as const);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
