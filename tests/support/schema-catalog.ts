// What Prisma models, read from PostgreSQL's catalog: tables, columns, enums,
// indexes and keys. Hand-written parts of migrations that Prisma cannot model
// (triggers, functions, extensions, check and exclusion constraints) are left
// out on purpose, so the drift check compares like with like.
import { runSql } from "./database";

export interface SchemaCatalog {
  columns: string[];
  enums: string[];
  indexes: string[];
  constraints: string[];
}

export async function readSchemaCatalog(url: string): Promise<SchemaCatalog> {
  const columns = await runSql<{ line: string }>(
    url,
    `SELECT format('%s.%s %s(%s,%s,%s) nullable=%s default=%s', table_name, column_name, udt_name,
              character_maximum_length, numeric_precision, datetime_precision, is_nullable, column_default) AS line
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
      ORDER BY 1`,
  );
  const enums = await runSql<{ line: string }>(
    url,
    `SELECT t.typname || ': ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS line
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
      GROUP BY t.typname ORDER BY 1`,
  );
  const indexes = await runSql<{ line: string }>(
    url,
    `SELECT i.indexdef AS line
       FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename <> '_prisma_migrations'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                         WHERE c.conname = i.indexname AND c.contype = 'x')
        -- Partial indexes are hand-written SQL (Prisma cannot express them).
        AND i.indexdef NOT LIKE '% WHERE %'
      ORDER BY 1`,
  );
  const constraints = await runSql<{ line: string }>(
    url,
    // Deferrability is hand-written SQL (Prisma cannot express it): compared without it.
    `SELECT format('%s %s %s', rel.relname, c.conname,
                   regexp_replace(pg_get_constraintdef(c.oid), ' DEFERRABLE( INITIALLY DEFERRED)?$', '')) AS line
       FROM pg_constraint c
       JOIN pg_class rel ON rel.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = rel.relnamespace AND n.nspname = 'public'
      WHERE c.contype IN ('p', 'f', 'u') AND rel.relname <> '_prisma_migrations'
      ORDER BY 1`,
  );
  const lines = (rows: { line: string }[]) => rows.map((row) => row.line);
  return {
    columns: lines(columns),
    enums: lines(enums),
    indexes: lines(indexes),
    constraints: lines(constraints),
  };
}
