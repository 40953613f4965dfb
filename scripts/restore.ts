// `npm run restore -- <backup-id|latest|path> [--database-url URL] [--documents-dir DIR] [--json]`:
// restores a backup into an EMPTY database (RESTORE_DATABASE_URL, else --database-url, else
// DATABASE_URL; the environment keeps the password out of `ps`), then checks it
// (lib/domain/backups/restore-backup.ts). Documents go to the deployment's document store, or to
// --documents-dir (the drill's throw-away directory). Exit 0 only when every check passed.
import { parseArgs } from "node:util";
import { z } from "zod";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { disconnectDb } from "@/lib/db/client";
import { backupKeyFromEnv, backupRepositoryFromEnv } from "@/lib/domain/backups/config";
import { type RestoreSummary, resolveBackup, restoreBackup } from "@/lib/domain/backups/restore-backup";
import { applyErasureLedger } from "@/lib/domain/patient-rights/erasure";
import { getEnv, resetEnvCache } from "@/lib/env";
import { documentStore } from "@/lib/integrations/storage";
import { loadProjectEnv } from "./lib/load-env";

const argsSchema = z.object({
  reference: z.string({ error: "name the backup: an id, latest, or a path" }).min(1),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "--database-url must be a postgresql:// URL")
    .optional(),
  documentsDir: z.string().min(1).optional(),
  json: z.boolean(),
});

loadProjectEnv();
let summary: RestoreSummary | null = null;
let failure: string | null = null;
let json = false;
try {
  const { values, positionals } = parseArgs({
    options: {
      "database-url": { type: "string" },
      "documents-dir": { type: "string" },
      json: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  const args = argsSchema.parse({
    reference: positionals[0],
    databaseUrl: process.env.RESTORE_DATABASE_URL || values["database-url"],
    documentsDir: values["documents-dir"],
    json: values.json ?? false,
  });
  json = args.json;
  // The data layer (and so the erasure ledger) works on DATABASE_URL: point it at the target, and
  // its data-key listener too (it would LISTEN on the live database otherwise).
  if (args.databaseUrl) {
    process.env.DATABASE_URL = args.databaseUrl;
    if (process.env.REALTIME_LISTEN_URL) process.env.REALTIME_LISTEN_URL = args.databaseUrl;
  }
  // Documents restored elsewhere (the drill's scratch directory): the erasure ledger must delete
  // erased patients' files there, not in the live store.
  if (args.documentsDir) {
    process.env.DOCUMENT_STORAGE = "local";
    process.env.DOCUMENTS_DIR = args.documentsDir;
  }
  resetEnvCache();
  const env = getEnv();
  // From a bucket, the backup is downloaded beside BACKUP_DIR first, and removed afterwards.
  const backup = await resolveBackup(args.reference, backupRepositoryFromEnv());
  summary = await restoreBackup({
    directory: backup.directory,
    databaseUrl: env.DATABASE_URL,
    key: backupKeyFromEnv(),
    crypto: phiCryptoConfigFromEnv(),
    sealBoundMs: env.AUDIT_SEAL_BOUND_SECONDS * 1000,
    documents: documentStore(),
    applyErasureLedger,
    log: (line) => {
      if (!json) console.log(`  ${line}`);
    },
  }).finally(() => backup.close());
} catch (error) {
  failure =
    error instanceof z.ZodError
      ? error.issues.map((issue) => issue.message).join("; ")
      : `${(error as Error).message}`;
} finally {
  await disconnectDb();
}

if (json) {
  console.log(JSON.stringify({ summary, failure }));
} else if (summary) {
  const status = summary.ok ? "OK" : "FAILED";
  console.log(
    [
      `restore ${status}: backup ${summary.backupId} (schema ${summary.schemaVersion ?? "(none)"})`,
      `  ${summary.tables} tables, ${summary.rowsChecked} rows matched the manifest`,
      `  ${summary.documents} documents restored, ${summary.erasuresReapplied} erasures carried out again`,
      `  ${summary.auditSealsVerified} audit seals verified, ${summary.phiFieldsDecrypted} PHI fields decrypted`,
      `  ${(summary.durationMs / 1000).toFixed(1)} s`,
      ...summary.problems.map((problem) => `  - ${problem}`),
    ].join("\n"),
  );
} else {
  console.error(`restore FAILED: ${failure}`);
}
if (!summary?.ok) process.exitCode = 1;
