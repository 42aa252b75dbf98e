import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { divRoundHalfAwayFromZero, floorDiv, kroner, unitQuantum } from "../src/money.ts";
import {
  type RoundedNode,
  type RoundNode,
  roundList,
  roundTableTree,
  roundTree,
  type TableNode,
} from "../src/rounding.ts";

const LIMIT = 10n ** 15n;
const TKR = unitQuantum("tkr");
const MIO = unitQuantum("mio");

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

interface Row extends RoundNode {
  label: string;
  children?: Row[];
}

function row(label: string, kr: bigint | number): Row {
  return { label, value: kroner(kr) };
}

function group(label: string, children: Row[]): Row {
  return { label, value: sum(children.map((c) => c.value)), children };
}

/** Printed values as nested [printed, children] for readable expectations. */
type Shape = bigint | [bigint, Shape[]];
function shape(node: RoundedNode): Shape {
  return node.children.length === 0 ? node.printed : [node.printed, node.children.map(shape)];
}

function allNodes(node: RoundedNode): RoundedNode[] {
  return [node, ...node.children.flatMap(allNodes)];
}

const quantumArb = fc.constantFrom(1n, 2n, 3n, 7n, 100n, TKR, MIO, 100_000_000n);

function leafValue(q: bigint): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.bigInt({ min: -LIMIT, max: LIMIT }),
    // Exact multiples must print exactly, whatever their siblings need.
    fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }).map((k) => k * q),
    // Exact halves make every remainder tie, exercising the tie-breaks.
    fc.bigInt({ min: -1000n, max: 1000n }).map((k) => k * q + q / 2n),
    // Values around zero flip between positive and negative remainders.
    fc.bigInt({ min: -5n * q, max: 5n * q }),
  );
}

/** Snaps every leaf down to a multiple of q, so whole subtrees are exact multiples. */
function snap(node: RoundNode, q: bigint): RoundNode {
  if (!node.children || node.children.length === 0) {
    return { value: floorDiv(node.value, q) * q };
  }
  const children = node.children.map((c) => snap(c, q));
  return { value: sum(children.map((c) => c.value)), children };
}

function treeArb(q: bigint, depth: number): fc.Arbitrary<RoundNode> {
  const leaf = leafValue(q).map((value): RoundNode => ({ value }));
  if (depth === 0) {
    return leaf;
  }
  const branch = fc
    .array(treeArb(q, depth - 1), { minLength: 1, maxLength: 8 })
    .map((children): RoundNode => ({ value: sum(children.map((c) => c.value)), children }));
  // Snapping only the lowest parents gives parents that are exact multiples among
  // siblings that are not; snapping higher up would make most of the tree trivial.
  return depth === 1
    ? fc.oneof(
        leaf,
        branch,
        branch.map((t) => snap(t, q)),
      )
    : fc.oneof(leaf, branch);
}

/** A quantum and a tree of depth up to 4 with up to 8 children per node. */
const quantumAndTree = quantumArb.chain((q) => fc.tuple(fc.constant(q), treeArb(q, 4)));

describe("roundTree: scenarios", () => {
  it("splits 1.000 tkr in thirds so the rows add up to the total", () => {
    const tree = group("I alt", [
      { label: "A", value: 33_333_333n },
      { label: "B", value: 33_333_333n },
      { label: "C", value: 33_333_334n },
    ]);
    expect(shape(roundTree(tree, TKR))).toEqual([1000n, [333n, 333n, 334n]]);
  });

  it("rounds a two-level budget in 1.000 kr. so every subtotal adds up", () => {
    const tree = group("Drift", [
      group("Dagtilbud", [
        row("Vuggestuer", 12_345_600),
        row("Børnehaver", 20_100_400),
        row("Dagpleje", 3_000_500),
      ]),
      group("Skoler", [
        row("Folkeskoler", 388_324_400),
        row("SFO", 10_000_400),
        row("Specialundervisning, refusion", -2_000_300),
      ]),
    ]);
    // Rounded cell by cell the Skoler rows would print 388.324 + 10.000 − 2.000 = 396.324,
    // not the subtotal's 396.325; and both subtotals end in ,5 so only one can round up.
    expect(shape(roundTree(tree, TKR))).toEqual([
      431_771n,
      [
        [35_446n, [12_346n, 20_100n, 3_000n]],
        [396_325n, [388_325n, 10_000n, -2_000n]],
      ],
    ]);
  });

  it("rounds negative rows in mio. kr. to the total of -25,7", () => {
    const tree = group("Indtægter", [
      row("Skatter", -12_340_000),
      row("Tilskud", -8_330_000),
      row("Renter", -5_020_000),
    ]);
    // Cell by cell: -12,3 - 8,3 - 5,0 = -25,6.
    expect(shape(roundTree(tree, MIO))).toEqual([-257n, [-124n, -83n, -50n]]);
  });

  it("keeps rows that are whole quanta exact, including zero rows", () => {
    const tree: RoundNode = {
      value: 800n,
      children: [{ value: 0n }, { value: 150n }, { value: 500n }, { value: 150n }, { value: 0n }],
    };
    expect(shape(roundTree(tree, 100n))).toEqual([8n, [0n, 2n, 5n, 1n, 0n]]);
  });

  it("rounds a lone leaf half away from zero", () => {
    expect(roundTree({ value: 150n }, 100n)).toEqual({ value: 150n, printed: 2n, children: [] });
    expect(roundTree({ value: -150n }, 100n).printed).toBe(-2n);
    expect(roundTree({ value: -149n }, 100n).printed).toBe(-1n);
    expect(roundTree({ value: 7n, children: [] }, 100n).printed).toBe(0n);
  });

  it("gives the last quantum to the larger remainder", () => {
    // Remainders 60 and 40 of 100: the 0,6 wins although the other row is larger.
    expect(shape(roundTree({ value: 1100n, children: [{ value: 160n }, { value: 940n }] }, 100n))).toEqual([
      11n,
      [2n, 9n],
    ]);
  });

  it("breaks remainder ties by larger absolute value, then by position", () => {
    expect(shape(roundTree({ value: 1500n, children: [{ value: 250n }, { value: 1250n }] }, 100n))).toEqual([
      15n,
      [2n, 13n],
    ]);
    expect(
      shape(roundTree({ value: 1000n, children: [{ value: 250n }, { value: 250n }, { value: 500n }] }, 100n)),
    ).toEqual([10n, [3n, 2n, 5n]]);
    // Negative values have floor remainders too: -2,5 = -3 + 0,5 ties with 12,5.
    expect(shape(roundTree({ value: 1000n, children: [{ value: -250n }, { value: 1250n }] }, 100n))).toEqual([
      10n,
      [-3n, 13n],
    ]);
  });

  it("rejects a parent that is not the exact sum of its children, naming the row", () => {
    expect(() => roundTree({ value: 10n, children: [{ value: 3n }, { value: 6n }] }, 1n)).toThrow(
      "Summen stemmer ikke: roden har værdien 10 øre, men summen af dens 2 underrækker er 9 øre",
    );
    const deep: RoundNode = {
      value: 10n,
      children: [
        { value: 1n },
        { value: 9n, children: [{ value: 4n, children: [{ value: 5n }] }, { value: 5n }] },
      ],
    };
    expect(() => roundTree(deep, 1n)).toThrow(/rækken \[1, 0\] har værdien 4 øre/);
  });

  it("rejects a quantum that is not positive", () => {
    expect(() => roundTree({ value: 1n }, 0n)).toThrow(RangeError);
    expect(() => roundTree({ value: 1n }, -100n)).toThrow(RangeError);
  });
});

describe("roundTree: guarantees", () => {
  it("every parent prints as the sum of its children", () => {
    fc.assert(
      fc.property(quantumAndTree, ([q, tree]) => {
        for (const node of allNodes(roundTree(tree, q))) {
          if (node.children.length > 0) {
            expect(sum(node.children.map((c) => c.printed))).toBe(node.printed);
          }
        }
      }),
    );
  });

  it("the root is within half a quantum, and is conventionally rounded", () => {
    fc.assert(
      fc.property(quantumAndTree, ([q, tree]) => {
        const root = roundTree(tree, q);
        expect(2n * abs(root.printed * q - tree.value) <= q).toBe(true);
        expect(root.printed).toBe(divRoundHalfAwayFromZero(tree.value, q));
      }),
    );
  });

  it("every node is strictly within one quantum of its exact value", () => {
    fc.assert(
      fc.property(quantumAndTree, ([q, tree]) => {
        for (const node of allNodes(roundTree(tree, q))) {
          expect(abs(node.printed * q - node.value) < q).toBe(true);
        }
      }),
    );
  });

  it("a node whose exact value is a whole number of quanta prints exactly", () => {
    fc.assert(
      fc.property(quantumAndTree, ([q, tree]) => {
        for (const node of allNodes(roundTree(tree, q))) {
          if (node.value % q === 0n) {
            expect(node.printed * q).toBe(node.value);
          }
        }
      }),
    );
  });

  it("keeps the input's shape and exact values", () => {
    fc.assert(
      fc.property(quantumAndTree, ([q, tree]) => {
        const strip = (n: RoundNode): unknown => [n.value, (n.children ?? []).map(strip)];
        const stripRounded = (n: RoundedNode): unknown => [n.value, n.children.map(stripRounded)];
        expect(stripRounded(roundTree(tree, q))).toEqual(strip(tree));
      }),
    );
  });
});

describe("roundList", () => {
  it("rounds a flat list so it adds up to the rounded total", () => {
    // Three rows of 1.400 kr. print as 1 tkr each cell by cell, but total 4 tkr.
    const values = [kroner(1_400), kroner(1_400), kroner(1_400)];
    expect(roundList(values, undefined, TKR)).toEqual({ printed: [2n, 1n, 1n], printedTotal: 4n });
  });

  it("accepts the matching total and rejects any other", () => {
    expect(roundList([150n, 150n], 300n, 100n)).toEqual({ printed: [2n, 1n], printedTotal: 3n });
    expect(() => roundList([150n, 150n], 301n, 100n)).toThrow(
      "Summen stemmer ikke: totalen er 301 øre, men posterne summer til 300 øre",
    );
  });

  it("rounds an empty list to an empty total", () => {
    expect(roundList([], undefined, TKR)).toEqual({ printed: [], printedTotal: 0n });
    expect(roundList([], 0n, TKR)).toEqual({ printed: [], printedTotal: 0n });
  });

  it("sums as printed, rounds the total conventionally and every item within a quantum", () => {
    fc.assert(
      fc.property(
        quantumArb.chain((q) => fc.tuple(fc.constant(q), fc.array(leafValue(q), { maxLength: 30 }))),
        ([q, values]) => {
          const { printed, printedTotal } = roundList(values, sum(values), q);
          expect(printed).toHaveLength(values.length);
          expect(sum(printed)).toBe(printedTotal);
          expect(printedTotal).toBe(divRoundHalfAwayFromZero(sum(values), q));
          values.forEach((v, i) => {
            const p = printed[i] ?? 0n;
            expect(abs(p * q - v) < q).toBe(true);
            if (v % q === 0n) {
              expect(p * q).toBe(v);
            }
          });
        },
      ),
    );
  });
});

interface TableRow extends TableNode<TableRow> {
  label: string;
}

function tableGroup(label: string, children: TableRow[]): TableRow {
  const columns = children[0]?.values.length ?? 0;
  const values = Array.from({ length: columns }, (_, c) => sum(children.map((ch) => ch.values[c] ?? 0n)));
  return { label, values, children };
}

describe("roundTableTree", () => {
  const table = tableGroup("Serviceudgifter", [
    tableGroup("Ældre", [
      { label: "Hjemmepleje", values: [kroner(100_450_000), kroner(101_000_000)] },
      { label: "Plejecentre", values: [kroner(200_450_000), kroner(-50_000)] },
    ]),
    { label: "Administration", values: [kroner(50_149_999), kroner(49_950_000)] },
  ]);

  it("rounds every column down the tree and keeps the input rows", () => {
    const rounded = roundTableTree(table, MIO);
    expect(rounded.node).toBe(table);
    expect(rounded.printed).toEqual([3510n, 1509n]);
    const [aeldre, administration] = rounded.children;
    expect(aeldre?.node.label).toBe("Ældre");
    expect(aeldre?.printed).toEqual([3009n, 1010n]);
    // 1.004,5 and 2.004,5 tie on remainder; the larger row takes the quantum. The
    // -0,05 mio. kr. in column 2 prints 0,0 because its parent is a whole 101,0.
    expect(aeldre?.children.map((c) => [c.node.label, c.printed])).toEqual([
      ["Hjemmepleje", [1004n, 1010n]],
      ["Plejecentre", [2005n, 0n]],
    ]);
    expect(administration?.printed).toEqual([501n, 499n]);
    expect(administration?.children).toEqual([]);
  });

  it("rejects rows with the wrong number of columns or columns that do not add up", () => {
    const ragged: TableRow = { label: "x", values: [3n, 4n], children: [{ label: "y", values: [3n] }] };
    expect(() => roundTableTree(ragged, 1n)).toThrow("rækken [0] har 1 værdier, forventede 2");
    const wrong: TableRow = {
      label: "x",
      values: [3n, 4n],
      children: [
        { label: "y", values: [1n, 1n] },
        { label: "z", values: [2n, 2n] },
      ],
    };
    expect(() => roundTableTree(wrong, 1n)).toThrow(
      /Summen stemmer ikke i kolonne 2: roden har værdien 4 øre/,
    );
    expect(() => roundTableTree(table, 0n)).toThrow(RangeError);
  });

  it("handles a table without columns", () => {
    const empty = tableGroup("x", [{ label: "y", values: [] }]);
    expect(roundTableTree(empty, TKR).children[0]?.printed).toEqual([]);
  });

  it("equals roundTree applied to each column", () => {
    const tableArb = (q: bigint, columns: number, depth: number): fc.Arbitrary<TableRow> => {
      const leaf = fc
        .array(leafValue(q), { minLength: columns, maxLength: columns })
        .map((values): TableRow => ({ label: "leaf", values }));
      if (depth === 0) {
        return leaf;
      }
      const branch = fc
        .array(tableArb(q, columns, depth - 1), { minLength: 1, maxLength: 8 })
        .map((children) => tableGroup("group", children));
      return fc.oneof(leaf, branch);
    };
    const column = (node: TableRow, c: number): RoundNode => ({
      value: node.values[c] ?? 0n,
      children: (node.children ?? []).map((ch) => column(ch, c)),
    });
    const printedColumn = (node: ReturnType<typeof roundTableTree<TableRow>>, c: number): Shape =>
      node.children.length === 0
        ? (node.printed[c] ?? -1n)
        : [node.printed[c] ?? -1n, node.children.map((ch) => printedColumn(ch, c))];
    fc.assert(
      fc.property(
        quantumArb.chain((q) =>
          fc
            .integer({ min: 1, max: 4 })
            .chain((columns) => fc.tuple(fc.constant(q), tableArb(q, columns, 3))),
        ),
        ([q, root]) => {
          const rounded = roundTableTree(root, q);
          root.values.forEach((_, c) => {
            expect(printedColumn(rounded, c)).toEqual(shape(roundTree(column(root, c), q)));
          });
        },
      ),
    );
  });
});
