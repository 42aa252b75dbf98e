/**
 * The results table for the console and docs/benchmarks.md. Notes for missed targets are derived
 * from the measured phase breakdown and statement profile of the same run.
 */

import type { Engine } from "@bevilling/db";
import type { Experiments } from "./experiments.ts";
import type { Manifest } from "./generate.ts";
import type { Phases, TimedImport } from "./imports.ts";
import type { Machine } from "./machine.ts";
import type { LatencyResult } from "./overview.ts";
import type { StatementStat } from "./profiler.ts";
import type { ReferenceResult } from "./reference.ts";
import { int, ms, ratio, secs, textTable } from "./stats.ts";
import type { Check } from "./verify.ts";
import { webSection } from "./web-size.ts";

export const TARGETS = {
  linesPerSecond: 200_000,
  p95: { postgres: 50, pglite: 150 } as Record<Engine, number>,
};

export interface EngineRun {
  engine: Engine;
  label: string;
  manifest: Manifest;
  setup: TimedImport[];
  ledger: TimedImport[];
  importSeconds: number;
  linesPerSecond: number;
  phases: Phases;
  statements: StatementStat[];
  sqlSeconds: number;
  checks: Check[];
  overview: LatencyResult;
  rows: { actualMonth: number; amount: number; nodeTotal: number };
  dbSizeMb: number | null;
  experiments: Experiments | null;
}

export interface Params {
  seed: number;
  committees: number;
  areas: number;
  units: number;
  accounts: number;
  pairs: number;
  lines: Record<Engine, number>;
  requests: number;
  priceYear: number;
  columns: string;
  pgRawRequests: number;
  pgRawSeconds: number;
  argv: string[];
}

export interface Results {
  date: string;
  machine: Machine;
  pgSettings: Record<string, string>;
  params: Params;
  generation: { lines: number; seconds: number; reused: boolean; bytes: number }[];
  engines: EngineRun[];
  duckdb: ReferenceResult | null;
  pgRaw: ReferenceResult | null;
  skipped: string[];
  totalSeconds: number;
}

function mark(ok: boolean): string {
  return ok ? "met" : "MISSED";
}

export function resultsTable(r: Results): string {
  const duck = r.duckdb;
  const rows: string[][] = r.engines.map((e) => {
    const p95Target = TARGETS.p95[e.engine];
    return [
      e.label,
      int(e.manifest.lines),
      `${int(e.linesPerSecond)}`,
      `${ratio(e.linesPerSecond, TARGETS.linesPerSecond)} (${mark(e.linesPerSecond >= TARGETS.linesPerSecond)})`,
      ms(e.overview.all.p50),
      ms(e.overview.all.p95),
      `≤ ${p95Target} ms (${mark(e.overview.all.p95 <= p95Target)})`,
      duck ? `${ratio(e.overview.all.p50, duck.all.p50)} / ${ratio(e.overview.all.p95, duck.all.p95)}` : "–",
    ];
  });
  for (const ref of [duck, r.pgRaw]) {
    if (!ref) continue;
    rows.push([
      ref.engine,
      int(ref.lines),
      `${int(ref.lines / ref.loadSeconds)} (load)`,
      "–",
      ms(ref.all.p50),
      ms(ref.all.p95),
      "–",
      duck ? `${ratio(ref.all.p50, duck.all.p50)} / ${ratio(ref.all.p95, duck.all.p95)}` : "–",
    ]);
  }
  return textTable(
    [
      "Engine",
      "Ledger lines",
      "Import lines/s",
      "vs 200,000/s",
      "Overview p50",
      "Overview p95",
      "p95 target",
      "vs DuckDB p50 / p95",
    ],
    rows,
  );
}

function phaseTable(runs: readonly EngineRun[]): string {
  const rows = runs.map((e) => {
    const p = e.phases;
    const t = e.importSeconds;
    const pct = (x: number) => `${secs(x)} (${Math.round((100 * x) / t)} %)`;
    return [e.label, secs(t), pct(p.read), pct(p.hash), pct(p.store), pct(p.totals), secs(e.sqlSeconds)];
  });
  return textTable(
    [
      "Engine",
      "Ledger import",
      "Read + validate (JS)",
      "Hash (2nd read)",
      "Store",
      "node_total + commit",
      "of which SQL",
    ],
    rows,
  );
}

function experimentTable(runs: readonly EngineRun[]): string {
  return textTable(
    [
      "Engine",
      "Monthly balances",
      "upsertMonths as is",
      "without FKs",
      "FK share",
      "refreshTotals (all years)",
      "one year only",
    ],
    runs.map((e) => {
      const x = e.experiments as Experiments;
      return [
        e.label,
        int(x.monthRows),
        `${secs(x.upsertMs / 1000)} (${int(x.monthRows / (x.upsertMs / 1000))}/s)`,
        `${secs(x.upsertNoFkMs / 1000)} (${int(x.monthRows / (x.upsertNoFkMs / 1000))}/s)`,
        `${Math.round((100 * (x.upsertMs - x.upsertNoFkMs)) / x.upsertMs)} %`,
        secs(x.refreshAllMs / 1000),
        `${secs(x.refreshYearMs / 1000)} (${x.year})`,
      ];
    }),
  );
}

function fileTable(e: EngineRun): string {
  return textTable(
    ["File", "Rows", "Seconds", "Rows/s", "Read", "Hash", "Store", "Totals", "Rows changed", "Peak heap"],
    [...e.setup, ...e.ledger].map((t) => [
      t.file,
      int(t.rows),
      secs(t.seconds),
      int(t.rows / t.seconds),
      secs(t.phases.read),
      secs(t.phases.hash),
      secs(t.phases.store),
      secs(t.phases.totals),
      int(
        t.result.changed.months ||
          t.result.changed.amounts ||
          t.result.changed.accounts ||
          t.result.changed.nodes,
      ),
      `${int(t.heapMb)} MB`,
    ]),
  );
}

function statementTable(stats: readonly StatementStat[], perRequest: boolean): string {
  return textTable(
    ["Statement", perRequest ? "Calls / request" : "Calls", perRequest ? "ms / request" : "Seconds"],
    stats.map((s) => [
      `\`${s.statement}\``,
      perRequest ? s.calls.toFixed(1) : int(s.calls),
      perRequest ? s.ms.toFixed(2) : (s.ms / 1000).toFixed(1),
    ]),
  );
}

function levelTable(e: EngineRun, duck: ReferenceResult | null): string {
  return textTable(
    ["Level", "Requests", "p50", "p95", "max", "DuckDB p50", "DuckDB p95"],
    (["municipality", "committee", "area"] as const).map((l) => {
      const s = e.overview.byLevel[l];
      const d = duck?.byLevel[l];
      return [l, int(s.n), ms(s.p50), ms(s.p95), ms(s.max), d ? ms(d.p50) : "–", d ? ms(d.p95) : "–"];
    }),
  );
}

/** Why a target was missed, from this run's own measurements. */
export function missedNotes(r: Results): string[] {
  const notes: string[] = [];
  for (const e of r.engines) {
    if (e.linesPerSecond < TARGETS.linesPerSecond) {
      const p = e.phases;
      const months = e.ledger.reduce((s, t) => s + t.result.changed.months, 0);
      const monthStmt = e.statements.find((s) => s.statement.startsWith("insert into actual_month"));
      const totalsStmt = e.statements.find((s) => s.statement.startsWith("insert into node_total"));
      const readRate = e.manifest.lines / p.read;
      const budget = e.manifest.lines / TARGETS.linesPerSecond;
      const parts = [
        `**${e.label}: import ${int(e.linesPerSecond)} lines/s, target ${int(TARGETS.linesPerSecond)}.**`,
        `At the target the ${int(e.manifest.lines)} lines may take ${secs(budget)} in all; reading and validating them in JS alone took ${secs(p.read)} (${int(readRate)} lines/s),`,
        readRate < TARGETS.linesPerSecond
          ? "so the JS read alone is already below target."
          : `leaving ${secs(budget - p.read)} for hashing, storing and totals, which took ${secs(p.hash + p.store + p.totals)}.`,
        monthStmt
          ? `Storing ${int(months)} monthly balances with \`insert into actual_month\` took ${secs(monthStmt.ms / 1000)} (${int(months / (monthStmt.ms / 1000))} rows/s);`
          : "",
        totalsStmt
          ? `refreshing node_total took ${secs(totalsStmt.ms / 1000)} over ${e.ledger.length} files;`
          : "",
        `the second read of each file for its sha256 took ${secs(p.hash)}.`,
        e.experiments
          ? `In this run's experiments the foreign-key checks were ${Math.round((100 * (e.experiments.upsertMs - e.experiments.upsertNoFkMs)) / e.experiments.upsertMs)} % of upsertMonths, and refreshing node_total for one year instead of all took ${secs(e.experiments.refreshYearMs / 1000)} instead of ${secs(e.experiments.refreshAllMs / 1000)}.`
          : "",
      ];
      notes.push(parts.filter((s) => s !== "").join(" "));
    }
    const target = TARGETS.p95[e.engine];
    if (e.overview.all.p95 > target) {
      const top = e.overview.statements[0];
      notes.push(
        [
          `**${e.label}: overview p95 ${ms(e.overview.all.p95)}, target ${target} ms.**`,
          `Per request ${ms(e.overview.sqlMsPerRequest)} is SQL and ${ms(e.overview.jsMsPerRequest)} is JS (restating and rounding buckets);`,
          top ? `the largest statement is \`${top.statement}\` at ${top.ms.toFixed(1)} ms per request.` : "",
        ].join(" "),
      );
    }
  }
  return notes;
}

export function renderMarkdown(r: Results, recommendations: string): string {
  const m = r.machine;
  const p = r.params;
  const checks = r.engines.flatMap((e) =>
    e.checks.map((c) => [e.label, c.name, c.ok ? "ok" : "FAILED", c.detail]),
  );
  const lines: string[] = [];
  const push = (...s: string[]) => lines.push(...s);
  push(
    "# Benchmarks",
    "",
    'Generated by `npm run bench` (bench/run.ts). Every figure up to and including "Missed targets" is from',
    "the run stated here and is regenerated with it. The sections after that come from bench/recommendations.md:",
    "prototype measurements of proposed importer changes, with their own date.",
    "",
    `- **Date:** ${r.date}`,
    `- **Machine:** ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}`,
    `- **Parallel CPU:** one busy thread ${secs(m.parallel.one)}, two at once ${secs(m.parallel.two)}: effectively ${((2 * m.parallel.one) / m.parallel.two).toFixed(1)} cores${(2 * m.parallel.one) / m.parallel.two < 1.5 ? " (the vCPUs do not run in parallel here, so Node and the PostgreSQL server share one core's worth of CPU)" : ""}`,
    `- **Software:** Node ${m.node}, PostgreSQL ${m.postgres} (local server; shared_buffers ${r.pgSettings.shared_buffers}, work_mem ${r.pgSettings.work_mem}, synchronous_commit ${r.pgSettings.synchronous_commit}), PGlite ${m.pglite} (data dir on local disk), DuckDB ${m.duckdb} (@duckdb/node-api, in memory, 2 threads)`,
    `- **Total runtime:** ${secs(r.totalSeconds)} (${(r.totalSeconds / 60).toFixed(1)} min) for \`${["npm run bench", ...(p.argv.length > 0 ? ["--", ...p.argv] : [])].join(" ")}\``,
    "",
    "## Parameters",
    "",
    `- Synthetic municipality (seed ${p.seed}): 1 root, ${p.committees} committees, ${p.areas} areas, ${int(p.units)} units (about one in ten split into 2-4 sub-units, so units sit 3-4 levels under the root), ${int(p.accounts)} accounts (funktion h.hf.ff, dranst 1-3, art such as 1.0/2.2/4.0/5.9/7.1, gruppering; codes built with \`accountCode\`), each leaf unit booking on 20-40 accounts: ${int(p.pairs)} unit/account pairs.`,
    `- Ledger: 5 years (2021-2025), one CSV per year (\`Dato;Enhed;Konto;Beløb\`, ISO dates, amounts in kr. with øre and a decimal comma, UTF-8). PostgreSQL: ${int(p.lines.postgres)} lines; PGlite: ${int(p.lines.pglite)} lines${p.lines.pglite < p.lines.postgres ? " (reduced with --pglite-lines, see below)" : " (the same files)"}.`,
    "- Budget: one wide file (original budget 2021-2024, budget 2025, estimates 2026-2028) per unit/account pair, imported as `amounts` before the ledger.",
    `- Imports go through \`runImport\` with a \`monthly\` mapping (date, unit, account code, amount) and source \`{ fileName, path }\`: lines are aggregated to monthly balances (actual_month), yearly actuals are recomputed and node_total is refreshed, in one transaction per file.`,
    `- Overview: \`getOverview\` for the root, the ${p.committees} committees and the ${p.areas} areas in turn, columns ${p.columns}, fixed price year ${p.priceYear} (restated), unit tkr.; ${p.requests} requests after a warm-up pass over every target.`,
    `- Reference: the same roll-up (children of the requested node × year, from raw lines joined to the descendant→ancestor closure) as a plain GROUP BY in DuckDB (table loaded once with \`read_csv\`) over the ${int(p.lines.postgres)} lines, ${p.requests} requests; and in PostgreSQL over the same lines in an unlogged table (loaded with \`insert … select from unnest\` in 50,000-row batches; up to ${p.pgRawRequests} queries or ${p.pgRawSeconds} s).`,
    "",
    "## Results",
    "",
    resultsTable(r),
    "",
    `Targets: import ≥ ${int(TARGETS.linesPerSecond)} lines/s end to end; overview p95 ≤ ${TARGETS.p95.postgres} ms on PostgreSQL and ≤ ${TARGETS.p95.pglite} ms on PGlite. "vs DuckDB" is the overview latency divided by the DuckDB GROUP BY latency for the same request mix (below 1 = faster than scanning raw lines in DuckDB).`,
    "",
  );
  if (r.skipped.length > 0) push(`Skipped in this run: ${r.skipped.join("; ")}.`, "");
  if (p.lines.pglite < p.lines.postgres) {
    push(
      `PGlite imported ${int(p.lines.pglite)} lines in this run instead of ${int(p.lines.postgres)} (\`--pglite-lines\`); its figures are not directly comparable with PostgreSQL's. By default PGlite takes the full set: it imports 10 million lines in about a minute and a half on this machine, far from the 15 minutes that would justify a smaller default.`,
      "",
    );
  }
  push("### Import phases (ledger files only)", "", phaseTable(r.engines), "");
  push(
    'Read = opening, parsing, validating and aggregating the file in JS; Hash = the gap between the last row read and the transaction start, i.e. `hashFile` reading the file again for its sha256; Store = nodes, accounts, unit accounts, `upsertMonths` and the yearly actuals (`applyAnnualActuals`); node_total + commit = `refreshTotals`, the import log, the audit records (audit_log, amount_history) and the commit. "of which SQL" is the time spent inside database statements over the whole import (from a driver-level statement profile).',
    "",
  );
  const exps = r.engines.filter((e) => e.experiments);
  if (exps.length > 0) {
    push(
      "### Store experiments (rolled back, same database after the import)",
      "",
      experimentTable(exps),
      "",
      "Left: `upsertMonths` of one year's monthly balances inserted as a fresh year, as a first import does, with the schema as it is and with actual_month's three foreign keys (municipality_id, node_id, account_id) dropped inside the transaction. Right: `refreshTotals` as it is (all years) against the same statement restricted to the year the ledger file touches. Medians of three runs.",
      "",
    );
  }
  for (const e of r.engines) {
    push(`### ${e.label}: per file`, "", fileTable(e), "");
    push(
      `Slowest statements over the ledger import on ${e.label}:`,
      "",
      statementTable(e.statements, false),
      "",
    );
    push(
      `Rows after import: actual_month ${int(e.rows.actualMonth)}, amount ${int(e.rows.amount)}, node_total ${int(e.rows.nodeTotal)}${e.dbSizeMb !== null ? `; database size ${int(e.dbSizeMb)} MB` : ""}.`,
      "",
    );
    push(`Overview latency on ${e.label} by level:`, "", levelTable(e, r.duckdb), "");
    push(
      `Per request ${ms(e.overview.sqlMsPerRequest)} SQL and ${ms(e.overview.jsMsPerRequest)} JS (profiled pass):`,
      "",
      statementTable(e.overview.statements, true),
      "",
    );
  }
  if (r.duckdb || r.pgRaw) {
    push("### Reference: GROUP BY over raw lines", "");
    for (const ref of [r.duckdb, r.pgRaw]) {
      if (!ref) continue;
      push(
        `- ${ref.engine}: ${int(ref.lines)} lines loaded in ${secs(ref.loadSeconds)} (${int(ref.lines / ref.loadSeconds)} lines/s); per request p50 ${ms(ref.all.p50)}, p95 ${ms(ref.all.p95)} (n = ${ref.all.n}${ref.note ? `, ${ref.note}` : ""}); all nodes × years in one GROUP BY (what node_total holds): ${ms(ref.fullRollupMs)}.`,
      );
    }
    push("");
  }
  push("### Correctness checks", "", textTable(["Engine", "Check", "Result", "Detail"], checks), "");
  if (r.duckdb) {
    const gen = r.engines.find((e) => e.engine === "postgres")?.manifest ?? r.engines[0]?.manifest;
    const same = gen?.ledger.every((f) => r.duckdb?.yearSums.get(f.year) === BigInt(f.sumOre));
    push(
      `DuckDB's per-year sums of the raw lines ${same ? "equal" : "DIFFER FROM"} the generator's sums (and hence PostgreSQL's monthly balances).`,
      "",
    );
  }
  push(...webSection());
  const notes = missedNotes(r);
  push("## Missed targets", "");
  if (notes.length === 0) push("None in this run.", "");
  else for (const n of notes) push(`- ${n}`, "");
  push(recommendations.trim(), "");
  push(
    "## How to run",
    "",
    "```sh",
    "npm run bench                          # full run: 10M lines on PostgreSQL and PGlite, references, experiments",
    "npm run bench -- --lines 1000000       # smaller data set for a quick look (about 1.5 min)",
    "npm run bench -- --engines postgres    # only PostgreSQL (plus the references)",
    "npm run bench -- --pglite-lines 2000000 --no-docs    # fewer lines on PGlite; do not rewrite this file",
    "```",
    "",
    "PostgreSQL comes from `BENCH_DATABASE_URL` or `--url` (default postgres://postgres@127.0.0.1:5432/test); the bench creates and drops a `bev_bench_<pid>_<hex>` database there, and PGlite runs in a temp directory that is removed afterwards. Generated CSV files go to bench/out/ (gitignored) and are reused by later runs with the same parameters (`--regen` writes them again). `--report-only` re-renders this file from bench/out/results.json, e.g. after editing bench/recommendations.md. Other options: `--requests`, `--seed`, `--units`, `--accounts`, `--no-duckdb`, `--no-pg-raw`, `--no-experiments`, `--pg-raw-requests`, `--pg-raw-seconds`, `--watchdog-minutes` (default 45: the run cleans up and stops with exit code 124). Raw results of the last run are in bench/out/results.json.",
    "",
  );
  return lines.join("\n");
}
