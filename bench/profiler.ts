/**
 * Per-statement timing without touching the packages: wraps pg's Client.query (what Kysely's
 * PostgresDialect calls) and the PGlite instance's query. Only active while a Profile is started,
 * and never during the latency runs, so the measured figures carry no wrapper cost.
 */
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export interface StatementStat {
  statement: string;
  calls: number;
  ms: number;
}

export class Profile {
  readonly #stats = new Map<string, StatementStat>();

  add(sql: string, ms: number): void {
    const statement = label(sql);
    const s = this.#stats.get(statement);
    if (s) {
      s.calls++;
      s.ms += ms;
    } else this.#stats.set(statement, { statement, calls: 1, ms });
  }

  totalMs(): number {
    let t = 0;
    for (const s of this.#stats.values()) t += s.ms;
    return t;
  }

  top(n: number): StatementStat[] {
    return [...this.#stats.values()].sort((a, b) => b.ms - a.ms).slice(0, n);
  }

  merge(other: Profile): void {
    for (const s of other.top(Number.MAX_SAFE_INTEGER)) {
      const mine = this.#stats.get(s.statement);
      if (mine) {
        mine.calls += s.calls;
        mine.ms += s.ms;
      } else this.#stats.set(s.statement, { ...s });
    }
  }
}

let active: Profile | undefined;

/** A short, stable name for a statement: its first words, whitespace collapsed. */
function label(sql: string): string {
  const s = sql.replace(/\s+/g, " ").replace(/"/g, "").trim();
  const m = /^(insert into \w+|delete from "?\w+"?|select .{0,60}? from "?\w+"?|with .{0,40}|\w+)/i.exec(s);
  return m?.[0] ?? s.slice(0, 60);
}

let pgPatched = false;

function patchPg(): void {
  if (pgPatched) return;
  pgPatched = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    const profile = active;
    const sql = args[0];
    if (profile && typeof sql === "string" && result instanceof Promise) {
      const t0 = performance.now();
      result.then(
        () => profile.add(sql, performance.now() - t0),
        () => undefined,
      );
    }
    return result;
  };
}

const patchedPglite = new WeakSet<PGlite>();

function patchPglite(pgl: PGlite): void {
  if (patchedPglite.has(pgl)) return;
  patchedPglite.add(pgl);
  const original = pgl.query.bind(pgl);
  const wrapped = async (...args: Parameters<PGlite["query"]>) => {
    const profile = active;
    const t0 = performance.now();
    const r = await original(...args);
    if (profile) profile.add(args[0], performance.now() - t0);
    return r;
  };
  Object.defineProperty(pgl, "query", { value: wrapped, configurable: true, writable: true });
}

/** Runs f with statement timing on; the driver patches are installed on first use. */
export async function profiled<T>(
  pgl: PGlite | undefined,
  f: () => Promise<T>,
): Promise<{ value: T; profile: Profile }> {
  if (pgl) patchPglite(pgl);
  else patchPg();
  const profile = new Profile();
  const prev = active;
  active = profile;
  try {
    return { value: await f(), profile };
  } finally {
    active = prev;
  }
}
