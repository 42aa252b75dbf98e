/**
 * Rounding for tables that add up as printed.
 *
 * A budget table rounded cell by cell to 1.000 kr. or 0,1 mio. kr. rarely adds up:
 * three rows of 333,4 tkr print as 333 each, but their 1.000,2 tkr total prints as
 * 1.000. Readers (and auditors) check the sums, so we round top-down instead: the root
 * is rounded conventionally, and each parent's printed value is apportioned among its
 * children with the largest-remainder (Hamilton) method.
 *
 * Let q be the quantum (the printed step in øre) and, for a node with exact value v,
 * let P be its printed value in quanta. Apportioning the children of a node:
 *   f_i = floor(v_i / q), r_i = v_i − f_i·q ∈ [0, q), and d = P − Σ f_i extra quanta
 *   are handed out one each to the d children with the largest r_i (ties: larger |v_i|
 *   first, then lower index, so the result is deterministic).
 *
 * Guarantees, for every tree whose parents equal the exact sum of their children:
 *   (G1) every parent's P equals the sum of its children's P;
 *   (G2) the root is within half a quantum: |P·q − v| ≤ q/2;
 *   (G3) every node is within strictly less than one quantum: |P·q − v| < q;
 *   (G4) a node whose v is a whole number of quanta prints exactly: P·q = v.
 *
 * Why. Write V = Σ v_i, R = Σ r_i and n for the number of children. Because
 * Σ f_i·q = V − R, we have R ≡ V (mod q), and 0 ≤ R < n·q, so R = (V mod q) + m·q for
 * an integer m with 0 ≤ m. By induction the parent satisfies (G3), which for a value
 * within less than one quantum means P ∈ {floor(V/q), ceil(V/q)}, and P = V/q when V is
 * a multiple of q. Since Σ f_i = floor(V/q) − m, the handed-out count d lies in
 * {m, m + 1}, with d = m when P = floor(V/q).
 *   Let p be the number of children with r_i > 0; then R < p·q.
 *   - If V mod q = 0, then P = V/q and d = m = R/q < p.
 *   - Otherwise m·q = R − (V mod q) < p·q, so m < p and d ≤ m + 1 ≤ p.
 * Either way 0 ≤ d ≤ p: there are always enough children with a positive remainder to
 * take the extra quanta, which gives (G1). Since children with r_i > 0 outrank those
 * with r_i = 0, a child that is an exact multiple is never handed an extra quantum and
 * prints f_i = v_i/q, which is (G4). Any other child prints f_i (off by r_i < q) or
 * f_i + 1 (off by q − r_i < q because r_i > 0), which is (G3). The root is rounded half
 * away from zero, giving (G2), which implies (G3) and (G4) for the root and starts the
 * induction.
 *
 * Not guaranteed: that a child prints its conventional rounding (a row of 2,5 may print
 * 2 so that its siblings add up), and, in multi-column tables, that a total *column*
 * adds up across a row; each column is apportioned down the tree on its own. Nor is
 * the result mirror-symmetric on ties: negating every value may hand a tied quantum to
 * a different row, because remainders are measured from the floor, not from zero.
 */

import { divRoundHalfAwayFromZero, floorDiv } from "./money.ts";

/** Input node; when it has children, `value` must be their exact sum (øre). */
export interface RoundNode {
  value: bigint;
  children?: readonly RoundNode[];
}

export interface RoundedNode {
  /** Exact value in øre, as given. */
  value: bigint;
  /** Printed value in quanta; multiply by the quantum for øre. */
  printed: bigint;
  children: RoundedNode[];
}

function assertQuantum(quantum: bigint): void {
  if (quantum <= 0n) {
    throw new RangeError(`Afrundingstrinnet skal være positivt: ${quantum}`);
  }
}

function sum(values: readonly bigint[]): bigint {
  let total = 0n;
  for (const v of values) {
    total += v;
  }
  return total;
}

function describePath(path: readonly number[]): string {
  return path.length === 0 ? "roden" : `rækken [${path.join(", ")}]`;
}

function zipMap<A, B, R>(as: readonly A[], bs: readonly B[], f: (a: A, b: B) => R): R[] {
  if (as.length !== bs.length) {
    throw new Error(`Intern fejl: ${as.length} og ${bs.length} elementer kan ikke parres`);
  }
  const out: R[] = [];
  as.forEach((a, i) => {
    // The length check above makes the index safe; the cast only silences noUncheckedIndexedAccess.
    out.push(f(a, bs[i] as B));
  });
  return out;
}

/**
 * Printed values (in quanta) of `values` that sum to `target`, by largest remainder.
 * Callers must ensure `target` is within less than one quantum of the exact sum; the
 * proof at the top of the file then shows the hand-out count fits.
 */
function apportion(values: readonly bigint[], target: bigint, quantum: bigint): bigint[] {
  const entries = values.map((value, index) => {
    const floor = floorDiv(value, quantum);
    return { index, floor, remainder: value - floor * quantum, magnitude: value < 0n ? -value : value };
  });
  const extra = target - sum(entries.map((e) => e.floor));
  const eligible = entries.filter((e) => e.remainder > 0n).length;
  // Unreachable by the proof above; kept so a broken invariant fails loudly instead of
  // printing a table that does not add up.
  if (extra < 0n || extra > BigInt(eligible)) {
    throw new Error(`Intern fejl: ${extra} ekstra afrundingstrin kan ikke fordeles på ${eligible} rækker`);
  }
  const ranked = [...entries].sort(
    (a, b) =>
      compareDesc(a.remainder, b.remainder) || compareDesc(a.magnitude, b.magnitude) || a.index - b.index,
  );
  const bumped = new Set(ranked.slice(0, Number(extra)).map((e) => e.index));
  return entries.map((e) => (bumped.has(e.index) ? e.floor + 1n : e.floor));
}

function compareDesc(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}

function validateTree(node: RoundNode, path: number[]): void {
  const children = node.children ?? [];
  if (children.length === 0) {
    return;
  }
  const childSum = sum(children.map((c) => c.value));
  if (childSum !== node.value) {
    throw new Error(
      `Summen stemmer ikke: ${describePath(path)} har værdien ${node.value} øre, ` +
        `men summen af dens ${children.length} underrækker er ${childSum} øre`,
    );
  }
  children.forEach((child, i) => {
    validateTree(child, [...path, i]);
  });
}

function buildTree(node: RoundNode, printed: bigint, quantum: bigint): RoundedNode {
  const children = node.children ?? [];
  const childPrinted =
    children.length === 0
      ? []
      : apportion(
          children.map((c) => c.value),
          printed,
          quantum,
        );
  return {
    value: node.value,
    printed,
    children: zipMap(children, childPrinted, (c, p) => buildTree(c, p, quantum)),
  };
}

/**
 * Rounds a tree of øre amounts to whole quanta so that every parent's printed value is
 * the sum of its children's (see the guarantees at the top of this file). Throws if a
 * parent's value is not the exact sum of its children.
 */
export function roundTree(root: RoundNode, quantum: bigint): RoundedNode {
  assertQuantum(quantum);
  validateTree(root, []);
  return buildTree(root, divRoundHalfAwayFromZero(root.value, quantum), quantum);
}

/**
 * Rounds a flat list whose printed values must add up to the printed total. `total`, if
 * given, must equal the sum of `values`; it exists so callers can assert that.
 */
export function roundList(
  values: readonly bigint[],
  total: bigint | undefined,
  quantum: bigint,
): { printed: bigint[]; printedTotal: bigint } {
  const exactTotal = sum(values);
  if (total !== undefined && total !== exactTotal) {
    throw new Error(
      `Summen stemmer ikke: totalen er ${total} øre, men posterne summer til ${exactTotal} øre`,
    );
  }
  const rounded = roundTree({ value: exactTotal, children: values.map((value) => ({ value })) }, quantum);
  return { printed: rounded.children.map((c) => c.printed), printedTotal: rounded.printed };
}

/** A row of a multi-column table; `values` holds one øre amount per column. */
export interface TableNode<T> {
  readonly values: readonly bigint[];
  readonly children?: readonly T[];
}

export interface RoundedTableNode<T> {
  /** The input row, for labels and exact values. */
  node: T;
  /** Printed value in quanta, one per column. */
  printed: bigint[];
  children: RoundedTableNode<T>[];
}

function validateTable<T extends TableNode<T>>(node: T, columns: number, path: number[]): void {
  if (node.values.length !== columns) {
    throw new Error(
      `Forkert antal kolonner: ${describePath(path)} har ${node.values.length} værdier, forventede ${columns}`,
    );
  }
  const children = node.children ?? [];
  children.forEach((child, i) => {
    validateTable(child, columns, [...path, i]);
  });
  if (children.length === 0) {
    return;
  }
  node.values.forEach((value, column) => {
    const childSum = sum(children.map((c) => cell(c, column)));
    if (childSum !== value) {
      throw new Error(
        `Summen stemmer ikke i kolonne ${column + 1}: ${describePath(path)} har værdien ${value} øre, ` +
          `men summen af dens ${children.length} underrækker er ${childSum} øre`,
      );
    }
  });
}

function cell<T extends TableNode<T>>(node: T, column: number): bigint {
  const value = node.values[column];
  if (value === undefined) {
    throw new Error(`Intern fejl: kolonne ${column + 1} mangler`);
  }
  return value;
}

function buildTable<T extends TableNode<T>>(
  node: T,
  printed: bigint[],
  quantum: bigint,
): RoundedTableNode<T> {
  const children = node.children ?? [];
  if (children.length === 0) {
    return { node, printed, children: [] };
  }
  // byColumn[c][i] is child i's printed value in column c; apportion returns one value
  // per child, so the transposing index below is always in range.
  const byColumn = printed.map((target, column) =>
    apportion(
      children.map((c) => cell(c, column)),
      target,
      quantum,
    ),
  );
  const byChild = children.map((_, i) => byColumn.map((col) => col[i] as bigint));
  return {
    node,
    printed,
    children: zipMap(children, byChild, (c, p) => buildTable(c, p, quantum)),
  };
}

/**
 * roundTree applied to each column of a table tree: within every column, each parent
 * row prints as the sum of its child rows. All rows must have as many values as the root.
 */
export function roundTableTree<T extends TableNode<T>>(root: T, quantum: bigint): RoundedTableNode<T> {
  assertQuantum(quantum);
  validateTable(root, root.values.length, []);
  return buildTable(
    root,
    root.values.map((v) => divRoundHalfAwayFromZero(v, quantum)),
    quantum,
  );
}
