// Prisma's own schema engine, run as WebAssembly so that migrations work without
// the native binary the Prisma CLI downloads (this project must work offline).
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  type SqlMigrationAwareDriverAdapterFactory,
  bindMigrationAwareSqlAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type * as SchemaEngineModule from "@prisma/schema-engine-wasm/schema_engine_bg";
import type {
  MigrationList,
  SchemaEngine as SchemaEngineType,
} from "@prisma/schema-engine-wasm/schema_engine_bg";

const require = createRequire(import.meta.url);

export const PRISMA_DIR = path.resolve(import.meta.dirname, "../../prisma");
export const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
const NO_FILTER = { externalTables: [], externalEnums: [] };

type WasmBindings = typeof SchemaEngineModule & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

let bindingsPromise: Promise<WasmBindings> | undefined;

// The package entry imports the .wasm as an ES module, which Node cannot load;
// instantiate it by hand with the generated JS glue as its import object.
async function loadBindings(): Promise<WasmBindings> {
  const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as unknown as WasmBindings;
  const wasmPath = path.join(
    path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
    "schema_engine_bg.wasm",
  );
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

type PgConnection = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * The pg adapter runs a migration script by splitting it on every ";", which
 * breaks PL/pgSQL bodies and DO blocks in hand-written SQL. Send the script
 * whole instead (PostgreSQL's simple query protocol runs many statements), as
 * `prisma migrate deploy` with the native engine does.
 */
function wholeScripts(connection: PgConnection): PgConnection {
  const errors = connection as unknown as { onError(error: unknown): never };
  connection.executeScript = async (script: string) => {
    try {
      await connection.underlyingDriver().query(script);
    } catch (error) {
      errors.onError(error);
    }
  };
  return connection;
}

export interface SchemaEngineHandle {
  engine: SchemaEngineType;
  close(): Promise<void>;
}

/** Opens the engine against a reachable database (it connects at once, even for a pure diff). */
export async function openSchemaEngine(
  databaseUrl: string,
  schemaContent?: string,
): Promise<SchemaEngineHandle> {
  bindingsPromise ??= loadBindings();
  const bindings = await bindingsPromise;
  const pgFactory = new PrismaPg({ connectionString: databaseUrl, max: 1 });
  // The engine never closes the connections it opens; track them so close() can.
  const opened: { dispose(): Promise<void> }[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: pgFactory.adapterName,
    connect: async () => {
      const connection = wholeScripts(await pgFactory.connect());
      opened.push(connection);
      return connection;
    },
    connectToShadowDb: async () => {
      const connection = wholeScripts(await pgFactory.connectToShadowDb());
      opened.push(connection);
      return connection;
    },
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const schema = schemaContent ?? (await readFile(SCHEMA_PATH, "utf8"));
  const logs: string[] = [];
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    (log: string) => logs.push(log),
    adapter,
  );
  return {
    engine,
    async close() {
      engine.free();
      await Promise.all(opened.map((connection) => connection.dispose()));
    },
  };
}

export async function readMigrationList(migrationsDir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    dirs.map(async (dir) => ({
      path: dir,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(path.join(migrationsDir, dir, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (error: Error) => ({ tag: "error" as const, value: error.message }),
        ),
      },
    })),
  );
  const lockContent = await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8").catch(
    () => null,
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/** Applies every pending migration and records it in `_prisma_migrations`, as `prisma migrate deploy` does. */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir = MIGRATIONS_DIR,
): Promise<string[]> {
  const handle = await openSchemaEngine(databaseUrl);
  try {
    const result = await handle.engine.applyMigrations({
      migrationsList: await readMigrationList(migrationsDir),
      filters: NO_FILTER,
    });
    return result.appliedMigrationNames;
  } finally {
    await handle.close();
  }
}

/** SQL that takes a database from `fromSchema` (or empty) to `toSchema`. */
export async function diffSchemas(
  databaseUrl: string,
  fromSchema: string | null,
  toSchema: string,
): Promise<string> {
  const handle = await openSchemaEngine(databaseUrl, toSchema);
  try {
    const target = (content: string) => ({
      tag: "schemaDatamodel" as const,
      files: [{ path: SCHEMA_PATH, content }],
    });
    const result = await handle.engine.diff({
      from: fromSchema === null ? { tag: "empty" } : target(fromSchema),
      to: target(toSchema),
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return result.stdout ?? "";
  } finally {
    await handle.close();
  }
}
