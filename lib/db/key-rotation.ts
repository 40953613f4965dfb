// Key rotation, while the app keeps serving. PHI values are encrypted with
// per-person data keys (data-keys.ts), which are wrapped by the key ring: moving
// to a new ring key re-wraps the data keys (one small row per person, seconds),
// and the data itself stays as it is. Values still in the legacy format (v1,
// directly under a ring key) are converted to their owner's data key, row by
// row with a compare-and-set on the old ciphertexts, so a concurrent write is
// never overwritten (the row is read again). Resumable and idempotent.
import "server-only";
import type { AuditKeys } from "@/lib/audit/keys";
import { appendAuditEvents } from "@/lib/audit/writer";
import {
  type KeySource,
  decryptField,
  encryptField,
  envelopeKey,
  unwrapDataKey,
  wrapDataKey,
} from "@/lib/crypto/field-cipher";
import type { KeyRing } from "@/lib/crypto/keyring";
import { currentContext } from "@/lib/request-context";
import type { PrismaClient } from "./generated/client";
import { readModelMetadata } from "./phi-extension";
import { createDataKeyStore } from "./data-keys";
import { PHI_MODELS, phiOwnerField } from "./phi-fields";

export interface DataKeyRotationReport {
  /** Data keys wrapped by an older ring key, and those re-wrapped by the active one. */
  scanned: number;
  rewrapped: number;
}

export interface RotationReport {
  dataKeys: DataKeyRotationReport;
  /** Legacy values converted to their owner's data key, per model. */
  models: ModelRotationReport[];
}

export interface ModelRotationReport {
  model: string;
  scanned: number;
  rotated: number;
  alreadyCurrent: number;
  retried: number;
}

type Row = Record<string, unknown> & { id: string };
type Delegate = {
  findMany(args: unknown): Promise<Row[]>;
  findUnique(args: unknown): Promise<Row | null>;
  updateMany(args: unknown): Promise<{ count: number }>;
};

const MAX_ATTEMPTS = 5;

/** Re-wraps every data key not yet wrapped by the ring's active key (compare-and-set per key). */
async function rewrapDataKeys(base: PrismaClient, keyRing: KeyRing, batchSize: number) {
  const report: DataKeyRotationReport = { scanned: 0, rewrapped: 0 };
  for (;;) {
    const rows = await base.$queryRaw<{ id: string; owner_id: string; wrapped_key: string }[]>`
      SELECT id::text, owner_id::text, wrapped_key FROM data_keys
       WHERE ring_key_id <> ${keyRing.activeKeyId} ORDER BY id LIMIT ${batchSize}`;
    if (rows.length === 0) return report;
    for (const row of rows) {
      report.scanned += 1;
      const owner = { dataKeyId: row.id, ownerId: row.owner_id };
      const { wrapped, ringKeyId } = wrapDataKey(
        unwrapDataKey(row.wrapped_key, owner, keyRing),
        owner,
        keyRing,
      );
      report.rewrapped += await base.$executeRaw`
        UPDATE data_keys SET wrapped_key = ${wrapped}, ring_key_id = ${ringKeyId}
         WHERE id = ${row.id}::uuid AND wrapped_key = ${row.wrapped_key}`;
    }
  }
}

export async function rotateEncryptionKeys(
  base: PrismaClient,
  keyRing: KeyRing,
  auditKeys: AuditKeys,
  options: { batchSize?: number; onBatch?: (report: ModelRotationReport) => void } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 200;
  const metadata = readModelMetadata(base);
  const reports: ModelRotationReport[] = [];
  const dataKeys = await rewrapDataKeys(base, keyRing, batchSize);
  const store = createDataKeyStore(keyRing);
  const ringOnly: KeySource = { ring: keyRing, dataKey: () => undefined };

  for (const [model, phiFields] of Object.entries(PHI_MODELS)) {
    const meta = metadata.get(model)!;
    const fields = Object.keys(phiFields);
    const keepsUpdatedAt = meta.fields.has("updatedAt");
    const delegate = (base as unknown as Record<string, Delegate>)[
      model.charAt(0).toLowerCase() + model.slice(1)
    ]!;
    const ownerField = phiOwnerField(model);
    const select = Object.fromEntries(
      ["id", ownerField, ...fields, ...(keepsUpdatedAt ? ["updatedAt"] : [])].map((f) => [f, true]),
    );
    const report: ModelRotationReport = { model, scanned: 0, rotated: 0, alreadyCurrent: 0, retried: 0 };
    const bind = (field: string, rowId: string) => ({
      table: meta.dbName,
      column: meta.fields.get(field)!.dbName,
      rowId,
    });

    /** The new ciphertexts for legacy fields, or null when every value is on its owner's data key. */
    const reencrypt = async (row: Row): Promise<Record<string, string> | null> => {
      const changes: Record<string, string> = {};
      for (const field of fields) {
        const stored = row[field];
        if (typeof stored !== "string") continue;
        const binding = bind(field, row.id);
        if (envelopeKey(stored, binding).version === "v2") continue;
        const dataKey = await store.forOwner(base, String(row[ownerField]));
        changes[field] = encryptField(decryptField(stored, binding, ringOnly), binding, dataKey);
      }
      return Object.keys(changes).length ? changes : null;
    };

    let cursor: string | undefined;
    for (;;) {
      const rows = await delegate.findMany({
        where: cursor ? { id: { gt: cursor } } : {},
        orderBy: { id: "asc" },
        take: batchSize,
        select,
      });
      if (rows.length === 0) break;
      cursor = rows[rows.length - 1]!.id;

      for (const original of rows) {
        report.scanned += 1;
        let row: Row | null = original;
        for (let attempt = 1; row; attempt += 1) {
          const changes = await reencrypt(row);
          if (!changes) {
            if (attempt === 1) report.alreadyCurrent += 1;
            else report.rotated += 1; // a concurrent writer re-encrypted it with the active key
            break;
          }
          const unchanged = Object.fromEntries(Object.keys(changes).map((field) => [field, row![field]]));
          const { count } = await delegate.updateMany({
            where: { id: row.id, ...unchanged },
            data: { ...changes, ...(keepsUpdatedAt ? { updatedAt: row.updatedAt } : {}) },
          });
          if (count === 1) {
            report.rotated += 1;
            break;
          }
          if (attempt >= MAX_ATTEMPTS)
            throw new Error(`${model} row ${row.id} kept changing during rotation`);
          report.retried += 1;
          row = await delegate.findUnique({ where: { id: row.id }, select });
        }
      }
      options.onBatch?.({ ...report });
    }
    reports.push(report);
  }

  await base.$transaction((tx) =>
    appendAuditEvents(
      tx,
      auditKeys,
      [
        {
          action: "keys.rotate",
          resourceType: "DataKey",
          details: { activeKeyId: keyRing.activeKeyId, rewrapped: dataKeys.rewrapped },
        },
        ...reports.map((r) => ({
          action: "keys.rotate",
          resourceType: r.model,
          details: {
            activeKeyId: keyRing.activeKeyId,
            scanned: r.scanned,
            converted: r.rotated,
            retried: r.retried,
          },
        })),
      ],
      currentContext(),
    ),
  );
  return { dataKeys, models: reports };
}
