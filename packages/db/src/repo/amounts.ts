import type { AmountChange, AmountKind, IndexGroup, SpendingCategory, TotalBucket } from "@bevilling/core";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface AmountUpsert {
  nodeId: number;
  accountId: number | null;
  year: number;
  kind: AmountKind;
  priceYear: number;
  amount: bigint;
}

export interface MonthUpsert {
  nodeId: number;
  accountId: number | null;
  year: number;
  month: number;
  amount: bigint;
}

const BATCH = 20_000;

/**
 * Sets amounts (insert or replace) and returns how many rows actually changed. Rows go in as
 * column arrays through unnest: one statement per batch instead of one per row, which is what
 * makes a million-row import take seconds.
 */
export async function upsertAmounts(
  db: Transaction<Database>,
  municipalityId: number,
  rows: readonly AmountUpsert[],
): Promise<number> {
  return (await applyAmounts(db, municipalityId, rows)).length;
}

interface ChangeRow {
  node_id: number;
  account_id: number | null;
  year: number;
  kind: AmountKind;
  old_amount: bigint | null;
  new_amount: bigint;
  old_price_year: number | null;
  new_price_year: number;
}

function toChange(r: ChangeRow): AmountChange {
  return {
    nodeId: r.node_id,
    accountId: r.account_id,
    year: r.year,
    kind: r.kind,
    oldAmount: r.old_amount,
    newAmount: r.new_amount,
    oldPriceYear: r.old_price_year,
    newPriceYear: r.new_price_year,
  };
}

/**
 * The old value of each changed figure, looked up by the statement that changes it: every part
 * of one statement reads the same snapshot, so the main query's scan of `amount` still sees the
 * rows as they were before the upsert in its WITH clause. Only changed rows are looked up, each
 * with the unique index (in two halves, with and without account, so both are plain equality).
 */
const OLD_VALUES = sql`
  left join lateral (
    select a.amount, a.price_year from amount a
    where a.node_id = up.node_id and a.account_id = up.account_id and a.year = up.year and a.kind = up.kind
    union all
    select a.amount, a.price_year from amount a
    where up.account_id is null and a.node_id = up.node_id and a.account_id is null
      and a.year = up.year and a.kind = up.kind
  ) old on true`;

/** upsertAmounts returning every changed figure with its old and new value (for amount_history). */
export async function applyAmounts(
  db: Transaction<Database>,
  municipalityId: number,
  rows: readonly AmountUpsert[],
): Promise<AmountChange[]> {
  const changes: AmountChange[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const b = rows.slice(i, i + BATCH);
    const res = await sql<ChangeRow>`
      with up as (
        insert into amount (municipality_id, node_id, account_id, year, kind, price_year, amount)
        select ${municipalityId}::int, * from unnest(
          ${b.map((r) => r.nodeId)}::int[], ${b.map((r) => r.accountId)}::int[], ${b.map((r) => r.year)}::int[],
          ${b.map((r) => r.kind)}::text[], ${b.map((r) => r.priceYear)}::int[], ${b.map((r) => r.amount.toString())}::bigint[])
        on conflict (node_id, account_id, year, kind) do update
          set amount = excluded.amount, price_year = excluded.price_year, version = amount.version + 1
          where amount.amount <> excluded.amount or amount.price_year <> excluded.price_year
        returning node_id, account_id, year, kind, amount, price_year
      )
      select up.node_id, up.account_id, up.year, up.kind, old.amount as old_amount, up.amount as new_amount,
             old.price_year as old_price_year, up.price_year as new_price_year
      from up ${OLD_VALUES}`.execute(db);
    for (const r of res.rows) changes.push(toChange(r));
  }
  return changes;
}

export async function upsertMonths(
  db: Transaction<Database>,
  municipalityId: number,
  rows: readonly MonthUpsert[],
): Promise<number> {
  let changed = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const b = rows.slice(i, i + BATCH);
    const res = await sql<{ x: number }>`
      insert into actual_month (municipality_id, node_id, account_id, year, month, amount)
      select ${municipalityId}::int, * from unnest(
        ${b.map((r) => r.nodeId)}::int[], ${b.map((r) => r.accountId)}::int[], ${b.map((r) => r.year)}::int[],
        ${b.map((r) => r.month)}::int[], ${b.map((r) => r.amount.toString())}::bigint[])
      on conflict (node_id, account_id, year, month) do update
        set amount = excluded.amount
        where actual_month.amount <> excluded.amount
      returning 1 as x`.execute(db);
    changed += res.rows.length;
  }
  return changed;
}

/**
 * The year's actuals (regnskab) are the sum of its months, at the year's own prices. Kept as an
 * ordinary amount row so every view reads one table, whatever the source was. Returns how many
 * annual rows changed.
 */
export async function recomputeAnnualActuals(
  db: Transaction<Database>,
  municipalityId: number,
  years: readonly number[],
): Promise<number> {
  return (await applyAnnualActuals(db, municipalityId, years)).length;
}

/** recomputeAnnualActuals returning each changed annual figure with its old and new value. */
export async function applyAnnualActuals(
  db: Transaction<Database>,
  municipalityId: number,
  years: readonly number[],
): Promise<AmountChange[]> {
  if (years.length === 0) return [];
  const res = await sql<ChangeRow>`
    with up as (
      insert into amount (municipality_id, node_id, account_id, year, kind, price_year, amount)
      select municipality_id, node_id, account_id, year, 'actual', year, sum(amount)::bigint
      from actual_month
      where municipality_id = ${municipalityId} and year = any(${[...years]}::int[])
      group by municipality_id, node_id, account_id, year
      on conflict (node_id, account_id, year, kind) do update
        set amount = excluded.amount, price_year = excluded.price_year, version = amount.version + 1
        where amount.amount <> excluded.amount or amount.price_year <> excluded.price_year
      returning node_id, account_id, year, kind, amount, price_year
    )
    select up.node_id, up.account_id, up.year, up.kind, old.amount as old_amount, up.amount as new_amount,
           old.price_year as old_price_year, up.price_year as new_price_year
    from up ${OLD_VALUES}`.execute(db);
  return res.rows.map(toChange);
}

/**
 * Rebuilds node_total for one municipality: every node's subtree sum per year, kind, index
 * group, stored price level and spending category. Run inside the import's transaction, so a
 * view never sees amounts and totals that disagree.
 */
export async function refreshTotals(db: Transaction<Database>, municipalityId: number): Promise<void> {
  await db.deleteFrom("node_total").where("municipality_id", "=", municipalityId).execute();
  await sql`
    insert into node_total (municipality_id, node_id, year, kind, index_group, price_year, category, amount)
    select ${municipalityId}::int, c.ancestor_id, a.year, a.kind, coalesce(acc.index_group, 'total'), a.price_year,
           coalesce(acc.category, 'service'), sum(a.amount)::bigint
    from amount a
    join org_closure c on c.descendant_id = a.node_id
    left join account acc on acc.id = a.account_id
    where a.municipality_id = ${municipalityId}
    group by c.ancestor_id, a.year, a.kind, coalesce(acc.index_group, 'total'), a.price_year,
             coalesce(acc.category, 'service')`.execute(db);
}

export async function loadBuckets(db: Db, nodeIds: readonly number[]): Promise<TotalBucket[]> {
  if (nodeIds.length === 0) return [];
  const rows = await db
    .selectFrom("node_total")
    .selectAll()
    .where("node_id", "in", [...nodeIds])
    .execute();
  return rows.map((r) => ({
    nodeId: r.node_id,
    year: r.year,
    kind: r.kind,
    indexGroup: r.index_group,
    priceYear: r.price_year,
    category: r.category,
    amount: r.amount,
  }));
}

/** Buckets per account for a node's subtree: the account level of a drill-down. */
export async function loadAccountBuckets(
  db: Db,
  nodeId: number,
): Promise<(Omit<TotalBucket, "nodeId"> & { accountId: number | null })[]> {
  const res = await sql<{
    account_id: number | null;
    year: number;
    kind: AmountKind;
    index_group: IndexGroup;
    price_year: number;
    category: SpendingCategory;
    amount: bigint;
  }>`
    select a.account_id, a.year, a.kind, coalesce(acc.index_group, 'total') as index_group, a.price_year,
           coalesce(acc.category, 'service') as category, sum(a.amount)::bigint as amount
    from amount a
    join org_closure c on c.descendant_id = a.node_id
    left join account acc on acc.id = a.account_id
    where c.ancestor_id = ${nodeId}
    group by a.account_id, a.year, a.kind, coalesce(acc.index_group, 'total'), a.price_year,
             coalesce(acc.category, 'service')`.execute(db);
  return res.rows.map((r) => ({
    accountId: r.account_id,
    year: r.year,
    kind: r.kind,
    indexGroup: r.index_group,
    priceYear: r.price_year,
    category: r.category,
    amount: r.amount,
  }));
}

/** All stored amounts of a municipality with their node and account codes, for export. */
export async function listAmountsForExport(db: Db, municipalityId: number) {
  return db
    .selectFrom("amount")
    .innerJoin("org_node", "org_node.id", "amount.node_id")
    .leftJoin("account", "account.id", "amount.account_id")
    .select([
      "org_node.code as node_code",
      "org_node.name as node_name",
      "account.code as account_code",
      "amount.year",
      "amount.kind",
      "amount.price_year",
      "amount.amount",
    ])
    .where("amount.municipality_id", "=", municipalityId)
    .orderBy("org_node.code")
    .orderBy("account.code")
    .orderBy("amount.year")
    .orderBy("amount.kind")
    .execute();
}

export async function listMonthsForExport(db: Db, municipalityId: number) {
  return db
    .selectFrom("actual_month")
    .innerJoin("org_node", "org_node.id", "actual_month.node_id")
    .leftJoin("account", "account.id", "actual_month.account_id")
    .select([
      "org_node.code as node_code",
      "account.code as account_code",
      "actual_month.year",
      "actual_month.month",
      "actual_month.amount",
    ])
    .where("actual_month.municipality_id", "=", municipalityId)
    .orderBy("org_node.code")
    .orderBy("account.code")
    .orderBy("actual_month.year")
    .orderBy("actual_month.month")
    .execute();
}

export interface FigureRow {
  accountId: number | null;
  accountCode: string | null;
  accountName: string | null;
  kind: AmountKind;
  year: number;
  amount: bigint;
  priceYear: number;
  version: number;
}

/** A node's own figures (not its subtree's), by account, year and kind. */
export async function listNodeFigures(db: Db, nodeId: number, year?: number): Promise<FigureRow[]> {
  let q = db
    .selectFrom("amount as a")
    .leftJoin("account as acc", "acc.id", "a.account_id")
    .select([
      "a.account_id",
      "acc.code",
      "acc.name",
      "a.kind",
      "a.year",
      "a.amount",
      "a.price_year",
      "a.version",
    ])
    .where("a.node_id", "=", nodeId);
  if (year !== undefined) q = q.where("a.year", "=", year);
  const rows = await q.orderBy("acc.code").orderBy("a.year").orderBy("a.kind").execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    accountCode: r.code,
    accountName: r.name,
    kind: r.kind,
    year: r.year,
    amount: r.amount,
    priceYear: r.price_year,
    version: r.version,
  }));
}

/** One figure, locked until the transaction ends; undefined when there is none. */
export async function figureForUpdate(
  trx: Transaction<Database>,
  key: { nodeId: number; accountId: number | null; year: number; kind: AmountKind },
): Promise<{ amount: bigint; priceYear: number; version: number } | undefined> {
  let q = trx
    .selectFrom("amount")
    .select(["amount", "price_year", "version"])
    .where("node_id", "=", key.nodeId)
    .where("year", "=", key.year)
    .where("kind", "=", key.kind);
  q = key.accountId === null ? q.where("account_id", "is", null) : q.where("account_id", "=", key.accountId);
  const r = await q.forUpdate().executeTakeFirst();
  return r ? { amount: r.amount, priceYear: r.price_year, version: r.version } : undefined;
}

/**
 * Rebuilds node_total for one node's ancestors (itself included) in one year and kind: what a
 * single changed figure touches, instead of the whole municipality that an import rebuilds.
 */
export async function refreshTotalsAbove(
  db: Transaction<Database>,
  municipalityId: number,
  nodeId: number,
  year: number,
  kind: AmountKind,
): Promise<void> {
  await sql`
    delete from node_total
    where node_id in (select ancestor_id from org_closure where descendant_id = ${nodeId})
      and year = ${year} and kind = ${kind}`.execute(db);
  await sql`
    insert into node_total (municipality_id, node_id, year, kind, index_group, price_year, category, amount)
    select ${municipalityId}::int, c.ancestor_id, a.year, a.kind, coalesce(acc.index_group, 'total'), a.price_year,
           coalesce(acc.category, 'service'), sum(a.amount)::bigint
    from org_closure anc
    join org_closure c on c.ancestor_id = anc.ancestor_id
    join amount a on a.node_id = c.descendant_id and a.year = ${year} and a.kind = ${kind}
    left join account acc on acc.id = a.account_id
    where anc.descendant_id = ${nodeId}
    group by c.ancestor_id, a.year, a.kind, coalesce(acc.index_group, 'total'), a.price_year,
             coalesce(acc.category, 'service')`.execute(db);
}
