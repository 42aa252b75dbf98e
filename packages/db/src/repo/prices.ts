import type { IndexGroup, PriceIndex } from "@bevilling/core";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function replaceIndexPoints(
  db: Db,
  indexId: number,
  points: { group: IndexGroup; year: number; points: bigint }[],
): Promise<void> {
  await db.deleteFrom("price_index_point").where("index_id", "=", indexId).execute();
  if (points.length === 0) return;
  await db
    .insertInto("price_index_point")
    .values(points.map((p) => ({ index_id: indexId, index_group: p.group, year: p.year, points: p.points })))
    .execute();
}

/** The municipality's active index: its imported table if any, else the example. */
export async function loadActiveIndex(db: Db, municipalityId: number): Promise<PriceIndex> {
  const idx = await db
    .selectFrom("price_index")
    .selectAll()
    .where("municipality_id", "=", municipalityId)
    .where("active", "=", true)
    .orderBy("is_example", "asc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  const points = new Map<IndexGroup, Map<number, bigint>>();
  if (!idx) return { name: "(intet indeks)", isExample: true, points };
  const rows = await db.selectFrom("price_index_point").selectAll().where("index_id", "=", idx.id).execute();
  for (const r of rows) {
    const m = points.get(r.index_group) ?? new Map<number, bigint>();
    m.set(r.year, r.points);
    points.set(r.index_group, m);
  }
  return { name: idx.name, isExample: idx.is_example, points };
}

/** Stores an imported index under its name and makes it the active one. */
export async function saveIndex(
  db: Transaction<Database>,
  municipalityId: number,
  name: string,
  points: { group: IndexGroup; year: number; points: bigint }[],
): Promise<number> {
  await db
    .updateTable("price_index")
    .set({ active: false })
    .where("municipality_id", "=", municipalityId)
    .execute();
  const row = await db
    .insertInto("price_index")
    .values({ municipality_id: municipalityId, name, is_example: false, active: true })
    .onConflict((oc) =>
      oc.columns(["municipality_id", "name"]).doUpdateSet({ active: true, is_example: false }),
    )
    .returning("id")
    .executeTakeFirstOrThrow();
  await replaceIndexPoints(db, row.id, points);
  return row.id;
}

/** The active index's name and number of points (for the audit trail), if there is one. */
export async function activeIndexSummary(
  db: Db,
  municipalityId: number,
): Promise<{ id: number; name: string; isExample: boolean; points: number } | undefined> {
  const r = await db
    .selectFrom("price_index")
    .select(["id", "name", "is_example"])
    .where("municipality_id", "=", municipalityId)
    .where("active", "=", true)
    .orderBy("is_example", "asc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (!r) return undefined;
  const c = await db
    .selectFrom("price_index_point")
    .select((eb) => eb.fn.countAll<string | number | bigint>().as("n"))
    .where("index_id", "=", r.id)
    .executeTakeFirstOrThrow();
  return { id: r.id, name: r.name, isExample: r.is_example, points: Number(c.n) };
}

export async function listIndexes(db: Db, municipalityId: number) {
  return db
    .selectFrom("price_index")
    .select(["id", "name", "is_example", "active"])
    .where("municipality_id", "=", municipalityId)
    .orderBy("id")
    .execute();
}
