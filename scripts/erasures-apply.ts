// `npm run erasures:apply`: carries out again every erasure in ERASURE_LEDGER_DIR that this
// database does not reflect (after restoring a backup taken before it). Servers, workers and
// `npm run db:migrate` do this by themselves; this is for a restore checked by hand.
import { disconnectDb } from "@/lib/db/client";
import { applyErasureLedger } from "@/lib/domain/patient-rights/erasure";
import { getEnv } from "@/lib/env";
import { loadProjectEnv } from "./lib/load-env";

loadProjectEnv();
const env = getEnv();
try {
  const result = await applyErasureLedger();
  console.log(
    `erasure ledger (${env.ERASURE_LEDGER_DIR}): ${result.reapplied} erasure(s) carried out again, ${result.invalid} invalid line(s)`,
  );
  if (result.invalid > 0) process.exitCode = 1;
} finally {
  await disconnectDb();
}
