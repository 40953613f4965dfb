// What `npm run bench`'s clinic scenarios (messages, documents, the mixed
// workload, two instances) need around the load itself: care relationships and
// threads to talk in, a document per patient to download, fresh rate-limit
// buckets between steps, and the servers' memory while they run.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import type { Db } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { runAsSystem } from "@/lib/request-context";
import { benchPdf, multipartUpload } from "./bench-workload";

const execFileAsync = promisify(execFile);

/** The upload every document scenario sends: a 200 KB PDF, a typical scanned letter or lab report. */
export const UPLOAD_BYTES = 200 * 1024;
const UPLOAD_PDF = benchPdf(UPLOAD_BYTES);

export function uploadBody(patientId: string): { body: Buffer; contentType: string } {
  return multipartUpload(
    { patientId },
    { field: "file", name: "lab-report.pdf", type: "application/pdf", bytes: UPLOAD_PDF },
  );
}

/**
 * Gives every bench patient a past, completed visit with one of the bench
 * doctors (the care relationship messaging needs), the thread of that pair and
 * one message each way, so a thread read returns messages from the start.
 * Returns each patient's thread id, in the order of `patientIds`.
 */
export async function seedCare(db: Db, patientIds: string[], doctorIds: string[]): Promise<string[]> {
  const threadIds: string[] = new Array<string>(patientIds.length);
  // Past visits an hour apart: no two of a doctor's visits overlap, and none is active.
  const firstVisit = Date.now() - 90 * 86_400_000;
  const one = async (index: number) => {
    const patientId = patientIds[index]!;
    const doctorId = doctorIds[index % doctorIds.length]!;
    const startsAt = new Date(firstVisit + index * 3_600_000);
    await db.appointment.create({
      data: {
        doctorId,
        patientId,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 30 * 60_000),
        status: "COMPLETED",
        confirmedAt: startsAt,
        reason: "Follow-up on blood pressure readings",
        feeMinor: 0,
        currency: "EUR",
      },
      select: { id: true },
    });
    const thread = await db.messageThread.create({
      data: { patientId, doctorId, lastMessageAt: new Date() },
      select: { id: true },
    });
    threadIds[index] = thread.id;
    for (const [senderId, body] of [
      [doctorId, "Your results are in; the readings look better. Keep the current dose."],
      [patientId, "Thank you, I will. Should I still measure twice a day?"],
    ] as const) {
      await db.message.create({
        data: { id: randomUUID(), threadId: thread.id, patientId, senderId, body },
        select: { id: true },
      });
    }
  };
  await runAsSystem("bench", async () => {
    // A few at a time: the pool has ten connections.
    for (let start = 0; start < patientIds.length; start += 8) {
      await Promise.all(patientIds.slice(start, start + 8).map((_, offset) => one(start + offset)));
    }
  });
  return threadIds;
}

/**
 * Empties the rate-limit buckets. The benchmark's few hundred users each make far
 * more requests in a run than the per-user limits (100 API requests in 15 min,
 * 30 messages in 5 min) allow a person, so each step starts with fresh buckets;
 * the limit is still spent and checked on every request, as in production.
 */
export async function resetRateLimits(db: PrismaClient): Promise<void> {
  await db.$executeRaw`DELETE FROM rate_limits`;
}

/** The newest downloadable document of each patient, by patient id. */
export async function documentsByPatient(db: PrismaClient): Promise<Map<string, string>> {
  const rows = await db.$queryRaw<{ id: string; patient_id: string }[]>`
    SELECT DISTINCT ON (patient_id) id::text, patient_id::text FROM documents
     WHERE scan_status IN ('CLEAN', 'NOT_SCANNED')
     ORDER BY patient_id, created_at DESC`;
  return new Map(rows.map((row) => [row.patient_id, row.id]));
}

/**
 * Makes sure every patient has a document to download, uploading the bench PDF
 * through the real route (a few at a time) for those who have none yet.
 * `cookieOf(index)` is patient `index`'s session cookie.
 */
export async function ensureDocuments(
  db: PrismaClient,
  base: string,
  patientIds: string[],
  cookieOf: (index: number) => string,
): Promise<Map<string, string>> {
  const existing = await documentsByPatient(db);
  const missing = patientIds.map((id, index) => ({ id, index })).filter(({ id }) => !existing.has(id));
  for (let start = 0; start < missing.length; start += 8) {
    await Promise.all(
      missing.slice(start, start + 8).map(async ({ id, index }) => {
        const { body, contentType } = uploadBody(id);
        const response = await fetch(`${base}/api/documents`, {
          method: "POST",
          headers: { cookie: cookieOf(index), "content-type": contentType, origin: base },
          body: new Uint8Array(body),
        });
        if (response.status !== 201) {
          throw new Error(`priming a document for the download scenarios answered ${response.status}`);
        }
        await response.arrayBuffer();
      }),
    );
  }
  return missing.length ? documentsByPatient(db) : existing;
}

/** The resident memory (MiB) of every process in the given process groups, summed per group. */
async function rssOfGroups(groups: readonly number[]): Promise<number[]> {
  const { stdout } = await execFileAsync("ps", ["-e", "-o", "pgid=,rss="]);
  const totals = groups.map(() => 0);
  for (const line of stdout.split("\n")) {
    const [pgid, rss] = line.trim().split(/\s+/).map(Number);
    const at = groups.indexOf(pgid ?? -1);
    if (at !== -1 && Number.isFinite(rss)) totals[at]! += rss! / 1024;
  }
  return totals;
}

export interface RssSampler {
  /** Stops sampling: each group's peak and last RSS in MiB (rounded). */
  stop(): Promise<{ peakMb: number[]; lastMb: number[] }>;
}

/** Samples the servers' RSS twice a second while a scenario runs (servers are started detached: pgid = pid). */
export function sampleRss(groups: readonly number[]): RssSampler {
  const peak = groups.map(() => 0);
  let last = groups.map(() => 0);
  let sampling: Promise<void> = Promise.resolve();
  const sample = () => {
    sampling = rssOfGroups(groups)
      .then((values) => {
        last = values;
        values.forEach((value, i) => (peak[i] = Math.max(peak[i]!, value)));
      })
      .catch(() => undefined);
  };
  sample();
  const timer = setInterval(sample, 500);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      return { peakMb: peak.map(Math.round), lastMb: last.map(Math.round) };
    },
  };
}
