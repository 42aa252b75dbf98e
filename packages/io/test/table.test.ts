import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import type { FileError, RawTable } from "../src/index.ts";
import { formatFileError, parseAmountOre, readTable, writeCsv, writeXlsx } from "../src/index.ts";

const cp1252 = (s: string): Uint8Array => new Uint8Array(iconv.encode(s, "windows1252"));

function tableOk(r: RawTable | { errors: FileError[] }): RawTable {
  if ("errors" in r) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return r;
}

function errorsOf(r: RawTable | { errors: FileError[] }): FileError[] {
  if (!("errors" in r)) throw new Error("expected errors");
  return r.errors;
}

describe("readTable", () => {
  it("reads a Windows-1252 semicolon CSV from Opus/Prisme", async () => {
    const bytes = cp1252("Konto;Navn;Beløb\r\n6.45.51;Søren Ærø;388.324\r\n");
    expect(tableOk(await readTable(bytes, "Budget.CSV"))).toEqual({
      fileName: "Budget.CSV",
      format: "csv",
      encoding: "windows-1252",
      separator: ";",
      rows: [
        { line: 1, cells: ["Konto", "Navn", "Beløb"] },
        { line: 2, cells: ["6.45.51", "Søren Ærø", "388.324"] },
      ],
    });
  });

  it("defaults .tsv to tab and honours explicit options", async () => {
    const bytes = new TextEncoder().encode("a,b\tc\n");
    expect(tableOk(await readTable(bytes, "x.tsv")).rows[0]?.cells).toEqual(["a,b", "c"]);
    expect(tableOk(await readTable(bytes, "x.txt", { separator: "," })).rows[0]?.cells).toEqual([
      "a",
      "b\tc",
    ]);
    const forced = tableOk(
      await readTable(new TextEncoder().encode("æ\n"), "x.csv", { encoding: "windows-1252" }),
    );
    expect(forced.rows[0]?.cells).toEqual(["Ã¦"]);
  });

  it("reads .xlsx, and recognises a workbook by content whatever its name", async () => {
    const bytes = await writeXlsx([{ name: "Drift", columns: [{ header: "Beløb" }], rows: [[388324]] }]);
    for (const name of ["budget.xlsx", "budget.csv", "budget"]) {
      const t = tableOk(await readTable(bytes, name));
      expect(t).toEqual({
        fileName: name,
        format: "xlsx",
        sheet: "Drift",
        rows: [
          { line: 1, cells: ["Beløb"] },
          { line: 2, cells: [388324] },
        ],
      });
    }
    expect(errorsOf(await readTable(bytes, "budget.xlsx", { sheet: "Anlæg" }))[0]?.reason).toContain(
      '"Drift"',
    );
  });

  it("sniffs CSV for unknown extensions", async () => {
    const t = tableOk(await readTable(writeCsv([["a", "b"]]), "eksport.dat"));
    expect(t).toMatchObject({ format: "csv", encoding: "utf-8", rows: [{ line: 1, cells: ["a", "b"] }] });
  });

  it("rejects legacy .xls and binary files with a Danish reason", async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect(errorsOf(await readTable(ole, "budget.xls"))[0]?.reason).toContain(".xlsx");
    expect(errorsOf(await readTable(new TextEncoder().encode("a"), "budget.xls"))[0]?.reason).toContain(
      ".xls",
    );
    const pdfish = new Uint8Array(200).map((_, i) => i % 7);
    expect(errorsOf(await readTable(pdfish, "budget.pdf"))).toEqual([
      { file: "budget.pdf", reason: expect.stringContaining('Filtypen ".pdf" kan ikke indlæses') },
    ]);
  });

  it("turns decoding errors into FileErrors without repeating the line in the reason", async () => {
    const bytes = cp1252("Konto;Navn\n1;Søren\n2;ok\n3;Ærø\n");
    const errors = errorsOf(await readTable(bytes, "budget.csv", { encoding: "utf-8" }));
    expect(errors.map((e) => e.line)).toEqual([2, 4]);
    expect(formatFileError(errors[0] as FileError)).toMatch(
      /^budget\.csv, linje 2: Ugyldig UTF-8 \(byte 0xF8\): filen er sandsynligvis gemt som Windows-1252/,
    );
  });

  it("reports whole-file and quote errors as FileErrors", async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...iconv.encode("a;b\r\n", "utf16le")]);
    expect(errorsOf(await readTable(utf16, "budget.csv"))).toEqual([
      { file: "budget.csv", reason: "Filen er UTF-16-kodet; gem den som UTF-8 eller Windows-1252" },
    ]);
    const quote = errorsOf(await readTable(new TextEncoder().encode('a;b\n"c;d\n'), "budget.csv"));
    expect(quote).toHaveLength(1);
    expect(quote[0]?.line).toBe(2);
    expect(formatFileError(quote[0] as FileError)).toMatch(
      /^budget\.csv, linje 2: Anførselstegnet \("\) i starten/,
    );
  });

  it("reports a formula without cached result by row", async () => {
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Ark1").getCell("B3").value = { formula: "1+1" } as never;
    const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as unknown as Uint8Array);
    const errors = errorsOf(await readTable(bytes, "b.xlsx"));
    expect(formatFileError(errors[0] as FileError)).toMatch(
      /^b\.xlsx, linje 3: Celle B3 indeholder formlen =1\+1/,
    );
  });
});

describe("formatFileError", () => {
  it("renders file, line, column and field", () => {
    const amount = parseAmountOre("12a", "kr", "da");
    if (amount.ok) throw new Error("expected failure");
    expect(formatFileError({ file: "budget.csv", line: 7, column: "2025", reason: amount.reason })).toBe(
      'budget.csv, linje 7, kolonne "2025": "12a" er ikke et tal (ugyldigt tegn "a")',
    );
    expect(formatFileError({ file: "b.csv", line: 2, column: "B2025", field: "beløb", reason: "x" })).toBe(
      'b.csv, linje 2, kolonne "B2025" (beløb): x',
    );
    expect(formatFileError({ file: "b.csv", field: "konto", reason: "mangler" })).toBe(
      'b.csv, felt "konto": mangler',
    );
    expect(formatFileError({ file: "b.csv", reason: "tom fil" })).toBe("b.csv: tom fil");
    expect(formatFileError({ file: "b.csv", line: 0, reason: "tom fil" })).toBe("b.csv: tom fil");
  });
});
