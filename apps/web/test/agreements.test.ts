import { describe, expect, it } from "vitest";
import {
  areaOptions,
  type Computed,
  computeEffect,
  type Effect,
  effectRows,
  emptyItem,
  errorCode,
  errorMessage,
  formOfItem,
  type ItemInput,
  issuesOf,
  itemIssue,
  newItemKey,
  type PreviewAnswer,
  type PreviewSend,
  problemField,
  readItem,
  readItems,
} from "../src/lib/agreements.ts";
import {
  agreementCompareHref,
  agreementHref,
  agreementsHref,
  matchRoute,
  parseCompareQuery,
} from "../src/lib/paths.ts";
import type { OrgNode } from "../src/lib/types.ts";

const YEARS = [2025, 2026, 2027, 2028];
/** 1.000 kr. in øre. */
const TKR = 100_000n;
const ore = (thousands: number) => (BigInt(thousands) * TKR).toString();

describe("the agreements' addresses", () => {
  it("maps the list, an agreement and the comparison, and nothing else under budgetaftale", () => {
    expect(matchRoute("/kommune/340/budgetaftale")).toEqual({ name: "agreements", code: "340" });
    expect(matchRoute("/kommune/340/budgetaftale/")).toEqual({ name: "agreements", code: "340" });
    expect(matchRoute("/kommune/340/budgetaftale/12")).toEqual({ name: "agreement", code: "340", id: 12 });
    expect(matchRoute("/kommune/340/budgetaftale/sammenlign")).toEqual({
      name: "agreementCompare",
      code: "340",
    });
    for (const bad of [
      "/kommune/340/budgetaftale/0",
      "/kommune/340/budgetaftale/x",
      "/kommune/340/budgetaftale/1234567890",
      "/kommune/340/budgetaftale/12/ret",
    ]) {
      expect(matchRoute(bad), bad).toEqual({ name: "notFound" });
    }
    expect(agreementsHref("340")).toBe("/kommune/340/budgetaftale");
    expect(agreementHref("340", 7)).toBe("/kommune/340/budgetaftale/7");
    expect(agreementCompareHref("340", 3, 4)).toBe("/kommune/340/budgetaftale/sammenlign?a=3&b=4");
    expect(agreementCompareHref("340", 3)).toBe("/kommune/340/budgetaftale/sammenlign?a=3");
    expect(agreementCompareHref("340")).toBe("/kommune/340/budgetaftale/sammenlign");
  });

  it("reads ?a=&b= as positive whole numbers only", () => {
    expect(parseCompareQuery(new URLSearchParams("a=3&b=14"))).toEqual({ a: 3, b: 14 });
    expect(parseCompareQuery(new URLSearchParams("a=0&b=x"))).toEqual({ a: null, b: null });
    expect(parseCompareQuery(new URLSearchParams("a=-2"))).toEqual({ a: null, b: null });
  });
});

describe("an item in the form", () => {
  it("makes keys no item has", () => {
    expect(newItemKey([])).toBe("item-1");
    expect(newItemKey(["plan", "klima"])).toBe("item-3");
    expect(newItemKey(["item-7", "item-2"])).toBe("item-8");
    expect(newItemKey(["item-3", "a", "b"])).toBe("item-4");
  });

  it("reads every kind back to what it came from", () => {
    const items: ItemInput[] = [
      {
        key: "plan",
        kind: "adjustment",
        label: "Planområdet styrkes",
        area: "ADM",
        category: "service",
        text: "for at nedbringe ventetiden",
        pattern: "1,750 mio. kr. i 2025",
      },
      {
        key: "p5",
        kind: "proposal",
        label: "Direktion",
        area: "ADM",
        category: "service",
        text: "",
        proposalId: 5,
        overrides: [{ line: 1, year: 2026, amount: "-32300000" }],
      },
      {
        key: "dut",
        kind: "dut",
        label: "Barnets Lov",
        area: "FBF",
        category: "transfer",
        accountId: 17,
        text: "",
        amounts: [
          { year: 2025, amount: ore(1_800) },
          { year: 2026, amount: ore(2_300) },
        ],
        onwards: { fromYear: 2027, amount: ore(3_100) },
      },
      {
        key: "pool",
        kind: "pool",
        label: "Demografi",
        area: "PUL",
        category: "service",
        text: "",
        amounts: [{ year: 2028, amount: "50000" }],
      },
    ];
    for (const item of items) {
      const r = readItem(formOfItem(item), YEARS);
      expect(r.ok, item.key).toBe(true);
      if (r.ok) expect(r.input).toEqual(item);
    }
    // Amounts show in 1.000 kr. the Danish way.
    const dut = formOfItem(items[2] as ItemInput);
    expect(dut.amounts[2025]).toBe("1.800");
    expect(dut.onwardsAmount).toBe("3.100");
    expect(formOfItem(items[1] as ItemInput).overrides["1:2026"]).toBe("-323");
    expect(formOfItem(items[3] as ItemInput).amounts[2028]).toBe("0,5");
  });

  it("edits the years a DUT item names, not the period's expanded amounts the server answers with", () => {
    const answered = {
      key: "dut",
      kind: "dut" as const,
      label: "Barnets Lov",
      area: "FBF",
      amounts: [
        { year: 2025, amount: ore(1_800) },
        { year: 2026, amount: ore(2_300) },
        { year: 2027, amount: ore(2_300) },
        { year: 2028, amount: ore(2_300) },
      ],
      namedAmounts: [{ year: 2025, amount: ore(1_800) }],
      onwards: { fromYear: 2026, amount: ore(2_300) },
    };
    const form = formOfItem(answered);
    expect(form.amounts).toEqual({ 2025: "1.800" });
    const r = readItem(form, YEARS);
    expect(r.ok && r.input.kind === "dut" && r.input.amounts).toEqual([{ year: 2025, amount: ore(1_800) }]);
  });

  it("says what is missing; a preview sends an item without label under its kind's name", () => {
    const form = { ...emptyItem("adjustment", "item-1"), area: "ADM", pattern: "1,750 mio. kr. i 2025" };
    const saving = readItem(form, YEARS);
    expect(saving.ok).toBe(false);
    expect(saving.problems.required).toEqual({ label: "agreements.needLabel" });
    const preview = readItem(form, YEARS, { forPreview: true });
    expect(preview.ok && preview.input.label).toBe("Regulering");
    // No area or no phrase: not sent at all.
    expect(readItem({ ...form, area: "" }, YEARS, { forPreview: true }).ok).toBe(false);
    expect(readItem({ ...form, pattern: "  " }, YEARS, { forPreview: true }).problems.required).toEqual({
      pattern: "agreements.needPattern",
    });
    expect(readItem(emptyItem("proposal", "p"), YEARS, { forPreview: true }).problems.required).toEqual({
      area: "agreements.needArea",
      proposal: "agreements.needProposal",
    });
  });

  it("reads amounts in 1.000 kr. exactly and marks those it cannot read", () => {
    const form = {
      ...emptyItem("pool", "pool"),
      label: "Pulje",
      area: "PUL",
      amounts: { 2025: "1.234,56789", 2026: "", 2027: "12,5.0", 2028: "-0,001" },
    };
    const r = readItem(form, YEARS);
    expect(r.ok).toBe(false);
    expect(r.problems.amounts).toEqual({ "2027": "thousand.invalid" });
    const fixed = readItem({ ...form, amounts: { ...form.amounts, 2027: "" } }, YEARS);
    expect(fixed.ok && fixed.input.kind === "pool" && fixed.input.amounts).toEqual([
      { year: 2025, amount: "123456789" },
      { year: 2028, amount: "-100" },
    ]);
  });

  it("wants an amount with 'og fremefter'", () => {
    const form = { ...emptyItem("dut", "d"), label: "DUT", area: "FBF", onwardsFrom: "2027" };
    expect(readItem(form, YEARS).problems.amounts).toEqual({ onwards: "agreements.needOnwardsAmount" });
    const r = readItem({ ...form, onwardsAmount: "3.100" }, YEARS);
    expect(r.ok && r.input.kind === "dut" && r.input.onwards).toEqual({ fromYear: 2027, amount: ore(3_100) });
  });

  it("sends only the overrides that differ from the proposal, within the period", () => {
    const lines = [
      { name: "2 direktører", amounts: [{ year: 2025, amount: ore(3_000) }] },
      { name: "1 direktør", amounts: [{ year: 2025, amount: ore(1_500) }] },
    ];
    const form = {
      ...emptyItem("proposal", "p"),
      label: "Direktion",
      area: "ADM",
      proposalId: "5",
      overrides: { "0:2025": "3.000", "1:2025": "1.000", "1:2026": "", "0:2030": "9" },
    };
    const r = readItem(form, YEARS, { proposalLines: lines });
    expect(r.ok && r.input.kind === "proposal" && r.input.overrides).toEqual([
      { line: 1, year: 2025, amount: ore(1_000) },
    ]);
    const same = readItem({ ...form, overrides: { "0:2025": "3.000" } }, YEARS, { proposalLines: lines });
    expect(same.ok && same.input.kind === "proposal" && "overrides" in same.input).toBe(false);
  });

  it("collects the problems of every item when saving", () => {
    const ok = { ...emptyItem("adjustment", "a"), label: "A", area: "ADM", pattern: "1 mio. kr. i 2025" };
    const bad = { ...emptyItem("pool", "b"), label: "B", area: "" };
    const r = readItems([ok, bad], YEARS, () => undefined);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([...r.problems.keys()]).toEqual(["b"]);
    const good = readItems([ok], YEARS, () => undefined);
    expect(good.ok && good.items.map((i) => i.key)).toEqual(["a"]);
  });
});

describe("the server's refusals", () => {
  it("understands the contract's form and the rest of the API's", () => {
    const contract = {
      error: "invalid_body",
      message: "Punkterne er ikke udfyldt korrekt",
      issues: [{ path: "items.3.pattern", message: "kan ikke læses" }],
    };
    const api = {
      error: "Ugyldig forespørgsel",
      code: "conflict",
      issues: [{ field: "body.items.0.area", reason: "vælg et område" }],
    };
    expect(errorCode(contract)).toBe("invalid_body");
    expect(errorMessage(contract, "x")).toBe("Punkterne er ikke udfyldt korrekt");
    expect(issuesOf(contract)).toEqual([{ path: "items.3.pattern", message: "kan ikke læses" }]);
    expect(errorCode(api)).toBe("conflict");
    expect(errorMessage(api, "x")).toBe("Ugyldig forespørgsel");
    expect(issuesOf(api)).toEqual([{ path: "items.0.area", message: "vælg et område" }]);
    expect(errorMessage({}, "fallback")).toBe("fallback");
    expect(itemIssue("items.3.pattern")).toEqual({ index: 3, field: "pattern" });
    expect(itemIssue("items.2")).toEqual({ index: 2, field: "" });
    expect(itemIssue("name")).toBeUndefined();
  });

  it("places a problem at its field", () => {
    expect(problemField({ code: "invalid", field: "pattern", message: "" })).toBe("pattern");
    expect(problemField({ code: "invalid", field: "overrides.0.amount", message: "" })).toBe("amounts");
    expect(problemField({ code: "unknown_area", message: "" })).toBe("area");
    expect(problemField({ code: "proposal_adopted_twice", message: "" })).toBe("proposal");
    expect(problemField({ code: "dut_overlap", message: "" })).toBe("amounts");
    expect(problemField({ code: "no_finance_committee", message: "" })).toBe("item");
  });
});

function effectOf(values: Record<string, string>): Effect {
  return {
    years: [2025],
    rows: Object.entries(values).map(([code, v], i) => ({
      nodeId: i + 1,
      parentId: i === 0 ? null : 1,
      code,
      name: code,
      kind: i === 0 ? "municipality" : "area",
      depth: i === 0 ? 0 : 1,
      values: [v],
      service: [v],
    })),
    total: [values.K ?? "0"],
    serviceFrame: [values.K ?? "0"],
    contributions: [],
  };
}

function item(input: ItemInput): PreviewAnswer["items"][number] {
  return { ...input, areaName: input.area, sentence: `${input.label}.`, amounts: [], total: "0" };
}

const adj = (key: string, pattern: string): ItemInput => ({
  key,
  kind: "adjustment",
  label: key,
  area: "ADM",
  pattern,
});

describe("the live effect", () => {
  it("asks again without the items whose phrase cannot be read, and keeps their errors", async () => {
    const calls: string[][] = [];
    const send: PreviewSend = async ({ items }) => {
      calls.push(items.map((i) => i.key));
      if (items.some((i) => i.key === "bad")) {
        const index = items.findIndex((i) => i.key === "bad");
        return {
          ok: false,
          status: 400,
          body: {
            error: "Ugyldig",
            issues: [{ field: `body.items.${index}.pattern`, reason: "kan ikke læses" }],
          },
        };
      }
      return {
        ok: true,
        answer: { items: items.map(item), effect: effectOf({ K: "175000000" }), problems: [] },
      };
    };
    const r = await computeEffect(2025, [adj("good", "1,750 mio. kr. i 2025"), adj("bad", "xyz")], send);
    expect(calls).toEqual([["good", "bad"], ["good"]]);
    expect(r.effect?.total).toEqual(["175000000"]);
    expect(r.excluded).toEqual(["bad"]);
    expect(r.problems).toEqual([
      { code: "invalid", itemKey: "bad", field: "pattern", message: "kan ikke læses" },
    ]);
    expect([...r.items.keys()]).toEqual(["good"]);
  });

  it("computes the effect without the items with problems, and gives up on a problem of the whole", async () => {
    const send: PreviewSend = async ({ items }) => {
      const problems = items.some((i) => i.key === "b")
        ? [{ code: "unknown_area", itemKey: "b", message: "Området XX findes ikke" }]
        : [];
      return {
        ok: true,
        answer: {
          items: items.map(item),
          effect: problems.length > 0 ? null : effectOf({ K: "100" }),
          problems,
        },
      };
    };
    const r: Computed = await computeEffect(2025, [adj("a", "1 kr. i 2025"), adj("b", "2 kr. i 2025")], send);
    expect(r.effect?.total).toEqual(["100"]);
    expect(r.excluded).toEqual(["b"]);
    expect(r.problems.map((p) => p.code)).toEqual(["unknown_area"]);
    // Both were read by the server the first time: both have their sentence.
    expect([...r.items.keys()].sort()).toEqual(["a", "b"]);

    const whole: PreviewSend = async ({ items }) => ({
      ok: true,
      answer: {
        items: items.map(item),
        effect: null,
        problems: [{ code: "no_finance_committee", message: "Intet" }],
      },
    });
    const w = await computeEffect(2025, [adj("a", "1 kr. i 2025")], whole);
    expect(w.effect).toBeNull();
    expect(w.excluded).toEqual([]);

    const down: PreviewSend = async () => ({ ok: false, status: 500, body: { error: "Serveren fejlede" } });
    const d = await computeEffect(2025, [adj("a", "1 kr. i 2025")], down);
    expect(d.effect).toBeNull();
    expect(d.error).toBe("Serveren fejlede");
  });
});

describe("the effect table and the areas", () => {
  const node = (
    id: number,
    parentId: number | null,
    kind: OrgNode["kind"],
    code: string,
    name: string,
    validTo: number | null = null,
  ): OrgNode => ({ id, parentId, kind, code, name, validFrom: 2000, validTo, sortOrder: id });

  it("offers the areas valid in the budget year and their units, by committee", () => {
    const nodes = [
      node(1, null, "municipality", "K", "Sorø"),
      node(2, 1, "committee", "OEU", "Økonomiudvalget"),
      node(3, 2, "area", "ADM", "Administration"),
      node(4, 3, "unit", "SEK", "Sekretariatet"),
      node(5, 2, "area", "OLD", "Gammelt område", 2024),
      node(6, 1, "committee", "TOM", "Udvalg uden områder"),
    ];
    expect(areaOptions(nodes, 2025)).toEqual([
      {
        committee: "Økonomiudvalget",
        options: [
          { code: "ADM", label: "Administration", depth: 0 },
          { code: "SEK", label: "Administration › Sekretariatet", depth: 1 },
        ],
      },
    ]);
    expect(areaOptions(nodes, 2024)[0]?.options.map((o) => o.code)).toEqual(["ADM", "SEK", "OLD"]);
  });

  it("shows committees and areas, and units only where something changes", () => {
    const e = effectOf({ K: "5", ADM: "5" });
    e.rows.push(
      { ...(e.rows[1] as Effect["rows"][number]), code: "U0", kind: "unit", values: ["0"] },
      { ...(e.rows[1] as Effect["rows"][number]), code: "U1", kind: "unit", values: ["5"] },
    );
    expect(effectRows(e).map((r) => r.code)).toEqual(["ADM", "U1"]);
  });
});
