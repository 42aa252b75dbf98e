import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { SourceRow } from "../src/index.ts";
import { readXlsx, writeXlsx } from "../src/index.ts";

type LoadInput = Parameters<ExcelJS.Xlsx["load"]>[0];

async function toBytes(wb: ExcelJS.Workbook): Promise<Uint8Array> {
  const buf = (await wb.xlsx.writeBuffer()) as unknown as Uint8Array;
  return new Uint8Array(buf);
}

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as LoadInput);
  return wb;
}

async function readOk(
  bytes: Uint8Array,
  sheet?: string | number,
): Promise<{ sheet: string; rows: SourceRow[] }> {
  const r = await readXlsx(bytes, sheet === undefined ? {} : { sheet });
  if ("errors" in r) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return r;
}

describe("writeXlsx → readXlsx", () => {
  it("round-trips Danish text, numbers and gaps with Excel row numbers", async () => {
    const bytes = await writeXlsx([
      {
        name: "Budget 2025",
        columns: [
          { header: "Konto" },
          { header: "Navn" },
          { header: "Beløb", numFmt: "#,##0" },
          { header: "Note" },
        ],
        rows: [
          ["6.45.51", "Søren Ærø Ålbæk", 388324, null],
          ["6.45.52", "Tandpleje", 50190100, "x"],
          ["6.45.53", null, -25.7, null],
        ],
      },
    ]);
    expect([...bytes.subarray(0, 2)]).toEqual([0x50, 0x4b]);
    const r = await readOk(bytes);
    expect(r).toEqual({
      sheet: "Budget 2025",
      rows: [
        { line: 1, cells: ["Konto", "Navn", "Beløb", "Note"] },
        { line: 2, cells: ["6.45.51", "Søren Ærø Ålbæk", 388324] },
        { line: 3, cells: ["6.45.52", "Tandpleje", 50190100, "x"] },
        { line: 4, cells: ["6.45.53", null, -25.7] },
      ],
    });
  });

  it("writes a bold, frozen header and the column number format", async () => {
    const bytes = await writeXlsx([
      {
        name: "Ark",
        columns: [
          { header: "Konto", width: 12 },
          { header: "Beløb", numFmt: "#,##0" },
        ],
        rows: [["1", 388324]],
      },
    ]);
    const ws = (await load(bytes)).worksheets[0];
    if (!ws) throw new Error("no sheet");
    expect(ws.getCell("A1").font?.bold).toBe(true);
    expect(ws.getCell("B1").font?.bold).toBe(true);
    expect(ws.getCell("B2").font?.bold).not.toBe(true);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(ws.getCell("B2").numFmt).toBe("#,##0");
    expect(ws.getColumn(1).width).toBe(12);
  });

  it("makes sheet names valid and unique for Excel", async () => {
    const sheets = ["Drift 2025/2026", "drift 2025/2026", "x".repeat(40), "History", "[]"].map((name) => ({
      name,
      columns: [{ header: "a" }],
      rows: [],
    }));
    const wb = await load(await writeXlsx(sheets));
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      "Drift 2025-2026",
      "drift 2025-2026 (2)",
      "x".repeat(31),
      "History (2)",
      "--",
    ]);
  });

  it("writes several sheets and reads the requested one by name or position", async () => {
    const bytes = await writeXlsx([
      { name: "Drift", columns: [{ header: "a" }], rows: [[1]] },
      { name: "Anlæg", columns: [{ header: "b" }], rows: [[2]] },
    ]);
    expect((await readOk(bytes, "Anlæg")).rows[1]?.cells).toEqual([2]);
    expect((await readOk(bytes, "  anlæg ")).sheet).toBe("Anlæg");
    expect((await readOk(bytes, 1)).sheet).toBe("Anlæg");
    expect((await readOk(bytes)).sheet).toBe("Drift");
  });

  it("rejects an unknown sheet name, listing the sheets", async () => {
    const bytes = await writeXlsx([
      { name: "Drift", columns: [{ header: "a" }], rows: [] },
      { name: "Anlæg", columns: [{ header: "b" }], rows: [] },
    ]);
    const r = await readXlsx(bytes, { sheet: "Budget" });
    expect(r).toEqual({
      errors: [
        { line: 0, reason: 'Arket "Budget" findes ikke i projektmappen. Arkene hedder: "Drift", "Anlæg"' },
      ],
    });
    const byIndex = await readXlsx(bytes, { sheet: 5 });
    expect("errors" in byIndex && byIndex.errors[0]?.reason).toContain("Ark nummer 6 findes ikke");
  });

  it("refuses NaN instead of writing a broken cell", async () => {
    await expect(writeXlsx([{ name: "a", columns: [], rows: [[Number.NaN]] }])).rejects.toThrow(/række 2/);
    await expect(writeXlsx([])).rejects.toThrow(RangeError);
  });
});

describe("readXlsx – values from real workbooks", () => {
  async function workbook(): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    const hidden = wb.addWorksheet("Skjult", { state: "hidden" });
    hidden.getCell("A1").value = "ikke mig";
    const ws = wb.addWorksheet("Budget");
    ws.getCell("A1").value = "Konto";
    ws.getCell("B1").value = "B2025";
    ws.getCell("C1").value = "B2026";
    ws.getCell("D1").value = "Sum";
    ws.getCell("A2").value = "6.45.51";
    ws.getCell("B2").value = 388324;
    ws.getCell("C2").value = 50190100;
    ws.getCell("D2").value = { formula: "B2+C2", result: 50578424 };
    ws.getCell("A3").value = { richText: [{ text: "Søren " }, { text: "Ærø", font: { bold: true } }] };
    ws.getCell("B3").value = new Date(Date.UTC(2025, 0, 31));
    ws.getCell("C3").value = true;
    ws.getCell("D3").value = { formula: "1/0", result: { error: "#DIV/0!" } };
    ws.getCell("A4").value = { text: "link", hyperlink: "https://example.dk" };
    ws.getCell("B4").value = new Date(Date.UTC(2025, 5, 1, 13, 30, 0));
    ws.getCell("C4").value = "Flettet";
    ws.mergeCells("C4:D4");
    ws.getCell("C6").value = "  ";
    return toBytes(wb);
  }

  it("returns cached formula results, ISO dates, plain rich text and skips hidden sheets", async () => {
    const r = await readOk(await workbook());
    expect(r.sheet).toBe("Budget");
    expect(r.rows).toEqual([
      { line: 1, cells: ["Konto", "B2025", "B2026", "Sum"] },
      { line: 2, cells: ["6.45.51", 388324, 50190100, 50578424] },
      { line: 3, cells: ["Søren Ærø", "2025-01-31", "SAND", "#DIV/0!"] },
      { line: 4, cells: ["link", "2025-06-01T13:30:00", "Flettet"] },
      { line: 6, cells: [null, null, "  "] },
    ]);
  });

  it("reports formulas without a cached result by cell and line", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Ark1");
    ws.getCell("A1").value = 1;
    ws.getCell("B2").value = { formula: "A1*2" } as ExcelJS.CellFormulaValue;
    ws.getCell("C5").value = { formula: "SUM(A1:A4)" } as ExcelJS.CellFormulaValue;
    const r = await readXlsx(await toBytes(wb));
    if (!("errors" in r)) throw new Error("expected errors");
    expect(r.errors.map((e) => e.line)).toEqual([2, 5]);
    expect(r.errors[0]?.reason).toContain("Celle B2 (linje 2) indeholder formlen =A1*2");
    expect(r.errors[1]?.reason).toContain("C5");
  });

  it("rejects bytes that are not a workbook", async () => {
    const csv = await readXlsx(new TextEncoder().encode("Konto;Beløb\n1;2\n"));
    expect("errors" in csv && csv.errors[0]?.reason).toContain("ikke en Excel-projektmappe");
    const brokenZip = await readXlsx(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect("errors" in brokenZip && brokenZip.errors[0]?.reason).toContain("kan ikke læses");
    const xls = await readXlsx(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect("errors" in xls && xls.errors[0]?.reason).toContain(".xls");
  });
});
