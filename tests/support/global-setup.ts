// Once per test run: a real PostgreSQL (TEST_DATABASE_URL, or a throw-away
// server started here), migrated with the project's own migrations.
import type { TestProject } from "vitest/node";
import { type PostgresServer, startPostgres } from "@/scripts/lib/postgres-server";
import { applyMigrations } from "@/scripts/lib/schema-engine";

// Each Vitest project (isolated and shared files, tests/vitest.config.ts) calls setup; the database is
// prepared once for all of them, on the main process's globalThis (the module may be loaded per project).
const state = globalThis as typeof globalThis & {
  havenTestDatabase?: Promise<{ url: string; server?: PostgresServer }>;
};

async function prepare(): Promise<{ url: string; server?: PostgresServer }> {
  const given = process.env.TEST_DATABASE_URL;
  const server = given ? undefined : await startPostgres();
  const url = given ?? server!.url;
  await applyMigrations(url);
  return { url, server };
}

export async function setup(project: TestProject) {
  state.havenTestDatabase ??= prepare();
  project.provide("databaseUrl", (await state.havenTestDatabase).url);
}

export async function teardown() {
  const prepared = state.havenTestDatabase;
  state.havenTestDatabase = undefined;
  (await prepared)?.server?.stop();
}
