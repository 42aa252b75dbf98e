/**
 * The remarks builders: a committee's remarks in seed 000's form and areas' remarks in seed
 * 001's form, checked as documents (the model), then read back from every format the way a
 * reader meets them: Word's headings and table, Excel's numbers adding up, the PDF's text with
 * page numbers and Danish letters, HTML's nested lists.
 */
import type ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AreaRemarksInput,
  areaRemarksDocument,
  type CommitteeRemarksInput,
  committeeRemarksDocument,
  type Doc,
  remarkTextBlocks,
  renderDocx,
  renderHtml,
  renderPdf,
  renderXlsx,
  type TableBlock,
} from "../src/index.ts";
import { htmlTables, readDocx, readPdf, readXlsx, type WordDocument } from "./read-back.ts";

const T = 100_000n; // 1.000 kr. in øre

/** Seed 000's areas in 1.000 kr., 2023–2028 (the committee's row is their sum). */
const SEED_000_AREAS: [string, number[]][] = [
  ["Puljer", [0, 0, 80496, 80232, 77723, 79709]],
  ["Administration", [259092, 304620, 259178, 255388, 253341, 252941]],
  ["Boligudvikling", [435, 782, 579, 579, 579, 579]],
  ["Borgerservice", [36531, 35785, 38532, 38533, 38535, 38535]],
  ["Lokaldemokrati", [368, 349, 343, 344, 344, 344]],
  ["Beredskab", [9579, 10072, 9196, 9197, 9197, 9197]],
];
const SEED_000_PRINTED = [
  // Seed 000 prints 351.607 for 2024; its areas add up to 351.608, which is what adds up.
  ["Økonomiudvalget", "306.005", "351.608", "388.324", "384.273", "379.719", "381.305"],
  ["Puljer", "0", "0", "80.496", "80.232", "77.723", "79.709"],
  ["Administration", "259.092", "304.620", "259.178", "255.388", "253.341", "252.941"],
  ["Boligudvikling", "435", "782", "579", "579", "579", "579"],
  ["Borgerservice", "36.531", "35.785", "38.532", "38.533", "38.535", "38.535"],
  ["Lokaldemokrati", "368", "349", "343", "344", "344", "344"],
  ["Beredskab", "9.579", "10.072", "9.196", "9.197", "9.197", "9.197"],
];
const LABELS = ["Regnskab", "Budget - oprindeligt", "Budget", "Budget", "Budget", "Budget"];

const PLAN =
  "Planområdet styrkes med 1,750 mio. kr. i 2025 for at imødekomme den større efterspørgsel fra virksomheder og boligudviklere og sikre hurtigere sagsbehandlingstid.";
const BEREDSKAB = "Budgettet til Beredskabet nedjusteres med -0,180 mio. kr. årligt fra 2025 og frem.";

function soro(): CommitteeRemarksInput {
  return {
    municipality: "Sorø Kommune",
    committee: "Økonomiudvalget",
    budgetYear: 2025,
    priceNote: "Alle tal er i 2025-priser.",
    table: {
      unit: "tkr",
      columns: LABELS.map((label, i) => ({ year: 2023 + i, label })),
      rows: SEED_000_AREAS.map(([label, v]) => ({ label, values: v.map((x) => BigInt(x) * T) })),
    },
    agreement: { budgetYear: 2025, items: [PLAN, BEREDSKAB] },
    sections: [
      {
        kind: "section",
        heading: "Administration",
        body: "Økonomiudvalgets budgetområde omfatter bl.a.:\n\n- Kommunens administration (primært på Rådhuset)\n  - Sagsbehandling i relation til borgerne\n  - Myndigheds- og lovpligtige opgaver\n- Kommunens fælles IT-udgifter",
      },
      {
        kind: "subsection",
        heading: "IT og Digitalisering",
        body: "Området omfatter en lang række af opgaver.",
      },
      {
        kind: "intro",
        heading: "",
        body: "Økonomiudvalgets ansvarsområder omfatter både drift, anlæg og finansiering.",
      },
      {
        kind: "section",
        heading: "Beredskabet",
        body: "Området omfatter kommunens udgifter til redningsberedskab.",
      },
    ],
  };
}

function kalundborg(): AreaRemarksInput {
  const frame =
    "Budgettet er et rammebudget. Forudsætninger for budgettet er udarbejdet på baggrund af budgetoverslag for 2024, og pris- og lønfremskrevet i forhold til KL's vejledning.";
  return {
    municipality: "Kalundborg Kommune",
    budgetYear: 2024,
    committees: [
      {
        name: "Økonomiudvalget",
        areas: [
          {
            name: "Jobcenter",
            netBudget: 5_019_010_000n,
            basis: [
              frame,
              "I relation til delaftale 2 om Arnepension er der indarbejdet en reduktion på 0,2 mio. kr. årligt.",
            ],
            sections: [
              { kind: "description", heading: "", body: "Jobcentret har budgetansvar for forsørgerydelser." },
              {
                kind: "development",
                heading: "Udvikling og udfordringer",
                body: "I 2024 udmøntes delaftale 2.",
              },
            ],
          },
          {
            name: "Demografipulje – Børn- og Familieområdet",
            netBudget: 500_000_000n,
            basis: ["Demografipuljen er afsat som en pulje til imødegåelse af den demografiske udvikling."],
            sections: [],
          },
          {
            name: "Sundhed og Myndighed",
            // 19.565.000,50 kr.: the half krone is rounded so that the table adds up.
            netBudget: 1_956_500_050n,
            basis: [frame],
            sections: [
              { kind: "development", heading: "Den demografiske udvikling", body: "Er en kendt udfordring." },
              { kind: "development", heading: "Forebyggelse", body: "De forebyggende tiltag er vigtige." },
            ],
          },
        ],
      },
    ],
  };
}

const tableOf = (doc: Doc) => doc.blocks.find((b): b is TableBlock => b.type === "table");

describe("committeeRemarksDocument (seed 000)", () => {
  const doc = committeeRemarksDocument(soro());

  it("has seed 000's order: introduction, the table with its note, the agreement, the sections", () => {
    expect(doc.title).toBe("Økonomiudvalget");
    expect(doc.meta).toEqual({ municipality: "Sorø Kommune" });
    const kinds = doc.blocks.map((b) => (b.type === "heading" ? `h${b.level}:${b.text}` : b.type));
    expect(kinds).toEqual([
      "paragraph",
      "paragraph",
      "note",
      "table",
      "h1:Budgetaftalen 2025",
      "paragraph",
      "list",
      "h1:Administration",
      "paragraph",
      "list",
      "h2:IT og Digitalisering",
      "paragraph",
      "h1:Beredskabet",
      "paragraph",
    ]);
    expect(doc.blocks[1]).toEqual({ type: "paragraph", runs: [{ text: "Budget for Økonomiudvalget:" }] });
    expect(doc.blocks[2]).toEqual({ type: "note", text: "Note: Alle tal er i 2025-priser." });
    expect(doc.blocks[5]).toEqual({
      type: "paragraph",
      runs: [
        {
          text: "Med budgetaftalen for 2025 har kommunalbestyrelsen vedtaget en række reguleringer i budgettet. Disse består af:",
        },
      ],
    });
    expect(doc.blocks[6]).toEqual({ type: "list", items: [PLAN, BEREDSKAB] });
    expect(doc.blocks[9]).toEqual({
      type: "list",
      items: [
        "Kommunens administration (primært på Rådhuset)",
        "Sagsbehandling i relation til borgerne",
        "Myndigheds- og lovpligtige opgaver",
        "Kommunens fælles IT-udgifter",
      ],
      levels: [0, 1, 1, 0],
    });
  });

  it("prints seed 000's table with its two header rows, the committee first, adding up", () => {
    const t = tableOf(doc);
    expect(t?.headerRows).toEqual([["År", "2023", "2024", "2025", "2026", "2027", "2028"]]);
    expect(t?.columns.map((c) => c.header)).toEqual(["(1.000 kr.)", ...LABELS]);
    expect(t?.rows.map((r) => r.cells)).toEqual(SEED_000_PRINTED);
    expect(t?.rows[0]?.kind).toBe("total");
  });

  it("rounds each column so that the areas add up to the committee as printed", () => {
    const input = soro();
    // Three areas of 333,4 t.kr.: rounded one by one they print 333 each and miss the 1.000.
    input.table = {
      unit: "tkr",
      columns: [{ year: 2025, label: "Budget" }],
      rows: ["A", "B", "C"].map((label) => ({ label, values: [33_340_000n] })),
    };
    const t = tableOf(committeeRemarksDocument(input));
    const cells = t?.rows.map((r) => r.cells[1]) ?? [];
    expect(cells[0]).toBe("1.000");
    expect(cells.slice(1).reduce((a, c) => a + Number(c?.replace(".", "")), 0)).toBe(1000);
    input.table.rows = [{ label: "A", values: [1n, 2n] }];
    expect(() => committeeRemarksDocument(input)).toThrow(/Række 1 \(A\) har 2 beløb/);
  });

  it("says so when the agreement has nothing on the committee, and leaves the heading out without one", () => {
    const input = soro();
    input.agreement = { budgetYear: 2025, items: [] };
    expect(committeeRemarksDocument(input).blocks).toContainEqual({
      type: "paragraph",
      runs: [{ text: "Budgetaftalen for 2025 indeholder ingen reguleringer på Økonomiudvalgets område." }],
    });
    input.agreement = null;
    expect(
      committeeRemarksDocument(input).blocks.some(
        (b) => b.type === "heading" && b.text.startsWith("Budgetaftalen"),
      ),
    ).toBe(false);
  });
});

describe("areaRemarksDocument (seed 001)", () => {
  const doc = areaRemarksDocument(kalundborg());

  it("prints each area with its net budget, Budgetgrundlag, description and development", () => {
    expect(doc.title).toBe("Bemærkninger - Økonomiudvalget");
    const text = doc.blocks.map((b) =>
      b.type === "heading"
        ? `h${b.level}:${b.text}`
        : b.type === "paragraph"
          ? b.runs.map((r) => (r.bold ? `**${r.text}**` : r.text)).join("")
          : b.type,
    );
    expect(text.slice(0, 16)).toEqual([
      "h1:Jobcenter",
      "Samlet nettobudget for området: 50.190.100 kr.",
      "h2:Budgetgrundlag",
      "Budgettet er et rammebudget. Forudsætninger for budgettet er udarbejdet på baggrund af budgetoverslag for 2024, og pris- og lønfremskrevet i forhold til KL's vejledning.",
      "I relation til delaftale 2 om Arnepension er der indarbejdet en reduktion på 0,2 mio. kr. årligt.",
      "h2:Beskrivelse af området",
      "Jobcentret har budgetansvar for forsørgerydelser.",
      "h2:Udvikling og udfordringer",
      "I 2024 udmøntes delaftale 2.",
      "h1:Demografipulje – Børn- og Familieområdet",
      "Samlet nettobudget for området: 5.000.000 kr.",
      "h2:Budgetgrundlag",
      "Demografipuljen er afsat som en pulje til imødegåelse af den demografiske udvikling.",
      "h1:Sundhed og Myndighed",
      "Samlet nettobudget for området: 19.565.001 kr.",
      "h2:Budgetgrundlag",
    ]);
    expect(text.slice(16, 22)).toEqual([
      "Budgettet er et rammebudget. Forudsætninger for budgettet er udarbejdet på baggrund af budgetoverslag for 2024, og pris- og lønfremskrevet i forhold til KL's vejledning.",
      "h2:Udvikling og udfordringer",
      "h3:Den demografiske udvikling",
      "Er en kendt udfordring.",
      "h3:Forebyggelse",
      "De forebyggende tiltag er vigtige.",
    ]);
  });

  it("ends with the net budgets as a table that adds up, with the same figures as the sentences", () => {
    const t = tableOf(doc);
    expect(t?.rows.map((r) => r.cells)).toEqual([
      ["Jobcenter", "50.190.100"],
      ["Demografipulje – Børn- og Familieområdet", "5.000.000"],
      ["Sundhed og Myndighed", "19.565.001"],
      ["Økonomiudvalget i alt", "74.755.101"],
    ]);
  });

  it("gives every committee its own heading when there are several", () => {
    const input = kalundborg();
    input.committees.push({ name: "Teknik- og Miljøudvalget", areas: [] });
    const d = areaRemarksDocument(input);
    expect(d.title).toBe("Bemærkninger til budget 2024");
    const headings = d.blocks.flatMap((b) => (b.type === "heading" ? [`h${b.level}:${b.text}`] : []));
    expect(headings.slice(0, 3)).toEqual([
      "h1:Bemærkninger - Økonomiudvalget",
      "h2:Jobcenter",
      "h3:Budgetgrundlag",
    ]);
    expect(headings).toContain("h1:Bemærkninger - Teknik- og Miljøudvalget");
    // Below level 3 a sub-heading is a bold paragraph.
    expect(d.blocks).toContainEqual({ type: "paragraph", runs: [{ text: "Forebyggelse", bold: true }] });
    expect(d.blocks).toContainEqual({
      type: "paragraph",
      runs: [{ text: "Teknik- og Miljøudvalget har ingen bevillingsområder i 2024." }],
    });
  });
});

describe("remarkTextBlocks", () => {
  it("reads paragraphs, bullets and nested bullets (one or two spaces, tabs too)", () => {
    expect(
      remarkTextBlocks(
        "Første linje\nfortsat.\n\n- a\n - b\n\t- c\n      - d\n- e\nEfter.\r\n\r\n   \n\nSidste.",
      ),
    ).toEqual([
      { type: "paragraph", runs: [{ text: "Første linje fortsat." }] },
      { type: "list", items: ["a", "b", "c", "d", "e"], levels: [0, 1, 1, 2, 0] },
      { type: "paragraph", runs: [{ text: "Efter." }] },
      { type: "paragraph", runs: [{ text: "Sidste." }] },
    ]);
    // A list that starts indented starts at the top.
    expect(remarkTextBlocks("  - a\n- b")).toEqual([{ type: "list", items: ["a", "b"] }]);
    expect(remarkTextBlocks("")).toEqual([]);
  });
});

describe("the remarks in every format", () => {
  const committee = committeeRemarksDocument(soro());
  const areas = areaRemarksDocument(kalundborg());
  let word: WordDocument;
  let areaWord: WordDocument;
  let pages: string[];
  let areaPages: string[];
  let wb: ExcelJS.Workbook;
  let areaWb: ExcelJS.Workbook;
  beforeAll(async () => {
    word = await readDocx(await renderDocx(committee));
    areaWord = await readDocx(await renderDocx(areas));
    pages = await readPdf(await renderPdf(committee));
    areaPages = await readPdf(await renderPdf(areas));
    wb = await readXlsx(await renderXlsx(committee));
    areaWb = await readXlsx(await renderXlsx(areas));
  });

  it("DOCX: real headings, seed 000's table as a real table, nested bullets one level in", () => {
    expect(word.paragraphs[0]).toEqual({ style: "Title", text: "Økonomiudvalget" });
    expect(word.paragraphs.filter((p) => /^Heading\d$/u.test(p.style ?? ""))).toEqual([
      { style: "Heading1", text: "Budgetaftalen 2025" },
      { style: "Heading1", text: "Administration" },
      { style: "Heading2", text: "IT og Digitalisering" },
      { style: "Heading1", text: "Beredskabet" },
    ]);
    expect(word.tables).toHaveLength(1);
    const t = word.tables[0] ?? [];
    expect(t.map((r) => r.cells)).toEqual([
      ["År", "2023", "2024", "2025", "2026", "2027", "2028"],
      ["(1.000 kr.)", ...LABELS],
      ...SEED_000_PRINTED,
    ]);
    expect(t.map((r) => r.header)).toEqual([true, true, false, false, false, false, false, false, false]);
    const bullets = word.paragraphs.filter((p) => p.style === "ListParagraph").map((p) => p.text);
    expect(bullets).toEqual([
      PLAN,
      BEREDSKAB,
      "Kommunens administration (primært på Rådhuset)",
      "Sagsbehandling i relation til borgerne",
      "Myndigheds- og lovpligtige opgaver",
      "Kommunens fælles IT-udgifter",
    ]);
    const level = (text: string) =>
      new RegExp(`<w:ilvl w:val="(\\d)"/>(?:(?!</w:p>).)*?${text}`, "su").exec(word.documentXml)?.[1];
    expect(level("Sagsbehandling i relation")).toBe("1");
    expect(level("Kommunens fælles IT-udgifter")).toBe("0");
    expect(areaWord.paragraphs.filter((p) => p.style === "Heading1").map((p) => p.text)).toEqual([
      "Jobcenter",
      "Demografipulje – Børn- og Familieområdet",
      "Sundhed og Myndighed",
      "Samlet nettobudget pr. område",
    ]);
    expect(areaWord.paragraphs.map((p) => p.text)).toContain(
      "Samlet nettobudget for området: 50.190.100 kr.",
    );
  });

  it("XLSX: the committee's table with numbers as numbers, and the areas add up to the committee", () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Budget for Økonomiudvalget"]);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    const row = (r: number) => Array.from({ length: 7 }, (_, c) => ws.getCell(r, c + 1).value ?? null);
    expect(row(1)).toEqual(["År", "2023", "2024", "2025", "2026", "2027", "2028"]);
    expect(row(2)).toEqual(["(1.000 kr.)", ...LABELS]);
    SEED_000_PRINTED.forEach((printed, i) => {
      expect(row(3 + i)).toEqual([printed[0], ...printed.slice(1).map((f) => Number(f.replaceAll(".", "")))]);
    });
    for (let c = 2; c <= 7; c++) {
      const areasSum = [4, 5, 6, 7, 8, 9].reduce((a, r) => a + (ws.getCell(r, c).value as number), 0);
      expect(areasSum).toBe(ws.getCell(3, c).value);
      expect(ws.getCell(3, c).numFmt).toBe("#,##0");
    }
    const net = areaWb.worksheets[0] as ExcelJS.Worksheet;
    expect(net.getCell(3, 2).value).toBe(50190100);
    expect(net.getCell(6, 2).value).toBe(74755101);
    expect(
      (net.getCell(3, 2).value as number) +
        (net.getCell(4, 2).value as number) +
        (net.getCell(5, 2).value as number),
    ).toBe(net.getCell(6, 2).value);
  });

  it("PDF: headings, the table's figures, Danish letters and page numbers", () => {
    const all = pages.join("\n").replace(/\s+/gu, " ");
    pages.forEach((page, i) => {
      expect(page).toContain(`Side ${i + 1} af ${pages.length}`);
    });
    for (const text of [
      "Økonomiudvalget",
      "Budget for Økonomiudvalget:",
      "Note: Alle tal er i 2025-priser.",
      "År 2023 2024 2025 2026 2027 2028",
      "(1.000 kr.) Regnskab Budget - oprindeligt Budget Budget Budget Budget",
      "Budgetaftalen 2025",
      "1,750 mio. kr. i 2025 for at imødekomme",
      "-0,180 mio. kr. årligt fra 2025 og frem",
      "Sagsbehandling i relation til borgerne",
      "IT og Digitalisering",
    ]) {
      expect(all).toContain(text);
    }
    for (const row of SEED_000_PRINTED) expect(all).toContain(row.join(" "));
    const area = areaPages.join("\n").replace(/\s+/gu, " ");
    expect(area).toContain("Bemærkninger - Økonomiudvalget");
    expect(area).toContain("Samlet nettobudget for området: 50.190.100 kr.");
    expect(area).toContain("Demografipulje – Børn- og Familieområdet");
    expect(area).toContain("KL's vejledning");
    for (const letters of ["æ", "ø", "å", "Ø"]) expect(area).toContain(letters);
  });

  it("HTML: the table with its two header rows, and nested bullets as nested lists", () => {
    const html = renderHtml(committee);
    expect(htmlTables(html)[0]?.rows).toEqual([
      ["År", "2023", "2024", "2025", "2026", "2027", "2028"],
      ["(1.000 kr.)", ...LABELS],
      ...SEED_000_PRINTED,
    ]);
    expect(html).toContain(
      "<li>Kommunens administration (primært på Rådhuset)\n<ul>\n<li>Sagsbehandling i relation til borgerne</li>\n<li>Myndigheds- og lovpligtige opgaver</li>\n</ul>\n</li>\n<li>Kommunens fælles IT-udgifter</li>",
    );
    expect(html).toContain("<h2>Budgetaftalen 2025</h2>");
    expect(html).toContain("<h3>IT og Digitalisering</h3>");
  });

  it("gives the same bytes for the same remarks", async () => {
    const again = committeeRemarksDocument(soro());
    for (const render of [renderDocx, renderPdf, renderXlsx]) {
      expect(Buffer.from(await render(again)).equals(Buffer.from(await render(committee)))).toBe(true);
    }
  });

  it("refuses a list whose nesting skips a level, in every format", async () => {
    const bad: Doc = {
      title: "x",
      meta: { municipality: "x" },
      blocks: [{ type: "list", items: ["a", "b"], levels: [0, 2] }],
    };
    for (const render of [renderDocx, renderPdf, renderXlsx]) {
      await expect(render(bad)).rejects.toThrow(/punkt 2 har niveau 2/);
    }
    expect(() => renderHtml(bad)).toThrow(/punkt 2 har niveau 2/);
    expect(() => renderHtml({ ...bad, blocks: [{ type: "list", items: ["a"], levels: [0, 0] }] })).toThrow(
      /1 punkter, men 2 niveauer/,
    );
  });
});
