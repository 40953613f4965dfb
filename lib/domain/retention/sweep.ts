// The retention job ("retention.sweep", scheduled by the job queue; also "Run now" on
// /admin/retention): destroys what has outlived its retention period (policy.ts), except the data
// of patients under a legal hold, and records every destruction on the audit chain.
//
// Each batch is one transaction that takes the retention lock (two runs never interleave a batch),
// declares SET LOCAL haven.lifecycle = 'destroy' (the record's guards refuse deletes otherwise),
// selects, deletes, writes one `retention.destroyed` audit row per item and updates the run's row.
// Raw SQL goes through transactionClient(): getDb()'s raw queries would run outside the transaction.
//
// Files: a document's row (and so its file key: the bytes become unreadable at once) is deleted
// in the transaction, its storage key is written into the run's row in that same transaction, and
// the encrypted file is removed from the store after commit. A removal that fails is logged (the
// opaque key only) and stays in the run's list, which the next run takes over and retries. A row
// never points at a missing file.
import "server-only";
import { pruneAuditChainStart } from "@/lib/audit/prune";
import {
  afterCommit,
  getDb,
  recordAuditEvent,
  sealerConnection,
  transaction,
  transactionClient,
} from "@/lib/db/client";
import { patientsOnLegalHold } from "@/lib/domain/patient-rights/legal-hold";
import { documentStore } from "@/lib/integrations/storage";
import { describeError, logger } from "@/lib/logger";
import { runAsSystem } from "@/lib/request-context";
import {
  type RetentionCounts,
  countsOf,
  creationDay,
  emptyCounts,
  retentionCutoff,
  retentionDaysOf,
} from "./policy";

/** pg_advisory_xact_lock key of a retention batch (distinct from the sealer's and the monitor's). */
const RETENTION_LOCK = 7_244_913_601;
const DEFAULT_BATCH_SIZE = 200;

export interface RetentionRunReport {
  runId: string;
  asOf: Date;
  counts: RetentionCounts;
  heldBack: number;
  error: string | null;
}

interface ExpiredRow {
  id: string;
  patient_id: string;
  created_at: Date;
}

interface Run {
  id: string;
  counts: RetentionCounts;
}

const heldBackTotal = (counts: RetentionCounts) =>
  counts.heldBack.messages + counts.heldBack.documents + counts.heldBack.auditLog;

/** Writes the run's counts in the current transaction (or on their own). */
async function saveRun(run: Run): Promise<void> {
  await getDb().retentionRun.update({
    where: { id: run.id },
    data: { destroyed: { ...run.counts }, heldBack: heldBackTotal(run.counts) },
    select: { id: true },
  });
}

/** Opens a destroy batch: the retention lock, then the lifecycle setting the triggers check. */
async function beginDestroyBatch() {
  const tx = transactionClient();
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RETENTION_LOCK}::bigint)`;
  await tx.$executeRaw`SELECT set_config('haven.lifecycle', 'destroy', true)`;
  return tx;
}

async function auditDestroyed(
  resourceType: "Message" | "Document",
  dataType: "messages" | "documents",
  retentionDays: number,
  rows: readonly ExpiredRow[],
): Promise<void> {
  for (const row of rows) {
    await recordAuditEvent({
      action: "retention.destroyed",
      resourceType,
      resourceId: row.id,
      subjectId: row.patient_id,
      details: { dataType, createdAt: creationDay(row.created_at), retentionDays },
    });
  }
}

async function destroyExpiredMessages(run: Run, now: Date, held: string[], batchSize: number) {
  const days = retentionDaysOf("messages");
  const cutoff = retentionCutoff(now, days);
  for (;;) {
    const destroyed = await transaction(async () => {
      const tx = await beginDestroyBatch();
      const rows = await tx.$queryRaw<ExpiredRow[]>`
        SELECT id::text, patient_id::text, created_at FROM messages
         WHERE created_at < ${cutoff} AND NOT (patient_id = ANY(${held}::uuid[]))
           -- A hold placed after the run began counts from the next batch on.
           AND NOT EXISTS (SELECT 1 FROM legal_holds h
                            WHERE h.patient_id = messages.patient_id AND h.released_at IS NULL)
         ORDER BY created_at, id
         LIMIT ${batchSize}`;
      if (rows.length === 0) return 0;
      await tx.$executeRaw`DELETE FROM messages WHERE id = ANY(${rows.map((row) => row.id)}::uuid[])`;
      await auditDestroyed("Message", "messages", days, rows);
      run.counts.messages += rows.length;
      await saveRun(run);
      return rows.length;
    });
    if (destroyed < batchSize) break;
  }
  const [heldBack] = await transaction(
    () =>
      transactionClient().$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM messages
       WHERE created_at < ${cutoff} AND patient_id = ANY(${held}::uuid[])`,
  );
  run.counts.heldBack.messages = heldBack?.n ?? 0;
}

/** Removes encrypted files whose rows are gone; returns the keys whose removal failed. */
async function removeStoredFiles(storageKeys: readonly string[]): Promise<string[]> {
  const store = documentStore();
  const failed: string[] = [];
  for (const key of storageKeys) {
    try {
      await store.delete(key);
    } catch (error) {
      // The storage key is random and says nothing about the file or its patient.
      logger.error("retention: removing a destroyed document's file failed; retried next run", {
        storageKey: key,
        ...describeError(error),
      });
      failed.push(key);
    }
  }
  return failed;
}

/** Removes the listed files, and keeps only the failures in the run's list. */
async function settleFileRemovals(run: Run, storageKeys: readonly string[]): Promise<void> {
  if (storageKeys.length === 0) return;
  const failed = new Set(await removeStoredFiles(storageKeys));
  const removed = new Set(storageKeys.filter((key) => !failed.has(key)));
  run.counts.filesPendingRemoval = run.counts.filesPendingRemoval.filter((key) => !removed.has(key));
  await saveRun(run);
}

async function destroyExpiredDocuments(run: Run, now: Date, held: string[], batchSize: number) {
  const days = retentionDaysOf("documents");
  const cutoff = retentionCutoff(now, days);
  for (;;) {
    const removals: Array<Promise<void>> = [];
    const destroyed = await transaction(async () => {
      const tx = await beginDestroyBatch();
      // A document a kept message still carries stays with it (counted below).
      const rows = await tx.$queryRaw<(ExpiredRow & { storage_key: string })[]>`
        SELECT d.id::text, d.patient_id::text, d.created_at, d.storage_key FROM documents d
         WHERE d.created_at < ${cutoff} AND NOT (d.patient_id = ANY(${held}::uuid[]))
           AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.patient_id = d.patient_id AND h.released_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.document_id = d.id)
         ORDER BY d.created_at, d.id
         LIMIT ${batchSize}
           FOR UPDATE OF d`;
      if (rows.length === 0) return 0;
      await tx.$executeRaw`DELETE FROM documents WHERE id = ANY(${rows.map((row) => row.id)}::uuid[])`;
      await auditDestroyed("Document", "documents", days, rows);
      const storageKeys = rows.map((row) => row.storage_key);
      run.counts.documents += rows.length;
      run.counts.filesPendingRemoval.push(...storageKeys);
      await saveRun(run);
      afterCommit(() => {
        removals.push(settleFileRemovals(run, storageKeys));
      });
      return rows.length;
    });
    await Promise.all(removals);
    if (destroyed < batchSize) break;
  }
  const [counts] = await transaction(
    () =>
      transactionClient().$queryRaw<{ held: number; attached: number }[]>`
      SELECT count(*) FILTER (WHERE d.patient_id = ANY(${held}::uuid[]))::int AS held,
             count(*) FILTER (WHERE NOT (d.patient_id = ANY(${held}::uuid[])))::int AS attached
        FROM documents d
       WHERE d.created_at < ${cutoff}
         AND (d.patient_id = ANY(${held}::uuid[])
              OR EXISTS (SELECT 1 FROM messages m WHERE m.document_id = d.id))`,
  );
  run.counts.heldBack.documents = counts?.held ?? 0;
  run.counts.documentsKeptForMessages = counts?.attached ?? 0;
}

async function pruneExpiredAuditLog(run: Run, now: Date, held: ReadonlySet<string>, batchSize: number) {
  const days = retentionDaysOf("auditLog");
  const cutoff = retentionCutoff(now, days);
  const { auditKeys } = sealerConnection();
  for (;;) {
    const result = await transaction(async () => {
      const tx = transactionClient();
      const pruned = await pruneAuditChainStart(tx, auditKeys, {
        cutoff,
        retentionDays: days,
        heldSubjects: held,
        batchSize,
      });
      if (pruned.batch) {
        await recordAuditEvent({
          action: "retention.destroyed",
          resourceType: "AuditLog",
          details: {
            dataType: "auditLog",
            fromSeal: Number(pruned.batch.fromSeal),
            throughSeal: Number(pruned.batch.throughSeal),
            rows: pruned.batch.rows,
            retentionDays: days,
          },
        });
        run.counts.auditLog += pruned.batch.rows;
        await saveRun(run);
      }
      return pruned;
    });
    if (result.stoppedBy !== "batch" || !result.batch) {
      if (result.stoppedBy === "legal-hold") {
        run.counts.auditLogStoppedAtHold = true;
        const [remaining] = await transaction(
          () =>
            transactionClient().$queryRaw<{ n: number }[]>`
            SELECT count(*)::int AS n FROM audit_log WHERE occurred_at < ${cutoff}`,
        );
        run.counts.heldBack.auditLog = remaining?.n ?? 0;
      }
      return;
    }
  }
}

/** What the previous run could not remove from the store: this run takes it over. */
async function filesLeftByEarlierRuns(): Promise<string[]> {
  const previous = await getDb().retentionRun.findFirst({
    orderBy: { startedAt: "desc" },
    select: { destroyed: true },
  });
  return countsOf(previous?.destroyed).filesPendingRemoval;
}

/**
 * One retention run as of `now` (injectable: tests control the clock). Records a retention_runs
 * row with its counts; on failure records the error there too, then throws (the queue retries;
 * every batch already committed stays done and audited).
 */
export async function runRetention(
  options: { now?: Date; batchSize?: number } = {},
): Promise<RetentionRunReport> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  return runAsSystem("jobs.retention", async () => {
    const counts = emptyCounts();
    counts.filesPendingRemoval = await filesLeftByEarlierRuns();
    const created = await getDb().retentionRun.create({
      data: { asOf: now, destroyed: { ...counts } },
      select: { id: true },
    });
    const run: Run = { id: created.id, counts };
    let error: string | null = null;
    try {
      await settleFileRemovals(run, [...counts.filesPendingRemoval]);
      const heldPatients = await patientsOnLegalHold();
      const held = [...heldPatients];
      await destroyExpiredMessages(run, now, held, batchSize);
      await destroyExpiredDocuments(run, now, held, batchSize);
      await pruneExpiredAuditLog(run, now, heldPatients, batchSize);
    } catch (caught) {
      // The error's class and message: the statements here carry ids at most, never PHI.
      const { errorName, errorMessage } = describeError(caught);
      error = `${String(errorName)}${errorMessage ? `: ${String(errorMessage).slice(0, 500)}` : ""}`;
      logger.error("retention run failed", { runId: run.id, ...describeError(caught) });
      // Only the error: the counts (and files still to remove) stay as the last committed batch
      // saved them. What memory holds may include a batch that rolled back, whose files must stay.
      await getDb().retentionRun.update({
        where: { id: run.id },
        data: { finishedAt: new Date(), error },
        select: { id: true },
      });
      throw caught;
    }
    await getDb().retentionRun.update({
      where: { id: run.id },
      data: { destroyed: { ...run.counts }, heldBack: heldBackTotal(run.counts), finishedAt: new Date() },
      select: { id: true },
    });
    logger.info("retention run finished", {
      runId: run.id,
      messages: run.counts.messages,
      documents: run.counts.documents,
      auditLog: run.counts.auditLog,
      heldBack: heldBackTotal(run.counts),
    });
    return { runId: run.id, asOf: now, counts: run.counts, heldBack: heldBackTotal(run.counts), error };
  });
}
