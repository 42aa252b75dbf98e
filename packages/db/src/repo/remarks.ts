/**
 * The budget remarks' user-written sections, per node and budget year in printing order, and the
 * two settings the generated "Budgetgrundlag" sentence needs: an area's frame budget and the
 * municipality's basis of price adjustment.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database, RemarkSectionKindColumn } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredRemarkSection {
  id: number;
  municipalityId: number;
  nodeId: number;
  budgetYear: number;
  kind: RemarkSectionKindColumn;
  heading: string;
  body: string;
  position: number;
  version: number;
  updatedAt: Date;
}

export interface RemarkSectionContent {
  kind: RemarkSectionKindColumn;
  heading: string;
  body: string;
}

/** Sections in printing order (position, then id): of some nodes in a year, or one by id. */
export async function listRemarkSections(
  db: Db,
  where: { municipalityId: number; budgetYear?: number; nodeIds?: readonly number[]; id?: number },
  opts: { forUpdate?: boolean } = {},
): Promise<StoredRemarkSection[]> {
  if (where.nodeIds !== undefined && where.nodeIds.length === 0) return [];
  let q = db.selectFrom("remark_section").selectAll().where("municipality_id", "=", where.municipalityId);
  if (where.budgetYear !== undefined) q = q.where("budget_year", "=", where.budgetYear);
  if (where.nodeIds !== undefined) q = q.where("node_id", "in", [...where.nodeIds]);
  if (where.id !== undefined) q = q.where("id", "=", where.id);
  if (opts.forUpdate) q = q.forUpdate();
  const rows = await q.orderBy("node_id").orderBy("position").orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id,
    municipalityId: r.municipality_id,
    nodeId: r.node_id,
    budgetYear: r.budget_year,
    kind: r.kind,
    heading: r.heading,
    body: r.body,
    position: r.position,
    version: r.version,
    updatedAt: r.updated_at,
  }));
}

/** Adds a section after the node's last one in that year; returns its id. */
export async function insertRemarkSection(
  trx: Transaction<Database>,
  row: { municipalityId: number; nodeId: number; budgetYear: number } & RemarkSectionContent,
): Promise<number> {
  const last = await trx
    .selectFrom("remark_section")
    .select((eb) => eb.fn.max("position").as("position"))
    .where("node_id", "=", row.nodeId)
    .where("budget_year", "=", row.budgetYear)
    .executeTakeFirst();
  const position = last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
  const r = await trx
    .insertInto("remark_section")
    .values({
      municipality_id: row.municipalityId,
      node_id: row.nodeId,
      budget_year: row.budgetYear,
      kind: row.kind,
      heading: row.heading,
      body: row.body,
      position,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Replaces a section's content and raises its version; returns the new version. */
export async function updateRemarkSection(
  trx: Transaction<Database>,
  id: number,
  content: RemarkSectionContent,
): Promise<number> {
  const r = await trx
    .updateTable("remark_section")
    .set((eb) => ({ ...content, version: eb("version", "+", 1), updated_at: new Date() }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  return r.version;
}

export async function deleteRemarkSection(trx: Transaction<Database>, id: number): Promise<void> {
  await trx.deleteFrom("remark_section").where("id", "=", id).execute();
}

/**
 * Gives the sections the positions 0, 1, 2, … in the order of `ids`; a section whose position
 * changes gets a new version (its place is part of what an editor saw).
 */
export async function setRemarkPositions(trx: Transaction<Database>, ids: readonly number[]): Promise<void> {
  for (const [position, id] of ids.entries()) {
    await trx
      .updateTable("remark_section")
      .set((eb) => ({ position, version: eb("version", "+", 1), updated_at: new Date() }))
      .where("id", "=", id)
      .where("position", "<>", position)
      .execute();
  }
}

/** Which of the municipality's nodes have a frame budget (rammebudget). */
export async function frameBudgetNodes(db: Db, municipalityId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom("org_node")
    .select("id")
    .where("municipality_id", "=", municipalityId)
    .where("frame_budget", "=", true)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Sets an area's frame-budget setting; returns the value before (undefined: no such node). */
export async function updateFrameBudget(
  trx: Transaction<Database>,
  nodeId: number,
  frameBudget: boolean,
): Promise<boolean | undefined> {
  const before = await trx
    .selectFrom("org_node")
    .select("frame_budget")
    .where("id", "=", nodeId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  await trx.updateTable("org_node").set({ frame_budget: frameBudget }).where("id", "=", nodeId).execute();
  return before.frame_budget;
}

/** The municipality's basis of price and wage adjustment ("KL's vejledning"), or null. */
export async function priceBasisOf(db: Db, municipalityId: number): Promise<string | null> {
  const r = await db
    .selectFrom("municipality")
    .select("price_basis")
    .where("id", "=", municipalityId)
    .executeTakeFirst();
  return r?.price_basis ?? null;
}

/** Sets the basis of price adjustment; returns the value before (undefined: no such municipality). */
export async function updatePriceBasis(
  trx: Transaction<Database>,
  municipalityId: number,
  priceBasis: string | null,
): Promise<string | null | undefined> {
  const before = await trx
    .selectFrom("municipality")
    .select("price_basis")
    .where("id", "=", municipalityId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  await trx
    .updateTable("municipality")
    .set({ price_basis: priceBasis })
    .where("id", "=", municipalityId)
    .execute();
  return before.price_basis;
}
