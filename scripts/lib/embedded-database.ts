// The development database: PGlite (PostgreSQL compiled to WebAssembly) served
// over the Postgres wire protocol, so the app talks to it through the same
// `pg` + Prisma adapter path as to a real PostgreSQL.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** `dataDir` persists the database; omit it for an in-memory one (migration tooling). */
export async function startEmbeddedDatabase(options: {
  dataDir?: string;
  port: number;
}): Promise<EmbeddedDatabase> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    extensions: { btree_gist },
  });
  const server = new PGLiteSocketServer({ db, port: options.port, host: "127.0.0.1", maxConnections: 16 });
  await server.start();
  return {
    // PGlite has a single session shared by every connection: clients must use a pool of one (DATABASE_POOL_SIZE=1).
    url: `postgresql://postgres:postgres@127.0.0.1:${options.port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
