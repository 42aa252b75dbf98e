import { buildTree, closurePairs, type NodeKind, type OrgNode } from "@bevilling/core";
import type { Kysely, Transaction } from "kysely";
import type { Database, OrgNodeRow } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export function toOrgNode(r: OrgNodeRow): OrgNode {
  return {
    id: r.id,
    parentId: r.parent_id,
    kind: r.kind,
    code: r.code,
    name: r.name,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    sortOrder: r.sort_order,
  };
}

export async function listNodes(db: Db, municipalityId: number): Promise<OrgNode[]> {
  const rows = await db
    .selectFrom("org_node")
    .selectAll()
    .where("municipality_id", "=", municipalityId)
    .orderBy("sort_order")
    .orderBy("code")
    .execute();
  return rows.map(toOrgNode);
}

export async function getNode(
  db: Db,
  id: number,
): Promise<(OrgNode & { municipalityId: number }) | undefined> {
  const r = await db.selectFrom("org_node").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? { ...toOrgNode(r), municipalityId: r.municipality_id } : undefined;
}

export async function findNodeByCode(
  db: Db,
  municipalityId: number,
  code: string,
): Promise<OrgNode | undefined> {
  const r = await db
    .selectFrom("org_node")
    .selectAll()
    .where("municipality_id", "=", municipalityId)
    .where("code", "=", code)
    .executeTakeFirst();
  return r ? toOrgNode(r) : undefined;
}

export async function rootNode(db: Db, municipalityId: number): Promise<OrgNode> {
  const r = await db
    .selectFrom("org_node")
    .selectAll()
    .where("municipality_id", "=", municipalityId)
    .where("parent_id", "is", null)
    .executeTakeFirstOrThrow();
  return toOrgNode(r);
}

export async function childrenOf(db: Db, id: number): Promise<OrgNode[]> {
  const rows = await db
    .selectFrom("org_node")
    .selectAll()
    .where("parent_id", "=", id)
    .orderBy("sort_order")
    .orderBy("code")
    .execute();
  return rows.map(toOrgNode);
}

export interface NodeUpsert {
  code: string;
  name: string;
  kind: NodeKind;
  parentCode: string;
  validFrom: number;
  validTo: number | null;
  sortOrder: number;
}

/** A node as the audit trail records it before and after a change. */
export interface NodeState {
  code: string;
  name: string;
  kind: NodeKind;
  parentId: number | null;
  parentCode: string | null;
  validFrom: number;
  validTo: number | null;
  sortOrder: number;
}

export interface NodeChange {
  id: number;
  /** null when the node was created. */
  before: NodeState | null;
  after: NodeState;
}

function stateOf(n: OrgNode, parentCode: string | null): NodeState {
  return {
    code: n.code,
    name: n.name,
    kind: n.kind,
    parentId: n.parentId,
    parentCode,
    validFrom: n.validFrom,
    validTo: n.validTo,
    sortOrder: n.sortOrder,
  };
}

/**
 * Inserts new nodes and updates changed ones, parents before children (the caller orders them).
 * Returns how many rows changed, so importing the same file twice reports zero the second time.
 */
export async function upsertNodes(
  db: Transaction<Database>,
  municipalityId: number,
  nodes: readonly NodeUpsert[],
): Promise<number> {
  return (await applyNodes(db, municipalityId, nodes)).length;
}

/** upsertNodes returning each changed node as it was and as it became, for the audit trail. */
export async function applyNodes(
  db: Transaction<Database>,
  municipalityId: number,
  nodes: readonly NodeUpsert[],
): Promise<NodeChange[]> {
  const all = await listNodes(db, municipalityId);
  const existing = new Map(all.map((n) => [n.code, n]));
  const codeById = new Map(all.map((n) => [n.id, n.code]));
  const parentCodeOf = (n: OrgNode) => (n.parentId === null ? null : (codeById.get(n.parentId) ?? null));
  const changes: NodeChange[] = [];
  for (const n of nodes) {
    const parent = existing.get(n.parentCode);
    if (!parent) throw new Error(`Overordnet enhed ${n.parentCode} findes ikke`);
    const cur = existing.get(n.code);
    if (!cur) {
      const row = await db
        .insertInto("org_node")
        .values({
          municipality_id: municipalityId,
          parent_id: parent.id,
          kind: n.kind,
          code: n.code,
          name: n.name,
          valid_from: n.validFrom,
          valid_to: n.validTo,
          sort_order: n.sortOrder,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const node = toOrgNode(row);
      existing.set(n.code, node);
      codeById.set(node.id, node.code);
      changes.push({ id: node.id, before: null, after: stateOf(node, parent.code) });
    } else if (
      cur.name !== n.name ||
      cur.kind !== n.kind ||
      cur.parentId !== parent.id ||
      cur.validFrom !== n.validFrom ||
      cur.validTo !== n.validTo ||
      cur.sortOrder !== n.sortOrder
    ) {
      const row = await db
        .updateTable("org_node")
        .set({
          name: n.name,
          kind: n.kind,
          parent_id: parent.id,
          valid_from: n.validFrom,
          valid_to: n.validTo,
          sort_order: n.sortOrder,
        })
        .where("id", "=", cur.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const node = toOrgNode(row);
      existing.set(n.code, node);
      changes.push({
        id: node.id,
        before: stateOf(cur, parentCodeOf(cur)),
        after: stateOf(node, parent.code),
      });
    }
  }
  return changes;
}

/** Recomputes the closure table of one municipality from the parent links. */
export async function rebuildClosure(db: Transaction<Database>, municipalityId: number): Promise<void> {
  const nodes = await listNodes(db, municipalityId);
  const ids = nodes.map((n) => n.id);
  if (ids.length === 0) return;
  await db.deleteFrom("org_closure").where("descendant_id", "in", ids).execute();
  const pairs = closurePairs(buildTree(nodes));
  for (let i = 0; i < pairs.length; i += 5000) {
    await db
      .insertInto("org_closure")
      .values(
        pairs
          .slice(i, i + 5000)
          .map((p) => ({ ancestor_id: p.ancestorId, descendant_id: p.descendantId, depth: p.depth })),
      )
      .execute();
  }
}
