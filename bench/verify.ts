/**
 * Cross-checks after the import, so a fast number is never a wrong one: the stored monthly
 * balances add up to the generator's sums per year, their count is the number of distinct
 * (unit, account, month) cells the lines hit, node_total at the root agrees, and the overview at
 * current prices prints the same actuals as the raw lines.
 */
import type { Database } from "@bevilling/db";
import { getOverview } from "@bevilling/services";
import { type Kysely, sql } from "kysely";
import type { Manifest } from "./generate.ts";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export async function verifyImport(
  db: Kysely<Database>,
  municipalityId: number,
  rootId: number,
  manifest: Manifest,
): Promise<Check[]> {
  const checks: Check[] = [];
  const months = await sql<{ year: number; total: bigint; n: bigint }>`
    select year, sum(amount)::bigint as total, count(*)::bigint as n
    from actual_month where municipality_id = ${municipalityId} group by year order by year`.execute(db);
  const byYear = new Map(months.rows.map((r) => [r.year, r]));
  const bad = manifest.ledger.filter((f) => byYear.get(f.year)?.total !== BigInt(f.sumOre));
  checks.push({
    name: "monthly balances = sum of lines per year",
    ok: bad.length === 0,
    detail:
      bad.length === 0
        ? `${manifest.ledger.length} years agree to the øre`
        : `differs in ${bad.map((f) => f.year).join(", ")}`,
  });
  const stored = months.rows.reduce((s, r) => s + Number(r.n), 0);
  checks.push({
    name: "number of monthly balances",
    ok: stored === manifest.monthlyBalances,
    detail: `${stored.toLocaleString("en-US")} stored, ${manifest.monthlyBalances.toLocaleString("en-US")} expected`,
  });

  const totals = await sql<{ year: number; total: bigint }>`
    select year, sum(amount)::bigint as total from node_total
    where node_id = ${rootId} and kind = 'actual' group by year`.execute(db);
  const tByYear = new Map(totals.rows.map((r) => [r.year, r.total]));
  const badTotals = manifest.ledger.filter((f) => tByYear.get(f.year) !== BigInt(f.sumOre));
  checks.push({
    name: "node_total of the root = sum of lines",
    ok: badTotals.length === 0,
    detail:
      badTotals.length === 0 ? "every year agrees" : `differs in ${badTotals.map((f) => f.year).join(", ")}`,
  });

  const year = 2023;
  const o = await getOverview(db, {
    nodeId: rootId,
    columns: [{ year, kind: "actual" }],
    priceYear: "current",
    unit: "kr",
  });
  const want = BigInt(manifest.ledger.find((f) => f.year === year)?.sumOre ?? 0);
  checks.push({
    name: `overview (current prices) actuals ${year} = sum of lines`,
    ok: o.total.exact[0] === want,
    detail: `${o.total.exact[0]} øre`,
  });
  return checks;
}
