/**
 * Budget-agreement amount patterns. The phrases are those of seed 000 ("Budgetaftalen 2025",
 * Sorø) and docs/domain.md; the property tests check that describing and parsing back never
 * changes an amount by an øre, for amounts up to 10^13 øre.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AdjustmentSignConvention,
  type AmountPattern,
  danishNumberToOre,
  describePattern,
  expandPattern,
  formatPatternAmount,
  formatYearList,
  type PatternPeriod,
  parseDanishNumber,
  parsePattern,
  patternTotal,
} from "../src/patterns.ts";

const MIO = 100_000_000n;
const B2025: PatternPeriod = { budgetYear: 2025, firstYear: 2023, lastYear: 2028 };

function parsed(text: string, signConvention?: AdjustmentSignConvention): AmountPattern {
  const r = parsePattern(text, signConvention ? { signConvention } : {});
  if (!r.ok) throw new Error(`parsePattern(${JSON.stringify(text)}): ${r.error}`);
  return r.pattern;
}

function parseError(text: string): string {
  const r = parsePattern(text);
  if (r.ok) throw new Error(`parsePattern(${JSON.stringify(text)}) should fail`);
  return r.error;
}

describe("parseDanishNumber", () => {
  it.each<[string, bigint, number]>([
    ["1,750", 1750n, 3],
    ["-0,323", -323n, 3],
    ["500.000", 500_000n, 0],
    ["5700", 5700n, 0],
    ["\u22125.300", -5300n, 0],
    ["1.234.567,89", 123_456_789n, 2],
  ])("%j", (text, value, scale) => {
    expect(parseDanishNumber(text)).toEqual({ value, scale });
  });

  it.each(["1.75", "1,2,3", "", "abc", "1.2345", "12.34.567"])("rejects %j", (text) => {
    expect(parseDanishNumber(text)).toBeUndefined();
  });

  it("converts to øre only when exact", () => {
    expect(danishNumberToOre({ value: 323n, scale: 3 }, MIO)).toBe(32_300_000n);
    expect(danishNumberToOre({ value: 1n, scale: 3 }, 100n)).toBeUndefined();
  });
});

describe("parsePattern", () => {
  it.each<[string, AmountPattern]>([
    ["1,750 mio. kr. i 2025", { kind: "years", amounts: new Map([[2025, 175_000_000n]]) }],
    ["2 mio. kr. årligt i 2027 og 2028", { kind: "each_year", amount: 2n * MIO, years: [2027, 2028] }],
    ["-1,7 mio. kr. årligt i overslagsårene", { kind: "estimate_years", amount: -170_000_000n }],
    ["-1,7 mio. kr. årligt i overslagsårene 2026–2028", { kind: "estimate_years", amount: -170_000_000n }],
    ["-0,323 mio. kr. fra 2026 og frem", { kind: "from_year", amount: -32_300_000n, fromYear: 2026 }],
    ["-0,323 mio. kr. fra 2026 og fremefter", { kind: "from_year", amount: -32_300_000n, fromYear: 2026 }],
    ["-0,323 mio. kr. årligt fra 2026 og frem", { kind: "from_year", amount: -32_300_000n, fromYear: 2026 }],
    ["500.000 kr. i 2025", { kind: "years", amounts: new Map([[2025, 50_000_000n]]) }],
    ["1.234,56 kr. i 2025", { kind: "years", amounts: new Map([[2025, 123_456n]]) }],
    ["450 t.kr. i 2026", { kind: "years", amounts: new Map([[2026, 45_000_000n]]) }],
    [
      "0,5 mio. kr. i 2025 og 1 mio. kr. i 2026",
      {
        kind: "years",
        amounts: new Map([
          [2025, 50_000_000n],
          [2026, 100_000_000n],
        ]),
      },
    ],
    [
      "i 2026 med 1 mio. kr., i 2025 med 0,5 mio. kr.",
      {
        kind: "years",
        amounts: new Map([
          [2025, 50_000_000n],
          [2026, 100_000_000n],
        ]),
      },
    ],
    ["1 mio. kr. årligt i 2025-2027", { kind: "each_year", amount: MIO, years: [2025, 2026, 2027] }],
    ["Ingen beløb", { kind: "years", amounts: new Map() }],
  ])("%j", (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  it("reads the adjustment sentences of seed 000 that carry their years", () => {
    expect(
      parsed(
        "Planområdet styrkes med 1,750 mio. kr. i 2025 for at imødekomme den større efterspørgsel fra virksomheder og boligudviklere og sikre hurtigere sagsbehandlingstid.",
      ),
    ).toEqual({ kind: "years", amounts: new Map([[2025, 175_000_000n]]) });
    // "2 mio. år." is the seed's typo for "2 mio. kr."; "CO2" is not a number.
    expect(
      parsed(
        "Det årlige budget til klimahandleplanens indsat for at mindske CO2-udledningen for derved at mindske klimabelastningen, forlænges i 2027 og 2028 med 2 mio. år. årligt.",
      ),
    ).toEqual({ kind: "each_year", amount: 2n * MIO, years: [2027, 2028] });
    expect(parsed("Chromebooks fjernes fra de yngste klasser med -0,323 mio. kr. fra 2026 og frem.")).toEqual(
      {
        kind: "from_year",
        amount: -32_300_000n,
        fromYear: 2026,
      },
    );
  });

  it("refuses, in Danish, what it cannot read exactly", () => {
    expect(parseError("At nedjustere budgettet til Beredskabet med -0,180 mio. kr.")).toMatch(
      /^Der mangler år/u,
    );
    expect(parseError("2 mio. kr. i 2027 og 2028")).toMatch(/^Tvetydigt/u);
    expect(parseError("-1,7 mio. kr. i overslagsårene")).toMatch(/årligt i overslagsårene/u);
    expect(parseError("1.75 mio. kr. i 2025")).toBe("»1.75« er ikke et gyldigt dansk tal.");
    expect(parseError("0,0000001 kr. i 2025")).toBe("Beløbet »0,0000001 kr.« går ikke op i hele øre.");
    expect(parseError("1 mio. kr. i 2025 og 2 mio. kr. i 2025")).toBe("År 2025 er nævnt flere gange.");
    expect(parseError("-1,7 mio. kr. årligt i overslagsårene 2026-2029")).toBe(
      "Overslagsårene er tre på hinanden følgende år, ikke 2026–2029.",
    );
    expect(parseError("1 mio. kr. fra 2026 og 2027")).toBe(
      "Uventet tal »2027« i »1 mio. kr. fra 2026 og 2027«.",
    );
    expect(parseError("i 2025")).toBe("Der er intet beløb med enhed (kr., t.kr. eller mio. kr.).");
    expect(parseError("")).toBe("Teksten er tom.");
    expect(
      parseError(
        "Der er afsat 3,780 mio. kr. i 2025 til servicerrammepuljen og i overslagsårene nedjusteres budgettet årligt med -1,7 mio. kr.",
      ),
    ).toBe("»Fra … og frem« og overslagsårene kan ikke kombineres med andre beløb i samme sætning.");
  });

  it("turns the sign around for a catalogue that writes savings as positive", () => {
    expect(parsed("0,3 mio. kr. i 2025", "reduction_positive")).toEqual({
      kind: "years",
      amounts: new Map([[2025, -30_000_000n]]),
    });
  });
});

describe("expandPattern", () => {
  it("expands each kind against the period", () => {
    expect(expandPattern({ kind: "estimate_years", amount: -170_000_000n }, B2025)).toEqual(
      new Map([
        [2026, -170_000_000n],
        [2027, -170_000_000n],
        [2028, -170_000_000n],
      ]),
    );
    expect(expandPattern({ kind: "from_year", amount: 7n, fromYear: 2027 }, B2025)).toEqual(
      new Map([
        [2027, 7n],
        [2028, 7n],
      ]),
    );
    // Before the period: the period's first year is where it starts.
    expect([...expandPattern({ kind: "from_year", amount: 7n, fromYear: 2010 }, B2025).keys()]).toEqual([
      2023, 2024, 2025, 2026, 2027, 2028,
    ]);
    expect(expandPattern({ kind: "from_year", amount: 7n, fromYear: 2030 }, B2025)).toEqual(new Map());
    expect(expandPattern({ kind: "each_year", amount: 5n, years: [2028, 2027, 2028] }, B2025)).toEqual(
      new Map([
        [2027, 5n],
        [2028, 5n],
      ]),
    );
  });
});

describe("describePattern", () => {
  it.each<[AmountPattern, string]>([
    [{ kind: "years", amounts: new Map([[2025, 175_000_000n]]) }, "1,750 mio. kr. i 2025"],
    [{ kind: "each_year", amount: 2n * MIO, years: [2028, 2027] }, "2,0 mio. kr. årligt i 2027 og 2028"],
    [{ kind: "estimate_years", amount: -170_000_000n }, "-1,7 mio. kr. årligt i overslagsårene"],
    [{ kind: "from_year", amount: -32_300_000n, fromYear: 2026 }, "-0,323 mio. kr. årligt fra 2026 og frem"],
    [
      {
        kind: "years",
        amounts: new Map([
          [2026, 100_000_000n],
          [2025, 50_000_000n],
          [2027, 123_456n],
        ]),
      },
      "0,5 mio. kr. i 2025, 1,0 mio. kr. i 2026 og 1.234,56 kr. i 2027",
    ],
    [
      { kind: "each_year", amount: 100_000n, years: [2021, 2023, 2024, 2025, 2026, 2028] },
      "0,001 mio. kr. årligt i 2021, 2023–2026 og 2028",
    ],
    [{ kind: "years", amounts: new Map() }, "Ingen beløb"],
  ])("%o", (p, expected) => {
    expect(describePattern(p)).toBe(expected);
  });

  it("names the estimate years, the area and the sign convention when asked", () => {
    const p: AmountPattern = { kind: "estimate_years", amount: -170_000_000n };
    expect(describePattern(p, { budgetYear: 2025 })).toBe("-1,7 mio. kr. årligt i overslagsårene 2026–2028");
    expect(describePattern(p, { area: "Puljer", signConvention: "reduction_positive" })).toBe(
      "Puljer: 1,7 mio. kr. årligt i overslagsårene",
    );
  });

  it.each<[bigint, string]>([
    [175_000_000n, "1,750 mio. kr."],
    [200_000_000n, "2,0 mio. kr."],
    [-32_300_000n, "-0,323 mio. kr."],
    [0n, "0,0 mio. kr."],
    [50_000n, "500 kr."],
    [123_456_789_00n, "123.456.789 kr."],
    [1n, "0,01 kr."],
    [10n ** 13n, "100.000,0 mio. kr."],
  ])("formatPatternAmount(%s) = %j", (ore, expected) => {
    expect(formatPatternAmount(ore)).toBe(expected);
  });

  it("writes runs of three or more years as a range", () => {
    expect(formatYearList([2025])).toBe("2025");
    expect(formatYearList([2026, 2025])).toBe("2025 og 2026");
    expect(formatYearList([2025, 2026, 2027])).toBe("2025–2027");
    expect(formatYearList([])).toBe("");
  });
});

const LIMIT = 10n ** 13n;
const amountArb = fc.oneof(
  fc.bigInt({ min: -LIMIT, max: LIMIT }),
  fc.bigInt({ min: -100_000n, max: 100_000n }).map((k) => k * 100_000n),
  fc.bigInt({ min: -10_000n, max: 10_000n }).map((k) => k * 10_000_000n),
  fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }).map((k) => k * 100n),
  fc.bigInt({ min: -1000n, max: 1000n }),
);
const yearArb = fc.integer({ min: 2000, max: 2040 });

const patternArb: fc.Arbitrary<AmountPattern> = fc.oneof(
  fc
    .uniqueArray(fc.tuple(yearArb, amountArb), { selector: ([y]) => y, maxLength: 5 })
    .map((entries): AmountPattern => ({ kind: "years", amounts: new Map(entries) })),
  fc
    .record({ amount: amountArb, years: fc.array(yearArb, { maxLength: 8 }) })
    .map((r): AmountPattern => ({ kind: "each_year", ...r })),
  fc
    .record({ amount: amountArb, fromYear: yearArb })
    .map((r): AmountPattern => ({ kind: "from_year", ...r })),
  amountArb.map((amount): AmountPattern => ({ kind: "estimate_years", amount })),
);

const periodArb: fc.Arbitrary<PatternPeriod> = fc
  .tuple(yearArb, fc.nat(4), fc.nat(6))
  .map(([budgetYear, before, after]) => ({
    budgetYear,
    firstYear: budgetYear - before,
    lastYear: budgetYear + after,
  }));

const optionsArb = fc.record({
  area: fc.constantFrom(undefined, "Administration", "Område 5", "Puljer: særlige 2025"),
  signConvention: fc.constantFrom<AdjustmentSignConvention | undefined>(
    undefined,
    "ledger",
    "reduction_positive",
  ),
  budgetYear: fc.option(yearArb, { nil: undefined }),
});

function isEmpty(p: AmountPattern): boolean {
  return (p.kind === "years" && p.amounts.size === 0) || (p.kind === "each_year" && p.years.length === 0);
}

describe("properties", () => {
  it("parse(describe(p)) expands to the same amounts as p, øre for øre", () => {
    fc.assert(
      fc.property(patternArb, periodArb, optionsArb, (p, period, opts) => {
        const sentence = describePattern(p, opts);
        const back = parsePattern(sentence, { signConvention: opts.signConvention });
        if (!back.ok) throw new Error(`${sentence}: ${back.error}`);
        expect(expandPattern(back.pattern, period)).toEqual(expandPattern(p, period));
        if (!isEmpty(p)) expect(back.pattern.kind).toBe(p.kind);
      }),
      { numRuns: 500 },
    );
  });

  it("sums exactly: the total is the amount times the number of years", () => {
    fc.assert(
      fc.property(patternArb, periodArb, (p, period) => {
        const total = patternTotal(p, period);
        switch (p.kind) {
          case "years": {
            let sum = 0n;
            for (const v of p.amounts.values()) sum += v;
            expect(total).toBe(sum);
            break;
          }
          case "each_year":
            expect(total).toBe(p.amount * BigInt(new Set(p.years).size));
            break;
          case "from_year": {
            const years = Math.max(0, period.lastYear - Math.max(p.fromYear, period.firstYear) + 1);
            expect(total).toBe(p.amount * BigInt(years));
            break;
          }
          case "estimate_years":
            expect(total).toBe(p.amount * 3n);
            break;
        }
      }),
    );
  });

  it("writes every amount exactly: the printed digits are the øre", () => {
    fc.assert(
      fc.property(amountArb, (ore) => {
        const text = formatPatternAmount(ore);
        const m = /^(\S+) (mio\. kr\.|kr\.)$/u.exec(text);
        expect(m).not.toBeNull();
        const n = parseDanishNumber(m?.[1] ?? "");
        expect(n).toBeDefined();
        if (!n) return;
        expect(danishNumberToOre(n, m?.[2] === "kr." ? 100n : MIO)).toBe(ore);
        // Three decimals of a million at most; otherwise kroner.
        if (m?.[2] === "mio. kr.") expect(n.scale === 1 || n.scale === 3).toBe(true);
      }),
    );
  });

  it("handles amounts far beyond float precision", () => {
    const huge = 10n ** 22n + 1n;
    const p: AmountPattern = { kind: "years", amounts: new Map([[2025, huge]]) };
    expect(describePattern(p)).toBe("100.000.000.000.000.000.000,01 kr. i 2025");
    expect(expandPattern(parsed(describePattern(p)), B2025).get(2025)).toBe(huge);
  });

  it("uses no floating-point arithmetic on amounts", () => {
    for (const file of ["../src/patterns.ts", "../src/proposals.ts"]) {
      const source = readFileSync(new URL(file, import.meta.url), "utf8");
      expect(source).not.toMatch(/parseFloat|toFixed|toPrecision|Math\.(?:round|floor|ceil|trunc)|Intl\./u);
    }
  });
});
