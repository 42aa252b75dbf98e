/**
 * The multi-year overview of one node: one row per child (its whole subtree) plus the node's
 * total, one column per (year, kind), at one price level and in one printing unit. This is the
 * table of seed 000 ("Budget for Økonomiudvalget", 1.000 kr., 2025-priser).
 *
 * Totals arrive pre-aggregated per node and bucket (year, kind, index group, stored price year,
 * category) so a view never scans ledger rows. Restating is done exactly (see Scale), the total
 * row is the exact sum of its rows, and the table is rounded with largest remainders only when
 * printed, so it adds up as printed.
 */
import type { SpendingCategory } from "./accounts.ts";
import { type Column, columnLabel } from "./amounts.ts";
import { formatQuanta } from "./format.ts";
import { type AmountUnit, divRoundHalfAwayFromZero, unitDecimals, unitLabel, unitQuantum } from "./money.ts";
import type { OrgNode } from "./org.ts";
import { effectiveGroup, type IndexGroup, type IndexRule, indexPoint, type PriceIndex } from "./prices.ts";
import { roundTableTree } from "./rounding.ts";

export interface TotalBucket {
  nodeId: number;
  year: number;
  kind: Column["kind"];
  indexGroup: IndexGroup;
  priceYear: number;
  category: SpendingCategory;
  amount: bigint;
}

/** What a row stands for: a child node, or an account when drilling below a unit. */
export interface RowRef {
  id: number;
  code: string;
  name: string;
  kind: OrgNode["kind"] | "account";
}

export interface OverviewRequest {
  node: Pick<OrgNode, "id" | "code" | "name" | "kind">;
  columns: Column[];
  /** Target price year, or null for current prices (each amount as stored). */
  priceYear: number | null;
  unit: AmountUnit;
  categories?: readonly SpendingCategory[];
  index: PriceIndex;
  rule: IndexRule;
}

export interface OverviewPart {
  ref: RowRef;
  buckets: readonly Omit<TotalBucket, "nodeId">[];
}

export interface OverviewRow {
  /** null for amounts booked directly on the node rather than on a child. */
  ref: RowRef | null;
  label: string;
  /** The exact value in øre, rounded to whole øre only when it was restated (see Scale). */
  exact: bigint[];
  printed: bigint[];
  text: string[];
}

export interface Overview {
  node: RowRef;
  columns: (Column & { label: string })[];
  unit: AmountUnit;
  unitLabel: string;
  priceYear: number | null;
  note: string;
  total: OverviewRow;
  rows: OverviewRow[];
}

interface TableRow {
  values: bigint[];
  children?: TableRow[];
}

export const UNALLOCATED_LABEL = "Ikke fordelt på underliggende niveau";

export function priceNote(priceYear: number | null): string {
  return priceYear === null ? "Alle tal er i løbende priser." : `Alle tal er i ${priceYear}-priser.`;
}

/**
 * Exact restatement. Restating is linear per (index group, stored price year): the sum of
 * amounts × I(T)/I(P) is (sum of amounts) × I(T)/I(P). So every value of a view is kept as an
 * exact rational over one common denominator D (the least common multiple of the index points
 * of the stored price years involved) and only rounded when printed. A node's row in its
 * parent's view and the node's own total are then the same number, rows add up to totals
 * without rounding residue, and nothing booked directly on a node is invented.
 */
export interface Scale {
  /** Common denominator of the scaled values; 1 for current prices. */
  denominator: bigint;
  scaled(b: Omit<TotalBucket, "nodeId">): bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function scaleFor(
  buckets: Iterable<Omit<TotalBucket, "nodeId">>,
  priceYear: number | null,
  index: PriceIndex,
  rule: IndexRule,
): Scale {
  if (priceYear === null) return { denominator: 1n, scaled: (b) => b.amount };
  let d = 1n;
  for (const b of buckets) {
    if (b.priceYear === priceYear) continue;
    const p = indexPoint(index, effectiveGroup(rule, b.indexGroup), b.priceYear);
    d = (d / gcd(d, p)) * p;
  }
  return {
    denominator: d,
    scaled: (b) => {
      if (b.priceYear === priceYear) return b.amount * d;
      const g = effectiveGroup(rule, b.indexGroup);
      return (b.amount * indexPoint(index, g, priceYear) * d) / indexPoint(index, g, b.priceYear);
    },
  };
}

/** Sums buckets into one scaled value per column (øre × scale.denominator). */
export function columnValues(
  buckets: readonly Omit<TotalBucket, "nodeId">[],
  columns: readonly Column[],
  scale: Scale,
  categories?: readonly SpendingCategory[],
): bigint[] {
  const pos = new Map<string, number>();
  columns.forEach((c, i) => {
    pos.set(`${c.year}:${c.kind}`, i);
  });
  const out = columns.map(() => 0n);
  for (const b of buckets) {
    const i = pos.get(`${b.year}:${b.kind}`);
    if (i === undefined) continue;
    if (categories && !categories.includes(b.category)) continue;
    out[i] = (out[i] as bigint) + scale.scaled(b);
  }
  return out;
}

/**
 * own: the node's whole-subtree buckets; parts: one entry per row. Whatever the node holds
 * beyond its rows (amounts booked on the node itself) becomes an "ikke fordelt" row, so the
 * rows always add up to the total.
 */
export function buildOverview(
  req: OverviewRequest,
  own: readonly Omit<TotalBucket, "nodeId">[],
  parts: readonly OverviewPart[],
): Overview {
  const inView = (b: Omit<TotalBucket, "nodeId">) =>
    req.columns.some((c) => c.year === b.year && c.kind === b.kind) &&
    (!req.categories || req.categories.includes(b.category));
  const scale = scaleFor(
    [...own, ...parts.flatMap((p) => p.buckets)].filter(inView),
    req.priceYear,
    req.index,
    req.rule,
  );
  const values = (b: readonly Omit<TotalBucket, "nodeId">[]) =>
    columnValues(b, req.columns, scale, req.categories);
  const total = values(own);
  const rows: { ref: RowRef | null; scaled: bigint[] }[] = parts.map((p) => ({
    ref: p.ref,
    scaled: values(p.buckets),
  }));
  const unallocated = total.map((v, i) => rows.reduce((acc, r) => acc - (r.scaled[i] as bigint), v));
  if (rows.length > 0 && unallocated.some((v) => v !== 0n)) rows.push({ ref: null, scaled: unallocated });

  const d = scale.denominator;
  const quantum = unitQuantum(req.unit);
  const decimals = unitDecimals(req.unit);
  const table: TableRow = { values: total, children: rows.map((r) => ({ values: r.scaled })) };
  const rounded = roundTableTree(table, quantum * d);
  const toRow = (ref: RowRef | null, label: string, scaled: bigint[], printed: bigint[]): OverviewRow => ({
    ref,
    label,
    exact: scaled.map((v) => divRoundHalfAwayFromZero(v, d)),
    printed,
    text: printed.map((q) => formatQuanta(q, decimals)),
  });
  return {
    node: { id: req.node.id, code: req.node.code, name: req.node.name, kind: req.node.kind },
    columns: req.columns.map((c) => ({ ...c, label: columnLabel(c) })),
    unit: req.unit,
    unitLabel: unitLabel(req.unit),
    priceYear: req.priceYear,
    note: priceNote(req.priceYear),
    total: toRow({ ...req.node }, req.node.name, total, rounded.printed),
    rows: rows.map((r, i) =>
      toRow(r.ref, r.ref ? r.ref.name : UNALLOCATED_LABEL, r.scaled, rounded.children[i]?.printed ?? []),
    ),
  };
}
