// The data-layer micro-benchmark (part of `npm run bench`): what the encryption
// + audit layer costs without HTTP. Creates and reads patient profiles through
// the layer and through a plain Prisma client on the same real PostgreSQL, in
// one run, and reports throughput, latency and ratios.
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { auditKeysFrom } from "@/lib/audit/keys";
import { parseKeyRing } from "@/lib/crypto/keyring";
import { createBaseClient, createDb } from "@/lib/db/client";
import { runAsActor } from "@/lib/request-context";

const CREATES = Number(process.env.BENCH_CREATES ?? 400);
const READS = Number(process.env.BENCH_READS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface Result {
  name: string;
  ops: number;
  seconds: number;
  latencies: number[];
}

async function measure(
  name: string,
  ops: number,
  operation: (i: number) => Promise<unknown>,
): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ops) {
        const i = next++;
        const t0 = performance.now();
        await operation(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    name,
    ops,
    seconds: (performance.now() - started) / 1000,
    latencies: latencies.sort((a, b) => a - b),
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const throughput = (r: Result) => r.ops / r.seconds;

function row(r: Result): string {
  return `${r.name.padEnd(30)} ${throughput(r).toFixed(0).padStart(7)} ops/s   p50 ${percentile(r.latencies, 0.5).toFixed(2).padStart(6)} ms   p95 ${percentile(r.latencies, 0.95).toFixed(2).padStart(6)} ms`;
}

const profile = (i: number) => ({
  fullName: `Bench Patient ${i}`,
  dateOfBirth: "1980-01-01",
  phone: `+1555${String(i).padStart(7, "0")}`,
  allergies: "Penicillin",
  medicalHistory: "Type 2 diabetes, diagnosed 2019. ".repeat(4),
});

export interface DataLayerBench {
  rows: { name: string; opsPerSecond: number; p50Ms: number; p95Ms: number }[];
  createRatio: number;
  readRatio: number;
}

/** Runs on an already migrated database. */
export async function runDataLayerBench(url: string): Promise<DataLayerBench> {
  const plain = createBaseClient({ url, poolSize: 10, connectTimeoutMs: 5_000 });
  const layered = createDb(createBaseClient({ url, poolSize: 10, connectTimeoutMs: 5_000 }), {
    keyRing: parseKeyRing(`bench:${randomBytes(32).toString("base64")}`),
    blindIndexKey: randomBytes(32),
    audit: auditKeysFrom(randomBytes(32), randomBytes(32)),
  });
  const actor = { kind: "user", userId: randomUUID(), role: "DOCTOR" } as const;
  const asDoctor = <T>(fn: () => Promise<T>) => runAsActor(actor, fn);

  const plainIds: string[] = [];
  const layeredIds: string[] = [];
  // Warm both pools and code paths before measuring.
  for (let i = 0; i < 20; i += 1) {
    await plain.user.findMany({ take: 1 });
    await asDoctor(() => layered.doctorProfile.findMany({ take: 1 }));
  }

  const createPlain = await measure("create profile, plain", CREATES, async (i) => {
    const user = await plain.user.create({
      data: {
        email: `plain${i}@bench.test`,
        emailIndex: randomUUID(),
        role: "PATIENT",
        patientProfile: { create: profile(i) },
      },
    });
    plainIds.push(user.id);
  });
  const createLayered = await measure("create profile, encrypted+audit", CREATES, async (i) => {
    const user = await asDoctor(() =>
      layered.user.create({
        data: { email: `layered${i}@bench.test`, role: "PATIENT", patientProfile: { create: profile(i) } },
      }),
    );
    layeredIds.push(user.id);
  });
  const readPlain = await measure("read profile, plain", READS, (i) =>
    plain.patientProfile.findUnique({ where: { userId: plainIds[i % plainIds.length]! } }),
  );
  const readLayered = await measure("read profile, encrypted+audit", READS, (i) =>
    asDoctor(() =>
      layered.patientProfile.findUnique({ where: { userId: layeredIds[i % layeredIds.length]! } }),
    ),
  );

  console.log(`\nData layer, no HTTP (PostgreSQL, ${CONCURRENCY} concurrent clients, pool 10)\n`);
  const results = [createPlain, createLayered, readPlain, readLayered];
  for (const r of results) console.log(row(r));
  const createRatio = throughput(createLayered) / throughput(createPlain);
  const readRatio = throughput(readLayered) / throughput(readPlain);
  console.log(
    `\nlayer cost: create throughput ×${createRatio.toFixed(2)}, read throughput ×${readRatio.toFixed(2)} of the plain client`,
  );
  await plain.$disconnect();
  await layered.$disconnect();
  return {
    rows: results.map((r) => ({
      name: r.name,
      opsPerSecond: Math.round(throughput(r)),
      p50Ms: Number(percentile(r.latencies, 0.5).toFixed(2)),
      p95Ms: Number(percentile(r.latencies, 0.95).toFixed(2)),
    })),
    createRatio: Number(createRatio.toFixed(3)),
    readRatio: Number(readRatio.toFixed(3)),
  };
}
