// `npm run audit:verify`: recomputes the audit hash chain. Prints OK and the row
// count, or the first broken sequence number and exits 1.
import { createBaseClient } from "@/lib/db/client";
import { verifyAuditChain } from "@/lib/audit/verify";
import { loadProjectEnv } from "./lib/load-env";

loadProjectEnv();
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: point it at the database to verify.");
  process.exit(2);
}
const base = createBaseClient({ url, poolSize: 1, connectTimeoutMs: 5_000 });
try {
  const result = await verifyAuditChain(base);
  if (result.ok) {
    console.log(`audit chain OK: ${result.count} rows verified`);
  } else {
    console.error(
      `audit chain BROKEN at sequence ${result.brokenAt}: ${result.reason} (${result.count} rows verified before it)`,
    );
    process.exitCode = 1;
  }
} finally {
  await base.$disconnect();
}
