// The audit viewer's benchmark (scenario "g" of `npm run bench`): 2 000 000 audit
// rows in a database of their own next to the bench's (they carry no row MAC, so
// they must never meet a chain that is verified), then the viewer's own page
// function (listAuditEvents: permission check, the keyset query, doctors' names,
// and the audit row the search writes) ~200 times per filter with random values,
// p50/p95 per filter against a target p95 < 100 ms, and each filter's plan
// (EXPLAIN ANALYZE) so a regression to a sequential scan shows.
//
// Also runs alone: `npx tsx --conditions=react-server scripts/lib/bench-audit-viewer.ts`
// (starts its own PostgreSQL).
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import pg from "pg";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { auditLogReader, disconnectDb, getDb, transaction } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import {
  ORDERED_SCANS_ONLY,
  auditActivity,
  auditPageOf,
  auditRowsQuery,
  listAuditEvents,
} from "@/lib/domain/audit-viewer/queries";
import {
  AUDIT_PAGE_SIZE,
  type AuditCursor,
  type AuditFilter,
  EMPTY_FILTER,
} from "@/lib/domain/audit-viewer/schemas";
import { SECRET_SPECS, resetEnvCache } from "@/lib/env";
import { runAsActor, runAsSystem } from "@/lib/request-context";
import { applyMigrations } from "./schema-engine";

const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 2_000_000);
const ITERATIONS = Number(process.env.BENCH_AUDIT_ITERATIONS ?? 200);
const PATIENTS = 2_000;
const DOCTORS = 40;
const ADMINS = 10;
const DAYS = 90;
const CHUNK = 250_000;
const TARGET_P95_MS = 100;
const CHART_ITERATIONS = 20;

export interface AuditViewerBench {
  rows: number;
  insertSeconds: number;
  iterations: number;
  targetP95Ms: number;
  filters: { name: string; p50Ms: number; p95Ms: number; maxMs: number; meanRows: number; plan: string[] }[];
  charts: { name: string; p50Ms: number; p95Ms: number; meanEvents: number }[];
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0;

/**
 * One chunk of rows, sequence order = time order (as the writer produces them):
 * ~45 % phi.read (a fifth by the patients themselves), phi.update, phi.create,
 * sign-ins and -outs, bookings, messages, uploads, admin searches, payments;
 * 1 % DENIED (authz.denied) and 1 % FAILURE.
 */
const INSERT_CHUNK = `
  INSERT INTO audit_log (occurred_at, actor_id, actor_role, action, resource_type, resource_id, outcome,
                         subject_id, request_id, ip, user_agent)
  SELECT $3::timestamptz + (g - 1) * $4::double precision * interval '1 millisecond',
         CASE who WHEN 'PATIENT' THEN patient WHEN 'DOCTOR' THEN doctor ELSE admin END,
         who, action,
         CASE WHEN action LIKE 'phi.%' THEN (CASE WHEN action = 'phi.create' THEN 'ClinicalNote' ELSE 'PatientProfile' END)
              WHEN action LIKE 'auth.%' THEN 'Session'
              WHEN action = 'appointment.booked' THEN 'Appointment'
              WHEN action = 'message.sent' THEN 'Message'
              WHEN action = 'document.uploaded' THEN 'Document'
              WHEN action = 'audit.search' THEN 'AuditLog'
              WHEN action = 'authz.denied' THEN 'PatientProfile'
              ELSE 'Payment' END,
         CASE WHEN action IN ('phi.read', 'phi.update', 'authz.denied') THEN patient::text
              WHEN action = 'audit.search' THEN NULL
              ELSE md5('resource-' || g)::uuid::text END,
         (CASE WHEN action = 'authz.denied' THEN 'DENIED' WHEN fail = 0 THEN 'FAILURE' ELSE 'SUCCESS' END)::"AuditOutcome",
         CASE WHEN action LIKE 'auth.%' THEN (CASE who WHEN 'PATIENT' THEN patient WHEN 'DOCTOR' THEN doctor ELSE admin END)
              WHEN action = 'audit.search' THEN NULL
              ELSE patient END,
         'bench-' || g, '10.' || (g % 200) || '.' || (g % 250) || '.7', 'haven-bench'
    FROM (
      SELECT g, fail, patient, doctor, admin,
             CASE WHEN mix < 45 THEN 'phi.read' WHEN mix < 60 THEN 'phi.update' WHEN mix < 65 THEN 'phi.create'
                  WHEN mix < 75 THEN 'auth.sign-in' WHEN mix < 80 THEN 'auth.sign-out'
                  WHEN mix < 87 THEN 'appointment.booked' WHEN mix < 94 THEN 'message.sent'
                  WHEN mix < 95 THEN 'authz.denied' WHEN mix < 98 THEN 'document.uploaded'
                  WHEN mix < 99 THEN 'audit.search' ELSE 'payment.checkout' END AS action,
             CASE WHEN mix < 9 THEN 'PATIENT' WHEN mix < 45 THEN 'DOCTOR' WHEN mix < 55 THEN 'PATIENT'
                  WHEN mix < 65 THEN 'DOCTOR' WHEN mix < 72 THEN 'PATIENT' WHEN mix < 75 THEN 'DOCTOR'
                  WHEN mix < 78 THEN 'PATIENT' WHEN mix < 80 THEN 'DOCTOR' WHEN mix < 91 THEN 'PATIENT'
                  WHEN mix < 94 THEN 'DOCTOR' WHEN mix < 95 THEN 'DOCTOR' WHEN mix < 98 THEN 'PATIENT'
                  WHEN mix < 99 THEN 'ADMIN' ELSE 'PATIENT' END AS who
        FROM (
          SELECT g,
                 abs(hashint8(g * 7 + 3)) % 100 AS mix,
                 abs(hashint8(g * 11 + 5)) % 100 AS fail,
                 md5('bench-patient-' || (abs(hashint8(g)) % ${PATIENTS}))::uuid AS patient,
                 ($5::uuid[])[1 + abs(hashint8(g * 3 + 1)) % ${DOCTORS}] AS doctor,
                 md5('bench-admin-' || (abs(hashint8(g * 5 + 2)) % ${ADMINS}))::uuid AS admin
            FROM generate_series($1::bigint, $2::bigint) g
        ) r
    ) x`;

/** A database of its own on the same server, migrated; returns its URL. */
async function createBenchDatabase(serverUrl: string): Promise<string> {
  const admin = new URL(serverUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  const name = "haven_audit_viewer_bench";
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return url.toString();
}

async function insertRows(url: string, doctorIds: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  try {
    const end = Date.now() - 3_600_000;
    const start = end - DAYS * 86_400_000;
    const step = (end - start) / ROWS;
    for (let lo = 1; lo <= ROWS; lo += CHUNK) {
      const hi = Math.min(ROWS, lo + CHUNK - 1);
      await client.query(INSERT_CHUNK, [lo, hi, new Date(start), step, doctorIds]);
      process.stdout.write(
        `\r[bench] audit viewer: ${hi.toLocaleString("en")} of ${ROWS.toLocaleString("en")} rows`,
      );
    }
    process.stdout.write("\n");
    await client.query("ANALYZE audit_log");
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1000;
}

async function patientUuids(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `SELECT md5('bench-patient-' || i)::uuid::text AS id FROM generate_series(0, ${PATIENTS - 1}) i`,
    );
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Runs on the bench's PostgreSQL (any database URL of that server); restores DATABASE_URL after. */
export async function runAuditViewerBench(serverUrl: string): Promise<AuditViewerBench> {
  const writable = process.env as Record<string, string | undefined>;
  const previousUrl = writable.DATABASE_URL;
  console.log(`\n[bench] audit viewer: ${ROWS.toLocaleString("en")} audit rows in a database of their own…`);
  const url = await createBenchDatabase(serverUrl);
  writable.DATABASE_URL = url;
  resetEnvCache();
  await disconnectDb();
  try {
    // The doctors' ids first: the bulk rows (stamped over the last 90 days) go in before the
    // accounts are created, so insertion order and time agree as they do in a real log.
    const doctorIds = Array.from({ length: DOCTORS }, () => randomUUID());
    const insertSeconds = await insertRows(url, doctorIds);
    // Real doctor accounts (through the data layer), so the list shows their display names.
    await runAsSystem("bench", async () => {
      for (const [i, id] of doctorIds.entries()) {
        await getDb().user.create({
          data: {
            id,
            email: `bench.audit.doctor${i}@bench.test`,
            role: "DOCTOR",
            doctorProfile: { create: { displayName: `Dr. Audit ${i}`, specialty: "Family Medicine" } },
          },
          select: { id: true },
        });
      }
    });
    console.log(`[bench] audit viewer: inserted in ${insertSeconds.toFixed(1)} s`);
    const patients = await patientUuids(url);
    const admin: AuthenticatedActor = {
      userId: randomUUID(),
      role: "ADMIN",
      sessionId: randomUUID(),
      idleExpiresAt: new Date(Date.now() + 3_600_000),
    };
    const asAdmin = <T>(fn: () => Promise<T>) =>
      runAsActor({ kind: "user", userId: admin.userId, role: "ADMIN" }, fn);

    const now = Date.now() - 3_600_000;
    const randomDay = (days: number) => {
      const to = new Date(now - Math.floor(Math.random() * (DAYS - days)) * 86_400_000);
      return { from: new Date(to.getTime() - days * 86_400_000), to };
    };
    const ACTIONS = [
      "phi.read",
      "phi.update",
      "auth.sign-in",
      "message.sent",
      "authz.denied",
      "audit.search",
    ];
    const scenarios: { name: string; filter: () => AuditFilter; secondPage?: boolean }[] = [
      { name: "patient (subject)", filter: () => ({ ...EMPTY_FILTER, subjectId: pick(patients) }) },
      { name: "user (actor, a doctor)", filter: () => ({ ...EMPTY_FILTER, actorId: pick(doctorIds) }) },
      {
        name: "action + outcome",
        filter: () => ({
          ...EMPTY_FILTER,
          action: { kind: "exact", value: pick(ACTIONS) },
          outcome: pick(["SUCCESS", "FAILURE", "DENIED"] as const),
        }),
      },
      { name: "time range (1 day)", filter: () => ({ ...EMPTY_FILTER, ...randomDay(1) }) },
      {
        name: "patient + 7 days",
        filter: () => ({ ...EMPTY_FILTER, subjectId: pick(patients), ...randomDay(7) }),
      },
      {
        name: "action prefix auth. + FAILURE",
        filter: () => ({ ...EMPTY_FILTER, action: { kind: "prefix", value: "auth." }, outcome: "FAILURE" }),
      },
      {
        name: "page 2 (keyset) of a doctor",
        filter: () => ({ ...EMPTY_FILTER, actorId: pick(doctorIds) }),
        secondPage: true,
      },
    ];

    // Warm the pool and the plans.
    for (let i = 0; i < 20; i += 1)
      await asAdmin(() => listAuditEvents(admin, scenarios[i % 3]!.filter(), null));

    const results: AuditViewerBench["filters"] = [];
    for (const scenario of scenarios) {
      const latencies: number[] = [];
      let rowsSeen = 0;
      for (let i = 0; i < ITERATIONS; i += 1) {
        const filter = scenario.filter();
        let cursor: AuditCursor = null;
        if (scenario.secondPage) cursor = (await auditPageOf(filter, null)).older;
        const t0 = performance.now();
        const page = await asAdmin(() => listAuditEvents(admin, filter, cursor));
        latencies.push(performance.now() - t0);
        rowsSeen += page.rows.length;
      }
      latencies.sort((a, b) => a - b);
      // The plan of one representative query of this filter.
      const sample = scenario.filter();
      const cursor = scenario.secondPage ? (await auditPageOf(sample, null)).older : null;
      const query = await auditRowsQuery(sample, {
        before: cursor?.sequence ?? null,
        limit: AUDIT_PAGE_SIZE + 1,
      });
      const plan = query
        ? await transaction(async () => {
            await auditLogReader().$queryRaw(ORDERED_SCANS_ONLY);
            const rows = await auditLogReader().$queryRaw<{ "QUERY PLAN": string }[]>(
              Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`,
            );
            return rows.map((row) => row["QUERY PLAN"]);
          })
        : ["(no query: nothing can match)"];
      results.push({
        name: scenario.name,
        p50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
        p95Ms: Number(percentile(latencies, 0.95).toFixed(2)),
        maxMs: Number((latencies.at(-1) ?? 0).toFixed(2)),
        meanRows: Number((rowsSeen / ITERATIONS).toFixed(1)),
        plan,
      });
    }

    // The page's charts: one grouped count over the range (it reads every row of the range).
    const charts: AuditViewerBench["charts"] = [];
    for (const [name, filter] of [
      ["chart: all, last 14 days by day", () => EMPTY_FILTER],
      ["chart: a patient, last 14 days", () => ({ ...EMPTY_FILTER, subjectId: pick(patients) })],
      ["chart: all, one day by hour", () => ({ ...EMPTY_FILTER, ...randomDay(1) })],
    ] as const) {
      const latencies: number[] = [];
      let events = 0;
      for (let i = 0; i < CHART_ITERATIONS; i += 1) {
        const t0 = performance.now();
        const activity = await asAdmin(() => auditActivity(admin, filter(), "Europe/Berlin", new Date(now)));
        latencies.push(performance.now() - t0);
        events += activity.buckets.reduce((sum, bucket) => sum + bucket.total, 0);
      }
      latencies.sort((a, b) => a - b);
      charts.push({
        name,
        p50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
        p95Ms: Number(percentile(latencies, 0.95).toFixed(2)),
        meanEvents: Math.round(events / CHART_ITERATIONS),
      });
    }

    console.log(
      `\nAudit viewer, ${ROWS.toLocaleString("en")} rows: one page (listAuditEvents: query + names + its audit row), ${ITERATIONS}× per filter, random values; target p95 < ${TARGET_P95_MS} ms\n`,
    );
    console.log(
      `${"filter".padEnd(34)} ${"p50".padStart(9)} ${"p95".padStart(9)} ${"max".padStart(9)} ${"rows".padStart(6)}  plan`,
    );
    for (const r of results) {
      const scan =
        r.plan
          .find((line) => /Scan|Append/.test(line))
          ?.trim()
          .replace(/\s+\(cost.*$/, "") ?? "";
      console.log(
        `${r.name.padEnd(34)} ${`${r.p50Ms}ms`.padStart(9)} ${`${r.p95Ms}ms`.padStart(9)} ${`${r.maxMs}ms`.padStart(9)} ${String(r.meanRows).padStart(6)}  ${r.p95Ms < TARGET_P95_MS ? "" : "OVER TARGET  "}${scan}`,
      );
    }
    for (const chart of charts) {
      console.log(
        `${chart.name.padEnd(34)} ${`${chart.p50Ms}ms`.padStart(9)} ${`${chart.p95Ms}ms`.padStart(9)}  (${CHART_ITERATIONS}×, ${chart.meanEvents} events counted)`,
      );
    }
    return {
      rows: ROWS,
      charts,
      insertSeconds: Number(insertSeconds.toFixed(1)),
      iterations: ITERATIONS,
      targetP95Ms: TARGET_P95_MS,
      filters: results,
    };
  } finally {
    await disconnectDb();
    writable.DATABASE_URL = previousUrl;
    resetEnvCache();
  }
}

// Alone: its own PostgreSQL and configuration, the table on screen, the plans in full.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { startPostgres } = await import("./postgres-server");
  const postgres = await startPostgres({ database: "haven_bench" });
  try {
    const writable = process.env as Record<string, string | undefined>;
    Object.assign(writable, Object.fromEntries(SECRET_SPECS.map((spec) => [spec.name, spec.generate()])), {
      DATABASE_URL: postgres.url,
      LOG_LEVEL: "warn",
      SMTP_URL: "smtp://127.0.0.1:9",
    });
    resetEnvCache();
    const result = await runAuditViewerBench(postgres.url);
    if (process.env.BENCH_AUDIT_PLANS === "1") {
      for (const r of result.filters) console.log(`\n${r.name}\n  ${r.plan.join("\n  ")}`);
    }
  } finally {
    postgres.stop();
  }
}
