// Re-encrypts every PHI value to the active key, in small batches, while the
// app keeps serving: each row is swapped with a compare-and-set on its old
// ciphertexts, so a concurrent write is never overwritten (the row is simply
// read again). Resumable: rows already on the active key are skipped.
import "server-only";
import type { AuditKeys } from "@/lib/audit/keys";
import { appendAuditEvents } from "@/lib/audit/writer";
import { decryptField, encryptField, envelopeKeyId } from "@/lib/crypto/field-cipher";
import type { KeyRing } from "@/lib/crypto/keyring";
import { currentContext } from "@/lib/request-context";
import type { PrismaClient } from "./generated/client";
import { readModelMetadata } from "./phi-extension";
import { PHI_MODELS } from "./phi-fields";

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

export async function rotateEncryptionKeys(
  base: PrismaClient,
  keyRing: KeyRing,
  auditKeys: AuditKeys,
  options: { batchSize?: number; onBatch?: (report: ModelRotationReport) => void } = {},
): Promise<ModelRotationReport[]> {
  const batchSize = options.batchSize ?? 200;
  const metadata = readModelMetadata(base);
  const reports: ModelRotationReport[] = [];

  for (const [model, phiFields] of Object.entries(PHI_MODELS)) {
    const meta = metadata.get(model)!;
    const fields = Object.keys(phiFields);
    const keepsUpdatedAt = meta.fields.has("updatedAt");
    const delegate = (base as unknown as Record<string, Delegate>)[
      model.charAt(0).toLowerCase() + model.slice(1)
    ]!;
    const select = Object.fromEntries(
      ["id", ...fields, ...(keepsUpdatedAt ? ["updatedAt"] : [])].map((f) => [f, true]),
    );
    const report: ModelRotationReport = { model, scanned: 0, rotated: 0, alreadyCurrent: 0, retried: 0 };
    const bind = (field: string, rowId: string) => ({
      table: meta.dbName,
      column: meta.fields.get(field)!.dbName,
      rowId,
    });

    /** The new ciphertexts for fields not yet on the active key, or null when the row is current. */
    const reencrypt = (row: Row): Record<string, string> | null => {
      const changes: Record<string, string> = {};
      for (const field of fields) {
        const stored = row[field];
        if (typeof stored !== "string") continue;
        const binding = bind(field, row.id);
        if (envelopeKeyId(stored, binding) === keyRing.activeKeyId) continue;
        changes[field] = encryptField(decryptField(stored, binding, keyRing), binding, keyRing);
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
          const changes = reencrypt(row);
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
      reports.map((r) => ({
        action: "keys.rotate",
        resourceType: r.model,
        details: {
          activeKeyId: keyRing.activeKeyId,
          scanned: r.scanned,
          rotated: r.rotated,
          retried: r.retried,
        },
      })),
      currentContext(),
    ),
  );
  return reports;
}
