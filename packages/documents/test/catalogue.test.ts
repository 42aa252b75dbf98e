import { describe, expect, it } from "vitest";
import { type Block, proposalCatalogueDocument, type TableBlock, textBlocks } from "../src/index.ts";
import { proposal, SEED_003, seed003, T } from "./fixture.ts";

const tables = (blocks: Block[]) => blocks.filter((b): b is TableBlock => b.type === "table");

describe("proposalCatalogueDocument", () => {
  const doc = proposalCatalogueDocument(seed003());

  it("has seed 003's cover", () => {
    expect(doc.title).toBe("BUDGET 2023-2026");
    expect(doc.subtitle).toBe("Driftsforslag");
    expect(doc.meta).toEqual({ municipality: "Slagelse Kommune" });
    expect(doc.blocks.slice(0, 3)).toEqual([
      { type: "paragraph", runs: [{ text: "Økonomiudvalget" }] },
      { type: "paragraph", runs: [{ text: "Slagelse Kommune" }] },
      { type: "pageBreak" },
    ]);
  });

  it("prints each proposal in seed 003's order and form, each on its own page", () => {
    const starts = doc.blocks.flatMap((b, i) => (b.type === "pageBreak" ? [i + 1] : []));
    expect(starts).toHaveLength(8);
    const first = doc.blocks.slice(starts[0], starts[1]);
    expect(first.slice(0, 4)).toEqual([
      { type: "heading", level: 1, text: "Driftsforslag" },
      { type: "paragraph", runs: [{ text: "Skema 2.1.2. 01", italic: true }] },
      { type: "paragraph", runs: [{ text: "Økonomiudvalget - Administration", italic: true }] },
      { type: "heading", level: 2, text: "3106 // Medarbejderkommunikation" },
    ]);
    // Without an internal number the title stands alone.
    expect(doc.blocks[(starts[1] ?? 0) + 3]).toEqual({ type: "heading", level: 2, text: "Kernefortælling" });
    expect(first.slice(4, 6)).toEqual([
      {
        type: "paragraph",
        runs: [
          {
            text: "Der har gennem nogle år kørt pilotprojekter med en app-baseret kommunikationsplatform, Actimo.",
          },
        ],
      },
      {
        type: "paragraph",
        runs: [{ text: "Udbredelsen af Actimo har stået stille de seneste pga budgetusikkerhed." }],
      },
    ]);
    expect(first.slice(-2).map((b) => b.type)).toEqual(["table", "pageBreak"]);
  });

  it("prints every amount table of seed 003 in 1.000 kr., with 4.500 where the seed has 4500", () => {
    const ts = tables(doc.blocks);
    expect(ts.map((t) => t.name)).toEqual(Object.keys(SEED_003).map((s) => `Skema ${s}`));
    for (const t of ts) {
      expect(t.caption).toBe("Beløb i 1.000 kr.");
      expect(t.columns).toEqual([
        { header: "Budgetoverslag", align: "left" },
        { header: "2023", align: "right" },
        { header: "2024", align: "right" },
        { header: "2025", align: "right" },
        { header: "2026", align: "right" },
        { header: "I alt", align: "right" },
      ]);
    }
    const cells = (i: number) => ts[i]?.rows.map((r) => [r.kind ?? "body", ...r.cells]);
    expect(cells(0)).toEqual([
      ["body", "", "600", "1.200", "1.200", "", "3.000"],
      ["total", "I alt", "600", "1.200", "1.200", "0", "3.000"],
    ]);
    expect(cells(3)).toEqual([
      ["body", "", "5.000", "5.009", "5.018", "5.027", "20.054"],
      ["total", "I alt", "5.000", "5.009", "5.018", "5.027", "20.054"],
    ]);
    expect(cells(4)).toEqual([
      ["body", "2 direktører", "3.000", "3.000", "3.000", "3.000", "12.000"],
      ["body", "1 direktør", "1.500", "1.500", "1.500", "1.500", "6.000"],
      ["total", "I alt", "4.500", "4.500", "4.500", "4.500", "18.000"],
    ]);
    expect(cells(7)).toEqual([
      ["body", "Investering af 4 medarbejdere (ungeguides)", "2.000", "2.000", "2.000", "2.000", "8.000"],
      ["body", "60 færre unge på uddannelseshjælp", "-5.300", "-5.300", "-5.300", "-5.300", "-21.200"],
      ["total", "I alt", "-3.300", "-3.300", "-3.300", "-3.300", "-13.200"],
    ]);
  });

  it("turns bullet lines into a list and keeps the paragraphs around it", () => {
    const studieby = doc.blocks.slice(
      doc.blocks.findIndex((b) => b.type === "heading" && b.text === "Studieby Slagelse"),
    );
    expect(studieby.slice(1, 4)).toEqual([
      { type: "paragraph", runs: [{ text: "Studieby Slagelse har følgende aktiviteter i 2022:" }] },
      {
        type: "list",
        items: [
          "Åbent Hus (fælles markedsføring af de videregående uddannelsers Åbent Hus arrangementer).",
          "Skills 2022 i Høng (28.-30. april), hvor Studiebyen deltager med en messestand.",
        ],
      },
      { type: "paragraph", runs: [{ text: "Uddannelsesinstitutionerne medfinansierer messestand." }] },
    ]);
  });

  it("refuses a proposal whose totals do not match its lines, as the table would not add up", () => {
    const input = seed003();
    const p = input.proposals[4];
    if (!p) throw new Error("skema 05 mangler");
    p.total += T;
    expect(() => proposalCatalogueDocument(input)).toThrow(/Skema 2.1.2. 05: "I alt" er/);
    p.total -= T;
    const t = p.totals[0];
    if (!t) throw new Error("året mangler");
    t.amount += T;
    expect(() => proposalCatalogueDocument(input)).toThrow(/"I alt" for 2023/);
    t.amount -= T;
    const line = p.lines[0];
    if (!line) throw new Error("linjen mangler");
    line.total += 1n;
    expect(() => proposalCatalogueDocument(input)).toThrow(/Skema 2.1.2. 05, linje 1: totalen/);
  });

  it("adds a column for an amount outside the period rather than printing a row that does not add up", () => {
    const p = proposal(
      "1.1.1. 01",
      { kindLabel: "Anlægsforslag", title: "Nyt rådhus", text: "", committee: "Økonomiudvalget", area: "" },
      [["Byggeri", [T, 2n * T]]],
      [2026, 2027],
    );
    const d = proposalCatalogueDocument({
      catalogue: "Budget 2025-2026",
      period: { firstYear: 2025, lastYear: 2026 },
      municipality: "Testkommune",
      proposals: [p],
    });
    const [t] = tables(d.blocks);
    expect(t?.columns.map((c) => c.header)).toEqual(["Budgetoverslag", "2025", "2026", "2027", "I alt"]);
    expect(t?.rows.map((r) => r.cells)).toEqual([
      ["Byggeri", "", "1", "2", "3"],
      ["I alt", "0", "1", "2", "3"],
    ]);
    // No area: the committee alone.
    expect(d.blocks).toContainEqual({ type: "paragraph", runs: [{ text: "Økonomiudvalget", italic: true }] });
  });

  it('prints a proposal without lines with an "I alt" row of zeros', () => {
    const p = proposal(
      "1.1.1. 02",
      { kindLabel: "Driftsforslag", title: "Tom", text: "", committee: "Ø", area: "A" },
      [],
    );
    const d = proposalCatalogueDocument({
      catalogue: "Budget 2023-2026",
      period: { firstYear: 2023, lastYear: 2026 },
      municipality: "Testkommune",
      proposals: [p],
    });
    expect(tables(d.blocks)[0]?.rows).toEqual([{ kind: "total", cells: ["I alt", "0", "0", "0", "0", "0"] }]);
  });

  it("says so when the catalogue is empty", () => {
    const d = proposalCatalogueDocument({
      catalogue: "Budget 2023-2026",
      period: { firstYear: 2023, lastYear: 2026 },
      municipality: "Testkommune",
      proposals: [],
    });
    expect(d.subtitle).toBeUndefined();
    expect(d.blocks).toContainEqual({
      type: "paragraph",
      runs: [{ text: "Kataloget indeholder ingen forslag." }],
    });
  });
});

describe("textBlocks", () => {
  it("splits on blank lines and runs wrapped lines together", () => {
    expect(textBlocks("Første linje\nfortsat.\n\n\nAndet afsnit.\r\n\r\n- et\n- to\nEfter listen.")).toEqual([
      { type: "paragraph", runs: [{ text: "Første linje fortsat." }] },
      { type: "paragraph", runs: [{ text: "Andet afsnit." }] },
      { type: "list", items: ["et", "to"] },
      { type: "paragraph", runs: [{ text: "Efter listen." }] },
    ]);
    expect(textBlocks("")).toEqual([]);
    expect(textBlocks("  \n\n ")).toEqual([]);
  });
});
