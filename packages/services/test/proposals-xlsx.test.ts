/**
 * The proposals catalogue as an Excel workbook (catalogue-xlsx.ts and importCatalogueXlsx): the
 * export read back gives the same catalogue (every amount of seed 003), an edit made in Excel
 * comes back as a new version, a status decided in Bevilling survives, and a bad workbook is
 * refused whole with sheet, row, column and a Danish reason.
 */
import { type Municipality, SYSTEM_ACTOR } from "@bevilling/core";
import type { DatabaseHandle } from "@bevilling/db";
import { findMunicipality, historyOf, verifyAudit } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { type Doc, renderXlsx, type TableBlock } from "@bevilling/documents";
import { formatFileError } from "@bevilling/io";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogueWorkbookDoc, columnLetter } from "../src/catalogue-xlsx.ts";
import {
  catalogueDocument,
  createProposal,
  getCatalogue,
  ImportFailed,
  importCatalogue,
  importCatalogueXlsx,
  loadDemo,
  updateProposal,
} from "../src/index.ts";

const T = 100_000n; // 1.000 kr. in øre

/** Seed 003's lines: per schedule, each line's amounts 2023–2026 in 1.000 kr. */
const SEED_003: Record<string, number[][]> = {
  "2.1.2. 01": [[600, 1200, 1200]],
  "2.1.2. 02": [[1750, 100, 100, 100]],
  "2.1.2. 03": [[150, 150, 150, 150]],
  "2.1.2. 04": [[5000, 5009, 5018, 5027]],
  "2.1.2. 05": [
    [3000, 3000, 3000, 3000],
    [1500, 1500, 1500, 1500],
  ],
  "2.1.2. 06": [
    [2500, 2500, 2500, 2500],
    [1000, 1000, 1000, 1000],
  ],
  "2.1.2. 07": [[500, 500, 500, 500]],
  "2.1.2. 08": [
    [2000, 2000, 2000, 2000],
    [-5300, -5300, -5300, -5300],
  ],
};

async function failure(work: Promise<unknown>): Promise<ImportFailed> {
  const err = await work.then(
    () => expect.fail("forventede ImportFailed"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportFailed);
  return err as ImportFailed;
}

async function edited(bytes: Uint8Array, change: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  change(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe.each(testEngines())("the catalogue as an Excel workbook on %s", (engine) => {
  let h: DatabaseHandle;
  let m: Municipality;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    const found = await findMunicipality(h.db, "330");
    if (!found) throw new Error("Slagelse mangler");
    m = found;
  });
  afterAll(async () => {
    await h?.close();
  });

  const exported = async () => (await catalogueDocument(h.db, m, "xlsx")).bytes;
  const snapshot = async () =>
    (await getCatalogue(h.db, m)).proposals.map((p) => ({
      ...p,
      updatedAt: undefined,
      warnings: p.warnings.map((w) => w.message),
    }));

  it("writes a sheet Forslag with every field and a sheet per schedule with its exact amounts", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await exported()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Forslag",
      ...Object.keys(SEED_003).map((s) => `Skema ${s}`),
    ]);
    const index = wb.getWorksheet("Forslag");
    expect(index?.getCell("A1").value).toBe("BUDGET 2023-2026, Slagelse Kommune");
    expect(index?.getRow(2).values).toEqual([
      undefined,
      "Skema",
      "Internt nummer",
      "Art",
      "Status",
      "Udvalg",
      "Område",
      "Titel",
      "Henvisninger",
      "Tekst",
    ]);
    expect(index?.getCell("G3").value).toBe("Medarbejderkommunikation");
    expect(index?.getCell("B3").value).toBe("3106");
    expect(index?.getCell("H10").value).toBe("Alternativ til skema 8.1.2. 01");
    const s08 = wb.getWorksheet("Skema 2.1.2. 08");
    expect(s08?.getRow(4).values).toEqual([
      undefined,
      "60 færre unge på uddannelseshjælp",
      -5300,
      -5300,
      -5300,
      -5300,
      -21200,
    ]);
  });

  it("reads its own export back as the same catalogue, every amount of seed 003 included", async () => {
    const before = await snapshot();
    const r = await importCatalogueXlsx(
      h.db,
      m,
      { fileName: "katalog.xlsx", bytes: await exported() },
      SYSTEM_ACTOR,
    );
    expect([r.created, r.updated, r.unchanged]).toEqual([0, 0, 8]);
    expect(r.catalogue).toBe("Budget 2023-2026");
    const after = await snapshot();
    expect(after).toEqual(before);
    for (const p of after) {
      const seed = SEED_003[p.schedule] ?? [];
      expect(p.lines.map((l) => l.amounts.map((a) => a.amount))).toEqual(
        seed.map((line) => line.map((x) => BigInt(x) * T)),
      );
    }
    expect((await verifyAudit(h.db)).ok).toBe(true);
  });

  it("keeps an amount that is not whole thousands exact through export and import", async () => {
    const c = await getCatalogue(h.db, m);
    const p = c.proposals.find((x) => x.schedule === "2.1.2. 03");
    if (!p) throw new Error("skema 03 mangler");
    await updateProposal(
      h.db,
      m,
      p.id,
      { version: p.version, lines: [{ name: "Øre", amounts: [{ year: 2024, amount: "123456789" }] }] },
      SYSTEM_ACTOR,
    );
    const r = await importCatalogue(
      h.db,
      m,
      { fileName: "katalog.xlsx", bytes: await exported() },
      SYSTEM_ACTOR,
    );
    expect([r.created, r.updated, r.unchanged]).toEqual([0, 0, 8]);
    const again = (await getCatalogue(h.db, m)).proposals.find((x) => x.schedule === "2.1.2. 03");
    expect(again?.lines).toEqual([
      { name: "Øre", amounts: [{ year: 2024, amount: 123456789n }], total: 123456789n },
    ]);
  });

  it("takes an edit made in Excel as a new version, keeps the status decided in Bevilling, and creates a new schedule", async () => {
    const c = await getCatalogue(h.db, m);
    const p05 = c.proposals.find((x) => x.schedule === "2.1.2. 05");
    if (!p05) throw new Error("skema 05 mangler");
    const adopted = await updateProposal(
      h.db,
      m,
      p05.id,
      { version: p05.version, status: "adopted" },
      SYSTEM_ACTOR,
    );
    const bytes = await edited(await exported(), (wb) => {
      const index = wb.getWorksheet("Forslag");
      if (!index) throw new Error("Forslag mangler");
      // The workbook was exported before the decision: it still says "Indsendt".
      index.getCell("D7").value = "Indsendt";
      index.getCell("G7").value = "Etablering af direktion (rettet)";
      [
        "2.1.2. 09",
        "",
        "Anlægsforslag",
        "Kladde",
        "Økonomiudvalget",
        "Administration",
        "Nyt skema",
        "Henviser til skema 2.1.2. 05",
        "Tekst",
      ].forEach((v, c) => {
        index.getRow(11).getCell(c + 1).value = v;
      });
      const sheet = wb.addWorksheet("Skema 2.1.2. 09");
      sheet.addRow(["Beløb i 1.000 kr."]);
      sheet.addRow(["Budgetoverslag", "2023", "2024", "I alt"]);
      sheet.addRow(["Byggeri", 1000, "2.500,5", 3500.5]);
      sheet.addRow(["I alt", 1000, 2500.5, 3500.5]);
      const s05 = wb.getWorksheet("Skema 2.1.2. 05");
      if (s05) s05.getCell("B3").value = 3100;
    });
    const r = await importCatalogueXlsx(h.db, m, { fileName: "rettet.xlsx", bytes }, SYSTEM_ACTOR);
    expect([r.created, r.updated, r.unchanged]).toEqual([1, 1, 7]);
    const after = await getCatalogue(h.db, m);
    const p = after.proposals.find((x) => x.schedule === "2.1.2. 05");
    expect(p?.version).toBe(adopted.version + 1);
    expect(p?.status).toBe("adopted");
    expect(p?.title).toBe("Etablering af direktion (rettet)");
    expect(p?.lines[0]?.amounts[0]).toEqual({ year: 2023, amount: 3100n * T });
    const p09 = after.proposals.at(-1);
    expect(p09).toMatchObject({
      schedule: "2.1.2. 09",
      kind: "anlaeg",
      status: "draft",
      internalNumber: null,
      references: [{ schedule: "2.1.2. 05", relation: "related" }],
      lines: [
        {
          name: "Byggeri",
          amounts: [
            { year: 2023, amount: 1000n * T },
            { year: 2024, amount: 250_050_000n },
          ],
        },
      ],
    });
    const history = await historyOf(h.db, "proposal", String(p?.id));
    expect(history.at(-1)).toMatchObject({ action: "update", reason: "Indlæst fra rettet.xlsx" });
    // The same workbook again changes nothing.
    const again = await importCatalogueXlsx(h.db, m, { fileName: "rettet.xlsx", bytes }, SYSTEM_ACTOR);
    expect([again.created, again.updated, again.unchanged]).toEqual([0, 0, 9]);
  });

  describe("refuses a bad workbook whole", () => {
    /** The export's document with one change, rendered as a workbook. */
    const workbookWith = async (change: (doc: Doc) => void) => {
      const c = await getCatalogue(h.db, m);
      const doc = catalogueWorkbookDoc({
        period: { firstYear: 2023, lastYear: 2026 },
        municipality: "Slagelse Kommune",
        proposals: c.proposals,
      });
      change(doc);
      return renderXlsx(doc);
    };
    const table = (doc: Doc, name: string) => {
      const t = doc.blocks.find((b): b is TableBlock => b.type === "table" && b.name === name);
      if (!t) throw new Error(`${name} mangler`);
      return t;
    };
    const refused = async (bytes: Uint8Array) => {
      const before = await snapshot();
      const err = await failure(
        importCatalogueXlsx(h.db, m, { fileName: "forkert.xlsx", bytes }, SYSTEM_ACTOR),
      );
      expect(await snapshot()).toEqual(before);
      return err.errors.map(formatFileError);
    };

    it("a missing column, named with the header row", async () => {
      const bytes = await workbookWith((doc) => {
        const t = table(doc, "Forslag");
        const i = t.columns.findIndex((c) => c.header === "Titel");
        t.columns.splice(i, 1);
        for (const row of t.rows) row.cells.splice(i, 1);
      });
      expect(await refused(bytes)).toEqual([
        'forkert.xlsx, ark "Forslag", linje 2, kolonne "Titel": kolonnen "Titel" mangler i overskriftsrækken',
      ]);
    });

    it("text in an amount cell, with sheet, row and year", async () => {
      const bytes = await workbookWith((doc) => {
        const t = table(doc, "Skema 2.1.2. 06");
        (t.rows[1] as { cells: string[] }).cells[2] = "cirka 1.000";
        (t.rows[0] as { cells: string[] }).cells[4] = "12a";
      });
      expect(await refused(bytes)).toEqual([
        'forkert.xlsx, ark "Skema 2.1.2. 06", linje 3, kolonne "2026": "12a" er ikke et tal (ugyldigt tegn "a"); beløbene er i 1.000 kr.',
        'forkert.xlsx, ark "Skema 2.1.2. 06", linje 4, kolonne "2024": "cirka 1.000" er ikke et tal (ugyldigt tegn "c"); beløbene er i 1.000 kr.',
      ]);
    });

    it("an unknown kind, and a schedule sheet that is missing", async () => {
      const bytes = await workbookWith((doc) => {
        const t = table(doc, "Forslag");
        (t.rows[3] as { cells: string[] }).cells[2] = "Spareforslag";
        doc.blocks = doc.blocks.filter((b) => !(b.type === "table" && b.name === "Skema 2.1.2. 07"));
      });
      const errors = await refused(bytes);
      expect(errors).toEqual([
        'forkert.xlsx, ark "Forslag", linje 6, kolonne "Art": »Spareforslag« er ikke en forslagsart; brug Driftsforslag, Anlægsforslag, Udvidelsesforslag, Reduktionsforslag, Investeringsforslag',
        'forkert.xlsx, ark "Forslag", linje 9, kolonne "Skema": arket »Skema 2.1.2. 07« med forslagets beløb mangler',
      ]);
    });

    it("a workbook without the sheet Forslag, and a file that is no workbook", async () => {
      const bytes = await workbookWith((doc) => {
        doc.blocks = doc.blocks.filter((b) => !(b.type === "table" && b.name === "Forslag"));
      });
      const [only] = await refused(bytes);
      expect(only).toMatch(/^forkert\.xlsx: projektmappen har intet ark »Forslag«/);
      const err = await failure(
        importCatalogueXlsx(
          h.db,
          m,
          { fileName: "x.xlsx", bytes: new TextEncoder().encode("hej") },
          SYSTEM_ACTOR,
        ),
      );
      expect(err.errors[0]?.reason).toMatch(/ikke en Excel-projektmappe/);
    });
  });

  it("names Excel's columns", () => {
    expect([0, 1, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(["A", "B", "Z", "AA", "AB", "ZZ", "AAA"]);
  });

  it("exports and reads a proposal without lines, and a catalogue made in Bevilling", async () => {
    await createProposal(
      h.db,
      m,
      {
        catalogue: "Budget 2030-2033",
        schedule: "1.1.1. 01",
        kind: "drift",
        title: "Tomt",
        committee: "Udvalg",
        area: "Område",
      },
      SYSTEM_ACTOR,
    );
    const file = await catalogueDocument(h.db, m, "xlsx", "Budget 2030-2033");
    const r = await importCatalogueXlsx(
      h.db,
      m,
      { fileName: file.fileName, bytes: file.bytes },
      SYSTEM_ACTOR,
    );
    expect([r.catalogue, r.created, r.updated, r.unchanged]).toEqual(["Budget 2030-2033", 0, 0, 1]);
  });
});
