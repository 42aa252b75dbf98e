import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allowedChildKinds,
  buildTree,
  closurePairs,
  compareNodes,
  isValidIn,
  isValidInAny,
  NODE_KINDS,
  type NodeKind,
  type OrgNode,
  pathTo,
  subtree,
} from "../src/org.ts";

function node(id: number, parentId: number | null, extra: Partial<OrgNode> = {}): OrgNode {
  return {
    id,
    parentId,
    kind: parentId === null ? "municipality" : "unit",
    code: `N${id}`,
    name: `Node ${id}`,
    validFrom: 1900,
    validTo: null,
    sortOrder: 0,
    ...extra,
  };
}

/**
 * Random trees: node i (1-based position) hangs under an earlier node, so the first is the
 * root. Ids are shuffled and sort orders repeat, so ordering by id or insertion would be wrong.
 */
const treeArb = fc
  .array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom("A", "B", "Æ", "Ø", "Å", "a")), {
    minLength: 0,
    maxLength: 40,
  })
  .chain((spec) =>
    fc
      .shuffledSubarray(
        Array.from({ length: spec.length + 1 }, (_, i) => 100 + i * 7),
        { minLength: spec.length + 1, maxLength: spec.length + 1 },
      )
      .map((ids) => {
        const nodes: OrgNode[] = [node(ids[0] as number, null)];
        spec.forEach(([p, sort, letter], i) => {
          const parent = nodes[p % nodes.length] as OrgNode;
          const id = ids[i + 1] as number;
          nodes.push(node(id, parent.id, { sortOrder: sort, code: `${letter}${id}` }));
        });
        return nodes;
      }),
  )
  .chain((nodes) => fc.shuffledSubarray(nodes, { minLength: nodes.length, maxLength: nodes.length }));

/** Depth by walking parent links, independently of pathTo. */
function depthOf(nodes: readonly OrgNode[], id: number): number {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let d = 0;
  for (let cur = byId.get(id); cur && cur.parentId !== null; cur = byId.get(cur.parentId)) d++;
  return d;
}

function isAncestor(nodes: readonly OrgNode[], anc: number, desc: number): boolean {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (let cur = byId.get(desc); cur; cur = cur.parentId === null ? undefined : byId.get(cur.parentId)) {
    if (cur.id === anc) return true;
  }
  return false;
}

describe("buildTree", () => {
  it("indexes nodes by id and lists children sorted by sort order, then code", () => {
    const nodes = [
      node(1, null),
      node(2, 1, { sortOrder: 2, code: "B" }),
      node(3, 1, { sortOrder: 1, code: "Z" }),
      node(4, 1, { sortOrder: 2, code: "A" }),
      node(5, 3),
    ];
    const t = buildTree(nodes);
    expect([...t.byId.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(t.children.get(null)?.map((n) => n.id)).toEqual([1]);
    expect(t.children.get(1)?.map((n) => n.code)).toEqual(["Z", "A", "B"]);
    expect(t.children.get(3)?.map((n) => n.id)).toEqual([5]);
    expect(t.children.get(5)).toBeUndefined();
  });

  it("every node is listed exactly once, under its parent, in compareNodes order", () => {
    fc.assert(
      fc.property(treeArb, (nodes) => {
        const t = buildTree(nodes);
        const listed = [...t.children.entries()].flatMap(([parent, kids]) => {
          for (const k of kids) expect(k.parentId).toBe(parent);
          for (let i = 1; i < kids.length; i++) {
            expect(compareNodes(kids[i - 1] as OrgNode, kids[i] as OrgNode)).toBeLessThanOrEqual(0);
          }
          return kids.map((k) => k.id);
        });
        expect(listed.sort()).toEqual(nodes.map((n) => n.id).sort());
      }),
    );
  });
});

describe("pathTo", () => {
  it("runs from the root down to the node", () => {
    const t = buildTree([node(1, null), node(2, 1), node(3, 2), node(4, 1)]);
    expect(pathTo(t, 3).map((n) => n.id)).toEqual([1, 2, 3]);
    expect(pathTo(t, 1).map((n) => n.id)).toEqual([1]);
    expect(pathTo(t, 99)).toEqual([]);
  });

  it("for random trees: starts at the root, ends at the node, each step a parent link", () => {
    fc.assert(
      fc.property(treeArb, (nodes) => {
        const t = buildTree(nodes);
        for (const n of nodes) {
          const p = pathTo(t, n.id);
          expect(p[0]?.parentId).toBeNull();
          expect(p.at(-1)?.id).toBe(n.id);
          expect(p.length).toBe(depthOf(nodes, n.id) + 1);
          for (let i = 1; i < p.length; i++) expect(p[i]?.parentId).toBe(p[i - 1]?.id);
        }
      }),
    );
  });

  it("refuses a loop instead of running forever", () => {
    const t = buildTree([node(1, null), node(2, 3, { code: "X" }), node(3, 2, { code: "Y" })]);
    expect(() => pathTo(t, 2)).toThrow(/løkke/);
    expect(() => closurePairs(t)).toThrow(/løkke/);
    expect(() => pathTo(buildTree([node(7, 7)]), 7)).toThrow(/løkke/);
  });
});

describe("subtree", () => {
  it("lists the node first, then its descendants depth-first in child order", () => {
    const t = buildTree([
      node(1, null),
      node(2, 1, { sortOrder: 2 }),
      node(3, 1, { sortOrder: 1 }),
      node(4, 2),
      node(5, 3),
      node(6, 5),
    ]);
    expect(subtree(t, 1).map((n) => n.id)).toEqual([1, 3, 5, 6, 2, 4]);
    expect(subtree(t, 3).map((n) => n.id)).toEqual([3, 5, 6]);
    expect(subtree(t, 4).map((n) => n.id)).toEqual([4]);
    expect(subtree(t, 99)).toEqual([]);
  });

  it("for random trees: exactly the descendants, each after its parent", () => {
    fc.assert(
      fc.property(treeArb, fc.nat(), (nodes, pick) => {
        const t = buildTree(nodes);
        const top = nodes[pick % nodes.length] as OrgNode;
        const s = subtree(t, top.id);
        expect(s[0]?.id).toBe(top.id);
        const ids = s.map((n) => n.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.sort()).toEqual(
          nodes
            .filter((n) => isAncestor(nodes, top.id, n.id))
            .map((n) => n.id)
            .sort(),
        );
        const pos = new Map(s.map((n, i) => [n.id, i]));
        for (const n of s.slice(1)) {
          expect(pos.get(n.id) as number).toBeGreaterThan(pos.get(n.parentId as number) as number);
        }
        // The whole tree from the root.
        const root = nodes.find((n) => n.parentId === null) as OrgNode;
        expect(subtree(t, root.id)).toHaveLength(nodes.length);
      }),
    );
  });
});

describe("closurePairs", () => {
  it("pairs every node with itself and each ancestor, with the distance as depth", () => {
    const t = buildTree([node(1, null), node(2, 1), node(3, 2)]);
    const key = (p: { ancestorId: number; descendantId: number; depth: number }) =>
      `${p.ancestorId}>${p.descendantId}@${p.depth}`;
    expect(closurePairs(t).map(key).sort()).toEqual(["1>1@0", "1>2@1", "1>3@2", "2>2@0", "2>3@1", "3>3@0"]);
  });

  it("for random trees: count = sum of (depth + 1), depths match pathTo, no duplicates", () => {
    fc.assert(
      fc.property(treeArb, (nodes) => {
        const t = buildTree(nodes);
        const pairs = closurePairs(t);
        expect(pairs.length).toBe(nodes.reduce((a, n) => a + depthOf(nodes, n.id) + 1, 0));
        const keys = new Set(pairs.map((p) => `${p.ancestorId}>${p.descendantId}`));
        expect(keys.size).toBe(pairs.length);
        for (const p of pairs) {
          expect(isAncestor(nodes, p.ancestorId, p.descendantId)).toBe(true);
          expect(p.depth).toBe(pathTo(t, p.descendantId).length - pathTo(t, p.ancestorId).length);
        }
        for (const n of nodes) expect(keys.has(`${n.id}>${n.id}`)).toBe(true);
        // Every ancestor relation is present.
        for (const a of nodes) {
          for (const d of nodes) expect(keys.has(`${a.id}>${d.id}`)).toBe(isAncestor(nodes, a.id, d.id));
        }
      }),
    );
  });
});

describe("validity", () => {
  const closed = { validFrom: 2020, validTo: 2022 };
  const open = { validFrom: 2023, validTo: null };
  const single = { validFrom: 2024, validTo: 2024 };

  it("isValidIn includes both end years and is open-ended without validTo", () => {
    expect([2019, 2020, 2021, 2022, 2023].map((y) => isValidIn(closed, y))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect([2022, 2023, 2100, 9999].map((y) => isValidIn(open, y))).toEqual([false, true, true, true]);
    expect([2023, 2024, 2025].map((y) => isValidIn(single, y))).toEqual([false, true, false]);
  });

  it("isValidInAny is true when any of the years is valid, false for no years", () => {
    expect(isValidInAny(closed, [])).toBe(false);
    expect(isValidInAny(closed, [2019, 2023])).toBe(false);
    expect(isValidInAny(closed, [2019, 2022])).toBe(true);
    expect(isValidInAny(open, [2021, 2022, 2023])).toBe(true);
    expect(isValidInAny(single, [2023, 2025])).toBe(false);
  });

  it("agrees with the interval definition for random intervals and years", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2100 }),
        fc.option(fc.integer({ min: 0, max: 50 })),
        fc.array(fc.integer({ min: 1890, max: 2200 }), { maxLength: 8 }),
        (from, len, years) => {
          const n = { validFrom: from, validTo: len === null ? null : from + len };
          for (const y of years) {
            expect(isValidIn(n, y)).toBe(y >= from && (n.validTo === null || y <= n.validTo));
          }
          expect(isValidInAny(n, years)).toBe(years.some((y) => isValidIn(n, y)));
        },
      ),
    );
  });
});

describe("allowedChildKinds", () => {
  it("municipality → committee → area → unit → unit", () => {
    expect(allowedChildKinds("municipality")).toEqual(["committee"]);
    expect(allowedChildKinds("committee")).toEqual(["area"]);
    expect(allowedChildKinds("area")).toEqual(["unit"]);
    expect(allowedChildKinds("unit")).toEqual(["unit"]);
  });

  it("never puts a shallower kind under a deeper one, nor a municipality under anything", () => {
    const level = (k: NodeKind) => NODE_KINDS.indexOf(k);
    for (const parent of NODE_KINDS) {
      for (const child of allowedChildKinds(parent)) {
        expect(level(child)).toBeGreaterThanOrEqual(level(parent));
        expect(child).not.toBe("municipality");
      }
    }
  });
});
