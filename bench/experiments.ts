/**
 * Two measured what-ifs on the loaded database, each inside a transaction that is rolled back:
 *
 * 1. upsertMonths of one year's monthly balances (re-labelled to an empty year, so every row is
 *    a fresh insert as in a first import) with the schema as it is, and with actual_month's three
 *    foreign keys dropped inside the transaction: the cost of the per-row RI trigger checks.
 * 2. refreshTotals as it is (rebuilds node_total for every year) against the same statement
 *    restricted to the one year a ledger file touches.
 */
import { type Database, type MonthUpsert, refreshTotals, upsertMonths } from "@bevilling/db";
import { type Kysely, sql, type Transaction } from "kysely";

export interface Experiments {
  monthRows: number;
  upsertMs: number;
  upsertNoFkMs: number;
  refreshAllMs: number;
  refreshYearMs: number;
  year: number;
}

class Rollback extends Error {}

async function rolledBack(
  db: Kysely<Database>,
  f: (trx: Transaction<Database>) => Promise<void>,
): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await f(trx);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
}

/** Median of three rolled-back runs of the timed part. */
async function timeRolledBack(
  db: Kysely<Database>,
  prepare: (trx: Transaction<Database>) => Promise<void>,
  timed: (trx: Transaction<Database>) => Promise<unknown>,
): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    await rolledBack(db, async (trx) => {
      await prepare(trx);
      const t = performance.now();
      await timed(trx);
      runs.push(performance.now() - t);
    });
  }
  return runs.sort((a, b) => a - b)[1] as number;
}

export async function runExperiments(
  db: Kysely<Database>,
  municipalityId: number,
  year: number,
): Promise<Experiments> {
  const res = await sql<{ node_id: number; account_id: number | null; month: number; amount: bigint }>`
    select node_id, account_id, month, amount from actual_month
    where municipality_id = ${municipalityId} and year = ${year}`.execute(db);
  const emptyYear = 2090;
  const rows: MonthUpsert[] = res.rows.map((r) => ({
    nodeId: r.node_id,
    accountId: r.account_id,
    year: emptyYear,
    month: r.month,
    amount: r.amount,
  }));
  const none = async () => {};
  const dropFks = async (trx: Transaction<Database>) => {
    const fks = await sql<{ conname: string }>`
      select conname from pg_constraint where conrelid = 'actual_month'::regclass and contype = 'f'`.execute(
      trx,
    );
    for (const f of fks.rows)
      await sql.raw(`alter table actual_month drop constraint "${f.conname}"`).execute(trx);
  };
  const upsertMs = await timeRolledBack(db, none, (trx) => upsertMonths(trx, municipalityId, rows));
  const upsertNoFkMs = await timeRolledBack(db, dropFks, (trx) => upsertMonths(trx, municipalityId, rows));

  const refreshAllMs = await timeRolledBack(db, none, (trx) => refreshTotals(trx, municipalityId));
  const refreshYearMs = await timeRolledBack(db, none, async (trx) => {
    await sql`delete from node_total where municipality_id = ${municipalityId} and year = any(${[year]}::int[])`.execute(
      trx,
    );
    await sql`
      insert into node_total (municipality_id, node_id, year, kind, index_group, price_year, category, amount)
      select ${municipalityId}::int, c.ancestor_id, a.year, a.kind, coalesce(acc.index_group, 'total'), a.price_year,
             coalesce(acc.category, 'service'), sum(a.amount)::bigint
      from amount a
      join org_closure c on c.descendant_id = a.node_id
      left join account acc on acc.id = a.account_id
      where a.municipality_id = ${municipalityId} and a.year = any(${[year]}::int[])
      group by c.ancestor_id, a.year, a.kind, coalesce(acc.index_group, 'total'), a.price_year,
               coalesce(acc.category, 'service')`.execute(trx);
  });
  return { monthRows: rows.length, upsertMs, upsertNoFkMs, refreshAllMs, refreshYearMs, year };
}
