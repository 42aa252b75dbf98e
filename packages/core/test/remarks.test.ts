/**
 * The remark sentences: seed 000's adjustment bullets and seed 001's DUT sentences word for word
 * where the data says everything the sentence says, then properties: every amount in a sentence
 * reads back (parsePattern) to the item's amounts to the øre, and a reason never changes the
 * amounts part.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdjustmentItem, DutItem, PoolItem } from "../src/agreement.ts";
import {
  type AmountPattern,
  danishNumberToOre,
  expandPattern,
  formatPatternAmount,
  type PatternPeriod,
  parseDanishNumber,
  parsePattern,
} from "../src/patterns.ts";
import {
  adjustmentRemark,
  continueSentence,
  dutRemark,
  frameBudgetSentence,
  lowerFirst,
  poolRemark,
  remarkSentence,
} from "../src/remarks.ts";

const MIO = 100_000_000n;

function mio(text: string): bigint {
  const n = parseDanishNumber(text);
  const ore = n && danishNumberToOre(n, MIO);
  if (ore === undefined || ore === null) throw new Error(`not an amount: ${text}`);
  return ore;
}

function pattern(text: string): AmountPattern {
  const r = parsePattern(text);
  if (!r.ok) throw new Error(`parsePattern(${JSON.stringify(text)}): ${r.error}`);
  return r.pattern;
}

const SORO = new Map([
  ["ADM", "Administration"],
  ["BER", "Beredskab"],
  ["BOL", "Boligudvikling"],
]);
const KAL = new Map([
  ["JOB", "Jobcenter"],
  ["BS", "Borgerservice"],
  ["BF1", "Fagcenter Børn og Familie"],
  ["VSE", "Voksenspecialenheden"],
  ["PBM", "Plan, Byg og Miljø"],
  ["DVS", "Demografipulje - Voksenspecialområdet"],
]);

function adjustment(label: string, phrase: string, text = "", area = "ADM"): AdjustmentItem {
  return { kind: "adjustment", id: label, label, area, pattern: pattern(phrase), text };
}

describe("adjustmentRemark (seed 000, Budgetaftalen 2025)", () => {
  const opts = { budgetYear: 2025 };

  it("writes '{label} med {amounts}' and continues the sentence with a reason in lower case", () => {
    const plan = adjustment(
      "Planområdet styrkes",
      "1,750 mio. kr. i 2025",
      "for at imødekomme den større efterspørgsel fra virksomheder og boligudviklere og sikre hurtigere sagsbehandlingstid",
    );
    // Seed 000, first bullet, word for word.
    expect(adjustmentRemark(plan, SORO, opts)).toBe(
      "Planområdet styrkes med 1,750 mio. kr. i 2025 for at imødekomme den større efterspørgsel fra virksomheder og boligudviklere og sikre hurtigere sagsbehandlingstid.",
    );
  });

  it("keeps the agreement's sign and timing, and starts a new sentence for a capitalised reason", () => {
    expect(
      adjustmentRemark(
        adjustment(
          "Budgettet til Beredskabet nedjusteres",
          "-0,180 mio. kr. årligt fra 2025 og frem",
          "",
          "BER",
        ),
        SORO,
        opts,
      ),
    ).toBe("Budgettet til Beredskabet nedjusteres med -0,180 mio. kr. årligt fra 2025 og frem.");
    expect(
      adjustmentRemark(
        adjustment(
          "Servicerammepuljen nedjusteres",
          "-1,7 mio. kr. årligt i overslagsårene",
          "Det er en tilpasning af servicerammepuljen til 1 pct. (kodeks)",
        ),
        SORO,
        opts,
      ),
    ).toBe(
      "Servicerammepuljen nedjusteres med -1,7 mio. kr. årligt i overslagsårene 2026\u20132028. Det er en tilpasning af servicerammepuljen til 1 pct. (kodeks).",
    );
    expect(
      adjustmentRemark(
        adjustment(
          "Støtten til opførelse af boliger nedjusteres",
          "-0,2 mio. kr. årligt fra 2025 og frem",
          "Budgettet tilpasses udgiftsniveau.",
          "BOL",
        ),
        SORO,
        opts,
      ),
    ).toBe(
      "Støtten til opførelse af boliger nedjusteres med -0,2 mio. kr. årligt fra 2025 og frem. Budgettet tilpasses udgiftsniveau.",
    );
  });

  it("names the area when the adjustment has no label", () => {
    expect(adjustmentRemark(adjustment("", "0,900 mio. kr. i 2025"), SORO, opts)).toBe(
      "Administration: 0,9 mio. kr. i 2025.",
    );
  });
});

describe("dutRemark (seed 001, Budgetgrundlag)", () => {
  const opts = { budgetYear: 2024 };
  const dut = (item: Partial<DutItem> & Pick<DutItem, "area">): DutItem => ({
    kind: "dut",
    id: item.area,
    label: "",
    amounts: new Map(),
    ...item,
  });

  it("writes the money given per year and 'og fremefter', in seed 001's short amounts", () => {
    const barnetsLov = dut({
      area: "BF1",
      label: "Barnets Lov",
      amounts: new Map([
        [2024, mio("1,8")],
        [2025, mio("2,3")],
        [2026, mio("2,8")],
      ]),
      onwards: { kind: "from_year", fromYear: 2027, amount: mio("3,1") },
    });
    expect(dutRemark(barnetsLov, KAL, opts)).toBe(
      "I forbindelse med tilførsel af DUT-midler har Fagcenter Børn og Familie fået tildelt 1,8 mio. kr. i 2024, 2,3 mio. kr. i 2025, 2,8 mio. kr. i 2026 og 3,1 mio. kr. i 2027 og fremefter.",
    );
    const mitId = dut({
      area: "BS",
      amounts: new Map([[2024, mio("0,1")]]),
      text: "De tilførte DUT-midler er kompensation for meropgaver i forbindelse med implementering af MitID.",
    });
    // Seed 001, Borgerservice, word for word.
    expect(dutRemark(mitId, KAL, opts)).toBe(
      "I forbindelse med tilførsel af DUT-midler har Borgerservice fået tildelt 0,1 mio. kr. i 2024. De tilførte DUT-midler er kompensation for meropgaver i forbindelse med implementering af MitID.",
    );
    const hjemloshed = dut({
      area: "VSE",
      onwards: { kind: "from_year", fromYear: 2024, amount: mio("0,04") },
      text: "til omlægning af indsatsen mod hjemløshed",
    });
    // Seed 001 writes "fået tilført" here and "fået tildelt" elsewhere; the data cannot tell them apart.
    expect(dutRemark(hjemloshed, KAL, opts)).toBe(
      "I forbindelse med tilførsel af DUT-midler har Voksenspecialenheden fået tildelt 0,04 mio. kr. i 2024 og fremefter til omlægning af indsatsen mod hjemløshed.",
    );
    const varmeplan = dut({
      area: "PBM",
      amounts: new Map([[2024, 11_600_000n]]),
      text: "til at styrke den lokale koordinering af varmeplanlægningen som en del af lov- og cirkulæreprogrammet",
    });
    expect(dutRemark(varmeplan, KAL, opts)).toBe(
      "I forbindelse med tilførsel af DUT-midler har Plan, Byg og Miljø fået tildelt 116.000 kr. i 2024 til at styrke den lokale koordinering af varmeplanlægningen som en del af lov- og cirkulæreprogrammet.",
    );
  });

  it("writes money taken as a reduction, named by the label, 'årligt' from the budget year", () => {
    const arnepension = dut({
      area: "JOB",
      label: "Delaftale 2 om Arnepension",
      onwards: { kind: "from_year", fromYear: 2024, amount: -mio("0,2") },
      text: ', som følge af reguleringer i DUT, bloktilskud samt "Work in Kalundborg"',
    });
    // Seed 001, Jobcenter, word for word.
    expect(dutRemark(arnepension, KAL, opts)).toBe(
      'I relation til delaftale 2 om Arnepension er der indarbejdet en reduktion på 0,2 mio. kr. årligt, som følge af reguleringer i DUT, bloktilskud samt "Work in Kalundborg".',
    );
    expect(dutRemark({ ...arnepension, text: "" }, KAL, { budgetYear: 2023 })).toBe(
      "I relation til delaftale 2 om Arnepension er der indarbejdet en reduktion på 0,2 mio. kr. i 2024 og fremefter.",
    );
    expect(
      dutRemark(
        dut({
          area: "JOB",
          amounts: new Map([
            [2024, -mio("0,1")],
            [2025, -mio("0,15")],
          ]),
        }),
        KAL,
        opts,
      ),
    ).toBe(
      "I forbindelse med DUT-midler er der for Jobcenter indarbejdet en reduktion på 0,1 mio. kr. i 2024 og 0,15 mio. kr. i 2025.",
    );
  });

  it("writes mixed signs as given, with their signs", () => {
    const mixed = dut({
      area: "BS",
      amounts: new Map([
        [2024, mio("0,5")],
        [2025, -mio("0,5")],
      ]),
    });
    expect(dutRemark(mixed, KAL, opts)).toBe(
      "I forbindelse med tilførsel af DUT-midler har Borgerservice fået tildelt 0,5 mio. kr. i 2024 og -0,5 mio. kr. i 2025.",
    );
  });
});

describe("poolRemark and remarkSentence", () => {
  const pool: PoolItem = {
    kind: "pool",
    id: "dvs",
    label: "Demografipulje voksen",
    area: "DVS",
    amounts: new Map([
      [2024, mio("9")],
      [2025, mio("9")],
      [2026, mio("9")],
      [2027, mio("9")],
    ]),
    text: "Demografipuljen er afsat som en pulje til imødegåelse af den demografiske udvikling på voksenspecialområdet. Puljen disponeres efter beslutning i Økonomiudvalget.",
  };

  it("gives a pool's own text, or its amounts without one", () => {
    expect(poolRemark(pool, KAL, { budgetYear: 2024 })).toBe(pool.text);
    expect(poolRemark({ ...pool, text: "" }, KAL, { budgetYear: 2024 })).toBe(
      "Demografipulje - Voksenspecialområdet: 9,0 mio. kr. årligt i 2024\u20132027 til demografipuljen.",
    );
  });

  it("writes every kind of item as a committee bullet", () => {
    expect(remarkSentence(pool, KAL, { budgetYear: 2024 })).toBe(
      `Demografipulje voksen med 9,0 mio. kr. årligt i 2024\u20132027. ${pool.text}`,
    );
    expect(
      remarkSentence(
        adjustment("Chromebooks fjernes fra de yngste klasser", "-0,323 mio. kr. fra 2026 og frem"),
        SORO,
        { budgetYear: 2025 },
      ),
    ).toBe("Chromebooks fjernes fra de yngste klasser med -0,323 mio. kr. årligt fra 2026 og frem.");
    expect(
      remarkSentence(
        {
          kind: "dut",
          id: "x",
          label: "",
          area: "BS",
          amounts: new Map([[2024, mio("0,1")]]),
        },
        KAL,
        { budgetYear: 2024 },
      ),
    ).toBe("I forbindelse med tilførsel af DUT-midler har Borgerservice fået tildelt 0,1 mio. kr. i 2024.");
  });
});

describe("small pieces", () => {
  it("continueSentence joins a reason the way the remarks do", () => {
    expect(continueSentence("A med 1 mio. kr. i 2025", "for at b")).toBe("A med 1 mio. kr. i 2025 for at b.");
    expect(continueSentence("A", "Det er b")).toBe("A. Det er b.");
    expect(continueSentence("A", "Det er b!")).toBe("A. Det er b!");
    expect(continueSentence("A", ", som følge af b")).toBe("A, som følge af b.");
    expect(continueSentence("A", "(se b)")).toBe("A (se b).");
    expect(continueSentence("A.", "  ")).toBe("A.");
    expect(continueSentence("A", undefined)).toBe("A.");
    expect(continueSentence("A", "æbler")).toBe("A æbler.");
  });

  it("lowerFirst lowers a word but not an acronym", () => {
    expect(lowerFirst("Delaftale 2 om Arnepension")).toBe("delaftale 2 om Arnepension");
    expect(lowerFirst("MitID")).toBe("MitID");
    expect(lowerFirst("DUT-regulering")).toBe("DUT-regulering");
    expect(lowerFirst("Ø")).toBe("ø");
    expect(lowerFirst("")).toBe("");
  });

  it("frameBudgetSentence is seed 001's sentence, with year and basis from data", () => {
    expect(frameBudgetSentence(2024, "KL's vejledning")).toBe(
      "Budgettet er et rammebudget. Forudsætninger for budgettet er udarbejdet på baggrund af budgetoverslag for 2024, og pris- og lønfremskrevet i forhold til KL's vejledning.",
    );
    expect(frameBudgetSentence(2026, null)).toBe(
      "Budgettet er et rammebudget. Forudsætninger for budgettet er udarbejdet på baggrund af budgetoverslag for 2026.",
    );
  });

  it("writes short amounts as seed 001 does", () => {
    expect(formatPatternAmount(mio("0,04"), "short")).toBe("0,04 mio. kr.");
    expect(formatPatternAmount(mio("0,1"), "short")).toBe("0,1 mio. kr.");
    expect(formatPatternAmount(mio("3,1"), "short")).toBe("3,1 mio. kr.");
    expect(formatPatternAmount(11_600_000n, "short")).toBe("116.000 kr.");
    expect(formatPatternAmount(-mio("0,2"), "short")).toBe("-0,2 mio. kr.");
    expect(formatPatternAmount(12_345n, "short")).toBe("123,45 kr.");
    // The agreement's own form is unchanged.
    expect(formatPatternAmount(mio("0,04"))).toBe("0,040 mio. kr.");
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const PERIOD: PatternPeriod = { budgetYear: 2025, firstYear: 2025, lastYear: 2028 };
const amount = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n });
const words = fc
  .array(
    fc.constantFrom("Planområdet", "styrkes", "budgettet", "til", "Beredskabet", "nedjusteres", "æble"),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((w) => w.join(" "));
const reason = fc.constantFrom(
  "",
  "for at imødekomme efterspørgslen",
  "Budgettet tilpasses udgiftsniveau.",
  ", som følge af reguleringer",
);

/** The amounts a sentence without reason names, read back: parsePattern of the part after the label. */
function amountsOf(sentence: string, label: string): Map<number, bigint> {
  return expandPattern(pattern(sentence.slice(`${label} med `.length).replace(/\.$/u, "")), PERIOD);
}

describe("properties", () => {
  it("short amounts read back to the same øre", () => {
    fc.assert(
      fc.property(amount, (ore) => {
        const r = parsePattern(`${formatPatternAmount(ore, "short")} i 2025`);
        expect(r.ok && expandPattern(r.pattern, PERIOD).get(2025)).toBe(ore);
      }),
    );
  });

  it("an adjustment's sentence names exactly its amounts, whatever its reason", () => {
    const patterns = fc.oneof(
      fc.record({
        kind: fc.constant("from_year" as const),
        amount,
        fromYear: fc.integer({ min: 2025, max: 2028 }),
      }),
      fc.record({ kind: fc.constant("estimate_years" as const), amount }),
      fc.record({
        kind: fc.constant("each_year" as const),
        amount,
        years: fc.uniqueArray(fc.integer({ min: 2025, max: 2028 }), { minLength: 1, maxLength: 4 }),
      }),
      fc
        .uniqueArray(fc.tuple(fc.integer({ min: 2025, max: 2028 }), amount), {
          minLength: 1,
          maxLength: 4,
          selector: ([y]) => y,
        })
        .map((pairs) => ({ kind: "years" as const, amounts: new Map(pairs) })),
    );
    fc.assert(
      fc.property(words, patterns, reason, (label, p, text) => {
        const item: AdjustmentItem = { kind: "adjustment", id: "x", label, area: "ADM", pattern: p, text };
        const sentence = adjustmentRemark(item, SORO, { budgetYear: 2025 });
        const bare = adjustmentRemark({ ...item, text: "" }, SORO, { budgetYear: 2025 });
        expect(amountsOf(bare, label)).toEqual(expandPattern(p, PERIOD));
        // The reason follows the amounts and never changes them.
        expect(sentence.startsWith(bare.replace(/\.$/u, ""))).toBe(true);
        expect(sentence).toMatch(/[.!?]$/u);
      }),
    );
  });

  it("a DUT sentence names every amount once, given or taken", () => {
    const positive = fc.bigInt({ min: 1n, max: 10n ** 12n });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 2024, max: 2026 }), positive), {
          maxLength: 3,
          selector: ([y]) => y,
        }),
        fc.option(positive, { nil: undefined }),
        fc.boolean(),
        (pairs, onward, taken) => {
          fc.pre(pairs.length > 0 || onward !== undefined);
          const sign = taken ? -1n : 1n;
          const item: DutItem = {
            kind: "dut",
            id: "x",
            label: "Delaftale om noget",
            area: "BS",
            amounts: new Map(pairs.map(([y, a]) => [y, sign * a])),
            ...(onward === undefined
              ? {}
              : { onwards: { kind: "from_year" as const, fromYear: 2027, amount: sign * onward } }),
          };
          const sentence = dutRemark(item, KAL, { budgetYear: 2024 });
          const written = sentence
            .replace(/^.*?(?:fået tildelt|reduktion på) /u, "")
            .replace(/ og fremefter\.$|\.$/u, "");
          const back = expandPattern(pattern(written), { budgetYear: 2024, firstYear: 2024, lastYear: 2027 });
          const expected = new Map(pairs.map(([y, a]) => [y, a]));
          if (onward !== undefined) expected.set(2027, onward);
          expect(new Map([...back].sort(([a], [b]) => a - b))).toEqual(
            new Map([...expected].sort(([a], [b]) => a - b)),
          );
          expect(sentence.startsWith(taken ? "I relation til delaftale om noget" : "I forbindelse med")).toBe(
            true,
          );
        },
      ),
    );
  });
});
