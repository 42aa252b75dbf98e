/**
 * The reference: the same roll-up (rows = children of the requested node, their subtree's
 * actuals per year) computed as a plain GROUP BY over the raw ledger lines, joined to the
 * descendant → ancestor mapping. In DuckDB over an in-memory table loaded once with read_csv,
 * and in PostgreSQL over the lines loaded into an unlogged table, to show what the overview would
 * cost without pre-aggregation.
 */
import { createReadStream } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import pg from "pg";
import { onCleanup } from "./engines.ts";
import type { LedgerFile } from "./generate.ts";
import { closureByCode, type Model } from "./model.ts";
import type { Level } from "./overview.ts";
import { type Summary, summarize } from "./stats.ts";

export interface RefTarget {
  code: string;
  level: Level;
}

export interface ReferenceResult {
  engine: string;
  lines: number;
  loadSeconds: number;
  all: Summary;
  byLevel: Partial<Record<Level, Summary>>;
  /** One GROUP BY of every node's subtree per year (what node_total holds, from raw lines). */
  fullRollupMs: number;
  /** Sum of all lines per year in øre, for the cross-check against the generator. */
  yearSums: Map<number, bigint>;
  note?: string;
}

function levelSummaries(times: { level: Level; ms: number }[]): Partial<Record<Level, Summary>> {
  const out: Partial<Record<Level, Summary>> = {};
  for (const level of ["municipality", "committee", "area"] as const) {
    const t = times.filter((x) => x.level === level).map((x) => x.ms);
    if (t.length > 0) out[level] = summarize(t);
  }
  return out;
}

export async function duckdbReference(
  model: Model,
  ledger: readonly LedgerFile[],
  targets: readonly RefTarget[],
  requests: number,
): Promise<ReferenceResult> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
  const conn = await instance.connect();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    conn.closeSync();
    instance.closeSync();
  };
  const unregister = onCleanup(close);
  try {
    const files = ledger.map((f) => `'${f.path.replace(/'/g, "''")}'`).join(", ");
    const t0 = performance.now();
    await conn.run(`
      create table lines as
      select "Dato" as dato, "Enhed" as enhed, "Konto" as konto, "Beløb" as beloeb
      from read_csv([${files}], delim = ';', header = true, decimal_separator = ',',
        columns = {'Dato': 'DATE', 'Enhed': 'VARCHAR', 'Konto': 'VARCHAR', 'Beløb': 'DECIMAL(18,2)'})`);
    const loadSeconds = (performance.now() - t0) / 1000;
    const count = Number((await conn.runAndReadAll("select count(*) from lines")).getRowsJS()[0]?.[0]);

    await conn.run("create table nodes (code varchar primary key, parent varchar)");
    await conn.run("create table closure (ancestor varchar, descendant varchar)");
    const nodes = await conn.createAppender("nodes");
    nodes.appendVarchar(model.rootCode);
    nodes.appendNull();
    nodes.endRow();
    for (const n of [...model.committees, ...model.areas, ...model.units]) {
      nodes.appendVarchar(n.code);
      nodes.appendVarchar(n.parent ?? "");
      nodes.endRow();
    }
    nodes.closeSync();
    const closure = await conn.createAppender("closure");
    for (const c of closureByCode(model)) {
      closure.appendVarchar(c.ancestor);
      closure.appendVarchar(c.descendant);
      closure.endRow();
    }
    closure.closeSync();

    const yearSums = new Map<number, bigint>();
    const sums = await conn.runAndReadAll(
      "select year(dato)::int, sum(beloeb * 100)::bigint from lines group by 1 order by 1",
    );
    for (const [y, s] of sums.getRowsJS()) yearSums.set(Number(y), BigInt(s as bigint));

    const stmt = await conn.prepare(`
      select n.code as child, year(l.dato) as year, sum(l.beloeb) as amount
      from lines l
      join closure c on c.descendant = l.enhed
      join nodes n on n.code = c.ancestor
      where n.parent = $1
      group by all`);
    const run = async (code: string) => {
      stmt.bindVarchar(1, code);
      const t = performance.now();
      const r = await stmt.runAndReadAll();
      const rows = r.getRowsJS();
      const elapsed = performance.now() - t;
      if (rows.length === 0) throw new Error(`DuckDB: no rows for ${code}`);
      return elapsed;
    };
    for (const t of targets) await run(t.code);
    const times: { level: Level; ms: number }[] = [];
    for (let i = 0; i < requests; i++) {
      const t = targets[i % targets.length] as RefTarget;
      times.push({ level: t.level, ms: await run(t.code) });
    }
    const fullRollupMs = await timeFullRollup(conn);
    return {
      engine: "DuckDB (raw lines, GROUP BY)",
      lines: count,
      loadSeconds,
      all: summarize(times.map((t) => t.ms)),
      byLevel: levelSummaries(times),
      fullRollupMs,
      yearSums,
    };
  } finally {
    unregister();
    await close();
  }
}

async function timeFullRollup(conn: DuckDBConnection): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await conn.runAndReadAll(`
      select c.ancestor, year(l.dato) as year, sum(l.beloeb) as amount
      from lines l join closure c on c.descendant = l.enhed
      group by all`);
    runs.push(performance.now() - t);
  }
  return summarize(runs).p50;
}

/** Streams a ledger file as [date, unit, account, øre] without the importer (no validation). */
async function* ledgerRows(path: string): AsyncGenerator<[string, string, string, number]> {
  let rest = "";
  let header = true;
  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 4 << 20 })) {
    const text = rest + (chunk as string);
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      if (header) {
        header = false;
        continue;
      }
      if (line === "") continue;
      const [d, u, a, amount] = line.split(";") as [string, string, string, string];
      yield [d, u, a, Number(amount.replace(",", ""))];
    }
  }
  if (rest !== "") {
    const [d, u, a, amount] = rest.split(";") as [string, string, string, string];
    yield [d, u, a, Number(amount.replace(",", ""))];
  }
}

export async function postgresRawReference(
  url: string,
  municipalityId: number,
  ledger: readonly LedgerFile[],
  targets: readonly (RefTarget & { id: number })[],
  maxRequests: number,
  maxSeconds: number,
  log: (s: string) => void,
): Promise<ReferenceResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("set max_parallel_workers_per_gather = 2");
    await c.query(`
      create unlogged table bench_line (
        node_id int not null, account_id int not null, booked date not null, amount bigint not null)`);
    const nodeIds = new Map(
      (
        await c.query<{ id: number; code: string }>(
          "select id, code from org_node where municipality_id = $1",
          [municipalityId],
        )
      ).rows.map((r) => [r.code, r.id]),
    );
    const accountIds = new Map(
      (
        await c.query<{ id: number; code: string }>(
          "select id, code from account where municipality_id = $1",
          [municipalityId],
        )
      ).rows.map((r) => [r.code, r.id]),
    );
    const BATCH = 50_000;
    let n: number[] = [];
    let a: number[] = [];
    let d: string[] = [];
    let o: number[] = [];
    let lines = 0;
    const flush = async () => {
      if (n.length === 0) return;
      await c.query(
        "insert into bench_line select * from unnest($1::int[], $2::int[], $3::date[], $4::bigint[])",
        [n, a, d, o],
      );
      lines += n.length;
      n = [];
      a = [];
      d = [];
      o = [];
    };
    const t0 = performance.now();
    for (const f of ledger) {
      for await (const [date, unit, account, ore] of ledgerRows(f.path)) {
        const nid = nodeIds.get(unit);
        const aid = accountIds.get(account);
        if (nid === undefined || aid === undefined)
          throw new Error(`unknown unit/account ${unit} ${account}`);
        n.push(nid);
        a.push(aid);
        d.push(date);
        o.push(ore);
        if (n.length >= BATCH) await flush();
      }
      await flush();
      log(
        `    raw lines in PostgreSQL: ${lines.toLocaleString("en-US")} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
    await c.query("analyze bench_line");
    const loadSeconds = (performance.now() - t0) / 1000;

    const yearSums = new Map<number, bigint>();
    const sums = await c.query<{ y: number; s: string }>(
      "select extract(year from booked)::int as y, sum(amount)::text as s from bench_line group by 1 order by 1",
    );
    for (const r of sums.rows) yearSums.set(r.y, BigInt(r.s));

    const query = `
      select n.code as child, extract(year from l.booked)::int as year, sum(l.amount)::bigint as amount
      from bench_line l
      join org_closure c on c.descendant_id = l.node_id
      join org_node n on n.id = c.ancestor_id
      where n.parent_id = $1
      group by 1, 2`;
    const times: { level: Level; ms: number }[] = [];
    const start = performance.now();
    // One unmeasured run fills the buffer cache as far as it goes; then as many as time allows.
    await c.query(query, [targets[0]?.id]);
    for (let i = 0; i < maxRequests; i++) {
      if (i >= 3 && performance.now() - start > maxSeconds * 1000) break;
      const t = targets[i % targets.length] as RefTarget & { id: number };
      const t1 = performance.now();
      const r = await c.query(query, [t.id]);
      times.push({ level: t.level, ms: performance.now() - t1 });
      if (r.rows.length === 0) throw new Error(`PostgreSQL: no rows for ${t.code}`);
    }
    const t2 = performance.now();
    await c.query(`
      select c.ancestor_id, extract(year from l.booked)::int as year, sum(l.amount)::bigint
      from bench_line l join org_closure c on c.descendant_id = l.node_id group by 1, 2`);
    const fullRollupMs = performance.now() - t2;
    await c.query("drop table bench_line");
    return {
      engine: "PostgreSQL (raw lines, GROUP BY)",
      lines,
      loadSeconds,
      all: summarize(times.map((t) => t.ms)),
      byLevel: levelSummaries(times),
      fullRollupMs,
      yearSums,
      note: `${times.length} queries (time cap ${maxSeconds} s)`,
    };
  } finally {
    await c.end();
  }
}
