import type ExcelJS from "exceljs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type Doc,
  proposalCatalogueDocument,
  renderDocx,
  renderHtml,
  renderPdf,
  renderXlsx,
  sheetNames,
  type TableBlock,
  toWinAnsi,
} from "../src/index.ts";
import { SEED_003, seed003, seedFigures, YEARS } from "./fixture.ts";
import {
  htmlTables,
  readDocx,
  readPdf,
  readPdfInfo,
  readPdfOutline,
  readXlsx,
  type WordDocument,
} from "./read-back.ts";

const SCHEDULES = Object.keys(SEED_003);
const catalogue = proposalCatalogueDocument(seed003());
const catalogueTables = catalogue.blocks.filter((b): b is TableBlock => b.type === "table");
/** Every table as printed: column headers, then the rows. */
const printedTables = catalogueTables.map((t) => [
  t.columns.map((c) => c.header),
  ...t.rows.map((r) => r.cells),
]);

/** A small document with everything the model has, and text that needs escaping. */
const sampler: Doc = {
  title: 'Prøve <script>alert("x")</script> & Co',
  subtitle: "Æbler, øl & ål",
  meta: { municipality: "Ærø Kommune" },
  blocks: [
    { type: "heading", level: 1, text: "Første <niveau>" },
    {
      type: "paragraph",
      runs: [
        { text: "Almindelig, " },
        { text: "fed", bold: true },
        { text: " og " },
        { text: "kursiv", italic: true },
      ],
    },
    { type: "paragraph", runs: [{ text: "æøå ÆØÅ – “citat” 5 € ≥ 3 → ő" }] },
    { type: "heading", level: 2, text: "Andet niveau" },
    { type: "list", items: ["punkt & et", "punkt to"] },
    { type: "list", items: ["første", "anden"], ordered: true },
    { type: "heading", level: 3, text: "Tredje niveau" },
    {
      type: "table",
      name: "Nøgletal: drift/anlæg [mio. kr.] – en meget lang fane",
      caption: "Mio. kr. & pct.",
      columns: [
        { header: "Område", align: "left" },
        { header: "2025", align: "right" },
        { header: "Ændring", align: "right" },
      ],
      headerRows: [["", "Budget", "Pct."]],
      rows: [
        { cells: ["Skoler <ny>", "-25,7", "n/a"] },
        { cells: ["Veje", "1.234,5", "12,50"], kind: "subtotal" },
        { cells: ["I alt", "-24.466.000,1", ""], kind: "total" },
      ],
      note: "Kilde: budget & regnskab",
    },
    { type: "note", text: "En note <med> tegn" },
    { type: "pageBreak" },
    {
      type: "table",
      name: "Nøgletal: drift/anlæg [mio. kr.] – en meget lang fane",
      columns: [{ header: "Tal", align: "right" }],
      rows: [{ cells: ["2023"] }],
    },
  ],
};

describe("DOCX", () => {
  let word: WordDocument;
  beforeAll(async () => {
    word = await readDocx(await renderDocx(catalogue));
  });

  it("has the title, and every heading as a heading-styled paragraph", () => {
    expect(word.paragraphs[0]).toEqual({ style: "Title", text: "BUDGET 2023-2026" });
    const headings = word.paragraphs.filter((p) => p.style?.startsWith("Heading"));
    expect(headings.filter((h) => h.style === "Heading1").map((h) => h.text)).toEqual(
      SCHEDULES.map(() => "Driftsforslag"),
    );
    expect(headings.filter((h) => h.style === "Heading2").map((h) => h.text)).toEqual(
      Object.values(SEED_003).map((s) => (s.internalNumber ? `${s.internalNumber} // ${s.title}` : s.title)),
    );
    for (const s of SCHEDULES) expect(word.paragraphs.map((p) => p.text)).toContain(`Skema ${s}`);
    expect(word.paragraphs.filter((p) => p.style === "Caption").map((p) => p.text)).toEqual(
      SCHEDULES.map(() => "Beløb i 1.000 kr."),
    );
  });

  it("gives the headings outline levels (navigation pane) and sets Danish as the language", () => {
    for (const [level, outline] of [
      [1, 0],
      [2, 1],
      [3, 2],
    ]) {
      expect(word.stylesXml).toMatch(
        new RegExp(`w:styleId="Heading${level}">.*?<w:outlineLvl w:val="${outline}"/>.*?</w:style>`, "u"),
      );
    }
    expect(word.stylesXml).toContain('<w:lang w:val="da-DK"/>');
    expect(word.coreXml).toContain("<dc:language>da-DK</dc:language>");
    expect(word.coreXml).toContain("<dc:creator>Slagelse Kommune</dc:creator>");
    expect(word.coreXml).not.toMatch(/dcterms:(created|modified)/u);
  });

  it("has every table as a real table: header row repeated, figures right-aligned, cells as printed", () => {
    expect(word.tables.map((t) => t.map((r) => r.cells))).toEqual(printedTables);
    for (const t of word.tables) {
      expect(t.map((r) => r.header)).toEqual(t.map((_, i) => i === 0));
      for (const r of t) expect(r.alignments).toEqual(["left", "right", "right", "right", "right", "right"]);
    }
    const cells = new Set(word.tables.flat().flatMap((r) => r.cells));
    for (const figure of [...seedFigures(), "-13.200", "20.054", "18.000", "4.500"])
      expect(cells).toContain(figure);
    // The "I alt" rows are bold.
    expect(word.documentXml).toMatch(/<w:b\/><w:bCs\/><\/w:rPr><w:t xml:space="preserve">-13\.200<\/w:t>/u);
  });

  it("has page numbers in the footer", async () => {
    const JSZip = (await import("jszip")).default;
    const zip = await JSZip.loadAsync(await renderDocx(catalogue));
    const footer = (await zip.file("word/footer1.xml")?.async("string")) ?? "";
    expect(footer).toContain(">Side </w:t>");
    expect(footer).toContain("PAGE");
    expect(footer).toContain("NUMPAGES");
  });

  it("escapes text and renders every kind of block", async () => {
    const w = await readDocx(await renderDocx(sampler));
    expect(w.paragraphs[0]).toEqual({ style: "Title", text: sampler.title });
    expect(w.paragraphs[1]).toEqual({ style: "Subtitle", text: "Æbler, øl & ål" });
    expect(w.documentXml).toContain("Prøve &lt;script&gt;alert(");
    expect(w.documentXml).not.toContain("<script>");
    expect(w.paragraphs.filter((p) => /^Heading\d$/u.test(p.style ?? ""))).toEqual([
      { style: "Heading1", text: "Første <niveau>" },
      { style: "Heading2", text: "Andet niveau" },
      { style: "Heading3", text: "Tredje niveau" },
    ]);
    expect(w.paragraphs.filter((p) => p.style === "ListParagraph").map((p) => p.text)).toEqual([
      "punkt & et",
      "punkt to",
      "første",
      "anden",
    ]);
    expect(w.tables[0]?.map((r) => r.cells)).toEqual([
      ["", "Budget", "Pct."],
      ["Område", "2025", "Ændring"],
      ["Skoler <ny>", "-25,7", "n/a"],
      ["Veje", "1.234,5", "12,50"],
      ["I alt", "-24.466.000,1", ""],
    ]);
    expect(w.tables[0]?.map((r) => r.header)).toEqual([true, true, false, false, false]);
    expect(w.coreXml).toContain(
      "<dc:title>Prøve &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</dc:title>",
    );
  });
});

describe("PDF", () => {
  let pages: string[];
  beforeAll(async () => {
    pages = await readPdf(await renderPdf(catalogue));
  });

  it("has a cover and one page per schedule, numbered 'Side x af y'", () => {
    expect(pages).toHaveLength(1 + SCHEDULES.length);
    pages.forEach((page, i) => {
      expect(page).toContain(`Side ${i + 1} af ${pages.length}`);
    });
    expect(pages[0]).toContain("BUDGET 2023-2026");
  });

  it("has every schedule's header, title and figures on its page, with æøå intact", () => {
    SCHEDULES.forEach((schedule, i) => {
      // Line breaks as spaces: a long line name wraps within its cell.
      const page = (pages[i + 1] ?? "").replace(/\s+/gu, " ");
      const s = SEED_003[schedule];
      expect(page).toContain("Driftsforslag");
      expect(page).toContain(`Skema ${schedule}`);
      expect(page).toContain("Økonomiudvalget - Administration");
      expect(page).toContain(s?.title);
      expect(page).toContain("Beløb i 1.000 kr.");
      expect(page).toContain("Budgetoverslag 2023 2024 2025 2026 I alt");
      for (const row of printedTables[i]?.slice(1) ?? []) {
        // The row's text in order (pdf.js separates the cells, empty cells vanish).
        expect(page).toContain(row.filter((c) => c !== "").join(" "));
      }
    });
    const all = pages.join("\n");
    for (const figure of seedFigures()) expect(all).toContain(figure);
    for (const letters of ["æ", "ø", "å", "Ø", "Å"]) expect(all).toContain(letters);
    expect(all).toContain("I alt -3.300 -3.300 -3.300 -3.300 -13.200");
    expect(all).toContain("I alt 4.500 4.500 4.500 4.500 18.000");
  });

  it("keeps æøåÆØÅ and WinAnsi typography, and spells out what the standard fonts lack", async () => {
    const text = (await readPdf(await renderPdf(sampler))).join("\n");
    expect(text).toContain('Prøve <script>alert("x")</script> & Co');
    expect(text).toContain("æøå ÆØÅ – “citat” 5 € >= 3 -> o");
    expect(text).toContain("Almindelig, fed og kursiv");
    expect(text).toContain("Skoler <ny> -25,7 n/a");
    expect(toWinAnsi("ł → 😀 1\u2009000\u200b\r")).toBe("l -> ? 1 000");
  });

  it("has the title, author and language in its metadata, and the headings as bookmarks", async () => {
    const bytes = await renderPdf(sampler);
    expect(await readPdfInfo(bytes)).toMatchObject({
      Title: sampler.title,
      Author: "Ærø Kommune",
      Subject: "Æbler, øl & ål",
      Language: "da-DK",
    });
    expect(await readPdfOutline(await renderPdf(catalogue))).toEqual(
      Object.values(SEED_003).map((s) => [
        "Driftsforslag",
        [s.internalNumber ? `${s.internalNumber} // ${s.title}` : s.title],
      ]),
    );
  });
});

describe("XLSX", () => {
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    wb = await readXlsx(await renderXlsx(catalogue));
  });

  const row = (ws: ExcelJS.Worksheet | undefined, r: number) =>
    Array.from({ length: 6 }, (_, c) => ws?.getCell(r, c + 1).value ?? null);

  it("has one sheet per table, named after the schedule", () => {
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(SCHEDULES.map((s) => `Skema ${s}`));
    expect(wb.creator).toBe("Slagelse Kommune");
    expect(wb.title).toBe("BUDGET 2023-2026");
  });

  it("writes the amounts and totals as numbers, in 1.000 kr., with a Danish-looking format", () => {
    SCHEDULES.forEach((schedule, i) => {
      const ws = wb.worksheets[i];
      const s = SEED_003[schedule];
      if (!ws || !s) throw new Error(schedule);
      expect(ws.getCell(1, 1).value).toBe("Beløb i 1.000 kr.");
      expect(row(ws, 2)).toEqual(["Budgetoverslag", ...YEARS.map(String), "I alt"]);
      s.lines.forEach(([name, amounts], k) => {
        const expected = [
          name === "" ? null : name,
          ...YEARS.map((_, y) => amounts[y] ?? null),
          amounts.reduce((a, b) => a + b, 0),
        ];
        expect(row(ws, 3 + k)).toEqual(expected);
      });
      const totalRow = 3 + s.lines.length;
      const yearTotals = YEARS.map((_, y) => s.lines.reduce((a, [, amounts]) => a + (amounts[y] ?? 0), 0));
      expect(row(ws, totalRow)).toEqual(["I alt", ...yearTotals, s.total]);
      for (let c = 2; c <= 6; c++) {
        expect(typeof ws.getCell(totalRow, c).value).toBe("number");
        expect(ws.getCell(totalRow, c).numFmt).toBe("#,##0");
        expect(ws.getCell(totalRow, c).font?.bold).toBe(true);
        expect(ws.getCell(2, c).font?.bold).toBe(true);
      }
      expect(ws.getCell(3, 2).font?.bold).toBeFalsy();
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
    });
    expect(row(wb.worksheets[7], 5)).toEqual(["I alt", -3300, -3300, -3300, -3300, -13200]);
  });

  it("keeps text as text, decimals as printed, and makes sheet names Excel accepts", async () => {
    const x = await readXlsx(await renderXlsx(sampler));
    expect(x.worksheets.map((ws) => ws.name)).toEqual([
      "Nøgletal- drift-anlæg -mio. kr.",
      "Nøgletal- drift-anlæg -mio. (2)",
    ]);
    const ws = x.worksheets[0];
    if (!ws) throw new Error("arket mangler");
    expect(ws.getCell(1, 1).value).toBe("Mio. kr. & pct.");
    expect([2, 3].map((r) => [1, 2, 3].map((c) => ws.getCell(r, c).value ?? null))).toEqual([
      [null, "Budget", "Pct."],
      ["Område", "2025", "Ændring"],
    ]);
    expect(ws.getCell(4, 1).value).toBe("Skoler <ny>");
    expect(ws.getCell(4, 2).value).toBe(-25.7);
    expect(ws.getCell(4, 2).numFmt).toBe("#,##0.0");
    expect(ws.getCell(4, 3).value).toBe("n/a");
    expect(ws.getCell(5, 2).value).toBe(1234.5);
    expect(ws.getCell(5, 3).value).toBe(12.5);
    expect(ws.getCell(5, 3).numFmt).toBe("#,##0.00");
    expect(ws.getCell(5, 1).font?.bold).toBe(true);
    expect(ws.getCell(6, 2).value).toBe(-24466000.1);
    expect(ws.getCell(6, 3).value).toBeNull();
    expect(ws.getCell(8, 1).value).toBe("Kilde: budget & regnskab");
    // A right-aligned "2023" is a figure; the same text as a header stays text.
    expect(x.worksheets[1]?.getCell(2, 1).value).toBe(2023);
    expect(x.worksheets[1]?.getCell(1, 1).value).toBe("Tal");
  });

  it("writes a sheet that says so when the document has no tables", async () => {
    const x = await readXlsx(
      await renderXlsx({ title: "Tomt: [dokument]", meta: { municipality: "X" }, blocks: [] }),
    );
    expect(x.worksheets.map((ws) => ws.name)).toEqual(["Tomt- -dokument-"]);
    expect(x.worksheets[0]?.getCell(2, 1).value).toBe("Dokumentet indeholder ingen tabeller.");
  });

  it("sheetNames: at most 31 characters, unique regardless of case, never empty or History", () => {
    const names = sheetNames(["a".repeat(40), "A".repeat(40), "", "  ", "History", "'citat'", "æøå/ÆØÅ"]);
    expect(names).toEqual([
      "a".repeat(31),
      `${"A".repeat(27)} (2)`,
      "Tabel",
      "Tabel (2)",
      "History (2)",
      "citat",
      "æøå-ÆØÅ",
    ]);
    for (const n of names) expect([...n].length).toBeLessThanOrEqual(31);
  });
});

describe("HTML", () => {
  const html = renderHtml(catalogue);

  it("is a complete Danish HTML5 page without scripts or style attributes", () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">')).toBe(true);
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
    expect(html).toContain("<title>BUDGET 2023-2026</title>");
    expect(html).toContain("<h1>BUDGET 2023-2026</h1>");
    expect(html).not.toMatch(/<script|\sstyle=|\son[a-z]+=/iu);
    expect(html.match(/<style>/gu)).toHaveLength(1);
  });

  it("has semantic headings and every table with its caption, column headers and rows as printed", () => {
    expect(html.match(/<h2>Driftsforslag<\/h2>/gu)).toHaveLength(SCHEDULES.length);
    expect(html).toContain("<h3>3106 // Medarbejderkommunikation</h3>");
    const tables = htmlTables(html);
    expect(tables.map((t) => t.caption)).toEqual(SCHEDULES.map(() => "Beløb i 1.000 kr."));
    expect(tables.map((t) => t.rows)).toEqual(printedTables);
    expect(html).toContain('<th scope="col" class="right">2023</th>');
    expect(html).toContain('<th scope="row" class="left">2 direktører</th>');
    expect(html).toContain(
      '<tr class="total"><th scope="row" class="left">I alt</th><td class="right">-3.300</td>',
    );
    expect(html).toContain("<li>Åbent Hus");
  });

  it("escapes every text", () => {
    const out = renderHtml(sampler);
    expect(out).not.toContain("<script>");
    expect(out).toContain("<title>Prøve &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</title>");
    expect(out).toContain("<h1>Prøve &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</h1>");
    expect(out).toContain('<p class="subtitle">Æbler, øl &amp; ål</p>');
    expect(out).toContain('<meta name="author" content="Ærø Kommune">');
    expect(out).toContain("<h2>Første &lt;niveau&gt;</h2>");
    expect(out).toContain("<h4>Tredje niveau</h4>");
    expect(out).toContain("<p>Almindelig, <strong>fed</strong> og <em>kursiv</em></p>");
    expect(out).toContain("<caption>Mio. kr. &amp; pct.</caption>");
    expect(out).toContain('<th scope="row" class="left">Skoler &lt;ny&gt;</th>');
    expect(out).toContain("<li>punkt &amp; et</li>");
    expect(out).toContain("<ol>\n<li>første</li>");
    expect(out).toContain('<p class="note">En note &lt;med&gt; tegn</p>');
    expect(out).toContain('<tr class="subtotal">');

    // A title with markup in a catalogue is escaped too.
    const input = seed003();
    const first = input.proposals[0];
    if (!first) throw new Error("skema 01 mangler");
    first.title = "Løn & <script>alert(1)</script>";
    const page = renderHtml(proposalCatalogueDocument(input));
    expect(page).toContain("<h3>3106 // Løn &amp; &lt;script&gt;alert(1)&lt;/script&gt;</h3>");
    expect(page).not.toContain("<script>");
  });
});

describe("every renderer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const renderAll = async (doc: Doc) =>
    [
      await renderDocx(doc),
      await renderPdf(doc),
      await renderXlsx(doc),
      new TextEncoder().encode(renderHtml(doc)),
    ].map((bytes) => Buffer.from(bytes).toString("base64"));

  it("gives the same bytes for the same document, whatever the time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2024-03-01T10:00:00Z"));
    const first = await renderAll(catalogue);
    vi.setSystemTime(new Date("2031-12-31T23:59:58Z"));
    const second = await renderAll(catalogue);
    expect(second).toEqual(first);
  });

  it("refuses a table row with the wrong number of cells, in every format", async () => {
    const broken: Doc = {
      title: "Fejl",
      meta: { municipality: "X" },
      blocks: [{ type: "table", columns: [{ header: "A", align: "left" }], rows: [{ cells: ["1", "2"] }] }],
    };
    const message = /Blok 1: række 1 har 2 celler, forventede 1/u;
    expect(() => renderHtml(broken)).toThrow(message);
    await expect(renderDocx(broken)).rejects.toThrow(message);
    await expect(renderPdf(broken)).rejects.toThrow(message);
    await expect(renderXlsx(broken)).rejects.toThrow(message);
  });
});
