/**
 * A Kysely dialect for PGlite. PGlite is one Postgres backend in-process, so there is exactly one
 * connection: a mutex hands it to one Kysely "connection" at a time, which keeps transactions
 * from interleaving statements of concurrent requests.
 */
import type { PGlite } from "@electric-sql/pglite";
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";

class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const res = await this.pg.query<R>(q.sql, q.parameters as unknown[]);
    const command = res.command ?? "";
    const changes = ["INSERT", "UPDATE", "DELETE", "MERGE"].includes(command);
    return {
      rows: res.rows,
      ...(changes ? { numAffectedRows: BigInt(res.rowCount ?? res.affectedRows ?? 0) } : {}),
    };
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // PGlite materialises results in memory anyway; one chunk is the honest stream.
    yield await this.executeQuery<R>(q);
  }
}

class PGliteDriver implements Driver {
  readonly #mutex = new Mutex();
  readonly #releases = new WeakMap<DatabaseConnection, () => void>();
  readonly #conn: PGliteConnection;
  constructor(private readonly pg: PGlite) {
    this.#conn = new PGliteConnection(pg);
  }
  async init(): Promise<void> {
    await this.pg.waitReady;
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.lock();
    // The connection object is shared, so the release function is looked up per acquisition.
    this.#releases.set(this.#conn, release);
    return this.#conn;
  }
  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery({ sql: "begin", parameters: [] } as unknown as CompiledQuery);
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery({ sql: "commit", parameters: [] } as unknown as CompiledQuery);
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery({ sql: "rollback", parameters: [] } as unknown as CompiledQuery);
  }
  async releaseConnection(c: DatabaseConnection): Promise<void> {
    const release = this.#releases.get(c);
    this.#releases.delete(c);
    release?.();
  }
  async destroy(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}

export class PGliteDialect implements Dialect {
  constructor(private readonly pg: PGlite) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pg);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}
