import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** Stores a mapping under its name (replacing one of the same name); returns its id and version. */
export async function saveMapping(
  db: Db,
  municipalityId: number,
  name: string,
  spec: unknown,
): Promise<{ id: number; version: number }> {
  return db
    .insertInto("import_mapping")
    .values({ municipality_id: municipalityId, name, spec: JSON.stringify(spec) })
    .onConflict((oc) =>
      oc.columns(["municipality_id", "name"]).doUpdateSet((eb) => ({
        spec: JSON.stringify(spec),
        updated_at: new Date(),
        version: eb("import_mapping.version", "+", 1),
      })),
    )
    .returning(["id", "version"])
    .executeTakeFirstOrThrow();
}

/** A saved mapping with its id, locked until the transaction ends; undefined if there is none. */
export async function mappingForUpdate(
  trx: Transaction<Database>,
  municipalityId: number,
  name: string,
): Promise<{ id: number; spec: unknown; version: number } | undefined> {
  const r = await trx
    .selectFrom("import_mapping")
    .select(["id", "spec", "version"])
    .where("municipality_id", "=", municipalityId)
    .where("name", "=", name)
    .forUpdate()
    .executeTakeFirst();
  if (!r) return undefined;
  return { id: r.id, spec: typeof r.spec === "string" ? JSON.parse(r.spec) : r.spec, version: r.version };
}

export async function getMapping(db: Db, municipalityId: number, name: string): Promise<unknown | undefined> {
  return (await getSavedMapping(db, municipalityId, name))?.spec;
}

/** A saved mapping with its id and version. */
export async function getSavedMapping(
  db: Db,
  municipalityId: number,
  name: string,
): Promise<{ id: number; spec: unknown; version: number } | undefined> {
  const r = await db
    .selectFrom("import_mapping")
    .select(["id", "spec", "version"])
    .where("municipality_id", "=", municipalityId)
    .where("name", "=", name)
    .executeTakeFirst();
  if (!r) return undefined;
  return { id: r.id, spec: typeof r.spec === "string" ? JSON.parse(r.spec) : r.spec, version: r.version };
}

export async function listMappings(db: Db, municipalityId: number) {
  const rows = await db
    .selectFrom("import_mapping")
    .select(["id", "name", "spec", "updated_at", "version"])
    .where("municipality_id", "=", municipalityId)
    .orderBy("name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    name: r.name,
    spec: typeof r.spec === "string" ? JSON.parse(r.spec) : (r.spec as unknown),
    updatedAt: r.updated_at,
  }));
}

export async function logImport(
  db: Transaction<Database>,
  entry: {
    municipalityId: number;
    kind: string;
    fileName: string;
    sha256: string;
    rowCount: number;
    changedCount: number;
  },
): Promise<number> {
  const r = await db
    .insertInto("import_log")
    .values({
      municipality_id: entry.municipalityId,
      kind: entry.kind,
      file_name: entry.fileName,
      sha256: entry.sha256,
      row_count: entry.rowCount,
      changed_count: entry.changedCount,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function listImports(db: Db, municipalityId: number) {
  return db
    .selectFrom("import_log")
    .selectAll()
    .where("municipality_id", "=", municipalityId)
    .orderBy("id", "desc")
    .limit(100)
    .execute();
}
