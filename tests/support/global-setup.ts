// Once per test run: a real PostgreSQL (TEST_DATABASE_URL, or a throw-away
// server started here), migrated with the project's own migrations.
import type { TestProject } from "vitest/node";
import { type PostgresServer, startPostgres } from "@/scripts/lib/postgres-server";
import { applyMigrations } from "@/scripts/lib/schema-engine";

let server: PostgresServer | undefined;

export async function setup(project: TestProject) {
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    server = await startPostgres();
    url = server.url;
  }
  await applyMigrations(url);
  project.provide("databaseUrl", url);
}

export function teardown() {
  server?.stop();
}
