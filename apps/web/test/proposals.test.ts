import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatNumber, formatOreThousands, thousandDecimals } from "../src/lib/format.ts";
import { oreToThousandInput, parseThousandKroner } from "../src/lib/kroner.ts";
import { changedFields, mergeChanges, resolveConflicts } from "../src/lib/merge.ts";
import { matchRoute, parseProposalsQuery, proposalsHref } from "../src/lib/paths.ts";
import {
  auditValueText,
  blankProposal,
  cellText,
  checksSummary,
  editableOf,
  editValueText,
  emptyLine,
  emptyReference,
  formOf,
  formYears,
  periodOfCatalogue,
  proposalForSchedule,
  proposalHeading,
  proposalIssues,
  proposalTable,
  proposalYears,
  readForm,
  sortWarnings,
  textBlocks,
} from "../src/lib/proposals.ts";
import type { ProposalView, ProposalWarning } from "../src/lib/types.ts";

const TKR = 100_000n;

function ok(s: string): string {
  const r = parseThousandKroner(s);
  if (!r.ok) throw new Error(`${s}: ${r.error}`);
  return r.ore;
}

function err(s: string): string {
  const r = parseThousandKroner(s);
  return r.ok ? `ok ${r.ore}` : r.error;
}

/** A line in whole thousands, as the catalogue prints it: [year, tkr][] (an absent year: empty cell). */
function line(name: string, amounts: [number, number][]) {
  const list = amounts.map(([year, tkr]) => ({ year, amount: (BigInt(tkr) * TKR).toString() }));
  return { name, amounts: list, total: list.reduce((s, a) => s + BigInt(a.amount), 0n).toString() };
}

/** A ProposalView with the server's totals (the sum of the lines for every year of the period). */
function view(over: Partial<ProposalView> & Pick<ProposalView, "lines">): ProposalView {
  const period = over.period ?? { firstYear: 2023, lastYear: 2026 };
  const totals = [];
  for (let y = period.firstYear; y <= period.lastYear; y++) {
    let sum = 0n;
    for (const l of over.lines) for (const a of l.amounts) if (a.year === y) sum += BigInt(a.amount);
    totals.push({ year: y, amount: sum.toString() });
  }
  const total = over.lines.reduce((s, l) => s + BigInt(l.total), 0n).toString();
  return {
    id: 5,
    catalogue: "Budget 2023-2026",
    period,
    version: 1,
    updatedAt: "2026-01-01T00:00:00.000Z",
    schedule: "2.1.2. 05",
    internalNumber: null,
    kind: "drift",
    kindLabel: "Driftsforslag",
    title: "Etablering af direktion",
    text: "Økonomiudvalget har den 21.3.22 pkt. 30, besluttet at der skal etableres en direktion.",
    committee: "Økonomiudvalget",
    area: "Administration",
    status: "submitted",
    statusLabel: "Indsendt",
    totals,
    total,
    references: [],
    warnings: [],
    ...over,
  };
}

// Seed 003, schedules 01, 05 and 08.
const s01 = view({
  id: 1,
  schedule: "2.1.2. 01",
  internalNumber: "3106",
  title: "Medarbejderkommunikation",
  lines: [
    line("", [
      [2023, 600],
      [2024, 1200],
      [2025, 1200],
    ]),
  ],
});
const s05 = view({
  lines: [
    line("2 direktører", [
      [2023, 3000],
      [2024, 3000],
      [2025, 3000],
      [2026, 3000],
    ]),
    line("1 direktør", [
      [2023, 1500],
      [2024, 1500],
      [2025, 1500],
      [2026, 1500],
    ]),
  ],
});
const s08 = view({
  id: 8,
  schedule: "2.1.2. 08",
  title: "Ungeenheden - Investeringsforslag",
  lines: [
    line("Investering af 4 medarbejdere (ungeguides)", [
      [2023, 2000],
      [2024, 2000],
      [2025, 2000],
      [2026, 2000],
    ]),
    line("60 færre unge på uddannelseshjælp", [
      [2023, -5300],
      [2024, -5300],
      [2025, -5300],
      [2026, -5300],
    ]),
  ],
});

/** The table as text, the way the catalogue prints it: "Budgetoverslag | years… | I alt". */
function printed(p: ProposalView): string[][] {
  const table = proposalTable(p);
  const row = (r: { name: string; cells: (string | null)[]; total: string }) => [
    r.name,
    ...r.cells.map((c) => cellText(c, table.decimals)),
    cellText(r.total, table.decimals),
  ];
  return [["Budgetoverslag", ...table.years.map(String), "I alt"], ...table.lines.map(row), row(table.total)];
}

describe("øre in 1.000 kr.", () => {
  it("reads amounts typed the Danish way to øre, exactly", () => {
    expect(ok("1.750")).toBe("175000000");
    expect(ok("-5.300")).toBe("-530000000");
    // 0,5 × 1.000 kr. = 500 kr. = 50.000 øre.
    expect(ok("0,5")).toBe("50000");
    expect(ok("1750")).toBe("175000000");
    expect(ok("1 750")).toBe("175000000");
    expect(ok("0")).toBe("0");
    expect(ok("-0,00001")).toBe("-1");
    expect(ok("20.054")).toBe("2005400000");
    expect(ok("\u22121.500,25")).toBe("-150025000");
    expect(ok("999.999.999.999,99999")).toBe("99999999999999999");
    expect(ok("600 t.kr.")).toBe("60000000");
  });

  it("refuses what is not an amount in 1.000 kr., with a reason", () => {
    expect(err("")).toBe("thousand.empty");
    expect(err("0,000001")).toBe("thousand.tooManyDecimals");
    expect(err("1.5")).toBe("thousand.pointDecimal");
    expect(err("1.75")).toBe("thousand.pointDecimal");
    expect(err("1.7500")).toBe("thousand.invalid");
    expect(err("abc")).toBe("thousand.invalid");
    expect(err("1e3")).toBe("thousand.invalid");
    expect(err("5,")).toBe("thousand.invalid");
    expect(err("1.000.000.000.000")).toBe("thousand.tooLarge");
  });

  it("prints øre in 1.000 kr., rounding half away from zero with BigInt", () => {
    expect(formatOreThousands("175000000")).toBe("1.750");
    expect(formatOreThousands("-530000000")).toBe("-5.300");
    expect(formatOreThousands("2005400000")).toBe("20.054");
    expect(formatOreThousands("0")).toBe("0");
    expect(formatOreThousands("50000")).toBe("1");
    expect(formatOreThousands("-50000")).toBe("-1");
    expect(formatOreThousands("49999")).toBe("0");
    expect(formatOreThousands("-49999")).toBe("0");
    expect(formatOreThousands("150000")).toBe("2");
    expect(formatOreThousands("-250000")).toBe("-3");
    expect(formatOreThousands("50000", 1)).toBe("0,5");
    expect(formatOreThousands("-123456789", 3)).toBe("-1.234,568");
    expect(formatOreThousands("-123456750", 2)).toBe("-1.234,57");
    expect(formatOreThousands("99999999999999999", 5)).toBe("999.999.999.999,99999");
    expect(formatOreThousands("123456789012345678901234567890")).toBe("1.234.567.890.123.456.789.012.346");
  });

  it("prints whole thousands as the Danish number helpers do", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (n) => {
        expect(formatOreThousands((BigInt(n) * TKR).toString())).toBe(formatNumber(n));
      }),
    );
  });

  it("rounds to the nearest thousand, ties away from zero, never through a float", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }), (n) => {
        const back = BigInt(ok(formatOreThousands(n.toString())));
        const diff = n - back;
        const abs = diff < 0n ? -diff : diff;
        expect(back % TKR).toBe(0n);
        expect(abs <= TKR / 2n).toBe(true);
        // A tie goes away from zero: the printed amount is at least as far from zero.
        if (abs === TKR / 2n) expect(back < 0n ? back <= n : back >= n).toBe(true);
      }),
    );
  });

  it("shows an amount in the form exactly, and reads it back to the same øre", () => {
    expect(oreToThousandInput("175000000")).toBe("1.750");
    expect(oreToThousandInput("50000")).toBe("0,5");
    expect(oreToThousandInput("-530000000")).toBe("-5.300");
    expect(oreToThousandInput("1")).toBe("0,00001");
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n) + 1n, max: 10n ** 17n - 1n }), (n) => {
        expect(ok(oreToThousandInput(n.toString()))).toBe(n.toString());
      }),
    );
  });

  it("finds the fewest decimals that print every amount exactly", () => {
    expect(thousandDecimals(["175000000", "-530000000", "0"])).toBe(0);
    expect(thousandDecimals(["175000000", "50000"])).toBe(1);
    expect(thousandDecimals(["100"])).toBe(3);
    expect(thousandDecimals(["1"])).toBe(5);
    expect(thousandDecimals(["1"], 3)).toBe(3);
    expect(thousandDecimals([])).toBe(0);
  });
});

describe("a proposal's amount table", () => {
  it("prints seed 003's schedule 01, an empty cell and all, with its I alt row", () => {
    expect(printed(s01)).toEqual([
      ["Budgetoverslag", "2023", "2024", "2025", "2026", "I alt"],
      ["", "600", "1.200", "1.200", "", "3.000"],
      ["I alt", "600", "1.200", "1.200", "0", "3.000"],
    ]);
    expect(proposalTable(s01).lines[0]?.label).toBe("Linje 1 (uden navn)");
  });

  it("prints schedule 05's two lines and schedule 08's saving, in 1.000 kr.", () => {
    expect(printed(s05)).toEqual([
      ["Budgetoverslag", "2023", "2024", "2025", "2026", "I alt"],
      ["2 direktører", "3.000", "3.000", "3.000", "3.000", "12.000"],
      ["1 direktør", "1.500", "1.500", "1.500", "1.500", "6.000"],
      ["I alt", "4.500", "4.500", "4.500", "4.500", "18.000"],
    ]);
    expect(printed(s08).slice(2)).toEqual([
      ["60 færre unge på uddannelseshjælp", "-5.300", "-5.300", "-5.300", "-5.300", "-21.200"],
      ["I alt", "-3.300", "-3.300", "-3.300", "-3.300", "-13.200"],
    ]);
  });

  it("shows years outside the period (summing them itself) and decimals when an amount needs them", () => {
    const p = view({
      lines: [
        line("a", [
          [2023, 1],
          [2027, 2],
        ]),
        { name: "b", amounts: [{ year: 2027, amount: "50000" }], total: "50000" },
      ],
    });
    expect(proposalYears(p)).toEqual([2023, 2024, 2025, 2026, 2027]);
    const table = proposalTable(p);
    expect(table.decimals).toBe(1);
    expect(table.total.cells).toEqual(["100000", "0", "0", "0", "250000"]);
    expect(printed(p)[3]).toEqual(["I alt", "1,0", "0,0", "0,0", "0,0", "2,5", "3,5"]);
  });

  it("has the I alt row add up to the lines, year by year", () => {
    const amount = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }).map((n) => n * 1000n);
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.option(amount), { minLength: 4, maxLength: 4 }), { maxLength: 6 }),
        (rows) => {
          const lines = rows.map((cells, i) => {
            const amounts = cells.flatMap((c, j) =>
              c === null ? [] : [{ year: 2023 + j, amount: c.toString() }],
            );
            return {
              name: `L${i}`,
              amounts,
              total: amounts.reduce((s, a) => s + BigInt(a.amount), 0n).toString(),
            };
          });
          const table = proposalTable(view({ lines }));
          table.years.forEach((_, j) => {
            const sum = table.lines.reduce((s, r) => s + BigInt(r.cells[j] ?? "0"), 0n);
            expect(table.total.cells[j]).toBe(sum.toString());
          });
          const grand = table.total.cells.reduce((s, c) => s + BigInt(c ?? "0"), 0n);
          expect(table.total.total).toBe(grand.toString());
        },
      ),
    );
  });

  it("prints the title with the internal number, as the catalogue does", () => {
    expect(proposalHeading(s01)).toBe("3106 // Medarbejderkommunikation");
    expect(proposalHeading(s05)).toBe("Etablering af direktion");
  });
});

describe("a proposal's text", () => {
  it("splits paragraphs at blank lines and keeps runs of »- « lines as lists", () => {
    const text = [
      "Studieby Slagelse har følgende aktiviteter i 2022:",
      "",
      "- Åbent Hus (fælles markedsføring).",
      "- Skills 2022 i Høng.",
      "",
      "Uddannelsesinstitutionerne medfinansierer messestand.",
      "",
      "- Etablering af dialogforum.",
      "",
      "- Studiestart-events.",
      "Sidste linje\r\nmed linjeskift.",
    ].join("\n");
    expect(textBlocks(text)).toEqual([
      { type: "paragraph", text: "Studieby Slagelse har følgende aktiviteter i 2022:" },
      { type: "list", items: ["Åbent Hus (fælles markedsføring).", "Skills 2022 i Høng."] },
      { type: "paragraph", text: "Uddannelsesinstitutionerne medfinansierer messestand." },
      { type: "list", items: ["Etablering af dialogforum.", "Studiestart-events."] },
      { type: "paragraph", text: "Sidste linje\nmed linjeskift." },
    ]);
    expect(textBlocks("")).toEqual([]);
    expect(textBlocks("-5.300 t.kr. er besparelsen")).toEqual([
      { type: "paragraph", text: "-5.300 t.kr. er besparelsen" },
    ]);
  });
});

describe("the checks", () => {
  const warnings: ProposalWarning[] = [
    { schedule: "2.1.2. 08", severity: "info", code: "reference_outside_catalogue", message: "c" },
    { schedule: "2.1.2. 08", severity: "warning", code: "text_count_mismatch", message: "a" },
    { schedule: "2.1.2. 09", severity: "warning", code: "text_amount_mismatch", message: "b" },
  ];

  it("counts warnings and notes in words, warnings first", () => {
    expect(checksSummary(warnings)).toBe("Kontrollerne fandt 2 advarsler og 1 bemærkning.");
    expect(checksSummary(warnings.slice(0, 2))).toBe("Kontrollerne fandt 1 advarsel og 1 bemærkning.");
    expect(sortWarnings(warnings).map((w) => w.message)).toEqual(["a", "b", "c"]);
  });

  it("links a finding to the first proposal with its schedule", () => {
    expect(proposalForSchedule([s01, s05, s08], "2.1.2. 08")?.id).toBe(8);
    expect(proposalForSchedule([s01, s05, s08], "2.1.2. 09")).toBeUndefined();
  });
});

describe("editing a proposal", () => {
  it("reads an untouched form back to the proposal, so nothing is sent", () => {
    for (const p of [s01, s05, s08]) {
      const years = formYears(p);
      const r = readForm(formOf(editableOf(p), years), years);
      expect(r.ok).toBe(true);
      if (r.ok) expect(changedFields(editableOf(p), r.value)).toEqual({});
    }
  });

  it("turns typed 1.000 kr. into øre exactly, leaves empty cells out and sends only what changed", () => {
    const years = formYears(s05);
    const form = formOf(editableOf(s05), years);
    form.title = "  Etablering af direktion (ny)  ";
    form.lines[1] = {
      ...(form.lines[1] as (typeof form.lines)[number]),
      amounts: { 2023: "1.750", 2024: "-5.300", 2025: "0,5", 2026: "" },
    };
    const r = readForm(form, years);
    if (!r.ok) throw new Error("not ok");
    expect(changedFields(editableOf(s05), r.value)).toEqual({
      title: "Etablering af direktion (ny)",
      lines: [
        editableOf(s05).lines[0],
        {
          name: "1 direktør",
          amounts: [
            { year: 2023, amount: "175000000" },
            { year: 2024, amount: "-530000000" },
            { year: 2025, amount: "50000" },
          ],
        },
      ],
    });
  });

  it("marks what it cannot read, by field and by line and year", () => {
    const years = formYears(s05);
    const form = formOf(editableOf(s05), years);
    form.title = " ";
    form.lines.push({ ...emptyLine(years), amounts: { 2023: "1.5", 2024: "", 2025: "x", 2026: "" } });
    const r = readForm(form, years);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.fields).toEqual({ title: "proposals.needTitle" });
    expect(r.problems.amounts).toEqual({ "2:2023": "thousand.pointDecimal", "2:2025": "thousand.invalid" });
  });

  it("merges after a 409 field by field, the lines as one field", () => {
    const base = editableOf(s05);
    const mine = { ...base, title: "Min titel", status: "adopted" as const };
    const theirs = { ...base, lines: editableOf(s08).lines, status: "rejected" as const };
    const r = mergeChanges(base, mine, theirs);
    expect(r.conflicts.map((c) => c.path)).toEqual([["status"]]);
    expect(r.merged.title).toBe("Min titel");
    expect(r.merged.lines).toEqual(editableOf(s08).lines);
    expect(resolveConflicts(r, { status: "mine" }).status).toBe("adopted");

    // Both changed the lines, different lines: one choice for all of them.
    const mineLines = { ...base, lines: [base.lines[0] as (typeof base.lines)[number]] };
    const both = mergeChanges(base, mineLines, theirs);
    expect(both.conflicts.map((c) => c.path)).toEqual([["lines"]]);
    expect(resolveConflicts(both, { lines: "mine" }).lines).toEqual(mineLines.lines);
    expect(resolveConflicts(both, {}).lines).toEqual(theirs.lines);
  });

  it("words values for the 409 panel and the history", () => {
    expect(editValueText("status", "adopted_changed")).toBe("Vedtaget med ændringer");
    expect(editValueText("kind", "investering")).toBe("Investeringsforslag");
    expect(editValueText("internalNumber", null)).toBe("—");
    expect(editValueText("lines", editableOf(s01).lines)).toBe(
      "Linje 1 (uden navn): 2023: 600, 2024: 1.200, 2025: 1.200",
    );
    expect(
      auditValueText("lines", [
        { name: "2 direktører", amounts: { "2024": "300000000", "2023": "300000000" } },
        { name: "1 direktør", amounts: { "2023": "50000" } },
      ]),
    ).toBe("2 direktører: 2023: 3.000, 2024: 3.000; 1 direktør: 2023: 0,5");
    expect(auditValueText("total", "1800000000")).toBe("18.000");
    expect(auditValueText("status", "draft")).toBe("Kladde");
  });

  it("puts the server's issues at their fields, naming the year of an amount", () => {
    const sent = editableOf(s05).lines;
    const r = proposalIssues(
      [
        { field: "body.title", reason: "mangler" },
        { field: "body.lines.1.amounts.2.amount", reason: "skal være et helt antal øre" },
        { field: "body.lines.0.name", reason: "for lang" },
        { field: "body.version", reason: "skal være et tal" },
      ],
      sent,
    );
    expect(r.fields).toEqual({ title: ["mangler"] });
    expect(r.lines).toEqual({ 1: ["2025: skal være et helt antal øre"], 0: ["Navn: for lang"] });
    expect(r.general).toEqual(["body.version: skal være et tal"]);
  });
});

describe("references and new proposals", () => {
  it("reads references from the form, leaving out rows without a schedule, and sends them as one field", () => {
    const years = formYears(s08);
    const form = formOf(editableOf(s08), years);
    form.references = [
      { ...emptyReference(), schedule: "8.1.2. 01" },
      { ...emptyReference(), schedule: " 2.1.2. 05 ", relation: "related" },
      emptyReference(),
    ];
    const r = readForm(form, years);
    if (!r.ok) throw new Error("not ok");
    expect(changedFields(editableOf(s08), r.value)).toEqual({
      references: [
        { schedule: "8.1.2. 01", relation: "alternative_to" },
        { schedule: "2.1.2. 05", relation: "related" },
      ],
    });
    expect(editValueText("references", r.value.references)).toBe(
      "Alternativ til skema 8.1.2. 01; Henviser til skema 2.1.2. 05",
    );
    expect(auditValueText("references", [])).toBe("—");
  });

  it("puts the server's issues about a reference at that reference", () => {
    const r = proposalIssues([
      { field: "body.references.1.schedule", reason: "et forslag kan ikke henvise til sig selv" },
      { field: "body.catalogue", reason: "ukendt katalog" },
    ]);
    expect(r.references).toEqual({ 1: ["et forslag kan ikke henvise til sig selv"] });
    expect(r.fields).toEqual({ catalogue: ["ukendt katalog"] });
  });

  it("starts a new proposal blank, as a draft, and needs a schedule", () => {
    const blank = blankProposal("Budget 2025-2028", { firstYear: 2025, lastYear: 2028 });
    const years = formYears(blank);
    expect(years).toEqual([2025, 2026, 2027, 2028]);
    const r = readForm(formOf(editableOf(blank), years), years);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.fields).toEqual({
        schedule: "proposals.needSchedule",
        title: "proposals.needTitle",
        committee: "proposals.needCommittee",
        area: "proposals.needArea",
      });
    }
    expect(editableOf(blank).status).toBe("draft");
  });

  it("reads a catalogue's budget period from its name", () => {
    expect(periodOfCatalogue("Budget 2025-2028")).toEqual({ firstYear: 2025, lastYear: 2028 });
    expect(periodOfCatalogue(" budget 2023–2026 ")).toEqual({ firstYear: 2023, lastYear: 2026 });
    expect(periodOfCatalogue("Budget 2028-2025")).toBeUndefined();
    expect(periodOfCatalogue("Ønskeliste")).toBeUndefined();
  });
});

describe("the catalogue's address", () => {
  it("maps /kommune/:code/forslag and its query", () => {
    expect(matchRoute("/kommune/330/forslag")).toEqual({ name: "proposals", code: "330" });
    expect(matchRoute("/kommune/330/forslag/")).toEqual({ name: "proposals", code: "330" });
    expect(matchRoute("/kommune/330/forslag/3")).toEqual({ name: "notFound" });
    expect(proposalsHref("330")).toBe("/kommune/330/forslag");
    expect(proposalsHref("330", { catalogue: "Budget 2023-2026", proposal: 5 })).toBe(
      "/kommune/330/forslag?katalog=Budget+2023-2026&forslag=5",
    );
    expect(parseProposalsQuery(new URLSearchParams("katalog=Budget+2023-2026&forslag=5"))).toEqual({
      catalogue: "Budget 2023-2026",
      proposal: 5,
    });
    expect(parseProposalsQuery(new URLSearchParams("katalog=%20&forslag=x"))).toEqual({
      catalogue: null,
      proposal: null,
    });
  });
});
