// `npm run db:seed`: demo accounts in DATABASE_URL (never in production).
import { disconnectDb, getDb } from "@/lib/db/client";
import { assertSeedingAllowed, formatDemoAccounts, seedDemoData } from "@/prisma/seed";
import { loadProjectEnv } from "./lib/load-env";

loadProjectEnv();
try {
  assertSeedingAllowed(process.env.NODE_ENV);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
if (!process.env.DATABASE_URL) {
  console.error("DATABASE_URL is not set; `npm run dev` seeds its embedded database by itself.");
  process.exit(1);
}
try {
  const accounts = await seedDemoData(getDb());
  console.log(`Demo accounts:\n${formatDemoAccounts(accounts)}`);
} finally {
  await disconnectDb();
}
