/**
 * Rounding a table with a total column AND a total row, so that it adds up as printed both
 * ways: every row's cells sum to the row's printed total, every column's cells sum to the
 * printed total row, and the grand total is the sum of both.
 *
 * core's roundTableTree cannot do this on its own: it apportions each column down the rows, and
 * says itself that a total *column* need not add up across a row. Rounding the margins first
 * and the cells afterwards does not work either: with cells [[0,5; 0], [0; 0,5]] the row totals
 * may pick row 1 and the column totals column 2 for the extra unit, and no cell can then take
 * it. The cells and both margins have to be decided together.
 *
 * Method (controlled rounding, as in statistical tables). Work in quanta q. Every value v has a
 * floor f = floor(v/q) and a remainder r = v − f·q ∈ [0, q); it prints f or, if r > 0, f + 1.
 * The grand total prints g = round(V/q), half away from zero. Which cells get "+1" is a flow
 * problem: source → row i → column j → sink, one unit per bumped cell, where
 *   - row i must pass D_i = F_i − Σ_j f_ij units (its carried remainders) and may pass one
 *     more if its own remainder is positive (the row total then prints F_i + 1);
 *   - column j likewise, with E_j;
 *   - cell (i, j) may carry one unit only if r_ij > 0;
 *   - and K = g − Σ f_ij units flow in all.
 * Dividing the exact table by q gives a fractional flow within exactly these bounds, and a flow
 * network with integer bounds that has a fractional solution has an integral one (the
 * integrality theorem; that the grand total may be fixed at g follows from convexity, since both
 * floor and ceiling of V/q lie in the range the total can take). So a rounding always exists.
 * We find the one with the smallest total rounding error by min-cost flow: bumping a value with
 * remainder r changes its error from r to q − r, so it costs q − 2r; the mandatory units cost −M,
 * with M larger than all other costs together, so they are always taken.
 *
 * Guarantees, for any integer table:
 *   (R1) Σ_j cells[i][j] = rowTotals[i], Σ_i cells[i][j] = columnTotals[j],
 *        Σ rowTotals = Σ columnTotals = total;
 *   (R2) total = V/q rounded half away from zero;
 *   (R3) every printed value is within strictly less than one quantum of the exact one;
 *   (R4) a value that is a whole number of quanta prints exactly (in particular 0 prints 0).
 * (R3) and (R4) hold because a value with r = 0 has no arc to bump, and one with r > 0 prints
 * f or f + 1. Ties between equally good roundings are broken by a fixed order, so the result is
 * deterministic.
 */

import { divRoundHalfAwayFromZero, floorDiv } from "@bevilling/core";

export interface RoundedCrossTable {
  /** Printed cells in quanta, rows × columns. */
  cells: bigint[][];
  rowTotals: bigint[];
  columnTotals: bigint[];
  total: bigint;
}

interface Arc {
  to: number;
  capacity: number;
  cost: bigint;
  flow: number;
  /** Index of the reverse arc in arcs. */
  reverse: number;
}

/** A tiny min-cost-flow solver: successive shortest paths with Bellman-Ford (costs may be negative). */
class FlowNetwork {
  readonly arcs: Arc[] = [];
  readonly out: number[][];

  constructor(nodes: number) {
    this.out = Array.from({ length: nodes }, () => []);
  }

  /** Adds an arc and returns its index. */
  add(from: number, to: number, capacity: number, cost: bigint): number {
    const index = this.arcs.length;
    this.arcs.push({ to, capacity, cost, flow: 0, reverse: index + 1 });
    this.arcs.push({ to: from, capacity: 0, cost: -cost, flow: 0, reverse: index });
    this.outOf(from).push(index);
    this.outOf(to).push(index + 1);
    return index;
  }

  private outOf(node: number): number[] {
    const list = this.out[node];
    if (!list) throw new Error(`Intern fejl: knude ${node} findes ikke`);
    return list;
  }

  private arc(index: number): Arc {
    const arc = this.arcs[index];
    if (!arc) throw new Error(`Intern fejl: kant ${index} findes ikke`);
    return arc;
  }

  /** Sends `units` units from source to sink, one at a time along a cheapest path. */
  sendCheapest(source: number, sink: number, units: number): void {
    for (let sent = 0; sent < units; sent++) {
      const path = this.cheapestPath(source, sink);
      if (!path) throw new Error("Intern fejl: tabellen kan ikke afrundes, så den summer");
      for (const index of path) {
        const arc = this.arc(index);
        arc.flow += 1;
        this.arc(arc.reverse).flow -= 1;
      }
    }
  }

  private cheapestPath(source: number, sink: number): number[] | undefined {
    const n = this.out.length;
    const distance: (bigint | undefined)[] = new Array(n).fill(undefined);
    const via: (number | undefined)[] = new Array(n).fill(undefined);
    distance[source] = 0n;
    // Bellman-Ford; the residual graph has no negative cycles because every augmentation is
    // along a cheapest path, starting from an acyclic network.
    for (let round = 0; round < n; round++) {
      let changed = false;
      for (let from = 0; from < n; from++) {
        const d = distance[from];
        if (d === undefined) continue;
        for (const index of this.outOf(from)) {
          const arc = this.arc(index);
          if (arc.flow >= arc.capacity) continue;
          const candidate = d + arc.cost;
          const current = distance[arc.to];
          if (current === undefined || candidate < current) {
            distance[arc.to] = candidate;
            via[arc.to] = index;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    if (distance[sink] === undefined) return undefined;
    const path: number[] = [];
    for (let node = sink; node !== source; ) {
      const index = via[node];
      if (index === undefined) throw new Error("Intern fejl: afbrudt sti");
      path.push(index);
      node = this.arc(this.arc(index).reverse).to;
    }
    return path.reverse();
  }
}

function sum(values: readonly bigint[]): bigint {
  return values.reduce((a, b) => a + b, 0n);
}

function at<T>(values: readonly T[], i: number): T {
  const v = values[i];
  if (v === undefined) throw new Error(`Intern fejl: indeks ${i} mangler`);
  return v;
}

/**
 * Rounds a table of øre amounts (rows × columns) to whole quanta so that its rows, its
 * columns and its grand total all add up as printed; see the guarantees at the top of the file.
 */
export function roundCrossTable(values: readonly (readonly bigint[])[], quantum: bigint): RoundedCrossTable {
  if (quantum <= 0n) throw new RangeError(`Afrundingstrinnet skal være positivt: ${quantum}`);
  const m = values.length;
  const n = values[0]?.length ?? 0;
  values.forEach((row, i) => {
    if (row.length !== n) throw new RangeError(`Række ${i + 1} har ${row.length} værdier, forventede ${n}`);
  });
  const split = (v: bigint) => {
    const floor = floorDiv(v, quantum);
    return { floor, remainder: v - floor * quantum };
  };
  const cells = values.map((row) => row.map(split));
  const rows = values.map((row) => split(sum(row)));
  const columns = Array.from({ length: n }, (_, j) => split(sum(values.map((row) => at(row, j)))));
  const total = divRoundHalfAwayFromZero(sum(values.map(sum)), quantum);
  const cellFloors = sum(cells.map((row) => sum(row.map((c) => c.floor))));

  // Nodes: 0 source, 1..m rows, m+1..m+n columns, m+n+1 sink.
  const source = 0;
  const sink = m + n + 1;
  const net = new FlowNetwork(m + n + 2);
  const bumpCost = (remainder: bigint) => quantum - 2n * remainder;
  const arcCount = BigInt(m * n + 2 * (m + n) + 1);
  const mandatoryCost = -(quantum * 2n * arcCount + 1n);
  const mandatory: { arc: number; units: number }[] = [];
  const mustPass = (from: number, to: number, units: bigint) => {
    if (units > 0n)
      mandatory.push({ arc: net.add(from, to, Number(units), mandatoryCost), units: Number(units) });
  };
  rows.forEach((row, i) => {
    const carried = row.floor - sum(at(cells, i).map((c) => c.floor));
    mustPass(source, 1 + i, carried);
    if (row.remainder > 0n) net.add(source, 1 + i, 1, bumpCost(row.remainder));
  });
  const cellArcs = cells.map((row, i) =>
    row.map((c, j) => (c.remainder > 0n ? net.add(1 + i, 1 + m + j, 1, bumpCost(c.remainder)) : undefined)),
  );
  columns.forEach((column, j) => {
    const carried = column.floor - sum(cells.map((row) => at(row, j).floor));
    mustPass(1 + m + j, sink, carried);
    if (column.remainder > 0n) net.add(1 + m + j, sink, 1, bumpCost(column.remainder));
  });
  net.sendCheapest(source, sink, Number(total - cellFloors));
  if (mandatory.some(({ arc, units }) => at(net.arcs, arc).flow !== units)) {
    throw new Error("Intern fejl: tabellens afrunding tog ikke alle overførte rester med");
  }

  const printed = cells.map((row, i) =>
    row.map((c, j) => {
      const arc = at(cellArcs, i)[j];
      return c.floor + (arc === undefined ? 0n : BigInt(at(net.arcs, arc).flow));
    }),
  );
  const rowTotals = printed.map(sum);
  const columnTotals = Array.from({ length: n }, (_, j) => sum(printed.map((row) => at(row, j))));
  // The flow's bounds make every margin print its floor, or its floor + 1 when it has a
  // remainder; checked anyway, because a table that does not add up must not be printed.
  const near = (printedValue: bigint, exact: { floor: bigint; remainder: bigint }) =>
    printedValue === exact.floor || (exact.remainder > 0n && printedValue === exact.floor + 1n);
  if (
    !rowTotals.every((p, i) => near(p, at(rows, i))) ||
    !columnTotals.every((p, j) => near(p, at(columns, j))) ||
    sum(rowTotals) !== total
  ) {
    throw new Error("Intern fejl: den afrundede tabel summer ikke");
  }
  return { cells: printed, rowTotals, columnTotals, total };
}
