import { exampleIndex, INDEX_GROUPS, type Municipality, type MunicipalitySettings } from "@bevilling/core";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";
import { replaceIndexPoints } from "./prices.ts";

type Db = Kysely<Database>;

/** Settings stored before a setting existed get its default (published: off). */
function toSettings(raw: unknown): MunicipalitySettings {
  const s = (typeof raw === "string" ? JSON.parse(raw) : raw) as MunicipalitySettings;
  return { ...s, published: s.published === true };
}

function toMunicipality(r: {
  id: number;
  code: string;
  name: string;
  settings: unknown;
  version: number;
}): Municipality {
  return { id: r.id, code: r.code, name: r.name, settings: toSettings(r.settings), version: r.version };
}

export async function listMunicipalities(db: Db): Promise<Municipality[]> {
  const rows = await db.selectFrom("municipality").selectAll().orderBy("name").execute();
  return rows.map(toMunicipality);
}

export async function findMunicipality(db: Db, codeOrId: string | number): Promise<Municipality | undefined> {
  const q = db.selectFrom("municipality").selectAll();
  const row =
    typeof codeOrId === "number"
      ? await q.where("id", "=", codeOrId).executeTakeFirst()
      : await q.where((eb) => eb(eb.fn("lower", ["code"]), "=", codeOrId.toLowerCase())).executeTakeFirst();
  if (row) return toMunicipality(row);
  if (typeof codeOrId === "string") {
    // People type the name ("soroe", "Sorø") as often as the code.
    const byName = await db
      .selectFrom("municipality")
      .selectAll()
      .where((eb) => eb(eb.fn("lower", ["name"]), "=", codeOrId.toLowerCase()))
      .executeTakeFirst();
    return byName ? toMunicipality(byName) : undefined;
  }
  return undefined;
}

/**
 * A municipality comes with its root node (the tree's top, code = the municipality's code) and
 * the example price index, so an overview works from the first import.
 */
export async function createMunicipality(
  db: Db,
  input: { code: string; name: string; settings: MunicipalitySettings },
): Promise<Municipality> {
  return db.transaction().execute(async (trx) => (await insertMunicipality(trx, input)).municipality);
}

/** createMunicipality inside the caller's transaction; also returns what was made with it. */
export async function insertMunicipality(
  trx: Transaction<Database>,
  input: { code: string; name: string; settings: MunicipalitySettings },
): Promise<{ municipality: Municipality; rootNodeId: number; priceIndex: { id: number; name: string } }> {
  const m = await trx
    .insertInto("municipality")
    .values({ code: input.code, name: input.name, settings: JSON.stringify(input.settings) })
    .returningAll()
    .executeTakeFirstOrThrow();
  const root = await trx
    .insertInto("org_node")
    .values({
      municipality_id: m.id,
      parent_id: null,
      kind: "municipality",
      code: input.code,
      name: input.name,
      valid_from: 1900,
      valid_to: null,
      sort_order: 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("org_closure")
    .values({ ancestor_id: root.id, descendant_id: root.id, depth: 0 })
    .execute();
  const example = exampleIndex();
  const idx = await trx
    .insertInto("price_index")
    .values({ municipality_id: m.id, name: example.name, is_example: true, active: true })
    .returning("id")
    .executeTakeFirstOrThrow();
  const points = INDEX_GROUPS.flatMap((g) =>
    [...(example.points.get(g) ?? new Map<number, bigint>())].map(([year, p]) => ({
      group: g,
      year,
      points: p,
    })),
  );
  await replaceIndexPoints(trx, idx.id, points);
  return {
    municipality: toMunicipality(m),
    rootNodeId: root.id,
    priceIndex: { id: idx.id, name: example.name },
  };
}

/** The stored settings, locked until the transaction ends (read, change, record, commit). */
export async function settingsForUpdate(
  trx: Transaction<Database>,
  id: number,
): Promise<{ settings: MunicipalitySettings; version: number } | undefined> {
  const r = await trx
    .selectFrom("municipality")
    .select(["settings", "version"])
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!r) return undefined;
  return { settings: toSettings(r.settings), version: r.version };
}

export async function updateSettings(
  db: Db | Transaction<Database>,
  id: number,
  settings: MunicipalitySettings,
): Promise<void> {
  await db
    .updateTable("municipality")
    .set((eb) => ({ settings: JSON.stringify(settings), version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .execute();
}
