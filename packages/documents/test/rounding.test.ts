import { divRoundHalfAwayFromZero, formatAmount, unitQuantum } from "@bevilling/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseFormattedNumber,
  proposalCatalogueDocument,
  roundCrossTable,
  type TableBlock,
} from "../src/index.ts";
import { proposal, T } from "./fixture.ts";

const TKR = unitQuantum("tkr");
const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** Within strictly less than one quantum, and exact when the value is a whole number of quanta. */
function expectClose(printed: bigint, exact: bigint, q: bigint): void {
  expect(abs(printed * q - exact) < q).toBe(true);
  if (exact % q === 0n) expect(printed * q).toBe(exact);
}

function expectAddsUp(values: bigint[][], q: bigint): void {
  const r = roundCrossTable(values, q);
  const n = values[0]?.length ?? 0;
  // Adds up as printed, both ways.
  r.cells.forEach((row, i) => {
    expect(sum(row)).toBe(r.rowTotals[i]);
  });
  for (let j = 0; j < n; j++) expect(sum(r.cells.map((row) => row[j] ?? 0n))).toBe(r.columnTotals[j]);
  expect(sum(r.rowTotals)).toBe(r.total);
  expect(sum(r.columnTotals)).toBe(r.total);
  // The grand total is rounded conventionally; everything else stays within a quantum.
  expect(r.total).toBe(divRoundHalfAwayFromZero(sum(values.map(sum)), q));
  values.forEach((row, i) => {
    row.forEach((v, j) => {
      expectClose(r.cells[i]?.[j] ?? 0n, v, q);
    });
    expectClose(r.rowTotals[i] ?? 0n, sum(row), q);
  });
  for (let j = 0; j < n; j++) expectClose(r.columnTotals[j] ?? 0n, sum(values.map((row) => row[j] ?? 0n)), q);
}

describe("roundCrossTable", () => {
  it("prints whole quanta exactly", () => {
    const r = roundCrossTable(
      [
        [3000n * T, 3000n * T],
        [1500n * T, -1500n * T],
      ],
      TKR,
    );
    expect(r).toEqual({
      cells: [
        [3000n, 3000n],
        [1500n, -1500n],
      ],
      rowTotals: [6000n, 0n],
      columnTotals: [4500n, 1500n],
      total: 6000n,
    });
  });

  it("decides the cells and both totals together (a diagonal of halves)", () => {
    // Rounding the margins on their own could give the extra unit to row 1 and column 2, and
    // then no cell could take it: cell (1, 2) is 0 and must print 0.
    const values = [
      [50n, 0n],
      [0n, 50n],
    ];
    const r = roundCrossTable(values, 100n);
    expect(r.total).toBe(1n);
    expect(r.cells[0]?.[1]).toBe(0n);
    expect(r.cells[1]?.[0]).toBe(0n);
    expectAddsUp(values, 100n);
  });

  it("hands the thousands of three equal thirds out so that rows and years still add up", () => {
    const third = 33_340_000n; // 333,4 t.kr.
    const values = [
      [third, third, third],
      [third, third, third],
      [third, third, third],
    ];
    const r = roundCrossTable(values, TKR);
    expect(r.total).toBe(3001n); // 3.000,6 t.kr.
    expect(r.rowTotals.every((t) => t === 1000n || t === 1001n)).toBe(true);
    expect(r.columnTotals.every((t) => t === 1000n || t === 1001n)).toBe(true);
    expectAddsUp(values, TKR);
  });

  it("handles empty tables", () => {
    expect(roundCrossTable([], TKR)).toEqual({ cells: [], rowTotals: [], columnTotals: [], total: 0n });
    expect(roundCrossTable([[], []], TKR)).toEqual({
      cells: [[], []],
      rowTotals: [0n, 0n],
      columnTotals: [],
      total: 0n,
    });
  });

  it("refuses ragged tables and a quantum that is not positive", () => {
    expect(() => roundCrossTable([[1n, 2n], [3n]], TKR)).toThrow(/Række 2 har 1 værdier, forventede 2/);
    expect(() => roundCrossTable([[1n]], 0n)).toThrow(RangeError);
  });

  it("adds up as printed for any table (property)", () => {
    const value = fc.oneof(
      fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
      fc.bigInt({ min: -500n, max: 500n }),
      fc.constant(0n),
    );
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((n) => fc.array(fc.array(value, { minLength: n, maxLength: n }), { maxLength: 6 })),
        fc.constantFrom(1n, 7n, 100n, TKR, unitQuantum("mio")),
        (values, q) => {
          expectAddsUp(values, q);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is deterministic", () => {
    const values = [
      [12_345_678n, 98_765_432n, -55_555_555n],
      [50_000n, 49_999n, 150_001n],
    ];
    expect(roundCrossTable(values, TKR)).toEqual(roundCrossTable(values, TKR));
  });
});

describe("the catalogue's amount table adds up as printed", () => {
  /** The printed figures of a table as numbers; empty cells as 0. */
  function printed(table: TableBlock): number[][] {
    return table.rows.map((row) =>
      row.cells.slice(1).map((c) => (c === "" ? 0 : (parseFormattedNumber(c)?.value ?? Number.NaN))),
    );
  }

  it("when the amounts are not whole thousands", () => {
    const ore = (kr: number) => BigInt(Math.round(kr * 100));
    const p = proposal(
      "9.9.9. 01",
      {
        kindLabel: "Driftsforslag",
        title: "Skæve beløb",
        text: "",
        committee: "Økonomiudvalget",
        area: "Administration",
      },
      [
        ["Løn", [ore(333_400), ore(333_400), ore(333_400), ore(333_400)]],
        ["Husleje", [ore(166_600), ore(166_600), undefined, ore(166_600)]],
        ["Tilskud", [ore(-1_499.5), ore(2_500), ore(500.49), ore(-500.5)]],
        ["Småting", [ore(400), ore(400), ore(400), ore(400)]],
      ],
    );
    const doc = proposalCatalogueDocument({
      catalogue: "Budget 2023-2026",
      period: { firstYear: 2023, lastYear: 2026 },
      municipality: "Testkommune",
      proposals: [p],
    });
    const table = doc.blocks.find((b): b is TableBlock => b.type === "table");
    if (!table) throw new Error("tabellen mangler");
    const rows = printed(table);
    const lines = rows.slice(0, -1);
    const total = rows.at(-1) ?? [];
    expect(rows.flat().every(Number.isInteger)).toBe(true);
    // Each printed row's years sum to its printed total…
    for (const row of rows) expect(row.slice(0, -1).reduce((a, b) => a + b, 0)).toBe(row.at(-1));
    // …and the printed "I alt" is the sum of the printed lines, in every column.
    total.forEach((t, j) => {
      expect(lines.reduce((a, row) => a + (row[j] ?? 0), 0)).toBe(t);
    });
    // The grand total is the exact one rounded.
    const exact = sum(p.lines.map((l) => l.total));
    expect(table.rows.at(-1)?.cells.at(-1)).toBe(formatAmount(exact, "tkr"));
    // Rounding cell by cell would not have added up: Løn prints 333 four times, but 1.334 in all.
    const naive = p.lines[0]?.amounts.map((a) => formatAmount(a.amount, "tkr"));
    expect(naive).toEqual(["333", "333", "333", "333"]);
    expect(formatAmount(p.lines[0]?.total ?? 0n, "tkr")).toBe("1.334");
    expect(table.rows[0]?.cells.at(-1)).toBe("1.334");
    // The line without an amount in 2025 still prints an empty cell.
    expect(table.rows[1]?.cells[3]).toBe("");
  });
});
