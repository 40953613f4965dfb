// `npm run backup:drill [-- <backup dir>]`: restores the latest backup (or the one given) into a
// scratch database on DATABASE_URL's server, checks it, drops it, and records the outcome in
// backup_drills (lib/domain/backups/run-drill.ts). Exits 1, loudly, when the drill fails.
import { disconnectDb } from "@/lib/db/client";
import { backupKeyFromEnv, backupRepositoryFromEnv } from "@/lib/domain/backups/config";
import { runDrill } from "@/lib/domain/backups/run-drill";
import { getEnv } from "@/lib/env";
import { loadProjectEnv } from "./lib/load-env";

loadProjectEnv();
try {
  const env = getEnv();
  const directory = process.argv.slice(2).find((arg) => !arg.startsWith("--"));
  const result = await runDrill({
    databaseUrl: env.DATABASE_URL,
    backupDir: env.BACKUP_DIR,
    repository: backupRepositoryFromEnv(),
    key: backupKeyFromEnv(),
    ...(directory ? { directory } : {}),
  });
  const line = `backup ${result.backupId ?? "(none)"}: ${result.tablesChecked} tables, ${result.rowsChecked} rows, ${result.auditSeals} audit seals, ${result.phiFieldsRead} PHI fields; ${(result.durationMs / 1000).toFixed(1)} s (drill ${result.id})`;
  if (result.passed) {
    console.log(`restore drill PASSED: ${line}`);
  } else {
    console.error(`restore drill FAILED: ${result.failureReason}\n  ${line}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`restore drill FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await disconnectDb();
}
