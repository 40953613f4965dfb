// Helpers for integration tests that need a database of their own (migration
// checks, outage simulation) on the same PostgreSQL server as the shared one.
import { randomBytes } from "node:crypto";
import pg from "pg";

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function runSql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new empty database next to the test database; drop() removes it. */
export async function createScratchDatabase(baseUrl: string, prefix = "scratch"): Promise<ScratchDatabase> {
  const name = `haven_${prefix}_${randomBytes(4).toString("hex")}`;
  const adminUrl = withDatabase(baseUrl, "postgres");
  await runSql(adminUrl, `CREATE DATABASE ${name}`);
  return {
    url: withDatabase(baseUrl, name),
    drop: async () => {
      await runSql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
