/**
 * Appropriations as stored: supplementary appropriations (tillægsbevillinger) and carry-overs
 * (overførsler), each one change to the corrected budget of one figure (node, account, year).
 * The corrected figure itself is an ordinary amount row of kind 'corrected'; the service keeps
 * it equal to the original figure plus the sum of these rows.
 */
import type { NodeKind } from "@bevilling/core";
import { type Kysely, sql, type Transaction } from "kysely";
import type { AppropriationKind, Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredAppropriation {
  id: number;
  municipalityId: number;
  nodeId: number;
  accountId: number | null;
  year: number;
  kind: AppropriationKind;
  amount: bigint;
  /** 'YYYY-MM-DD'. */
  decidedOn: string;
  reason: string;
  createdAt: Date;
  version: number;
}

export interface NewAppropriation {
  municipalityId: number;
  nodeId: number;
  accountId: number | null;
  year: number;
  kind: AppropriationKind;
  amount: bigint;
  decidedOn: string;
  reason: string;
}

export interface AppropriationQuery {
  municipalityId: number;
  /** Only appropriations booked on this node (not its subtree). */
  nodeId?: number | undefined;
  /** null: only those without an account; undefined: any. */
  accountId?: number | null | undefined;
  year?: number | undefined;
  kind?: AppropriationKind | undefined;
}

const COLUMNS = [
  "id",
  "municipality_id",
  "node_id",
  "account_id",
  "year",
  "kind",
  "amount",
  "reason",
  "created_at",
  "version",
] as const;

export async function insertAppropriation(
  trx: Transaction<Database>,
  a: NewAppropriation,
): Promise<StoredAppropriation> {
  const { id } = await trx
    .insertInto("appropriation")
    .values({
      municipality_id: a.municipalityId,
      node_id: a.nodeId,
      account_id: a.accountId,
      year: a.year,
      kind: a.kind,
      amount: a.amount,
      decided_on: a.decidedOn,
      reason: a.reason,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const [stored] = await findAppropriations(trx, { municipalityId: a.municipalityId, id });
  if (!stored) throw new Error(`bevillingen ${id} blev ikke gemt`);
  return stored;
}

/** Appropriations matching the query, in decision order (then id). */
export async function findAppropriations(
  db: Db,
  q: AppropriationQuery & { id?: number },
): Promise<StoredAppropriation[]> {
  let query = db
    .selectFrom("appropriation")
    .select([...COLUMNS, sql<string>`to_char(decided_on, 'YYYY-MM-DD')`.as("decided_on_text")])
    .where("municipality_id", "=", q.municipalityId);
  if (q.id !== undefined) query = query.where("id", "=", q.id);
  if (q.nodeId !== undefined) query = query.where("node_id", "=", q.nodeId);
  if (q.accountId === null) query = query.where("account_id", "is", null);
  else if (q.accountId !== undefined) query = query.where("account_id", "=", q.accountId);
  if (q.year !== undefined) query = query.where("year", "=", q.year);
  if (q.kind !== undefined) query = query.where("kind", "=", q.kind);
  const rows = await query.orderBy("decided_on").orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id,
    municipalityId: r.municipality_id,
    nodeId: r.node_id,
    accountId: r.account_id,
    year: r.year,
    kind: r.kind,
    amount: r.amount,
    decidedOn: r.decided_on_text,
    reason: r.reason,
    createdAt: r.created_at,
    version: r.version,
  }));
}

/** The sum of one figure's appropriations (of one kind, or all). */
export async function sumAppropriations(
  db: Db,
  key: { nodeId: number; accountId: number | null; year: number },
  kind?: AppropriationKind,
): Promise<bigint> {
  const r = await sql<{ total: string }>`
    select coalesce(sum(amount), 0)::text as total from appropriation
    where node_id = ${key.nodeId} and account_id is not distinct from ${key.accountId}::int
      and year = ${key.year} ${kind === undefined ? sql`` : sql`and kind = ${kind}`}`.execute(db);
  return BigInt(r.rows[0]?.total ?? "0");
}

export interface AreaSetting {
  nodeId: number;
  code: string;
  name: string;
  kind: NodeKind;
  carryOverAllowed: boolean;
}

/**
 * The area whose settings govern a node: the node itself when it is an area, else its nearest
 * ancestor of kind 'area'. Undefined when the node lies above the areas (a committee, the
 * municipality).
 */
export async function governingArea(db: Db, nodeId: number): Promise<AreaSetting | undefined> {
  const r = await db
    .selectFrom("org_closure as c")
    .innerJoin("org_node as n", "n.id", "c.ancestor_id")
    .select(["n.id", "n.code", "n.name", "n.kind", "n.carry_over_allowed"])
    .where("c.descendant_id", "=", nodeId)
    .where("n.kind", "=", "area")
    .orderBy("c.depth")
    .limit(1)
    .executeTakeFirst();
  return r
    ? { nodeId: r.id, code: r.code, name: r.name, kind: r.kind, carryOverAllowed: r.carry_over_allowed }
    : undefined;
}

/** Sets an area's carry-over setting; returns the value before (undefined: no such node). */
export async function updateCarryOverAllowed(
  trx: Transaction<Database>,
  nodeId: number,
  allowed: boolean,
): Promise<boolean | undefined> {
  const before = await trx
    .selectFrom("org_node")
    .select("carry_over_allowed")
    .where("id", "=", nodeId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  await trx.updateTable("org_node").set({ carry_over_allowed: allowed }).where("id", "=", nodeId).execute();
  return before.carry_over_allowed;
}
