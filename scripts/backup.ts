// `npm run backup`: a backup of DATABASE_URL, the documents and the audit checkpoints, encrypted
// with BACKUP_ENCRYPTION_KEY into BACKUP_DIR/<id>/ (lib/domain/backups), then the retention.
import { backupConfigFromEnv, retentionPolicyFromEnv } from "@/lib/domain/backups/config";
import { runBackup } from "@/lib/domain/backups/run-backup";
import { loadProjectEnv } from "./lib/load-env";

loadProjectEnv();
try {
  const run = await runBackup(backupConfigFromEnv(), retentionPolicyFromEnv());
  const { manifest } = run;
  const rows = Object.values(manifest.rowCounts).reduce((sum, n) => sum + n, 0);
  console.log(
    [
      `backup ${run.id} written to ${run.location}`,
      `  ${Object.keys(manifest.rowCounts).length} tables, ${rows} rows, schema ${manifest.schemaVersion ?? "(none)"}`,
      `  ${manifest.documents.length} documents${manifest.documentsMissing ? ` (${manifest.documentsMissing} missing from the store)` : ""}`,
      `  audit checkpoint: ${manifest.auditCheckpoint ? `seal ${manifest.auditCheckpoint.sealSequence}` : "(no seals yet)"}`,
      `  ${(manifest.totalBytes / 1024 / 1024).toFixed(2)} MiB encrypted, key id ${manifest.keyId}, ${(run.durationMs / 1000).toFixed(1)} s`,
      run.pruned.length
        ? `  retention removed ${run.pruned.length}: ${run.pruned.join(", ")}`
        : "  retention removed none",
      ...(run.staleWorkRemoved.length
        ? [`  removed work folders of killed runs: ${run.staleWorkRemoved.join(", ")}`]
        : []),
    ].join("\n"),
  );
} catch (error) {
  console.error(`backup FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
}
