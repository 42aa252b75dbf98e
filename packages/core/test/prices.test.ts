import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  effectiveGroup,
  exampleIndex,
  formatIndexPoints,
  INDEX_GROUPS,
  type IndexGroup,
  type IndexRule,
  indexGroupFor,
  indexPoint,
  type PriceIndex,
  PriceIndexError,
  parseIndexPoints,
  restate,
} from "../src/prices.ts";

const INDEX = exampleIndex();
const abs = (x: bigint): bigint => (x < 0n ? -x : x);

const yearArb = fc.integer({ min: 2019, max: 2030 });
const groupArb = fc.constantFrom(...INDEX_GROUPS);
const ruleArb = fc.constantFrom<IndexRule>("total", "by_group");
const oreArb = fc.oneof(
  fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }),
  fc.bigInt({ min: -1000n, max: 1000n }),
  // Amounts in whole kroner and whole thousands, as budgets are usually typed.
  fc.bigInt({ min: -(10n ** 8n), max: 10n ** 8n }).map((k) => k * 100n),
  fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }).map((k) => k * 100_000n),
);

/** Exact rational restating, rounded half away from zero, computed independently of money.ts. */
function reference(
  ore: bigint,
  from: number,
  to: number,
  group: IndexGroup,
  index: PriceIndex,
  rule: IndexRule,
) {
  if (from === to) return ore;
  const g = rule === "total" ? "total" : group;
  const num = ore * (index.points.get(g)?.get(to) as bigint);
  const den = index.points.get(g)?.get(from) as bigint;
  const q = num / den;
  const r = num % den;
  if (2n * abs(r) >= den) return num < 0n ? q - 1n : q + 1n;
  return q;
}

describe("the example index", () => {
  it("is 100 in 2025 for every group and covers 2019-2030", () => {
    for (const g of INDEX_GROUPS) {
      const years = [...(INDEX.points.get(g)?.keys() ?? [])].sort();
      expect(years).toEqual([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030]);
      expect(indexPoint(INDEX, g, 2025)).toBe(1_000_000n);
    }
    expect(INDEX.isExample).toBe(true);
  });

  it("grows by its per-mille steps: the weighted total 3,0 % from 2025 to 2026", () => {
    expect(indexPoint(INDEX, "total", 2026)).toBe(1_030_000n);
    expect(indexPoint(INDEX, "wages", 2026)).toBe(1_032_000n);
    expect(indexPoint(INDEX, "total", 2024)).toBe(968_054n);
    // Every group rises every year.
    for (const g of INDEX_GROUPS) {
      for (let y = 2020; y <= 2030; y++)
        expect(indexPoint(INDEX, g, y)).toBeGreaterThan(indexPoint(INDEX, g, y - 1));
    }
  });

  it("is the same on every call, so restated amounts are reproducible", () => {
    expect(exampleIndex()).toEqual(INDEX);
  });
});

describe("restate", () => {
  it("is the identity for the same year, whatever the index holds", () => {
    const empty: PriceIndex = { name: "tomt", isExample: false, points: new Map() };
    fc.assert(
      fc.property(oreArb, fc.integer({ min: 1900, max: 2200 }), groupArb, ruleArb, (ore, year, g, rule) => {
        expect(restate(ore, year, year, g, empty, rule)).toBe(ore);
      }),
    );
  });

  it("restates exactly with the example index", () => {
    // Seed 000's Administration 2025 budget, 259.178 tkr., in 2026 prices: exactly +3,0 %.
    expect(restate(25_917_800_000n, 2025, 2026, "total", INDEX, "total")).toBe(26_695_334_000n);
    // By group: wages rise 3,2 % from 2025 to 2026.
    expect(restate(100_000n, 2025, 2026, "wages", INDEX, "by_group")).toBe(103_200n);
    // 1.000,15 kr. from 2024 to 2025 prices: 100015 × 1000000 / 968054 = 103315,49… → 103316 øre.
    expect(restate(100_015n, 2024, 2025, "services", INDEX, "total")).toBe(103_316n);
    expect(restate(-100_015n, 2024, 2025, "services", INDEX, "total")).toBe(-103_316n);
  });

  it("agrees with exact rational arithmetic, and the same inputs always give the same øre", () => {
    fc.assert(
      fc.property(oreArb, yearArb, yearArb, groupArb, ruleArb, (ore, from, to, g, rule) => {
        const r = restate(ore, from, to, g, INDEX, rule);
        expect(r).toBe(reference(ore, from, to, g, INDEX, rule));
        expect(restate(ore, from, to, g, exampleIndex(), rule)).toBe(r);
      }),
    );
  });

  it("is symmetric in sign: restating -x gives -(restating x)", () => {
    fc.assert(
      fc.property(oreArb, yearArb, yearArb, groupArb, ruleArb, (ore, from, to, g, rule) => {
        expect(restate(-ore, from, to, g, INDEX, rule)).toBe(-restate(ore, from, to, g, INDEX, rule));
      }),
    );
  });

  it("restating parts and adding differs from restating the sum by at most floor((n+1)/2) øre", () => {
    fc.assert(
      fc.property(
        fc.array(oreArb, { minLength: 1, maxLength: 30 }),
        yearArb,
        yearArb,
        groupArb,
        ruleArb,
        (parts, from, to, g, rule) => {
          const n = BigInt(parts.length);
          const separately = parts.reduce((a, p) => a + restate(p, from, to, g, INDEX, rule), 0n);
          const together = restate(
            parts.reduce((a, p) => a + p, 0n),
            from,
            to,
            g,
            INDEX,
            rule,
          );
          expect(abs(separately - together)).toBeLessThanOrEqual((n + 1n) / 2n);
        },
      ),
    );
  });

  it("the bound is reached: two halves that both round up", () => {
    // 15 øre from 2024 to 2025: 15,495… rounds to 15; 30 øre: 30,99… rounds to 31.
    expect(restate(15n, 2024, 2025, "total", INDEX, "total")).toBe(15n);
    expect(restate(30n, 2024, 2025, "total", INDEX, "total")).toBe(31n);
  });

  it("restating to a year and back is within one øre", () => {
    fc.assert(
      fc.property(oreArb, yearArb, yearArb, groupArb, ruleArb, (ore, from, to, g, rule) => {
        const there = restate(ore, from, to, g, INDEX, rule);
        const back = restate(there, to, from, g, INDEX, rule);
        expect(abs(back - ore)).toBeLessThanOrEqual(1n);
      }),
    );
  });

  it("under the rule 'total' ignores the amount's group", () => {
    fc.assert(
      fc.property(oreArb, yearArb, yearArb, groupArb, (ore, from, to, g) => {
        expect(restate(ore, from, to, g, INDEX, "total")).toBe(
          restate(ore, from, to, "total", INDEX, "by_group"),
        );
      }),
    );
    for (const g of INDEX_GROUPS) {
      expect(effectiveGroup("total", g)).toBe("total");
      expect(effectiveGroup("by_group", g)).toBe(g);
    }
    // An index with only the weighted total works for every group under "total", not "by_group".
    const onlyTotal: PriceIndex = {
      name: "kun samlet",
      isExample: false,
      points: new Map([["total", INDEX.points.get("total") as Map<number, bigint>]]),
    };
    expect(restate(100_000n, 2025, 2026, "wages", onlyTotal, "total")).toBe(103_000n);
    expect(() => restate(100_000n, 2025, 2026, "wages", onlyTotal, "by_group")).toThrow(PriceIndexError);
  });

  it("by group, different groups restate differently", () => {
    const wages = restate(100_000_000n, 2020, 2026, "wages", INDEX, "by_group");
    const goods = restate(100_000_000n, 2020, 2026, "goods", INDEX, "by_group");
    expect(wages).not.toBe(goods);
  });

  it("a missing index year throws PriceIndexError naming the group and the year", () => {
    const catchError = (f: () => unknown): PriceIndexError => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PriceIndexError);
        return e as PriceIndexError;
      }
      throw new Error("expected PriceIndexError");
    };
    const from = catchError(() => restate(100n, 2018, 2025, "wages", INDEX, "by_group"));
    expect({ group: from.group, year: from.year, name: from.name }).toEqual({
      group: "wages",
      year: 2018,
      name: "PriceIndexError",
    });
    expect(from.message).toContain("lønninger");
    expect(from.message).toContain("2018");

    const to = catchError(() => restate(100n, 2025, 2031, "capital", INDEX, "by_group"));
    expect({ group: to.group, year: to.year }).toEqual({ group: "capital", year: 2031 });
    expect(to.message).toContain("anlæg");

    // Under the rule "total" it is the weighted total that is missing.
    const total = catchError(() => restate(100n, 2025, 2031, "capital", INDEX, "total"));
    expect({ group: total.group, year: total.year }).toEqual({ group: "total", year: 2031 });

    // Zero or negative points are as good as missing.
    const broken: PriceIndex = {
      name: "fejl",
      isExample: false,
      points: new Map([
        [
          "total",
          new Map([
            [2025, 1_000_000n],
            [2026, 0n],
            [2027, -5n],
          ]),
        ],
      ]),
    };
    expect(catchError(() => restate(100n, 2025, 2026, "total", broken, "total")).year).toBe(2026);
    expect(catchError(() => restate(100n, 2027, 2025, "total", broken, "total")).year).toBe(2027);
  });
});

describe("index points", () => {
  it("parses with comma or point and up to four decimals", () => {
    expect(parseIndexPoints("103,45")).toBe(1_034_500n);
    expect(parseIndexPoints("103.45")).toBe(1_034_500n);
    expect(parseIndexPoints("100")).toBe(1_000_000n);
    expect(parseIndexPoints(" 99,9999 ")).toBe(999_999n);
    expect(parseIndexPoints("0,0001")).toBe(1n);
    for (const bad of ["", " ", "abc", "103,45678", "-1", "+1", "1.000,5", "1,", ",5", "1 000", "1e3"]) {
      expect(parseIndexPoints(bad)).toBeUndefined();
    }
  });

  it("formats Danish style without trailing zeros", () => {
    expect(formatIndexPoints(1_034_500n)).toBe("103,45");
    expect(formatIndexPoints(1_000_000n)).toBe("100");
    expect(formatIndexPoints(999_999n)).toBe("99,9999");
    expect(formatIndexPoints(1n)).toBe("0,0001");
    expect(formatIndexPoints(0n)).toBe("0");
  });

  it("parse and format round-trip", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), (v) => {
        expect(parseIndexPoints(formatIndexPoints(v))).toBe(v);
      }),
    );
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 8n }),
        fc.string({ unit: fc.constantFrom("0", "1", "5", "9"), minLength: 0, maxLength: 4 }),
        fc.constantFrom(",", "."),
        (whole, frac, sep) => {
          const text = frac === "" ? `${whole}` : `${whole}${sep}${frac}`;
          const v = parseIndexPoints(text);
          expect(v).toBeDefined();
          // Formatting gives the canonical text, which parses to the same value.
          expect(parseIndexPoints(formatIndexPoints(v as bigint))).toBe(v);
          expect(formatIndexPoints(v as bigint)).toBe(
            `${whole}${frac.replace(/0+$/, "") === "" ? "" : `,${frac.replace(/0+$/, "")}`}`,
          );
        },
      ),
    );
  });
});

describe("indexGroupFor", () => {
  it("follows the art's main group, capital for dranst 3", () => {
    expect(indexGroupFor("1.0", 1)).toBe("wages");
    expect(indexGroupFor("2.2", 1)).toBe("goods");
    expect(indexGroupFor("4.0", 1)).toBe("services");
    expect(indexGroupFor("5.9", 1)).toBe("transfers");
    expect(indexGroupFor("7.1", 1)).toBe("total");
    expect(indexGroupFor("0.0", 1)).toBe("total");
    expect(indexGroupFor("1.0", 3)).toBe("capital");
    expect(indexGroupFor("4.0", 3)).toBe("capital");
  });
});
