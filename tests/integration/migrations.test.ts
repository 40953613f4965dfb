import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MIGRATIONS_DIR,
  SCHEMA_PATH,
  applyMigrations,
  diffSchemas,
  readMigrationList,
} from "@/scripts/lib/schema-engine";
import { type ScratchDatabase, createScratchDatabase, runSql } from "../support/database";
import { readSchemaCatalog } from "../support/schema-catalog";

const databaseUrl = process.env.DATABASE_URL!;

/** The database exactly as prisma/schema.prisma describes it, built by Prisma's engine from nothing. */
async function buildFromSchema(schema: string): Promise<ScratchDatabase> {
  const database = await createScratchDatabase(databaseUrl, "fromschema");
  const sql = await diffSchemas(database.url, null, schema);
  await runSql(database.url, sql);
  return database;
}

describe("migrations", () => {
  let migrated: ScratchDatabase;
  let fromSchema: ScratchDatabase;
  let schema: string;

  beforeAll(async () => {
    schema = await readFile(SCHEMA_PATH, "utf8");
    migrated = await createScratchDatabase(databaseUrl, "migrated");
    await applyMigrations(migrated.url);
    fromSchema = await buildFromSchema(schema);
  });

  afterAll(async () => {
    await migrated?.drop();
    await fromSchema?.drop();
  });

  it("describe the same database as prisma/schema.prisma", async () => {
    const fromMigrations = await readSchemaCatalog(migrated.url);
    expect(fromMigrations.columns.length).toBeGreaterThan(0);
    expect(fromMigrations).toEqual(await readSchemaCatalog(fromSchema.url));
  });

  it("detects a schema edit that has no migration", async () => {
    const edited = schema.replace(/(model User \{\n)/, "$1  nickname String?\n");
    expect(edited).not.toBe(schema);
    const drifted = await buildFromSchema(edited);
    try {
      const expected = await readSchemaCatalog(drifted.url);
      expect(expected.columns).toContain("users.nickname text(,,) nullable=YES default=");
      expect(await readSchemaCatalog(migrated.url)).not.toEqual(expected);
    } finally {
      await drifted.drop();
    }
  });

  it("records each migration in _prisma_migrations as prisma migrate deploy does", async () => {
    const list = await readMigrationList();
    const rows = await runSql<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      migrated.url,
      "SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(rows.map((r) => r.migration_name)).toEqual(list.migrationDirectories.map((d) => d.path));
    for (const row of rows) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
    }
  });

  it("renames the staff invitation purpose in place: a link sent before the rename still works", async () => {
    const database = await createScratchDatabase(databaseUrl, "rename");
    const older = await mkdtemp(path.join(tmpdir(), "haven-migrations-"));
    try {
      const rename = (await readdir(MIGRATIONS_DIR)).find((name) =>
        name.endsWith("_rename_staff_invitation_token"),
      )!;
      await cp(MIGRATIONS_DIR, older, { recursive: true });
      await rm(path.join(older, rename), { recursive: true });
      await applyMigrations(database.url, older);
      // A token without its user: the foreign key's triggers are off for this one row.
      await runSql(database.url, "ALTER TABLE auth_tokens DISABLE TRIGGER ALL");
      await runSql(
        database.url,
        `INSERT INTO auth_tokens (id, purpose, user_id, token_hash, expires_at)
         VALUES (gen_random_uuid(), 'DOCTOR_INVITATION', gen_random_uuid(), 'sent-before', now() + interval '1 day')`,
      );
      await runSql(database.url, "ALTER TABLE auth_tokens ENABLE TRIGGER ALL");
      expect(await applyMigrations(database.url)).toEqual([rename]);
      expect(
        await runSql(
          database.url,
          "SELECT purpose::text AS purpose FROM auth_tokens WHERE token_hash = 'sent-before'",
        ),
      ).toEqual([{ purpose: "STAFF_INVITATION" }]);
    } finally {
      await database.drop();
      await rm(older, { recursive: true, force: true });
    }
  });

  it("is idempotent: a second run applies nothing", async () => {
    expect(await applyMigrations(migrated.url)).toEqual([]);
  });
});
