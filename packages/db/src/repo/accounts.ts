import type { IndexGroup, SpendingCategory } from "@bevilling/core";
import type { Kysely, Transaction } from "kysely";
import type { AccountRow, Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface AccountUpsert {
  code: string;
  funktion: string;
  dranst: number;
  art: string;
  gruppering: string | null;
  costCentre: string | null;
  project: string | null;
  name: string;
  category: SpendingCategory;
  indexGroup: IndexGroup;
}

export async function listAccounts(db: Db, municipalityId: number): Promise<AccountRow[]> {
  return db
    .selectFrom("account")
    .selectAll()
    .where("municipality_id", "=", municipalityId)
    .orderBy("code")
    .execute();
}

export async function accountIdsByCode(db: Db, municipalityId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("account")
    .select(["id", "code"])
    .where("municipality_id", "=", municipalityId)
    .execute();
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Returns the number of accounts inserted or changed. */
export async function upsertAccounts(
  db: Transaction<Database>,
  municipalityId: number,
  accounts: readonly AccountUpsert[],
): Promise<number> {
  let changed = 0;
  for (let i = 0; i < accounts.length; i += 2000) {
    const batch = accounts.slice(i, i + 2000);
    const res = await db
      .insertInto("account")
      .values(
        batch.map((a) => ({
          municipality_id: municipalityId,
          code: a.code,
          funktion: a.funktion,
          dranst: a.dranst,
          art: a.art,
          gruppering: a.gruppering,
          cost_centre: a.costCentre,
          project: a.project,
          name: a.name,
          category: a.category,
          index_group: a.indexGroup,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(["municipality_id", "code"])
          .doUpdateSet((eb) => ({
            funktion: eb.ref("excluded.funktion"),
            dranst: eb.ref("excluded.dranst"),
            art: eb.ref("excluded.art"),
            gruppering: eb.ref("excluded.gruppering"),
            cost_centre: eb.ref("excluded.cost_centre"),
            project: eb.ref("excluded.project"),
            name: eb.ref("excluded.name"),
            category: eb.ref("excluded.category"),
            index_group: eb.ref("excluded.index_group"),
          }))
          .where((eb) =>
            eb.or([
              eb("account.name", "is distinct from", eb.ref("excluded.name")),
              eb("account.category", "is distinct from", eb.ref("excluded.category")),
              eb("account.index_group", "is distinct from", eb.ref("excluded.index_group")),
              eb("account.funktion", "is distinct from", eb.ref("excluded.funktion")),
              eb("account.dranst", "is distinct from", eb.ref("excluded.dranst")),
              eb("account.art", "is distinct from", eb.ref("excluded.art")),
              eb("account.gruppering", "is distinct from", eb.ref("excluded.gruppering")),
              eb("account.cost_centre", "is distinct from", eb.ref("excluded.cost_centre")),
              eb("account.project", "is distinct from", eb.ref("excluded.project")),
            ]),
          ),
      )
      .returning("id")
      .execute();
    changed += res.length;
  }
  return changed;
}

export async function assignAccounts(
  db: Transaction<Database>,
  pairs: readonly { nodeId: number; accountId: number }[],
) {
  for (let i = 0; i < pairs.length; i += 5000) {
    const batch = pairs.slice(i, i + 5000);
    if (batch.length === 0) continue;
    await db
      .insertInto("unit_account")
      .values(batch.map((p) => ({ node_id: p.nodeId, account_id: p.accountId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function accountsOfNode(db: Db, nodeId: number): Promise<AccountRow[]> {
  return db
    .selectFrom("account")
    .innerJoin("unit_account", "unit_account.account_id", "account.id")
    .selectAll("account")
    .where("unit_account.node_id", "=", nodeId)
    .orderBy("account.code")
    .execute();
}
