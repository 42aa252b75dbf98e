/**
 * buildOverview on random organisations. Amounts are booked on random nodes (leaves and inner
 * nodes alike); the per-node buckets are then summed up the tree exactly as the database's
 * node_total does (every node holds its whole subtree per year, kind, index group, stored
 * price year and category), and the overview of a random node is built from those sums.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SpendingCategory } from "../src/accounts.ts";
import { SPENDING_CATEGORIES } from "../src/accounts.ts";
import { type Column, standardColumns } from "../src/amounts.ts";
import { AMOUNT_UNITS, type AmountUnit, divRoundHalfAwayFromZero, unitQuantum } from "../src/money.ts";
import {
  buildOverview,
  type Overview,
  type OverviewPart,
  type OverviewRequest,
  type TotalBucket,
  UNALLOCATED_LABEL,
} from "../src/overview.ts";
import { exampleIndex, INDEX_GROUPS, type IndexGroup, type IndexRule } from "../src/prices.ts";

type Bucket = Omit<TotalBucket, "nodeId">;

const INDEX = exampleIndex();
const abs = (x: bigint): bigint => (x < 0n ? -x : x);

interface Scenario {
  /** parent[i] is the index of node i's parent; node 0 is the root. */
  parent: number[];
  /** Buckets booked directly on each node. */
  direct: Bucket[][];
  focus: number;
  columns: Column[];
  priceYear: number | null;
  unit: AmountUnit;
  rule: IndexRule;
  categories: SpendingCategory[] | undefined;
}

const amountArb = fc.oneof(
  fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
  fc.bigInt({ min: -2000n, max: 2000n }),
  // Whole and half quanta of every unit, to hit the rounding ties.
  fc.bigInt({ min: -2000n, max: 2000n }).map((k) => k * 50_000n),
  fc.bigInt({ min: -200n, max: 200n }).map((k) => k * 5_000_000n),
);

/**
 * A small palette of bucket keys per scenario, so that several nodes book on the same key and
 * their sums meet in the parents (that is where restating and rounding can disagree).
 */
const keyArb = fc.record({
  column: fc.nat(5),
  offColumn: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
  indexGroup: fc.constantFrom(...INDEX_GROUPS),
  priceYear: fc.integer({ min: 2019, max: 2030 }),
  category: fc.constantFrom(...SPENDING_CATEGORIES),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    parentPicks: fc.array(fc.nat(), { maxLength: 14 }),
    budgetYear: fc.integer({ min: 2021, max: 2027 }),
    keys: fc.array(keyArb, { minLength: 1, maxLength: 4 }),
    bookings: fc.array(fc.record({ node: fc.nat(), key: fc.nat(), amount: amountArb, off: fc.boolean() }), {
      maxLength: 40,
    }),
    focusPick: fc.nat(),
    priceYear: fc.option(fc.integer({ min: 2019, max: 2030 }), { freq: 3 }),
    unit: fc.constantFrom(...AMOUNT_UNITS),
    rule: fc.constantFrom<IndexRule>("total", "by_group"),
    categories: fc.option(fc.subarray([...SPENDING_CATEGORIES]), { freq: 3 }),
  })
  .map((r) => {
    const n = r.parentPicks.length + 1;
    const parent = [-1, ...r.parentPicks.map((p, i) => p % (i + 1))];
    const columns = standardColumns(r.budgetYear);
    const direct: Bucket[][] = Array.from({ length: n }, () => []);
    for (const b of r.bookings) {
      const key = r.keys[b.key % r.keys.length] as (typeof r.keys)[number];
      const col = columns[key.column] as Column;
      // Now and then an amount outside the view's columns, which must be ignored.
      const kind = b.off && key.offColumn ? "corrected" : col.kind;
      (direct[b.node % n] as Bucket[]).push({
        year: col.year,
        kind,
        indexGroup: key.indexGroup,
        priceYear: key.priceYear,
        category: key.category,
        amount: b.amount,
      });
    }
    return {
      parent,
      direct,
      focus: r.focusPick % n,
      columns,
      priceYear: r.priceYear,
      unit: r.unit,
      rule: r.rule,
      categories: r.categories ?? undefined,
    };
  });

const keyOf = (b: Bucket) => `${b.year}|${b.kind}|${b.indexGroup}|${b.priceYear}|${b.category}`;

function aggregate(buckets: readonly Bucket[]): Bucket[] {
  const m = new Map<string, Bucket>();
  for (const b of buckets) {
    const k = keyOf(b);
    const prev = m.get(k);
    if (prev) prev.amount += b.amount;
    else m.set(k, { ...b });
  }
  return [...m.values()];
}

function children(s: Scenario, i: number): number[] {
  return s.parent.flatMap((p, j) => (p === i ? [j] : []));
}

/** node_total: every node's buckets plus those of its whole subtree, summed per key. */
function nodeTotals(s: Scenario): Bucket[][] {
  const memo: Bucket[][] = [];
  const total = (i: number): Bucket[] => {
    const cached = memo[i];
    if (cached) return cached;
    const all = [...(s.direct[i] as Bucket[]), ...children(s, i).flatMap(total)];
    const out = aggregate(all);
    memo[i] = out;
    return out;
  };
  return s.parent.map((_, i) => total(i));
}

/** An independent restatement: exact rational, half away from zero. */
function restated(b: Bucket, s: Scenario): bigint {
  if (s.priceYear === null || b.priceYear === s.priceYear) return b.amount;
  const g: IndexGroup = s.rule === "total" ? "total" : b.indexGroup;
  const to = INDEX.points.get(g)?.get(s.priceYear) as bigint;
  const from = INDEX.points.get(g)?.get(b.priceYear) as bigint;
  return divRoundHalfAwayFromZero(b.amount * to, from);
}

/** Per column: the sum of the buckets in view, each restated on its own. */
function columnSums(buckets: readonly Bucket[], s: Scenario): bigint[] {
  return s.columns.map((c) =>
    buckets
      .filter((b) => b.year === c.year && b.kind === c.kind)
      .filter((b) => s.categories === undefined || s.categories.includes(b.category))
      .reduce((a, b) => a + restated(b, s), 0n),
  );
}

function request(s: Scenario, focus: number): OverviewRequest {
  return {
    node: {
      id: focus,
      code: `N${focus}`,
      name: `Node ${focus}`,
      kind: focus === 0 ? "municipality" : "unit",
    },
    columns: s.columns,
    priceYear: s.priceYear,
    unit: s.unit,
    ...(s.categories ? { categories: s.categories } : {}),
    index: INDEX,
    rule: s.rule,
  };
}

function overviewOf(s: Scenario, totals: Bucket[][], focus: number): Overview {
  const parts: OverviewPart[] = children(s, focus).map((c) => ({
    ref: { id: c, code: `N${c}`, name: `Node ${c}`, kind: "unit" },
    buckets: totals[c] as Bucket[],
  }));
  return buildOverview(request(s, focus), totals[focus] as Bucket[], parts);
}

const childRows = (o: Overview) => o.rows.filter((r) => r.ref !== null);
const unallocatedRows = (o: Overview) => o.rows.filter((r) => r.ref === null);

describe("buildOverview on random organisations", () => {
  it("the printed rows add up to the printed total in every column, in every unit", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const o = overviewOf(s, nodeTotals(s), s.focus);
        const q = unitQuantum(s.unit);
        o.total.printed.forEach((t, i) => {
          if (o.rows.length > 0) expect(o.rows.reduce((a, r) => a + (r.printed[i] as bigint), 0n)).toBe(t);
          // The total itself is rounded conventionally from the exact (rational) value. `exact` is that
          // value already rounded to øre, so rounding it again may land one unit off on a half
          // (double rounding): the printed total is within half a unit plus half an øre of it.
          const off = t * q - (o.total.exact[i] as bigint);
          expect(2n * (off < 0n ? -off : off) <= q + 1n, `${t} mod ${o.total.exact[i]}`).toBe(true);
        });
        for (const r of [o.total, ...o.rows]) {
          expect(r.printed).toHaveLength(s.columns.length);
          expect(r.exact).toHaveLength(s.columns.length);
          expect(r.text).toHaveLength(s.columns.length);
        }
      }),
    );
  });

  it("every printed value is within one quantum of its exact value (the total within half)", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const o = overviewOf(s, nodeTotals(s), s.focus);
        const q = unitQuantum(s.unit);
        o.total.printed.forEach((p, i) => {
          expect(2n * abs(p * q - (o.total.exact[i] as bigint))).toBeLessThanOrEqual(q);
        });
        for (const r of o.rows) {
          r.printed.forEach((p, i) => {
            expect(abs(p * q - (r.exact[i] as bigint))).toBeLessThan(q);
            // A whole number of quanta prints exactly.
            if ((r.exact[i] as bigint) % q === 0n) expect(p * q).toBe(r.exact[i]);
          });
        }
      }),
    );
  });

  it("the total is the sum of all buckets in view, restated (exactly in current prices)", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const totals = nodeTotals(s);
        const o = overviewOf(s, totals, s.focus);
        const own = totals[s.focus] as Bucket[];
        const expected = columnSums(own, s);
        if (s.priceYear === null) {
          expect(o.total.exact).toEqual(expected);
          return;
        }
        // Restating is not additive; prices.ts bounds the difference between restating n
        // parts and restating their sum by floor((n + 1) / 2) øre per bucket.
        const bound = s.columns.map((c) => {
          let b = 0n;
          for (const k of own.filter((x) => x.year === c.year && x.kind === c.kind)) {
            const parts = [
              ...children(s, s.focus).map((ch) =>
                (totals[ch] as Bucket[]).find((x) => keyOf(x) === keyOf(k)),
              ),
              aggregate(s.direct[s.focus] as Bucket[]).find((x) => keyOf(x) === keyOf(k)),
            ].filter((x) => x !== undefined && x.amount !== 0n).length;
            b += BigInt(parts + 1) / 2n;
          }
          return b;
        });
        o.total.exact.forEach((t, i) => {
          expect(abs(t - (expected[i] as bigint))).toBeLessThanOrEqual(bound[i] as bigint);
        });
      }),
    );
  });

  it("in current prices, a node's total is its children's totals plus its own amounts, all the way down", () => {
    fc.assert(
      fc.property(
        scenarioArb.map((s) => ({ ...s, priceYear: null })),
        (s) => {
          const totals = nodeTotals(s);
          for (let focus = 0; focus < s.parent.length; focus++) {
            const o = overviewOf(s, totals, focus);
            const own = columnSums(aggregate(s.direct[focus] as Bucket[]), s);
            const kids = children(s, focus);
            expect(childRows(o).map((r) => r.ref?.id)).toEqual(kids);
            // Each row is the child's own overview total: drilling down shows the same figure.
            childRows(o).forEach((r) => {
              expect(r.exact).toEqual(overviewOf(s, totals, r.ref?.id as number).total.exact);
            });
            o.total.exact.forEach((t, i) => {
              const rowsSum = childRows(o).reduce((a, r) => a + (r.exact[i] as bigint), 0n);
              expect(t).toBe(rowsSum + (own[i] as bigint));
            });
            const expectUnallocated = kids.length > 0 && own.some((v) => v !== 0n);
            expect(unallocatedRows(o).map((r) => [r.label, r.exact])).toEqual(
              expectUnallocated ? [[UNALLOCATED_LABEL, own]] : [],
            );
          }
        },
      ),
    );
  });

  it("at any price level, a node's total is its rows plus its own amounts, with no 'ikke fordelt' row unless something is booked on it", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const totals = nodeTotals(s);
        const o = overviewOf(s, totals, s.focus);
        // The node's own amounts as node_total would hold them: summed per bucket key.
        const own = columnSums(aggregate(s.direct[s.focus] as Bucket[]), s);
        const kids = children(s, s.focus);
        // Restated, each shown øre value is rounded from an exact rational: the n rows, the own
        // amounts and the total may then be apart by half an øre each. In current prices: exact.
        const slack = s.priceYear === null ? 0n : BigInt(childRows(o).length + 2);
        o.total.exact.forEach((t, i) => {
          const rowsSum = childRows(o).reduce((a, r) => a + (r.exact[i] as bigint), 0n);
          const gap = t - rowsSum - (own[i] as bigint);
          expect(gap <= slack && gap >= -slack, `column ${i}: ${t} vs ${rowsSum} + ${own[i]}`).toBe(true);
        });
        // The residue row appears exactly when something is booked on the node in the stored prices.
        const bookedOnNode = (s.direct[s.focus] as Bucket[]).some(
          (b) =>
            s.columns.some((c) => c.year === b.year && c.kind === b.kind) &&
            (s.categories === undefined || s.categories.includes(b.category)),
        );
        const ownStored = columnSums(aggregate(s.direct[s.focus] as Bucket[]), { ...s, priceYear: null });
        const expectUnallocated = kids.length > 0 && bookedOnNode && ownStored.some((v) => v !== 0n);
        expect(unallocatedRows(o).map((r) => r.label)).toEqual(expectUnallocated ? [UNALLOCATED_LABEL] : []);
        for (const r of unallocatedRows(o)) {
          r.exact.forEach((v, i) => {
            const gap = v - (own[i] as bigint);
            expect(gap <= 1n && gap >= -1n).toBe(true);
          });
        }
      }),
    );
  });

  it("a node without children has no rows; its total is its own amounts", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const totals = nodeTotals(s);
        const leaves = s.parent.map((_, i) => i).filter((i) => children(s, i).length === 0);
        for (const leaf of leaves) {
          const o = overviewOf(s, totals, leaf);
          expect(o.rows).toEqual([]);
          if (s.priceYear === null) expect(o.total.exact).toEqual(columnSums(s.direct[leaf] as Bucket[], s));
        }
      }),
    );
  });
});

describe("buildOverview, worked examples", () => {
  const req = (priceYear: number | null, unit: AmountUnit = "kr"): OverviewRequest => ({
    node: { id: 1, code: "ADM", name: "Administration", kind: "area" },
    columns: [{ year: 2024, kind: "original" }],
    priceYear,
    unit,
    index: INDEX,
    rule: "by_group",
  });
  const bucket = (amount: bigint, extra: Partial<Bucket> = {}): Bucket => ({
    year: 2024,
    kind: "original",
    indexGroup: "total",
    priceYear: 2024,
    category: "service",
    amount,
    ...extra,
  });
  const part = (id: number, name: string, buckets: Bucket[]): OverviewPart => ({
    ref: { id, code: `E${id}`, name, kind: "unit" },
    buckets,
  });

  it("amounts booked on the node itself become the 'ikke fordelt' row", () => {
    const o = buildOverview(
      req(null),
      [bucket(300_00n), bucket(5_00n, { category: "transfer" })],
      [part(2, "Løn", [bucket(100_00n)]), part(3, "Drift", [bucket(150_00n)])],
    );
    expect(o.rows.map((r) => [r.label, r.exact[0]])).toEqual([
      ["Løn", 100_00n],
      ["Drift", 150_00n],
      [UNALLOCATED_LABEL, 55_00n],
    ]);
    expect(o.total.exact).toEqual([305_00n]);
    expect(o.note).toBe("Alle tal er i løbende priser.");
    expect(o.unitLabel).toBe("kr.");
  });

  it("filters by spending category, rows and total alike", () => {
    const o = buildOverview(
      { ...req(null), categories: ["service"] },
      [bucket(100_00n), bucket(7_00n, { category: "capital" })],
      [part(2, "Løn", [bucket(100_00n), bucket(7_00n, { category: "capital" })])],
    );
    expect(o.total.exact).toEqual([100_00n]);
    expect(o.rows.map((r) => r.label)).toEqual(["Løn"]);
  });

  it("three rows of 333,4 tkr. print 333 + 333 + 334 under a total of 1.000", () => {
    const o = buildOverview(
      req(null, "tkr"),
      [bucket(3n * 333_400_00n)],
      [
        part(2, "A", [bucket(333_400_00n)]),
        part(3, "B", [bucket(333_400_00n)]),
        part(4, "C", [bucket(333_400_00n)]),
      ],
    );
    expect(o.total.text).toEqual(["1.000"]);
    expect(o.rows.map((r) => r.text[0]).sort()).toEqual(["333", "333", "334"]);
  });

  it("restated, two units with nothing booked on their area give no 'ikke fordelt' row", () => {
    // 15 øre in 2024 prices is 15,495… øre in 2025 prices; the area's node_total bucket of 30 øre
    // is 30,99…: exactly the sum, so the area has nothing of its own and no residue row appears.
    const o = buildOverview(
      req(2025),
      [bucket(30n)],
      [part(2, "E1", [bucket(15n)]), part(3, "E2", [bucket(15n)])],
    );
    expect(o.rows.map((r) => r.label)).toEqual(["E1", "E2"]);
    // Exact values are kept as rationals and each rounded to øre for display: 15,495 → 15, 30,99 → 31.
    expect(o.rows.map((r) => r.exact[0])).toEqual([15n, 15n]);
    expect(o.total.exact).toEqual([31n]);
  });
});
