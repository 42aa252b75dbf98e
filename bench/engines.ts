/**
 * Fresh databases for a run: a bev_bench_<pid>_<hex> database on the PostgreSQL server and a
 * PGlite data directory under the system temp dir. Both are removed when the run ends, also on
 * Ctrl-C and on the watchdog; databases left behind by a crashed earlier run are dropped at start.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabaseHandle, type Engine, openDatabase } from "@bevilling/db";
import pg from "pg";

export interface BenchDatabase {
  engine: Engine;
  handle: DatabaseHandle;
  /** Connection string of the bench database (PostgreSQL only). */
  url?: string;
  location: string;
  dispose(): Promise<void>;
}

const cleanups = new Set<() => Promise<void>>();

/** Runs every pending cleanup once; safe to call from signal handlers and finally blocks. */
export async function cleanupAll(): Promise<void> {
  const all = [...cleanups];
  cleanups.clear();
  for (const c of all) {
    try {
      await c();
    } catch (e) {
      console.error(`cleanup failed: ${(e as Error).message}`);
    }
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(adminUrl: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Drops bev_bench_<pid>_* databases whose process is gone (a run killed with SIGKILL). */
export async function dropStaleDatabases(adminUrl: string): Promise<string[]> {
  return admin(adminUrl, async (c) => {
    const res = await c.query<{ datname: string }>(
      "select datname from pg_database where datname like 'bev_bench_%'",
    );
    const dropped: string[] = [];
    for (const { datname } of res.rows) {
      const pid = Number(/^bev_bench_(\d+)_/.exec(datname)?.[1]);
      if (Number.isFinite(pid) && pid !== process.pid && alive(pid)) continue;
      if (pid === process.pid) continue;
      await c.query(`drop database if exists "${datname}" with (force)`);
      dropped.push(datname);
    }
    return dropped;
  });
}

export async function serverVersion(adminUrl: string): Promise<string> {
  return admin(adminUrl, async (c) => {
    const r = await c.query<{ v: string }>("select current_setting('server_version') as v");
    return r.rows[0]?.v ?? "?";
  });
}

export async function serverSettings(
  adminUrl: string,
  names: readonly string[],
): Promise<Record<string, string>> {
  return admin(adminUrl, async (c) => {
    const out: Record<string, string> = {};
    for (const n of names) {
      const r = await c.query<Record<string, string>>(`show ${n}`);
      out[n] = Object.values(r.rows[0] ?? {})[0] ?? "?";
    }
    return out;
  });
}

export async function openBenchPostgres(adminUrl: string): Promise<BenchDatabase> {
  const name = `bev_bench_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin(adminUrl, (c) => c.query(`create database ${name}`));
  const drop = () =>
    admin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined);
  cleanups.add(drop);
  const url = withDatabase(adminUrl, name);
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ url, poolSize: 4 });
  } catch (e) {
    cleanups.delete(drop);
    await drop();
    throw e;
  }
  const close = () => handle.close();
  cleanups.add(close);
  return {
    engine: "postgres",
    handle,
    url,
    location: name,
    dispose: async () => {
      cleanups.delete(close);
      cleanups.delete(drop);
      try {
        await handle.close();
      } finally {
        await drop();
      }
    },
  };
}

export async function openBenchPglite(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "bev-bench-pglite-"));
  const remove = async () => rmSync(dir, { recursive: true, force: true });
  cleanups.add(remove);
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ dataDir: dir });
  } catch (e) {
    cleanups.delete(remove);
    await remove();
    throw e;
  }
  const close = () => handle.close();
  cleanups.add(close);
  return {
    engine: "pglite",
    handle,
    location: dir,
    dispose: async () => {
      cleanups.delete(close);
      cleanups.delete(remove);
      try {
        await handle.close();
      } finally {
        await remove();
      }
    },
  };
}

/** Registers a cleanup that is not a database (the DuckDB instance). */
export function onCleanup(f: () => Promise<void>): () => void {
  cleanups.add(f);
  return () => cleanups.delete(f);
}
