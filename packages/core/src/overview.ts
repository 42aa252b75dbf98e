/**
 * The multi-year overview of one node: one row per child (its whole subtree) plus the node's
 * total, one column per (year, kind), at one price level and in one printing unit. This is the
 * table of seed 000 ("Budget for Økonomiudvalget", 1.000 kr., 2025-priser).
 *
 * Totals arrive pre-aggregated per node and bucket (year, kind, index group, stored price year,
 * category) so a view never scans ledger rows. Each bucket is restated on its own and the parts
 * are added afterwards; the total row is the exact sum of the child rows, then the whole table
 * is rounded with largest remainders so it adds up as printed.
 */
import type { SpendingCategory } from "./accounts.ts";
import { type Column, columnLabel } from "./amounts.ts";
import { formatQuanta } from "./format.ts";
import { type AmountUnit, unitDecimals, unitLabel, unitQuantum } from "./money.ts";
import type { OrgNode } from "./org.ts";
import { type IndexGroup, type IndexRule, type PriceIndex, restate } from "./prices.ts";
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

/** Sums buckets into one exact value per column, restating bucket by bucket. */
export function columnValues(
  buckets: readonly Omit<TotalBucket, "nodeId">[],
  columns: readonly Column[],
  priceYear: number | null,
  index: PriceIndex,
  rule: IndexRule,
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
    const v =
      priceYear === null ? b.amount : restate(b.amount, b.priceYear, priceYear, b.indexGroup, index, rule);
    out[i] = (out[i] as bigint) + v;
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
  const values = (b: readonly Omit<TotalBucket, "nodeId">[]) =>
    columnValues(b, req.columns, req.priceYear, req.index, req.rule, req.categories);
  const totalExact = values(own);
  const rows: { ref: RowRef | null; exact: bigint[] }[] = parts.map((p) => ({
    ref: p.ref,
    exact: values(p.buckets),
  }));
  const unallocated = totalExact.map((v, i) => rows.reduce((acc, r) => acc - (r.exact[i] as bigint), v));
  if (rows.length > 0 && unallocated.some((v) => v !== 0n)) rows.push({ ref: null, exact: unallocated });

  const quantum = unitQuantum(req.unit);
  const decimals = unitDecimals(req.unit);
  const table: TableRow = { values: totalExact, children: rows.map((r) => ({ values: r.exact })) };
  const rounded = roundTableTree(table, quantum);
  const toRow = (ref: RowRef | null, label: string, exact: bigint[], printed: bigint[]): OverviewRow => ({
    ref,
    label,
    exact,
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
    total: toRow({ ...req.node }, req.node.name, totalExact, rounded.printed),
    rows: rows.map((r, i) =>
      toRow(r.ref, r.ref ? r.ref.name : UNALLOCATED_LABEL, r.exact, rounded.children[i]?.printed ?? []),
    ),
  };
}
