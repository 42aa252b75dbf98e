/**
 * The organisation: municipality → committees (udvalg) → appropriation areas (bevillingsområder)
 * → units, to any depth. Structures change over time (Kalundborg split "det tekniske område"
 * into two areas in 2023), so every node has a validity interval in fiscal years instead of
 * being edited in place: old years keep printing with the structure they were adopted under.
 */
export type NodeKind = "municipality" | "committee" | "area" | "unit";
export const NODE_KINDS: readonly NodeKind[] = ["municipality", "committee", "area", "unit"];

export const NODE_KIND_LABEL: Record<NodeKind, string> = {
  municipality: "Kommune",
  committee: "Udvalg",
  area: "Bevillingsområde",
  unit: "Enhed",
};

export interface OrgNode {
  id: number;
  parentId: number | null;
  kind: NodeKind;
  code: string;
  name: string;
  /** First fiscal year the node exists. */
  validFrom: number;
  /** Last fiscal year the node exists; null while it is current. */
  validTo: number | null;
  sortOrder: number;
}

export function isValidIn(node: Pick<OrgNode, "validFrom" | "validTo">, year: number): boolean {
  return node.validFrom <= year && (node.validTo === null || year <= node.validTo);
}

/** A node is shown in a multi-year view when it exists in any of the years shown. */
export function isValidInAny(
  node: Pick<OrgNode, "validFrom" | "validTo">,
  years: readonly number[],
): boolean {
  return years.some((y) => isValidIn(node, y));
}

/** Kinds a child may have under a parent: deeper levels never sit above shallower ones. */
export function allowedChildKinds(parent: NodeKind): NodeKind[] {
  switch (parent) {
    case "municipality":
      return ["committee"];
    case "committee":
      return ["area"];
    case "area":
    case "unit":
      return ["unit"];
  }
}

export interface OrgTree {
  byId: Map<number, OrgNode>;
  children: Map<number | null, OrgNode[]>;
}

export function buildTree(nodes: readonly OrgNode[]): OrgTree {
  const byId = new Map<number, OrgNode>();
  const children = new Map<number | null, OrgNode[]>();
  for (const n of nodes) byId.set(n.id, n);
  for (const n of nodes) {
    const list = children.get(n.parentId) ?? [];
    list.push(n);
    children.set(n.parentId, list);
  }
  for (const list of children.values()) list.sort(compareNodes);
  return { byId, children };
}

export function compareNodes(a: OrgNode, b: OrgNode): number {
  return a.sortOrder - b.sortOrder || a.code.localeCompare(b.code, "da");
}

/** Path from the root down to the node, for breadcrumbs and CSV exports. */
export function pathTo(tree: OrgTree, id: number): OrgNode[] {
  const path: OrgNode[] = [];
  let cur = tree.byId.get(id);
  const seen = new Set<number>();
  while (cur) {
    if (seen.has(cur.id)) throw new Error(`Organisationen har en løkke ved ${cur.code}`);
    seen.add(cur.id);
    path.unshift(cur);
    cur = cur.parentId === null ? undefined : tree.byId.get(cur.parentId);
  }
  return path;
}

/** Every node of the subtree rooted at id, the root first. */
export function subtree(tree: OrgTree, id: number): OrgNode[] {
  const root = tree.byId.get(id);
  if (!root) return [];
  const out: OrgNode[] = [];
  const stack: OrgNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as OrgNode;
    out.push(n);
    const kids = tree.children.get(n.id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as OrgNode);
  }
  return out;
}

/**
 * Pairs (ancestor, descendant, depth) including each node with itself at depth 0: the closure
 * table that lets the database sum a subtree with one join instead of a recursive query.
 */
export function closurePairs(tree: OrgTree): { ancestorId: number; descendantId: number; depth: number }[] {
  const out: { ancestorId: number; descendantId: number; depth: number }[] = [];
  for (const node of tree.byId.values()) {
    const path = pathTo(tree, node.id);
    for (let i = 0; i < path.length; i++) {
      out.push({ ancestorId: (path[i] as OrgNode).id, descendantId: node.id, depth: path.length - 1 - i });
    }
  }
  return out;
}
