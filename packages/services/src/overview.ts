import {
  type AmountUnit,
  buildOverview,
  type Column,
  isValidInAny,
  type Municipality,
  type Overview,
  type OverviewPart,
  type RowRef,
  type SpendingCategory,
  standardColumns,
} from "@bevilling/core";
import {
  childrenOf,
  type Database,
  findMunicipality,
  getNode,
  listAccounts,
  listNodes,
  loadAccountBuckets,
  loadActiveIndex,
  loadBuckets,
} from "@bevilling/db";
import type { Kysely } from "kysely";
import { NotFound } from "./errors.ts";

export interface OverviewQuery {
  nodeId: number;
  columns?: Column[] | undefined;
  /** A price year, "current" for løbende priser, or undefined for the municipality's default. */
  priceYear?: number | "current" | undefined;
  unit?: AmountUnit | undefined;
  categories?: SpendingCategory[] | undefined;
  /** Rows per child node (default) or per account of the node's subtree. */
  rows?: "children" | "accounts" | undefined;
}

export interface OverviewResponse extends Overview {
  municipality: { id: number; code: string; name: string };
  path: RowRef[];
  index: { name: string; isExample: boolean };
  /** Which rows can be drilled into further. */
  drillable: number[];
}

export async function getOverview(db: Kysely<Database>, q: OverviewQuery): Promise<OverviewResponse> {
  const node = await getNode(db, q.nodeId);
  if (!node) throw new NotFound(`Enheden ${q.nodeId} findes ikke`);
  const m = (await findMunicipality(db, node.municipalityId)) as Municipality;
  const columns = q.columns && q.columns.length > 0 ? q.columns : standardColumns(m.settings.budgetYear);
  const years = columns.map((c) => c.year);
  const priceYear = q.priceYear === "current" ? null : (q.priceYear ?? m.settings.defaultPriceYear);
  const index = await loadActiveIndex(db, m.id);
  const all = await listNodes(db, m.id);
  const byId = new Map(all.map((n) => [n.id, n]));
  const path: RowRef[] = [];
  for (let cur = byId.get(node.id); cur; cur = cur.parentId === null ? undefined : byId.get(cur.parentId)) {
    path.unshift({ id: cur.id, code: cur.code, name: cur.name, kind: cur.kind });
  }

  let parts: OverviewPart[];
  let own: OverviewPart["buckets"];
  const drillable: number[] = [];
  if (q.rows === "accounts") {
    const accounts = new Map((await listAccounts(db, m.id)).map((a) => [a.id, a]));
    const buckets = await loadAccountBuckets(db, node.id);
    own = buckets;
    const byAccount = new Map<number, typeof buckets>();
    for (const b of buckets) {
      if (b.accountId === null) continue;
      const list = byAccount.get(b.accountId) ?? [];
      list.push(b);
      byAccount.set(b.accountId, list);
    }
    parts = [...byAccount.entries()]
      .map(([id, list]) => {
        const a = accounts.get(id);
        return {
          ref: {
            id,
            code: a?.code ?? String(id),
            name: a?.name ? `${a.code} ${a.name}` : (a?.code ?? ""),
            kind: "account" as const,
          },
          buckets: list,
        };
      })
      .sort((x, y) => x.ref.code.localeCompare(y.ref.code, "da"));
  } else {
    const children = (await childrenOf(db, node.id)).filter((c) => isValidInAny(c, years));
    const buckets = await loadBuckets(db, [node.id, ...children.map((c) => c.id)]);
    own = buckets.filter((b) => b.nodeId === node.id);
    parts = children.map((c) => ({
      ref: { id: c.id, code: c.code, name: c.name, kind: c.kind },
      buckets: buckets.filter((b) => b.nodeId === c.id),
    }));
    const hasChildren = new Set(all.map((n) => n.parentId));
    for (const c of children) if (hasChildren.has(c.id) || c.kind === "unit") drillable.push(c.id);
  }
  const overview = buildOverview(
    {
      node: { id: node.id, code: node.code, name: node.name, kind: node.kind },
      columns,
      priceYear,
      unit: q.unit ?? "tkr",
      ...(q.categories ? { categories: q.categories } : {}),
      index,
      rule: m.settings.priceIndexRule,
    },
    own,
    parts,
  );
  return {
    ...overview,
    municipality: { id: m.id, code: m.code, name: m.name },
    path,
    index: { name: index.name, isExample: index.isExample },
    drillable,
  };
}
