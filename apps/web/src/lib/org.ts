/** The organisation as a list for choosing a unit: depth-first in the tree's order, with paths. */
import type { OrgNode } from "./types.ts";

export interface TreeEntry {
  node: OrgNode;
  depth: number;
  /** "Økonomiudvalget › Digitalisering" (the root's own name for the root; without it below). */
  path: string;
}

export function flattenTree(nodes: readonly OrgNode[]): TreeEntry[] {
  const byParent = new Map<number | null, OrgNode[]>();
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes) {
    // A node whose parent is missing (not readable) is placed at the top.
    const parent = n.parentId !== null && ids.has(n.parentId) ? n.parentId : null;
    const list = byParent.get(parent) ?? [];
    list.push(n);
    byParent.set(parent, list);
  }
  for (const list of byParent.values()) list.sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id);
  const out: TreeEntry[] = [];
  const seen = new Set<number>();
  const visit = (n: OrgNode, depth: number, trail: string[]) => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    const path = trail.length === 0 ? n.name : [...trail, n.name].join(" › ");
    out.push({ node: n, depth, path });
    const next = depth === 0 ? [] : [...trail, n.name];
    for (const c of byParent.get(n.id) ?? []) visit(c, depth + 1, next);
  };
  for (const top of byParent.get(null) ?? []) visit(top, 0, []);
  return out;
}
