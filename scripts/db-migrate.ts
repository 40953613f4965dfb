// `npm run db:migrate`: applies pending migrations to DATABASE_URL and records
// them in _prisma_migrations, as `prisma migrate deploy` would; then the data
// migrations that need the application's keys (scripts/lib/data-migrations.ts);
// then the erasure ledger (a restore runs this: erasures made after the backup
// are carried out again, lib/domain/patient-rights/erasure-ledger.ts).
import { disconnectDb } from "@/lib/db/client";
import { applyErasureLedger } from "@/lib/domain/patient-rights/erasure";
import { loadProjectEnv } from "./lib/load-env";
import { runDataMigrations } from "./lib/data-migrations";
import { applyMigrations } from "./lib/schema-engine";

loadProjectEnv();
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    "DATABASE_URL is not set. Point it at PostgreSQL to migrate it; `npm run dev` migrates its embedded database by itself.",
  );
  process.exit(1);
}
const applied = await applyMigrations(databaseUrl);
console.log(
  applied.length
    ? `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}`
    : "Database is up to date.",
);
const changed = await runDataMigrations(databaseUrl);
if (changed) console.log(`Data: ${changed}.`);
const ledger = await applyErasureLedger();
if (ledger.reapplied) console.log(`Erasure ledger: ${ledger.reapplied} erasure(s) carried out again.`);
if (ledger.invalid)
  console.error(`Erasure ledger: ${ledger.invalid} line(s) not validly signed were ignored.`);
await disconnectDb();
