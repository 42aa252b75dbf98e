/**
 * A Doc's tables as an Excel workbook (.xlsx), one sheet per table: the caption in the first
 * row, then the header rows (bold, frozen), the rows, and the note. The figures are numbers, so
 * Excel can sum them: a cell in a right-aligned column whose text is a Danish figure ("1.200",
 * "-25,7") is written as that number with a number format that shows it the same way in Danish
 * Excel; everything else, and every left-aligned column, stays text. Total and subtotal rows
 * are bold. Headings, paragraphs and lists are not part of the workbook.
 *
 * Deterministic: fixedDate() as the creation date and the zip epoch on every zip entry.
 */

import ExcelJS from "exceljs";
import { fixedDate, normalizeZipTimestamps } from "./deterministic.ts";
import { assertValidDoc, type Doc, type TableBlock, tableHeaderRows } from "./model.ts";
import { excelNumberFormat, parseFormattedNumber } from "./numbers.ts";

const MAX_SHEET_NAME = 31;
const THIN = { style: "thin" as const };

/**
 * Sheet names as Excel allows them: at most 31 characters, none of []:*?/\, not starting or
 * ending with an apostrophe, unique regardless of case ("History" is reserved), and not empty.
 */
export function sheetNames(wanted: readonly string[]): string[] {
  const used = new Set<string>(["history"]);
  return wanted.map((w) => {
    let base = w
      .replace(/[[\]:*?/\\]/gu, "-")
      .replace(/\s+/gu, " ")
      .trim()
      .replace(/^'+|'+$/gu, "");
    if (base === "") base = "Tabel";
    base = [...base].slice(0, MAX_SHEET_NAME).join("").trim();
    let name = base;
    for (let n = 2; used.has(name.toLocaleLowerCase("da")); n++) {
      const suffix = ` (${n})`;
      name =
        [...base]
          .slice(0, MAX_SHEET_NAME - suffix.length)
          .join("")
          .trim() + suffix;
    }
    used.add(name.toLocaleLowerCase("da"));
    return name;
  });
}

/** The document's tables as .xlsx bytes. */
export async function renderXlsx(doc: Doc): Promise<Uint8Array> {
  assertValidDoc(doc);
  const wb = new ExcelJS.Workbook();
  wb.creator = doc.meta.municipality;
  wb.lastModifiedBy = doc.meta.municipality;
  wb.title = doc.title;
  if (doc.subtitle !== undefined) wb.subject = doc.subtitle;
  // exceljs writes a creation date whatever we do, by default the current time.
  wb.created = fixedDate();
  wb.modified = fixedDate();

  const tables = doc.blocks.filter((b): b is TableBlock => b.type === "table");
  if (tables.length === 0) {
    // A workbook needs a sheet; say why it is empty instead of writing a file Excel refuses.
    const [name = "Tabel"] = sheetNames([doc.title]);
    const ws = wb.addWorksheet(name);
    ws.getCell(1, 1).value = doc.title;
    ws.getCell(1, 1).font = { bold: true };
    ws.getCell(2, 1).value = "Dokumentet indeholder ingen tabeller.";
  }
  const names = sheetNames(tables.map((t, i) => t.name ?? t.caption ?? `Tabel ${i + 1}`));
  tables.forEach((t, i) => {
    addTable(wb, names[i] ?? `Tabel ${i + 1}`, t);
  });
  const buffer = (await wb.xlsx.writeBuffer()) as unknown as Uint8Array | ArrayBuffer;
  return normalizeZipTimestamps(
    buffer instanceof Uint8Array
      ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      : new Uint8Array(buffer),
  );
}

function addTable(wb: ExcelJS.Workbook, name: string, t: TableBlock): void {
  const header = tableHeaderRows(t);
  const firstHeaderRow = t.caption === undefined ? 1 : 2;
  const firstBodyRow = firstHeaderRow + header.length;
  const ws = wb.addWorksheet(name, {
    views: [{ state: "frozen", xSplit: 0, ySplit: firstBodyRow - 1 }],
    pageSetup: { paperSize: 9, orientation: "portrait", fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const horizontal = (c: number) => (t.columns[c]?.align === "right" ? "right" : "left");
  const widths = t.columns.map((c) => Math.max(8, c.header.length));
  const widen = (c: number, text: string) => {
    widths[c] = Math.max(widths[c] ?? 0, Math.min(text.length, 60));
  };

  if (t.caption !== undefined) {
    const cell = ws.getCell(1, 1);
    cell.value = t.caption;
    cell.font = { italic: true };
  }
  header.forEach((cells, r) => {
    cells.forEach((text, c) => {
      const cell = ws.getCell(firstHeaderRow + r, c + 1);
      if (text !== "") cell.value = text;
      cell.font = { bold: true };
      cell.alignment = { horizontal: horizontal(c), wrapText: true };
      if (r === header.length - 1) cell.border = { bottom: THIN };
      widen(c, text);
    });
  });
  t.rows.forEach((row, r) => {
    const kind = row.kind ?? "body";
    row.cells.forEach((text, c) => {
      const cell = ws.getCell(firstBodyRow + r, c + 1);
      const figure = t.columns[c]?.align === "right" ? parseFormattedNumber(text) : undefined;
      if (figure) {
        cell.value = figure.value;
        cell.numFmt = excelNumberFormat(figure.decimals);
      } else if (text !== "") {
        cell.value = text;
      }
      cell.alignment = { horizontal: horizontal(c), ...(figure ? {} : { wrapText: true }) };
      if (kind !== "body") cell.font = { bold: true };
      if (kind === "total") cell.border = { top: THIN };
      widen(c, text);
    });
  });
  if (t.note !== undefined) {
    const cell = ws.getCell(firstBodyRow + t.rows.length + 1, 1);
    cell.value = t.note;
    cell.font = { italic: true };
  }
  widths.forEach((w, c) => {
    ws.getColumn(c + 1).width = w + 2;
  });
  // Repeat the header rows on every printed page.
  ws.pageSetup.printTitlesRow = `${firstHeaderRow}:${firstBodyRow - 1}`;
}
