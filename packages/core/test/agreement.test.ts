/**
 * The budget agreement: seed 000's "Budgetaftalen 2025" (Sorø) and seed 001's DUT sentences
 * (Kalundborg) by example, then properties on random organisations and agreements: the
 * municipality total is the sum of the items, every parent is its own items plus its children,
 * traces add up, comparing is subtracting, and applying the negated agreement undoes it.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SPENDING_CATEGORIES, type SpendingCategory } from "../src/accounts.ts";
import {
  type AdjustmentItem,
  type Agreement,
  type AgreementEffect,
  AgreementError,
  type AgreementItem,
  type AgreementOrgNode,
  type AgreementProblemCode,
  adoptedLines,
  agreementEffect,
  agreementYears,
  applyAgreement,
  type BudgetFigure,
  compareScenarios,
  type DutItem,
  describeItem,
  effectRow,
  negateAgreement,
  orgNameMap,
  type PoolItem,
  type ProposalItem,
  proposalItemStatus,
  validateAgreement,
} from "../src/agreement.ts";
import {
  type AmountPattern,
  danishNumberToOre,
  expandPattern,
  type PatternPeriod,
  parseDanishNumber,
  parsePattern,
} from "../src/patterns.ts";

/** Exact øre of a Danish amount in mio. kr.: mio("-0,323") is -32.300.000 øre. */
function mio(text: string): bigint {
  const n = parseDanishNumber(text);
  const ore = n && danishNumberToOre(n, 100_000_000n);
  if (ore === undefined || ore === null) throw new Error(`not an amount: ${text}`);
  return ore;
}

function pattern(text: string): AmountPattern {
  const r = parsePattern(text);
  if (!r.ok) throw new Error(`parsePattern(${JSON.stringify(text)}): ${r.error}`);
  return r.pattern;
}

let nextId = 1;
function node(
  code: string,
  name: string,
  kind: AgreementOrgNode["kind"],
  parent: AgreementOrgNode | null,
  extra: Partial<AgreementOrgNode> = {},
): AgreementOrgNode {
  return { id: nextId++, parentId: parent?.id ?? null, kind, code, name, ...extra };
}

// Sorø, budget 2025: the finance committee's six areas of seed 000 plus areas of two other
// committees for the adjustments that seed 000 places outside the finance committee.
const SOR = node("SOR", "Sorø Kommune", "municipality", null);
const OEU = node("OEU", "Økonomiudvalget", "committee", SOR);
const PUL = node("PUL", "Puljer", "area", OEU);
const ADM = node("ADM", "Administration", "area", OEU);
const BOL = node("BOL", "Boligudvikling", "area", OEU);
const BOR = node("BOR", "Borgerservice", "area", OEU);
const LOK = node("LOK", "Lokaldemokrati", "area", OEU);
const BER = node("BER", "Beredskab", "area", OEU);
const DEM = node("DEM", "Demografipulje – Ældreområdet", "area", OEU);
const PMU = node("PMU", "Plan- og Miljøudvalget", "committee", SOR);
const PLA = node("PLA", "Planområdet", "area", PMU);
const KLI = node("KLI", "Klima og Miljø", "area", PMU);
const BUU = node("BUU", "Børne- og Ungeudvalget", "committee", SOR);
const SKO = node("SKO", "Skoler", "area", BUU);
const SKO1 = node("SKO1", "Frederiksberg Skole", "unit", SKO);
const OLD = node("OLD", "Det tekniske område", "area", PMU, { validFrom: 2007, validTo: 2025 });
const SORO: AgreementOrgNode[] = [
  SOR,
  OEU,
  PUL,
  ADM,
  BOL,
  BOR,
  LOK,
  BER,
  DEM,
  PMU,
  PLA,
  KLI,
  BUU,
  SKO,
  SKO1,
  OLD,
];
const NAMES = orgNameMap(SORO);

function adjustment(id: string, area: string, phrase: string, label: string, text = ""): AdjustmentItem {
  return { kind: "adjustment", id, label, area, pattern: pattern(phrase), text };
}

/** Seed 000's adjustments, each on a Sorø area. */
const ADJUSTMENTS: AdjustmentItem[] = [
  adjustment(
    "plan",
    "PLA",
    "1,750 mio. kr. i 2025",
    "Planområdet styrkes",
    "for at imødekomme den større efterspørgsel fra virksomheder og boligudviklere",
  ),
  adjustment("klima", "KLI", "2 mio. kr. årligt i 2027 og 2028", "Klimahandleplanen forlænges"),
  adjustment("pulje", "PUL", "3,780 mio. kr. i 2025", "Servicerammepuljen"),
  adjustment(
    "ramme",
    "ADM",
    "-1,7 mio. kr. årligt i overslagsårene",
    "Tilpasning af servicerammen",
    "Det er en tilpasning af servicerammepuljen til 1 pct.",
  ),
  adjustment("beredskab", "BER", "-0,180 mio. kr. årligt fra 2025 og frem", "Beredskabet nedjusteres"),
  adjustment("chromebooks", "SKO", "-0,323 mio. kr. fra 2026 og frem", "Chromebooks fjernes"),
  adjustment("leder", "ADM", "-0,3 mio. kr. årligt fra 2025 og frem", "Nedlæggelse af en lederstilling"),
];
const SEED_000: Agreement = { name: "Budgetaftalen 2025", budgetYear: 2025, items: ADJUSTMENTS };

function values(effect: AgreementEffect, code: string): bigint[] {
  const row = effectRow(effect, code);
  if (!row) throw new Error(`no row ${code}`);
  return row.values;
}

const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

describe("agreementEffect on seed 000's adjustments", () => {
  const effect = agreementEffect(SEED_000, SORO);

  it("covers the budget year and the three estimate years", () => {
    expect(effect.years).toEqual([2025, 2026, 2027, 2028]);
    expect(agreementYears(SEED_000)).toEqual([2025, 2026, 2027, 2028]);
  });

  it("places each adjustment on its area", () => {
    expect(values(effect, "PLA")).toEqual([mio("1,750"), 0n, 0n, 0n]);
    expect(values(effect, "KLI")).toEqual([0n, 0n, mio("2"), mio("2")]);
    expect(values(effect, "PUL")).toEqual([mio("3,780"), 0n, 0n, 0n]);
    expect(values(effect, "ADM")).toEqual([mio("-0,3"), mio("-2,0"), mio("-2,0"), mio("-2,0")]);
    expect(values(effect, "BER")).toEqual([mio("-0,180"), mio("-0,180"), mio("-0,180"), mio("-0,180")]);
    expect(values(effect, "SKO")).toEqual([0n, mio("-0,323"), mio("-0,323"), mio("-0,323")]);
    expect(values(effect, "BOL")).toEqual([0n, 0n, 0n, 0n]);
  });

  it("rolls up to the committees and the municipality", () => {
    expect(values(effect, "OEU")).toEqual([mio("3,300"), mio("-2,180"), mio("-2,180"), mio("-2,180")]);
    expect(values(effect, "PMU")).toEqual([mio("1,750"), 0n, mio("2"), mio("2")]);
    expect(values(effect, "BUU")).toEqual([0n, mio("-0,323"), mio("-0,323"), mio("-0,323")]);
    expect(effect.total).toEqual([mio("5,050"), mio("-2,503"), mio("-0,503"), mio("-0,503")]);
    expect(values(effect, "SOR")).toEqual(effect.total);
  });

  it("counts everything in the service frame by default", () => {
    expect(effect.serviceFrame).toEqual(effect.total);
    expect(effect.byCategory.service).toEqual(effect.total);
    expect(effect.byCategory.capital).toEqual([0n, 0n, 0n, 0n]);
  });

  it("orders rows as the tree, siblings by code", () => {
    expect(effect.rows.map((r) => `${"  ".repeat(r.depth)}${r.code}`)).toEqual([
      "SOR",
      "  BUU",
      "    SKO",
      "      SKO1",
      "  OEU",
      "    ADM",
      "    BER",
      "    BOL",
      "    BOR",
      "    DEM",
      "    LOK",
      "    PUL",
      "  PMU",
      "    KLI",
      "    OLD",
      "    PLA",
    ]);
  });

  it("traces every (node, year) to the items, and the traces add up", () => {
    const adm2026 = effect.trace.get(ADM.id)?.get(2026) ?? [];
    expect(adm2026.map((c) => [c.itemId, c.amount])).toEqual([
      ["ramme", mio("-1,7")],
      ["leder", mio("-0,3")],
    ]);
    const root2025 = effect.trace.get(SOR.id)?.get(2025) ?? [];
    expect(root2025.map((c) => c.itemId)).toEqual(["plan", "pulje", "beredskab", "leder"]);
    expect(root2025.find((c) => c.itemId === "plan")?.label).toBe("Planområdet styrkes");
    for (const row of effect.rows) {
      effect.years.forEach((year, y) => {
        expect(sum((effect.trace.get(row.nodeId)?.get(year) ?? []).map((c) => c.amount))).toBe(row.values[y]);
      });
    }
  });

  it("keeps the service frame apart from other categories", () => {
    const capital: AdjustmentItem = {
      ...adjustment("anlaeg", "KLI", "5 mio. kr. i 2026", "Cykelsti"),
      category: "capital",
    };
    const e = agreementEffect({ ...SEED_000, items: [...ADJUSTMENTS, capital] }, SORO);
    expect(e.total[1]).toBe(mio("-2,503") + mio("5"));
    expect(e.serviceFrame[1]).toBe(mio("-2,503"));
    expect(e.byCategory.capital).toEqual([0n, mio("5"), 0n, 0n]);
    expect(effectRow(e, "PMU")?.service).toEqual([mio("1,750"), 0n, mio("2"), mio("2")]);
    expect(effectRow(e, "PMU")?.values).toEqual([mio("1,750"), mio("5"), mio("2"), mio("2")]);
    expect(e.trace.get(KLI.id)?.get(2026)?.[0]?.category).toBe("capital");
  });
});

describe("describeItem", () => {
  const byId = new Map(ADJUSTMENTS.map((a) => [a.id, a]));
  const item = (id: string): AgreementItem => byId.get(id) as AgreementItem;

  it.each<[string, string]>([
    ["plan", "Planområdet: 1,750 mio. kr. i 2025."],
    ["klima", "Klima og Miljø: 2,0 mio. kr. årligt i 2027 og 2028."],
    ["ramme", "Administration: -1,7 mio. kr. årligt i overslagsårene 2026\u20132028."],
    ["beredskab", "Beredskab: -0,180 mio. kr. årligt fra 2025 og frem."],
    ["chromebooks", "Skoler: -0,323 mio. kr. årligt fra 2026 og frem."],
  ])("writes %s as the agreement does", (id, sentence) => {
    expect(describeItem(item(id), NAMES, { budgetYear: 2025 })).toBe(sentence);
  });

  it("is read back by parsePattern to the same amounts", () => {
    const period: PatternPeriod = { budgetYear: 2025, firstYear: 2025, lastYear: 2028 };
    for (const a of ADJUSTMENTS) {
      const back = pattern(describeItem(a, NAMES, { budgetYear: 2025 }));
      expect(expandPattern(back, period)).toEqual(expandPattern(a.pattern, period));
    }
  });

  it("appends the reason on request", () => {
    expect(describeItem(item("ramme"), NAMES, { budgetYear: 2025, reason: true })).toBe(
      "Administration: -1,7 mio. kr. årligt i overslagsårene 2026\u20132028. Det er en tilpasning af servicerammepuljen til 1 pct.",
    );
    expect(describeItem(item("plan"), NAMES, { reason: true })).toBe(
      "Planområdet: 1,750 mio. kr. i 2025. For at imødekomme den større efterspørgsel fra virksomheder og boligudviklere.",
    );
    expect(describeItem(item("klima"), NAMES, { reason: true })).toBe(
      "Klima og Miljø: 2,0 mio. kr. årligt i 2027 og 2028.",
    );
  });

  it("writes a reduction catalogue's sign on request", () => {
    expect(describeItem(item("chromebooks"), NAMES, { signConvention: "reduction_positive" })).toBe(
      "Skoler: 0,323 mio. kr. årligt fra 2026 og frem.",
    );
  });

  it("writes DUT money as seed 001 does", () => {
    const KAL = node("KAL", "Kalundborg Kommune", "municipality", null);
    const K_OEU = node("K_OEU", "Økonomiudvalget", "committee", KAL);
    const BF = node("BF", "Fagcenter Børn og Familie", "area", K_OEU);
    const BS = node("BS", "Borgerservice", "area", K_OEU);
    const VSE = node("VSE", "Voksenspecialenheden", "area", K_OEU);
    const names = orgNameMap([KAL, K_OEU, BF, BS, VSE]);
    const barnetsLov: DutItem = {
      kind: "dut",
      id: "dut-bf",
      label: "Barnets Lov",
      area: "BF",
      amounts: new Map([
        [2024, mio("1,8")],
        [2025, mio("2,3")],
        [2026, mio("2,8")],
      ]),
      onwards: { kind: "from_year", fromYear: 2027, amount: mio("3,1") },
      text: "De tilførte DUT-midler vedrører kompensation i forbindelse med indførelse af Barnets Lov, som træder i kraft 1. januar 2024.",
    };
    expect(describeItem(barnetsLov, names)).toBe(
      "I forbindelse med tilførsel af DUT-midler har Fagcenter Børn og Familie fået tildelt 1,8 mio. kr. i 2024, 2,3 mio. kr. i 2025, 2,8 mio. kr. i 2026 og 3,1 mio. kr. i 2027 og fremefter.",
    );
    const mitId: DutItem = {
      kind: "dut",
      id: "dut-bs",
      label: "MitID",
      area: "BS",
      amounts: new Map([[2024, mio("0,1")]]),
      text: "De tilførte DUT-midler er kompensation for meropgaver i forbindelse med implementering af MitID.",
    };
    // Seed 001, line 45, word for word.
    expect(describeItem(mitId, names, { reason: true })).toBe(
      "I forbindelse med tilførsel af DUT-midler har Borgerservice fået tildelt 0,1 mio. kr. i 2024. De tilførte DUT-midler er kompensation for meropgaver i forbindelse med implementering af MitID.",
    );
    const hjemloshed: DutItem = {
      kind: "dut",
      id: "dut-vse",
      label: "Hjemløshed",
      area: "VSE",
      amounts: new Map(),
      onwards: { kind: "from_year", fromYear: 2024, amount: mio("0,04") },
    };
    // Seed 001 prints "0,04 mio. kr."; formatPatternAmount writes three decimals when one is not exact.
    expect(describeItem(hjemloshed, names)).toBe(
      "I forbindelse med tilførsel af DUT-midler har Voksenspecialenheden fået tildelt 0,040 mio. kr. i 2024 og fremefter.",
    );

    // "Og fremefter" reaches the end of the period, and no further.
    const e = agreementEffect({ name: "Budget 2024", budgetYear: 2024, items: [barnetsLov, hjemloshed] }, [
      KAL,
      K_OEU,
      BF,
      BS,
      VSE,
    ]);
    expect(e.years).toEqual([2024, 2025, 2026, 2027]);
    expect(values(e, "BF")).toEqual([mio("1,8"), mio("2,3"), mio("2,8"), mio("3,1")]);
    expect(values(e, "VSE")).toEqual([mio("0,04"), mio("0,04"), mio("0,04"), mio("0,04")]);
    // In budget 2026 the same allocation still runs, clamped to the period.
    const later = agreementEffect(
      { name: "Budget 2026", budgetYear: 2026, items: [{ ...barnetsLov, amounts: new Map() }] },
      [KAL, K_OEU, BF, BS, VSE],
    );
    expect(values(later, "BF")).toEqual([0n, mio("3,1"), mio("3,1"), mio("3,1")]);
  });

  it("writes pools and proposals", () => {
    const pool: PoolItem = {
      kind: "pool",
      id: "pulje-aeldre",
      label: "Demografipulje ældre",
      area: "DEM",
      amounts: new Map([
        [2025, mio("2")],
        [2026, mio("2")],
        [2027, mio("2")],
        [2028, mio("2")],
      ]),
    };
    expect(describeItem(pool, NAMES)).toBe(
      "Demografipulje – Ældreområdet: 2,0 mio. kr. årligt i 2025\u20132028 til demografipuljen.",
    );
    expect(describeItem(PROPOSAL, NAMES)).toBe(
      "Skoler: Skema 2.1.2. 05 »Ungeguider« vedtages: 0,5 mio. kr. i 2025, -0,5 mio. kr. i 2026, -1,0 mio. kr. i 2027 og -1,0 mio. kr. i 2028.",
    );
    expect(describeItem(CHANGED, NAMES)).toBe(
      "Skoler: Skema 2.1.2. 05 »Ungeguider« vedtages med ændringer: 0,250 mio. kr. i 2025, -0,5 mio. kr. i 2026, -1,0 mio. kr. i 2027 og -1,0 mio. kr. i 2028.",
    );
  });
});

// A proposal in the shape of seed 003's investment proposals: a cost line and a savings line.
const PROPOSAL: ProposalItem = {
  kind: "proposal",
  id: "forslag-05",
  label: "Ungeguider",
  area: "SKO",
  proposal: {
    schedule: "Skema 2.1.2. 05",
    title: "Ungeguider",
    lines: [
      {
        name: "Ansættelse af ungeguider",
        amounts: new Map([
          [2025, mio("2")],
          [2026, mio("2")],
          [2027, mio("2")],
          [2028, mio("2")],
        ]),
      },
      {
        name: "Færre unge på ydelse",
        amounts: new Map([
          [2025, mio("-1,5")],
          [2026, mio("-2,5")],
          [2027, mio("-3")],
          [2028, mio("-3")],
        ]),
      },
    ],
  },
};
const CHANGED: ProposalItem = {
  ...PROPOSAL,
  id: "forslag-05-aendret",
  overrides: [{ line: 0, year: 2025, amount: mio("1,750") }],
};

describe("proposals in the agreement", () => {
  it("adopts a proposal whole: the sum of its lines", () => {
    const e = agreementEffect({ ...SEED_000, items: [PROPOSAL] }, SORO);
    expect(values(e, "SKO")).toEqual([mio("0,5"), mio("-0,5"), mio("-1"), mio("-1")]);
    expect(proposalItemStatus(PROPOSAL)).toBe("adopted");
    expect(e.trace.get(BUU.id)?.get(2027)).toEqual([
      { itemId: "forslag-05", label: "Ungeguider", kind: "proposal", category: "service", amount: mio("-1") },
    ]);
  });

  it("adopts a proposal with changed amounts", () => {
    const e = agreementEffect({ ...SEED_000, items: [CHANGED] }, SORO);
    expect(values(e, "SKO")).toEqual([mio("0,250"), mio("-0,5"), mio("-1"), mio("-1")]);
    expect(proposalItemStatus(CHANGED)).toBe("adopted_changed");
    expect(adoptedLines(CHANGED)[0]?.amounts.get(2025)).toBe(mio("1,750"));
    // The proposal itself is untouched.
    expect(PROPOSAL.proposal.lines[0]?.amounts.get(2025)).toBe(mio("2"));
    // An override that repeats the proposal's amount changes nothing.
    const same: ProposalItem = { ...PROPOSAL, overrides: [{ line: 1, year: 2026, amount: mio("-2,5") }] };
    expect(proposalItemStatus(same)).toBe("adopted");
  });

  it("places a proposal on a unit below an area", () => {
    const e = agreementEffect({ ...SEED_000, items: [{ ...PROPOSAL, area: "SKO1" }] }, SORO);
    expect(values(e, "SKO1")).toEqual(values(e, "SKO"));
    expect(effectRow(e, "SKO")?.direct).toEqual([0n, 0n, 0n, 0n]);
  });
});

function problemCodes(agreement: Agreement, org = SORO, opts = {}): AgreementProblemCode[] {
  return validateAgreement(agreement, org, opts).map((p) => p.code);
}

describe("validation", () => {
  const base = (items: AgreementItem[]): Agreement => ({ name: "Test", budgetYear: 2025, items });

  it("accepts seed 000's agreement", () => {
    expect(validateAgreement(SEED_000, SORO)).toEqual([]);
  });

  it("reports an unknown area, and an area that is a committee", () => {
    const problems = validateAgreement(
      base([
        { ...(ADJUSTMENTS[0] as AdjustmentItem), area: "XYZ" },
        { ...(ADJUSTMENTS[1] as AdjustmentItem), area: "OEU" },
        { ...(ADJUSTMENTS[2] as AdjustmentItem), area: "SOR" },
      ]),
      SORO,
    );
    expect(problems.map((p) => p.message)).toEqual([
      "»Planområdet styrkes«: området »XYZ« findes ikke i organisationen.",
      "»Klimahandleplanen forlænges«: »Økonomiudvalget« er et udvalg; beløb i budgetaftalen skal placeres på et bevillingsområde.",
      "»Servicerammepuljen«: »Sorø Kommune« er kommunen; beløb i budgetaftalen skal placeres på et bevillingsområde.",
    ]);
    expect(problems[0]?.itemId).toBe("plan");
  });

  it("reports years outside the period", () => {
    const problems = validateAgreement(
      base([
        adjustment("a", "ADM", "1 mio. kr. i 2024", "For tidligt"),
        adjustment("b", "ADM", "1 mio. kr. årligt i 2028 og 2029", "For sent"),
        adjustment("c", "ADM", "1 mio. kr. fra 2030 og frem", "Alt for sent"),
        adjustment("d", "ADM", "1 mio. kr. fra 2023 og frem", "Løbende"),
      ]),
      SORO,
    );
    expect(problems.map((p) => [p.itemId, p.year, p.message])).toEqual([
      ["a", 2024, "»For tidligt«: 2024 ligger uden for budgetperioden 2025\u20132028 (1,0 mio. kr.)."],
      ["b", 2029, "»For sent«: 2029 ligger uden for budgetperioden 2025\u20132028 (1,0 mio. kr.)."],
      ["c", 2030, "»Alt for sent«: »fra 2030 og frem« begynder efter budgetperioden 2025\u20132028."],
    ]);
  });

  it("reports a proposal with amounts outside the period, but not a printed 0", () => {
    const early: ProposalItem = {
      ...PROPOSAL,
      proposal: {
        ...PROPOSAL.proposal,
        lines: [
          {
            name: "x",
            amounts: new Map([
              [2023, 0n],
              [2024, mio("1")],
              [2025, mio("1")],
            ]),
          },
        ],
      },
    };
    expect(problemCodes(base([early]))).toEqual(["year_outside_period"]);
    // The agreement can adopt it without the early year by overriding it with 0.
    expect(problemCodes(base([{ ...early, overrides: [{ line: 0, year: 2024, amount: 0n }] }]))).toEqual([]);
  });

  it("reports a proposal adopted twice, however the schedule is written", () => {
    const twice: ProposalItem = {
      ...PROPOSAL,
      id: "igen",
      label: "Ungeguider igen",
      proposal: { ...PROPOSAL.proposal, schedule: "2.1.2 05" },
    };
    const problems = validateAgreement(base([PROPOSAL, twice]), SORO);
    expect(problems.map((p) => p.message)).toEqual([
      "Skema 2.1.2. 05 er vedtaget to gange: i »Ungeguider« og i »Ungeguider igen«.",
    ]);
    expect(() => agreementEffect(base([PROPOSAL, twice]), SORO)).toThrow(AgreementError);
    expect(() => agreementEffect(base([PROPOSAL, twice]), SORO)).toThrow(/vedtaget to gange/u);
  });

  it("reports duplicate ids, missing ids and bad overrides", () => {
    const problems = validateAgreement(
      base([
        ADJUSTMENTS[0] as AdjustmentItem,
        { ...(ADJUSTMENTS[1] as AdjustmentItem), id: "plan" },
        { ...(ADJUSTMENTS[2] as AdjustmentItem), id: "" },
        {
          ...PROPOSAL,
          overrides: [
            { line: 2, year: 2025, amount: 0n },
            { line: 0, year: 2026, amount: 0n },
            { line: 0, year: 2026, amount: 1n },
          ],
        },
      ]),
      SORO,
    );
    expect(problems.map((p) => p.message)).toEqual([
      "»Planområdet styrkes« og »Klimahandleplanen forlænges« har samme id »plan«.",
      "»Servicerammepuljen« mangler et id.",
      "»Ungeguider«: der er ændret et beløb i linje 3, men forslaget har 2 linjer.",
      "»Ungeguider«: linje 1 er ændret to gange i 2026.",
    ]);
  });

  it("reports DUT years that »og fremefter« already covers", () => {
    const dut: DutItem = {
      kind: "dut",
      id: "d",
      label: "Barnets Lov",
      area: "BOR",
      amounts: new Map([
        [2025, 1n],
        [2027, 2n],
      ]),
      onwards: { kind: "from_year", fromYear: 2027, amount: 3n },
    };
    expect(validateAgreement(base([dut]), SORO).map((p) => p.message)).toEqual([
      "»Barnets Lov«: 2027 er både angivet for sig og omfattet af »2027 og fremefter«.",
    ]);
  });

  it("keeps demography pools under the finance committee", () => {
    const pool: PoolItem = {
      kind: "pool",
      id: "p",
      label: "Demografipulje skoler",
      area: "SKO",
      amounts: new Map([[2025, mio("1")]]),
    };
    expect(validateAgreement(base([pool]), SORO).map((p) => p.message)).toEqual([
      "»Demografipulje skoler«: en demografipulje skal ligge under Økonomiudvalget, men hører under Børne- og Ungeudvalget.",
    ]);
    expect(problemCodes(base([{ ...pool, area: "DEM" }]))).toEqual([]);
    // Another committee can be named the finance committee.
    expect(problemCodes(base([pool]), SORO, { financeCommittee: "BUU" })).toEqual([]);
    expect(problemCodes(base([pool]), SORO, { financeCommittee: "SKO" })).toEqual(["no_finance_committee"]);
    const noFinance = SORO.map((n) => (n.code === "OEU" ? { ...n, name: "Udvalget for Økonomi" } : n));
    expect(problemCodes(base([{ ...pool, area: "DEM" }]), noFinance)).toEqual(["no_finance_committee"]);
  });

  it("reports an area that no longer exists in a year", () => {
    const problems = validateAgreement(
      base([adjustment("old", "OLD", "1 mio. kr. årligt i 2025 og 2026", "Teknik")]),
      SORO,
    );
    expect(problems.map((p) => p.message)).toEqual(["»Teknik«: »Det tekniske område« findes ikke i 2026."]);
  });

  it("checks what it can without the organisation", () => {
    expect(
      validateAgreement(base([{ ...(ADJUSTMENTS[0] as AdjustmentItem), area: "XYZ" }])).map((p) => p.code),
    ).toEqual([]);
    expect(
      validateAgreement(base([adjustment("a", "XYZ", "1 mio. kr. i 2024", "x")])).map((p) => p.code),
    ).toEqual(["year_outside_period"]);
  });

  it("refuses an organisation that is not one tree", () => {
    expect(() =>
      agreementEffect(SEED_000, [...SORO, node("X", "Anden kommune", "municipality", null)]),
    ).toThrow("Organisationen skal have præcis én kommune øverst, men har 2.");
    expect(() => agreementEffect(SEED_000, [...SORO, { ...PUL, id: 999 }])).toThrow(
      "Organisationen har to enheder med koden »PUL«.",
    );
    const a = node("LA", "A", "unit", null);
    const b = node("LB", "B", "unit", a);
    a.parentId = b.id;
    expect(() => agreementEffect(SEED_000, [...SORO, a, b])).toThrow(/løkke/u);
  });
});

describe("compareScenarios", () => {
  it("puts two scenarios side by side, with a − b", () => {
    const other: Agreement = {
      name: "Alternativ",
      budgetYear: 2025,
      items: [
        ...ADJUSTMENTS.filter((a) => a.id !== "chromebooks"),
        adjustment("plan2", "PLA", "1 mio. kr. årligt i 2026 og 2027", "Planområdet også i 2026-2027"),
      ],
    };
    const c = compareScenarios(SEED_000, other, SORO);
    expect(c.years).toEqual([2025, 2026, 2027, 2028]);
    const row = (code: string) => c.rows.find((r) => r.code === code);
    expect(row("SKO")?.difference).toEqual([0n, mio("-0,323"), mio("-0,323"), mio("-0,323")]);
    expect(row("PLA")?.difference).toEqual([0n, mio("-1"), mio("-1"), 0n]);
    expect(row("OEU")?.difference).toEqual([0n, 0n, 0n, 0n]);
    expect(c.total.a).toEqual(agreementEffect(SEED_000, SORO).total);
    expect(c.total.b).toEqual(agreementEffect(other, SORO).total);
    expect(c.total.difference).toEqual([0n, mio("-1,323"), mio("-1,323"), mio("-0,323")]);
    expect(c.serviceFrame.difference).toEqual(c.total.difference);
  });

  it("aligns scenarios of different budget years", () => {
    const next: Agreement = {
      name: "2026",
      budgetYear: 2026,
      items: [adjustment("x", "ADM", "1 mio. kr. i 2029", "x")],
    };
    const c = compareScenarios(SEED_000, next, SORO);
    expect(c.years).toEqual([2025, 2026, 2027, 2028, 2029]);
    expect(c.total.a[4]).toBe(0n);
    expect(c.total.b).toEqual([0n, 0n, 0n, 0n, mio("1")]);
    expect(c.total.difference[0]).toBe(mio("5,050"));
  });
});

describe("applyAgreement", () => {
  const BASE: BudgetFigure[] = [
    { node: "ADM", accountId: null, year: 2025, amount: mio("259,178") },
    { node: "ADM", accountId: null, year: 2026, amount: mio("255,388") },
    { node: "ADM", accountId: 7, year: 2026, amount: mio("10") },
    { node: "PUL", accountId: null, year: 2025, amount: mio("80,496") },
    { node: "BOL", accountId: null, year: 2025, amount: mio("0,579") },
  ];

  it("adds each item to the area's own figure and lists the items", () => {
    const adopted = applyAgreement(BASE, SEED_000, SORO);
    const get = (n: string, a: number | null, y: number) =>
      adopted.find((f) => f.node === n && f.accountId === a && f.year === y);
    expect(get("ADM", null, 2025)).toEqual({
      node: "ADM",
      accountId: null,
      year: 2025,
      base: mio("259,178"),
      amount: mio("258,878"),
      changes: [
        {
          itemId: "leder",
          label: "Nedlæggelse af en lederstilling",
          kind: "adjustment",
          category: "service",
          amount: mio("-0,3"),
        },
      ],
    });
    expect(get("ADM", null, 2026)?.amount).toBe(mio("255,388") - mio("2"));
    expect(get("ADM", null, 2026)?.changes.map((c) => c.itemId)).toEqual(["ramme", "leder"]);
    // Other accounts and untouched areas are unchanged.
    expect(get("ADM", 7, 2026)).toMatchObject({ amount: mio("10"), base: mio("10"), changes: [] });
    expect(get("BOL", null, 2025)).toMatchObject({ amount: mio("0,579"), changes: [] });
    // A figure the base lacks is created from 0.
    expect(get("PLA", null, 2025)).toMatchObject({ base: 0n, amount: mio("1,750") });
    // Base figures first, in their order.
    expect(adopted.slice(0, BASE.length).map((f) => [f.node, f.accountId, f.year])).toEqual(
      BASE.map((f) => [f.node, f.accountId, f.year]),
    );
  });

  it("lands an item with an account on that account", () => {
    const item: AdjustmentItem = { ...adjustment("k", "ADM", "-1 mio. kr. i 2026", "Konto 7"), accountId: 7 };
    const adopted = applyAgreement(BASE, { ...SEED_000, items: [item] });
    expect(adopted.find((f) => f.accountId === 7)).toMatchObject({ amount: mio("9"), base: mio("10") });
    expect(adopted).toHaveLength(BASE.length);
  });

  it("equals base + the agreement's effect on every area", () => {
    const adopted = applyAgreement(BASE, SEED_000, SORO);
    const effect = agreementEffect(SEED_000, SORO);
    for (const row of effect.rows.filter((r) => r.kind === "area")) {
      effect.years.forEach((year, y) => {
        const on = (fs: readonly BudgetFigure[]) =>
          sum(fs.filter((f) => f.node === row.code && f.year === year).map((f) => f.amount));
        expect(on(adopted) - on(BASE)).toBe(row.direct[y]);
      });
    }
  });

  it("refuses a base with the same figure twice, and an invalid agreement", () => {
    expect(() => applyAgreement([...BASE, { ...(BASE[0] as BudgetFigure) }], SEED_000)).toThrow(
      "Grundbudgettet har to tal for »ADM«, uden konto, 2025.",
    );
    expect(() =>
      applyAgreement(
        BASE,
        { ...SEED_000, items: [{ ...(ADJUSTMENTS[0] as AdjustmentItem), area: "XYZ" }] },
        SORO,
      ),
    ).toThrow(AgreementError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const amountArb = fc.oneof(
  fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }),
  fc.bigInt({ min: -2000n, max: 2000n }).map((k) => k * 100_000n),
);

interface World {
  org: AgreementOrgNode[];
  agreement: Agreement;
  base: BudgetFigure[];
}

/** Root, 1–4 committees (the first is Økonomiudvalget), 1–4 areas each, 0–2 units per area. */
const orgArb = fc
  .array(fc.array(fc.nat(2), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 })
  .map((committees) => {
    let id = 100;
    const root: AgreementOrgNode = {
      id: id++,
      parentId: null,
      kind: "municipality",
      code: "K",
      name: "Kommune",
    };
    const org: AgreementOrgNode[] = [root];
    committees.forEach((areas, c) => {
      const committee: AgreementOrgNode = {
        id: id++,
        parentId: root.id,
        kind: "committee",
        code: `U${c}`,
        name: c === 0 ? "Økonomiudvalget" : `Udvalg ${c}`,
        sortOrder: (c * 7) % 3,
      };
      org.push(committee);
      areas.forEach((units, a) => {
        const area: AgreementOrgNode = {
          id: id++,
          parentId: committee.id,
          kind: "area",
          code: `U${c}O${a}`,
          name: `Område ${c}.${a}`,
        };
        org.push(area);
        for (let u = 0; u < units; u++) {
          org.push({
            id: id++,
            parentId: area.id,
            kind: "unit",
            code: `U${c}O${a}E${u}`,
            name: `Enhed ${u}`,
          });
        }
      });
    });
    // Input order must not matter.
    return org.reverse();
  });

function worldArb(): fc.Arbitrary<World> {
  return fc.tuple(orgArb, fc.integer({ min: 2020, max: 2030 })).chain(([org, b]) => {
    const places = org.filter((n) => n.kind === "area" || n.kind === "unit").map((n) => n.code);
    const pools = org.filter((n) => n.kind === "area" && n.code.startsWith("U0O")).map((n) => n.code);
    const yearArb = fc.integer({ min: b, max: b + 3 });
    const yearsMap = fc
      .uniqueArray(fc.tuple(yearArb, amountArb), { selector: ([y]) => y, maxLength: 4 })
      .map((entries) => new Map(entries));
    const patternArb: fc.Arbitrary<AmountPattern> = fc.oneof(
      yearsMap.map((amounts): AmountPattern => ({ kind: "years", amounts })),
      fc
        .tuple(amountArb, fc.uniqueArray(yearArb, { maxLength: 4 }))
        .map(([amount, years]): AmountPattern => ({ kind: "each_year", amount, years })),
      fc
        .tuple(amountArb, fc.integer({ min: b - 3, max: b + 3 }))
        .map(([amount, fromYear]): AmountPattern => ({ kind: "from_year", amount, fromYear })),
      amountArb.map((amount): AmountPattern => ({ kind: "estimate_years", amount })),
    );
    const common = fc.record({
      area: fc.constantFrom(...places),
      category: fc.option(fc.constantFrom(...SPENDING_CATEGORIES), { nil: undefined }),
      accountId: fc.option(fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }), { nil: undefined }),
    });
    const itemArb: fc.Arbitrary<Omit<AgreementItem, "id" | "label">> = fc.oneof(
      fc
        .tuple(common, patternArb)
        .map(([c, p]) => ({ ...c, kind: "adjustment" as const, pattern: p, text: "" })),
      fc
        .tuple(
          common,
          fc.array(yearsMap, { minLength: 1, maxLength: 3 }),
          fc.array(fc.tuple(fc.nat(2), yearArb, amountArb), { maxLength: 3 }),
        )
        .map(([c, lines, overrides]) => {
          const seen = new Set<string>();
          const valid = overrides
            .filter(
              ([line, year]) =>
                line < lines.length && !seen.has(`${line}/${year}`) && seen.add(`${line}/${year}`),
            )
            .map(([line, year, amount]) => ({ line, year, amount }));
          return {
            ...c,
            kind: "proposal" as const,
            proposal: {
              schedule: "",
              title: "Forslag",
              lines: lines.map((amounts, i) => ({ name: `Linje ${i}`, amounts })),
            },
            overrides: valid,
          };
        }),
      fc
        .tuple(common, yearsMap, fc.option(fc.tuple(yearArb, amountArb), { nil: undefined }))
        .map(([c, amounts, onwards]) => {
          const item: Omit<DutItem, "id" | "label"> = { ...c, kind: "dut", amounts };
          if (onwards) {
            const [fromYear, amount] = onwards;
            item.amounts = new Map([...amounts].filter(([y]) => y < fromYear));
            item.onwards = { kind: "from_year", fromYear, amount };
          }
          return item;
        }),
      fc
        .tuple(common, fc.constantFrom(...pools), yearsMap)
        .map(([c, area, amounts]) => ({ ...c, area, kind: "pool" as const, amounts })),
    );
    const baseArb = fc.uniqueArray(
      fc.record({
        node: fc.constantFrom(...org.map((n) => n.code)),
        accountId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
        year: fc.integer({ min: b - 1, max: b + 4 }),
        amount: amountArb,
      }),
      { selector: (f) => `${f.node}/${f.accountId}/${f.year}`, maxLength: 30 },
    );
    return fc.tuple(fc.array(itemArb, { maxLength: 25 }), baseArb).map(([items, base]) => ({
      org,
      base,
      agreement: {
        name: "Scenarie",
        budgetYear: b,
        items: items.map((item, i) => {
          const out = { ...item, id: `i${i}`, label: `Punkt ${i}` } as AgreementItem;
          if (out.kind === "proposal")
            out.proposal = { ...out.proposal, schedule: `1.1.1. ${String(i).padStart(2, "0")}` };
          return out;
        }),
      },
    }));
  });
}

/** The item's amounts per year of the period, computed here from the definitions alone. */
function expectedAmounts(item: AgreementItem, b: number): Map<number, bigint> {
  const period: PatternPeriod = { budgetYear: b, firstYear: b, lastYear: b + 3 };
  const out = new Map<number, bigint>();
  const add = (year: number, amount: bigint) => {
    if (year >= b && year <= b + 3) out.set(year, (out.get(year) ?? 0n) + amount);
  };
  switch (item.kind) {
    case "adjustment":
      for (const [y, a] of expandPattern(item.pattern, period)) add(y, a);
      break;
    case "proposal":
      item.proposal.lines.forEach((line, i) => {
        const amounts = new Map(line.amounts);
        for (const o of item.overrides ?? []) if (o.line === i) amounts.set(o.year, o.amount);
        for (const [y, a] of amounts) add(y, a);
      });
      break;
    case "dut":
      for (const [y, a] of item.amounts) add(y, a);
      if (item.onwards)
        for (let y = Math.max(b, item.onwards.fromYear); y <= b + 3; y++) add(y, item.onwards.amount);
      break;
    case "pool":
      for (const [y, a] of item.amounts) add(y, a);
      break;
  }
  return out;
}

function category(item: AgreementItem): SpendingCategory {
  return item.category ?? "service";
}

describe("properties", () => {
  it("generates valid agreements", () => {
    fc.assert(
      fc.property(worldArb(), ({ org, agreement }) => {
        expect(validateAgreement(agreement, org)).toEqual([]);
      }),
    );
  });

  it("the municipality total is the sum of all item amounts per year", () => {
    fc.assert(
      fc.property(worldArb(), ({ org, agreement }) => {
        const e = agreementEffect(agreement, org);
        const b = agreement.budgetYear;
        e.years.forEach((year, y) => {
          const amounts = agreement.items.map((i) => ({ i, a: expectedAmounts(i, b).get(year) ?? 0n }));
          expect(e.total[y]).toBe(sum(amounts.map((x) => x.a)));
          expect(e.serviceFrame[y]).toBe(
            sum(amounts.filter((x) => category(x.i) === "service").map((x) => x.a)),
          );
          for (const c of SPENDING_CATEGORIES) {
            expect(e.byCategory[c][y]).toBe(sum(amounts.filter((x) => category(x.i) === c).map((x) => x.a)));
          }
        });
        expect(e.rows[0]?.kind).toBe("municipality");
        expect(e.rows[0]?.values).toEqual(e.total);
      }),
    );
  });

  it("every parent is its own items plus its children, and traces add up", () => {
    fc.assert(
      fc.property(worldArb(), ({ org, agreement }) => {
        const e = agreementEffect(agreement, org);
        expect(e.rows).toHaveLength(org.length);
        const seen = new Set<number>();
        for (const row of e.rows) {
          if (row.parentId !== null) expect(seen.has(row.parentId)).toBe(true);
          seen.add(row.nodeId);
          const children = e.rows.filter((r) => r.parentId === row.nodeId);
          e.years.forEach((year, y) => {
            expect(row.values[y]).toBe(
              (row.direct[y] as bigint) + sum(children.map((c) => c.values[y] as bigint)),
            );
            expect(row.service[y]).toBe(
              sum(
                (e.trace.get(row.nodeId)?.get(year) ?? [])
                  .filter((c) => c.category === "service")
                  .map((c) => c.amount),
              ),
            );
            const trace = e.trace.get(row.nodeId)?.get(year) ?? [];
            expect(sum(trace.map((c) => c.amount))).toBe(row.values[y]);
            expect(trace.every((c) => c.amount !== 0n)).toBe(true);
          });
          if (row.kind === "municipality" || row.kind === "committee") {
            expect(row.direct.every((v) => v === 0n)).toBe(true);
          }
        }
      }),
    );
  });

  it("comparing is subtracting", () => {
    fc.assert(
      fc.property(worldArb(), fc.nat(), ({ org, agreement }, k) => {
        const other: Agreement = { ...agreement, items: agreement.items.filter((_, i) => (i + k) % 3 !== 0) };
        const c = compareScenarios(agreement, other, org);
        const ea = agreementEffect(agreement, org);
        const eb = agreementEffect(other, org);
        c.rows.forEach((row, i) => {
          expect(row.a).toEqual(ea.rows[i]?.values);
          expect(row.b).toEqual(eb.rows[i]?.values);
          expect(row.difference).toEqual(row.a.map((v, y) => v - (row.b[y] as bigint)));
        });
        expect(c.serviceFrame.difference).toEqual(
          ea.serviceFrame.map((v, y) => v - (eb.serviceFrame[y] as bigint)),
        );
      }),
    );
  });

  it("applying is base + the items, and applying the negated agreement returns the base", () => {
    fc.assert(
      fc.property(worldArb(), ({ org, agreement, base }) => {
        const adopted = applyAgreement(base, agreement, org);
        const key = (f: BudgetFigure) => `${f.node}/${f.accountId}/${f.year}`;
        const baseByKey = new Map(base.map((f) => [key(f), f.amount]));
        for (const f of adopted) {
          expect(f.base).toBe(baseByKey.get(key(f)) ?? 0n);
          expect(f.amount).toBe(f.base + sum(f.changes.map((c) => c.amount)));
        }
        // Every item amount landed exactly once.
        const b = agreement.budgetYear;
        const landed = sum(adopted.flatMap((f) => f.changes.map((c) => c.amount)));
        expect(landed).toBe(sum(agreement.items.flatMap((i) => [...expectedAmounts(i, b).values()])));

        const undone = applyAgreement(adopted, negateAgreement(agreement), org);
        expect(undone).toHaveLength(adopted.length);
        for (const f of undone) expect(f.amount).toBe(baseByKey.get(key(f)) ?? 0n);
        expect(undone.slice(0, base.length).map((f) => [key(f), f.amount])).toEqual(
          base.map((f) => [key(f), f.amount]),
        );
      }),
    );
  });

  it("uses no floating-point numbers for amounts", () => {
    fc.assert(
      fc.property(worldArb(), ({ org, agreement }) => {
        const e = agreementEffect(agreement, org);
        const all = [
          ...e.total,
          ...e.serviceFrame,
          ...e.rows.flatMap((r) => [...r.values, ...r.service, ...r.direct]),
          ...[...e.trace.values()].flatMap((m) => [...m.values()].flat().map((c) => c.amount)),
        ];
        expect(all.every((v) => typeof v === "bigint")).toBe(true);
      }),
    );
    const source = readFileSync(new URL("../src/agreement.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(
      /parseFloat|toFixed|toPrecision|Math\.(?:round|floor|ceil|trunc)|Intl\.|\bNumber\(/u,
    );
  });
});
