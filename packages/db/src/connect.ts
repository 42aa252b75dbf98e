/**
 * Opening the database: PGlite in a data directory (the embedded default) or PostgreSQL from a
 * URL. Both speak the same SQL through Kysely. This is the one place where driver values are
 * normalised: int8 arrives as bigint on both engines (pg would give strings, PGlite numbers).
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, Migrator, PostgresDialect } from "kysely";
import pg from "pg";
import { acquireDataDirLock } from "./lock.ts";
import { migrationProvider } from "./migrations/index.ts";
import { PGliteDialect } from "./pglite-dialect.ts";
import type { Database } from "./schema.ts";

export type Engine = "pglite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** Where the data lives, for messages: the directory, or the URL without password. */
  location: string;
  /** The embedded engine itself, for dumps; absent on the server. */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when set, the server is used. */
  url?: string | undefined;
  /** PGlite data directory; omitted with no url means in memory. */
  dataDir?: string | undefined;
  /** A dumped PGlite data directory to start from (fast test databases). */
  loadDataDir?: Blob | undefined;
  migrate?: boolean;
  poolSize?: number;
}

const INT8 = 20;

export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  const handle = opts.url ? await openPostgres(opts.url, opts.poolSize) : await openPglite(opts);
  if (opts.migrate !== false) {
    try {
      await migrate(handle.db);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }
  return handle;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(ugyldig DATABASE_URL)";
  }
}

async function openPostgres(url: string, poolSize = 10): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8
          ? (v: string) => BigInt(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection that dies while idle in the pool (a server restart, an administrator's
  // pg_terminate_backend) is dropped by the pool and replaced by the next query. Without a
  // listener Node treats the pool's "error" event as uncaught and ends the whole process.
  pool.on("error", () => undefined);
  // Fail loudly and early: a configured server that cannot be reached is an error, never a skip.
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new Error(`Kan ikke forbinde til PostgreSQL på ${redactUrl(url)}: ${(e as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: "postgres", location: redactUrl(url), close: () => db.destroy() };
}

async function openPglite(opts: OpenOptions): Promise<DatabaseHandle> {
  let release = () => {};
  let dataDir: string | undefined;
  if (opts.dataDir) {
    dataDir = resolve(opts.dataDir);
    mkdirSync(dataDir, { recursive: true });
    release = acquireDataDirLock(dataDir);
  }
  let pgl: PGlite;
  try {
    pgl = new PGlite({
      ...(dataDir ? { dataDir: `${dataDir}/pgdata` } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      parsers: { [INT8]: (v: string) => BigInt(v) },
    });
    await pgl.waitReady;
  } catch (e) {
    release();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pgl) });
  return {
    db,
    engine: "pglite",
    location: dataDir ?? "(i hukommelsen)",
    pglite: pgl,
    close: async () => {
      try {
        await db.destroy();
      } finally {
        release();
      }
    },
  };
}

export async function migrate(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: false });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Dumps a migrated in-memory PGlite so tests can start from it in half a second. */
export async function dumpPglite(handle: DatabaseHandle): Promise<Blob> {
  if (!handle.pglite) throw new Error("Kun PGlite kan dumpes");
  return handle.pglite.dumpDataDir("none");
}
