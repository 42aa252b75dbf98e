/**
 * Overview roll-up latency: getOverview for the municipality, its committees and its areas with
 * the six standard columns at a fixed price year (restated), round-robin over the targets, after
 * a warm-up pass. One extra profiled pass attributes the time to SQL statements.
 */
import { type Column, standardColumns } from "@bevilling/core";
import { type Database, listNodes } from "@bevilling/db";
import { getOverview } from "@bevilling/services";
import type { PGlite } from "@electric-sql/pglite";
import type { Kysely } from "kysely";
import { MUNICIPALITY } from "./model.ts";
import { profiled, type StatementStat } from "./profiler.ts";
import { type Summary, summarize } from "./stats.ts";

export type Level = "municipality" | "committee" | "area";

export interface Target {
  id: number;
  code: string;
  level: Level;
}

export interface LatencyResult {
  requests: number;
  warmup: number;
  all: Summary;
  byLevel: Record<Level, Summary>;
  /** Average per request of the profiled pass, by statement. */
  statements: StatementStat[];
  /** Average per request spent outside SQL (JS: restating, rounding, building rows). */
  jsMsPerRequest: number;
  sqlMsPerRequest: number;
}

export const PRICE_YEAR = MUNICIPALITY.budgetYear;
export const COLUMNS: Column[] = standardColumns(MUNICIPALITY.budgetYear);

export async function overviewTargets(db: Kysely<Database>, municipalityId: number): Promise<Target[]> {
  const nodes = await listNodes(db, municipalityId);
  const out: Target[] = [];
  for (const level of ["municipality", "committee", "area"] as const) {
    for (const n of nodes) if (n.kind === level) out.push({ id: n.id, code: n.code, level });
  }
  return out;
}

async function once(db: Kysely<Database>, t: Target): Promise<number> {
  const t0 = performance.now();
  const o = await getOverview(db, { nodeId: t.id, columns: COLUMNS, priceYear: PRICE_YEAR, unit: "tkr" });
  const elapsed = performance.now() - t0;
  if (o.rows.length === 0) throw new Error(`overview of ${t.code} has no rows`);
  return elapsed;
}

export async function measureOverview(
  db: Kysely<Database>,
  pgl: PGlite | undefined,
  targets: readonly Target[],
  requests: number,
): Promise<LatencyResult> {
  // Warm-up: every target once (plans, caches, JIT), at least 20 requests.
  const warmup = Math.max(20, targets.length);
  for (let i = 0; i < warmup; i++) await once(db, targets[i % targets.length] as Target);

  const times: number[] = [];
  const byLevel: Record<Level, number[]> = { municipality: [], committee: [], area: [] };
  for (let i = 0; i < requests; i++) {
    const t = targets[i % targets.length] as Target;
    const ms = await once(db, t);
    times.push(ms);
    byLevel[t.level].push(ms);
  }

  // Profiled pass over every target once, outside the measurement.
  let wall = 0;
  const { profile } = await profiled(pgl, async () => {
    for (const t of targets) wall += await once(db, t);
  });
  const n = targets.length;
  const sql = profile.totalMs();
  return {
    requests,
    warmup,
    all: summarize(times),
    byLevel: {
      municipality: summarize(byLevel.municipality),
      committee: summarize(byLevel.committee),
      area: summarize(byLevel.area),
    },
    statements: profile.top(8).map((s) => ({ statement: s.statement, calls: s.calls / n, ms: s.ms / n })),
    jsMsPerRequest: (wall - sql) / n,
    sqlMsPerRequest: sql / n,
  };
}
