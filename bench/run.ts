/**
 * npm run bench: generate a large synthetic municipality, import it through the real importer on
 * PostgreSQL and PGlite, measure overview latency, and compare with a plain GROUP BY over the raw
 * lines in DuckDB and PostgreSQL. Prints a table and writes docs/benchmarks.md. Cleans up its
 * databases and temp directories on every exit path, and a watchdog bounds the runtime.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Database, Engine } from "@bevilling/db";
import { ensureMunicipality } from "@bevilling/services";
import { type Kysely, sql } from "kysely";
import { agreementTable, runAgreementBench } from "./agreement.ts";
import { agreementApiTable, agreementSection, runAgreementApiBench } from "./agreement-api.ts";
import {
  type BenchDatabase,
  cleanupAll,
  dropStaleDatabases,
  openBenchPglite,
  openBenchPostgres,
  serverSettings,
  serverVersion,
} from "./engines.ts";
import { runExperiments } from "./experiments.ts";
import { generate, type Manifest } from "./generate.ts";
import { MAPPINGS, sumPhases, type TimedImport, timedImport } from "./imports.ts";
import { machine, parallelProbe } from "./machine.ts";
import { buildModel, type Model, MUNICIPALITY } from "./model.ts";
import { COLUMNS, measureOverview, overviewTargets, PRICE_YEAR } from "./overview.ts";
import { Profile } from "./profiler.ts";
import { duckdbReference, postgresRawReference, type ReferenceResult } from "./reference.ts";
import { type EngineRun, type Results, renderMarkdown, resultsTable } from "./report.ts";
import { int, ms, secs } from "./stats.ts";
import { verifyImport } from "./verify.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const { values: args } = parseArgs({
  options: {
    lines: { type: "string", default: "10000000" },
    "pglite-lines": { type: "string" },
    engines: { type: "string", default: "postgres,pglite" },
    requests: { type: "string", default: "200" },
    seed: { type: "string", default: "2025" },
    units: { type: "string", default: "1000" },
    accounts: { type: "string", default: "3000" },
    url: {
      type: "string",
      default: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    },
    out: { type: "string", default: join(ROOT, "bench", "out") },
    regen: { type: "boolean", default: false },
    "no-duckdb": { type: "boolean", default: false },
    "no-pg-raw": { type: "boolean", default: false },
    "pg-raw-requests": { type: "string", default: "20" },
    "pg-raw-seconds": { type: "string", default: "90" },
    "no-experiments": { type: "boolean", default: false },
    "no-docs": { type: "boolean", default: false },
    "watchdog-minutes": { type: "string", default: "45" },
    "report-only": { type: "boolean", default: false },
  },
  strict: true,
});

function num(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got ${v})`);
  return n;
}

const started = performance.now();
const stamp = () => {
  const s = Math.floor((performance.now() - started) / 1000);
  return `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}]`;
};
const log = (s: string) => console.log(`${stamp()} ${s}`);

async function count(
  db: Kysely<Database>,
  table: "actual_month" | "amount" | "node_total",
  municipalityId: number,
) {
  const r = await sql<{
    n: bigint;
  }>`select count(*)::bigint as n from ${sql.table(table)} where municipality_id = ${municipalityId}`.execute(
    db,
  );
  return Number(r.rows[0]?.n ?? 0);
}

async function runEngine(
  engine: Engine,
  bench: BenchDatabase,
  manifest: Manifest,
  requests: number,
  pgRaw: { enabled: boolean; requests: number; seconds: number },
  experiments: boolean,
): Promise<{ run: EngineRun; pgRaw: ReferenceResult | null }> {
  const label = engine === "postgres" ? "PostgreSQL" : "PGlite";
  const { db, pglite } = bench.handle;
  const { municipality } = await ensureMunicipality(db, { ...MUNICIPALITY });
  const setup: TimedImport[] = [];
  for (const [file, mapping] of [
    [manifest.organisation, MAPPINGS.organisation],
    [manifest.chart, MAPPINGS.chart],
    [manifest.budget, MAPPINGS.budget],
  ] as const) {
    const t = await timedImport(db, pglite, municipality, file, file.split("/").pop() as string, mapping);
    setup.push(t);
    log(`  ${label}: ${t.file}: ${int(t.rows)} rows in ${secs(t.seconds)}`);
  }

  const ledger: TimedImport[] = [];
  for (const f of manifest.ledger) {
    const t = await timedImport(
      db,
      pglite,
      municipality,
      f.path,
      f.path.split("/").pop() as string,
      MAPPINGS.ledger,
    );
    ledger.push(t);
    const p = t.phases;
    log(
      `  ${label}: ${t.file}: ${int(t.rows)} lines in ${secs(t.seconds)} = ${int(t.rows / t.seconds)} lines/s ` +
        `(read ${secs(p.read)}, hash ${secs(p.hash)}, store ${secs(p.store)}, totals ${secs(p.totals)}; ` +
        `${int(t.result.changed.months)} monthly balances, heap ${int(t.heapMb)} MB)`,
    );
  }
  const importSeconds = ledger.reduce((s, t) => s + t.seconds, 0);
  const merged = new Profile();
  for (const t of ledger) merged.merge(t.profile);
  const linesPerSecond = manifest.lines / importSeconds;
  log(
    `  ${label}: ledger import ${int(manifest.lines)} lines in ${secs(importSeconds)} = ${int(linesPerSecond)} lines/s`,
  );

  const root = (await overviewTargets(db, municipality.id)).find((t) => t.level === "municipality");
  if (!root) throw new Error("root node missing");
  const checks = await verifyImport(db, municipality.id, root.id, manifest);
  for (const c of checks) log(`  ${label}: check ${c.ok ? "ok" : "FAILED"}: ${c.name} (${c.detail})`);
  const rows = {
    actualMonth: await count(db, "actual_month", municipality.id),
    amount: await count(db, "amount", municipality.id),
    nodeTotal: await count(db, "node_total", municipality.id),
  };
  let dbSizeMb: number | null = null;
  if (engine === "postgres") {
    await sql`vacuum analyze`.execute(db);
    const s = await sql<{ b: bigint }>`select pg_database_size(current_database())::bigint as b`.execute(db);
    dbSizeMb = Number(s.rows[0]?.b ?? 0) / 1e6;
  }

  const targets = await overviewTargets(db, municipality.id);
  const overview = await measureOverview(db, pglite, targets, requests);
  log(
    `  ${label}: overview p50 ${ms(overview.all.p50)}, p95 ${ms(overview.all.p95)} over ${requests} requests`,
  );

  let exp: EngineRun["experiments"] = null;
  if (experiments) {
    const year = manifest.ledger[manifest.ledger.length - 1]?.year ?? 2025;
    exp = await runExperiments(db, municipality.id, year);
    log(
      `  ${label}: experiment: upsertMonths of ${int(exp.monthRows)} rows ${secs(exp.upsertMs / 1000)}, ` +
        `without actual_month's FKs ${secs(exp.upsertNoFkMs / 1000)}; refreshTotals ${secs(exp.refreshAllMs / 1000)}, ` +
        `for ${year} only ${secs(exp.refreshYearMs / 1000)}`,
    );
  }

  let raw: ReferenceResult | null = null;
  if (engine === "postgres" && pgRaw.enabled && bench.url) {
    log(`  ${label}: loading raw lines for the GROUP BY reference`);
    raw = await postgresRawReference(
      bench.url,
      municipality.id,
      manifest.ledger,
      targets.map((t) => ({ id: t.id, code: t.code, level: t.level })),
      pgRaw.requests,
      pgRaw.seconds,
      log,
    );
    log(`  ${label}: raw GROUP BY p50 ${ms(raw.all.p50)}, p95 ${ms(raw.all.p95)} (${raw.note ?? ""})`);
  }

  return {
    run: {
      engine,
      label,
      manifest,
      setup,
      ledger,
      importSeconds,
      linesPerSecond,
      phases: sumPhases(ledger),
      statements: merged.top(8),
      sqlSeconds: merged.totalMs() / 1000,
      checks,
      overview,
      rows,
      dbSizeMb,
      experiments: exp,
    },
    pgRaw: raw,
  };
}

/** Re-renders docs/benchmarks.md from bench/out/results.json (after editing recommendations.md). */
function reportOnly(): number {
  const file = join(args.out as string, "results.json");
  const results = JSON.parse(readFileSync(file, "utf8"), (k, v) =>
    k === "yearSums"
      ? new Map(Object.entries(v as Record<string, string>).map(([y, s]) => [Number(y), BigInt(s)]))
      : v,
  ) as Results;
  writeDocs(results, (results as Results & { agreementSection?: string }).agreementSection);
  console.log(resultsTable(results));
  return 0;
}

function writeDocs(results: Results, agreement = ""): void {
  const recFile = join(ROOT, "bench", "recommendations.md");
  const recommendations = existsSync(recFile) ? readFileSync(recFile, "utf8") : "";
  const docs = join(ROOT, "docs", "benchmarks.md");
  mkdirSync(dirname(docs), { recursive: true });
  writeFileSync(docs, `${renderMarkdown(results, recommendations)}${agreement ? `\n${agreement}` : ""}`);
  log(`wrote ${docs}`);
}

async function main(): Promise<number> {
  if (args["report-only"]) return reportOnly();
  const lines = num("lines", args.lines);
  const pgliteLines = args["pglite-lines"] ? num("pglite-lines", args["pglite-lines"]) : lines;
  const requests = num("requests", args.requests);
  const seed = num("seed", args.seed);
  const engines = (args.engines ?? "").split(",").map((s) => s.trim()) as Engine[];
  for (const e of engines) if (e !== "postgres" && e !== "pglite") throw new Error(`unknown engine ${e}`);
  const url = args.url as string;
  const skipped: string[] = [];

  const pgVersion =
    engines.includes("postgres") || !args["no-pg-raw"] ? await serverVersion(url) : "not used";
  const pgSettings = engines.includes("postgres")
    ? await serverSettings(url, [
        "shared_buffers",
        "work_mem",
        "synchronous_commit",
        "max_parallel_workers_per_gather",
      ])
    : {};
  if (engines.includes("postgres")) {
    const stale = await dropStaleDatabases(url);
    if (stale.length > 0) log(`dropped databases left by earlier runs: ${stale.join(", ")}`);
  }
  const mach = machine(pgVersion, await parallelProbe());
  log(
    `${mach.cpu}, ${mach.cores} cores, ${mach.ramGb} GB, Node ${mach.node}, PostgreSQL ${mach.postgres}, PGlite ${mach.pglite}`,
  );
  log(
    `parallel CPU probe: one busy thread ${secs(mach.parallel.one)}, two at once ${secs(mach.parallel.two)} ` +
      `(effective cores ${((2 * mach.parallel.one) / mach.parallel.two).toFixed(1)})`,
  );

  // Before the databases, so their heap and the import's garbage do not time the in-memory core.
  log("agreement: recomputing the budget agreement's effect table after each edit (core, in memory)");
  const agreement = runAgreementBench({ seed, log: (s) => log(`  ${s}`) });
  log("agreement API: previewing a scenario through the server after each edit");
  const agreementApi = await runAgreementApiBench({ seed, engines, url, log: (s) => log(`  ${s}`) });

  const model: Model = buildModel({
    seed,
    units: num("units", args.units),
    accounts: num("accounts", args.accounts),
  });
  log(
    `model: ${model.committees.length} committees, ${model.areas.length} areas, ${model.units.length} units ` +
      `(${model.leaves.length} leaves), ${model.accounts.length} accounts, ${model.pairs.length} unit/account pairs`,
  );
  const outDir = args.out as string;
  mkdirSync(outDir, { recursive: true });
  const manifests = new Map<number, { manifest: Manifest; reused: boolean }>();
  const need = new Set<number>();
  if (engines.includes("postgres") || !args["no-duckdb"]) need.add(lines);
  if (engines.includes("pglite")) need.add(pgliteLines);
  for (const n of [...need].sort((a, b) => b - a)) {
    log(`generating ${int(n)} ledger lines`);
    const t = performance.now();
    let reused = false;
    const manifest = generate(model, n, outDir, {
      regen: args.regen,
      log: (s) => {
        if (s.includes("reusing")) reused = true;
        log(s);
      },
    });
    manifests.set(n, { manifest, reused });
    log(
      `  ${int(manifest.monthlyBalances)} distinct monthly balances; ${secs((performance.now() - t) / 1000)}`,
    );
  }

  const results: Results = {
    date: `${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC`,
    machine: mach,
    pgSettings,
    params: {
      seed,
      committees: model.committees.length,
      areas: model.areas.length,
      units: model.units.length,
      accounts: model.accounts.length,
      pairs: model.pairs.length,
      lines: { postgres: lines, pglite: pgliteLines },
      requests,
      priceYear: PRICE_YEAR,
      columns: COLUMNS.map((c) => `${c.year} ${c.kind}`).join(", "),
      pgRawRequests: num("pg-raw-requests", args["pg-raw-requests"]),
      pgRawSeconds: num("pg-raw-seconds", args["pg-raw-seconds"]),
      argv: process.argv.slice(2),
    },
    generation: [...manifests.values()].map(({ manifest, reused }) => ({
      lines: manifest.lines,
      seconds: manifest.generationSeconds,
      reused,
      bytes: manifest.ledger.reduce((s, f) => s + f.bytes, 0),
    })),
    engines: [],
    duckdb: null,
    pgRaw: null,
    skipped,
    totalSeconds: 0,
  };

  for (const engine of engines) {
    const manifest = manifests.get(engine === "postgres" ? lines : pgliteLines)?.manifest as Manifest;
    log(`${engine}: fresh database`);
    const bench = engine === "postgres" ? await openBenchPostgres(url) : await openBenchPglite();
    try {
      const r = await runEngine(
        engine,
        bench,
        manifest,
        requests,
        {
          enabled: !args["no-pg-raw"],
          requests: results.params.pgRawRequests,
          seconds: results.params.pgRawSeconds,
        },
        !args["no-experiments"],
      );
      results.engines.push(r.run);
      if (r.pgRaw) results.pgRaw = r.pgRaw;
    } finally {
      await bench.dispose();
      log(`${engine}: database removed`);
    }
    if (engine === "postgres" && !args["no-duckdb"]) {
      log("duckdb: loading raw lines and timing the GROUP BY");
      results.duckdb = await runDuckdb(model, manifests.get(lines)?.manifest as Manifest, requests);
    }
  }
  if (!engines.includes("postgres") && !args["no-duckdb"]) {
    log("duckdb: loading raw lines and timing the GROUP BY");
    results.duckdb = await runDuckdb(model, manifests.get(lines)?.manifest as Manifest, requests);
  }
  if (args["no-duckdb"]) skipped.push("DuckDB reference (--no-duckdb)");
  if (args["no-pg-raw"]) skipped.push("PostgreSQL raw-line GROUP BY (--no-pg-raw)");
  if (args["no-experiments"]) skipped.push("store experiments (--no-experiments)");
  for (const e of ["postgres", "pglite"] as const)
    if (!engines.includes(e)) skipped.push(`${e} (not in --engines)`);

  results.totalSeconds = (performance.now() - started) / 1000;
  console.log("");
  console.log(resultsTable(results));
  console.log("");
  console.log(agreementTable(agreement));
  console.log("");
  console.log(agreementApiTable(agreementApi));
  const agreementDocs = agreementSection(agreement, agreementApi, results.date);
  console.log("");
  console.log(`Total runtime ${secs(results.totalSeconds)} (${(results.totalSeconds / 60).toFixed(1)} min).`);

  writeFileSync(
    join(outDir, "results.json"),
    `${JSON.stringify({ ...results, agreementSection: agreementDocs }, (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v), 2)}\n`,
  );
  if (!args["no-docs"]) writeDocs(results, agreementDocs);
  const failed = results.engines.flatMap((e) => e.checks.filter((c) => !c.ok));
  return failed.length > 0 || !agreement.check.ok ? 2 : 0;
}

async function runDuckdb(model: Model, manifest: Manifest, requests: number): Promise<ReferenceResult> {
  const targets = [
    { code: model.rootCode, level: "municipality" as const },
    ...model.committees.map((c) => ({ code: c.code, level: "committee" as const })),
    ...model.areas.map((a) => ({ code: a.code, level: "area" as const })),
  ];
  const r = await duckdbReference(model, manifest.ledger, targets, requests);
  log(
    `  duckdb: ${int(r.lines)} lines loaded in ${secs(r.loadSeconds)}; GROUP BY p50 ${ms(r.all.p50)}, p95 ${ms(r.all.p95)}`,
  );
  const same = manifest.ledger.every((f) => r.yearSums.get(f.year) === BigInt(f.sumOre));
  log(`  duckdb: per-year sums ${same ? "equal" : "DIFFER FROM"} the generator's`);
  return r;
}

const watchdogMinutes = num("watchdog-minutes", args["watchdog-minutes"]);
const watchdog = setTimeout(() => {
  console.error(`watchdog: still running after ${watchdogMinutes} min; cleaning up and stopping`);
  void cleanupAll().finally(() => process.exit(124));
}, watchdogMinutes * 60_000);
watchdog.unref();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`${signal}: cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanupAll();
    clearTimeout(watchdog);
    process.exit(code);
  })
  .catch(async (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    await cleanupAll();
    process.exit(1);
  });
