import ExcelJS from "exceljs";
import type { DetailedError } from "./errors.ts";
import { toTextErrors } from "./errors.ts";
import type { Cell, SourceRow, TextError } from "./types.ts";

export interface ReadXlsxOptions {
  /** Sheet name (exact, else case-insensitive) or 0-based position in tab order. Default: first visible sheet. */
  sheet?: string | number;
}

export interface XlsxColumn {
  header: string;
  /** Width in Excel character units; estimated from the content when omitted. */
  width?: number;
  /** Excel number format code, e.g. "#,##0" (Danish Excel shows 388324 as 388.324). */
  numFmt?: string;
}

export interface XlsxSheet {
  name: string;
  columns: XlsxColumn[];
  rows: Cell[][];
}

type LoadInput = Parameters<ExcelJS.Xlsx["load"]>[0];

const wholeFile = (reason: string): DetailedError => ({ line: 0, reason, detail: reason });

/** True if the bytes start like a zip archive (which every .xlsx is). */
export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    (bytes[2] === 3 || bytes[2] === 5) &&
    (bytes[3] === 4 || bytes[3] === 6)
  );
}

/** True for OLE compound files: legacy .xls, and also password-protected .xlsx. */
export function isOleFile(bytes: Uint8Array): boolean {
  const magic = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

export const OLE_REASON =
  "Filen er i det gamle Excel-format (.xls) eller beskyttet med adgangskode; åbn den i Excel og gem den som .xlsx uden adgangskode";

/**
 * Reads one sheet of an .xlsx workbook. Values: numbers stay numbers, formulas give their
 * cached result, dates become "yyyy-mm-dd" (with "Thh:mm:ss" if there is a time of day),
 * rich text becomes plain text, booleans "SAND"/"FALSK", Excel errors their code ("#N/A"),
 * empty cells null. cells[0] is column A; trailing empty cells and empty rows are dropped.
 */
export async function readXlsx(
  bytes: Uint8Array,
  opts: ReadXlsxOptions = {},
): Promise<{ sheet: string; rows: SourceRow[] } | { errors: TextError[] }> {
  const result = await readXlsxDetailed(bytes, opts);
  return "errors" in result ? { errors: toTextErrors(result.errors) } : result;
}

export async function readXlsxDetailed(
  bytes: Uint8Array,
  opts: ReadXlsxOptions = {},
): Promise<{ sheet: string; rows: SourceRow[] } | { errors: DetailedError[] }> {
  const loaded = await loadWorkbook(bytes);
  if ("errors" in loaded) return loaded;
  const picked = pickSheet(loaded.workbook.worksheets, opts.sheet);
  if ("error" in picked) return { errors: [wholeFile(picked.error)] };
  const ws = picked.sheet;
  const { rows, errors } = sheetRows(ws);
  if (errors.length > 0) return { errors };
  return { sheet: ws.name, rows };
}

/**
 * Every sheet of an .xlsx workbook in tab order (hidden ones too), read as readXlsx reads one;
 * the workbook is loaded once. Errors name their sheet.
 */
export async function readXlsxSheets(
  bytes: Uint8Array,
): Promise<
  { sheets: { sheet: string; rows: SourceRow[] }[] } | { errors: (TextError & { sheet?: string })[] }
> {
  const loaded = await loadWorkbook(bytes);
  if ("errors" in loaded) return { errors: toTextErrors(loaded.errors) };
  const sheets: { sheet: string; rows: SourceRow[] }[] = [];
  const errors: (TextError & { sheet: string })[] = [];
  for (const ws of loaded.workbook.worksheets) {
    const read = sheetRows(ws);
    for (const e of read.errors) errors.push({ sheet: ws.name, line: e.line, reason: e.detail });
    sheets.push({ sheet: ws.name, rows: read.rows });
  }
  if (errors.length > 0) return { errors };
  if (sheets.length === 0)
    return { errors: [{ line: 0, reason: "Projektmappen indeholder ingen regneark" }] };
  return { sheets };
}

async function loadWorkbook(
  bytes: Uint8Array,
): Promise<{ workbook: ExcelJS.Workbook } | { errors: DetailedError[] }> {
  if (isOleFile(bytes)) return { errors: [wholeFile(OLE_REASON)] };
  if (!isZip(bytes)) {
    return {
      errors: [
        wholeFile(
          "Filen er ikke en Excel-projektmappe (.xlsx); hvis det er en CSV-fil, så giv den endelsen .csv",
        ),
      ],
    };
  }

  const wb = new ExcelJS.Workbook();
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await wb.xlsx.load(buffer as unknown as LoadInput);
  } catch {
    return {
      errors: [
        wholeFile(
          "Filen kan ikke læses som Excel-projektmappe (.xlsx); den er beskadiget eller ikke et regneark. Prøv at åbne den i Excel og gemme den igen",
        ),
      ],
    };
  }
  return { workbook: wb };
}

function sheetRows(ws: ExcelJS.Worksheet): { rows: SourceRow[]; errors: DetailedError[] } {
  const rows: SourceRow[] = [];
  const errors: DetailedError[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      // Only the top-left cell of a merged range holds the value; repeating it into the
      // other cells would invent data the user never typed there.
      if (cell.type === ExcelJS.ValueType.Merge) return;
      const v = convertValue(cell.value);
      if (v instanceof MissingResult) {
        const why = `indeholder formlen =${v.formula}, men filen har ikke gemt dens resultat; åbn filen i Excel og gem den igen, så resultatet bliver beregnet`;
        errors.push({
          line: rowNumber,
          reason: `Celle ${cell.address} (linje ${rowNumber}) ${why}`,
          detail: `Celle ${cell.address} ${why}`,
        });
        return;
      }
      while (cells.length < col - 1) cells.push(null);
      cells[col - 1] = v;
    });
    while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
    if (cells.length > 0) rows.push({ line: rowNumber, cells });
  });
  return { rows, errors };
}

function pickSheet(
  sheets: ExcelJS.Worksheet[],
  wanted: string | number | undefined,
): { sheet: ExcelJS.Worksheet } | { error: string } {
  const names = sheets.map((s) => `"${s.name}"`).join(", ");
  if (sheets.length === 0) return { error: "Projektmappen indeholder ingen regneark" };
  if (wanted === undefined) {
    const sheet = sheets.find((s) => s.state === "visible" || s.state === undefined) ?? sheets[0];
    return sheet ? { sheet } : { error: "Projektmappen indeholder ingen regneark" };
  }
  if (typeof wanted === "number") {
    const sheet = Number.isInteger(wanted) ? sheets[wanted] : undefined;
    return sheet
      ? { sheet }
      : { error: `Ark nummer ${wanted + 1} findes ikke; projektmappen har ${sheets.length} ark: ${names}` };
  }
  const exact = sheets.find((s) => s.name === wanted);
  if (exact) return { sheet: exact };
  const folded = wanted.trim().toLocaleLowerCase("da");
  const loose = sheets.find((s) => s.name.trim().toLocaleLowerCase("da") === folded);
  if (loose) return { sheet: loose };
  return { error: `Arket "${wanted}" findes ikke i projektmappen. Arkene hedder: ${names}` };
}

class MissingResult {
  readonly formula: string;
  constructor(formula: string) {
    this.formula = formula;
  }
}

function convertValue(v: ExcelJS.CellValue): Cell | MissingResult {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return v;
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "SAND" : "FALSK";
  if (v instanceof Date) return isoDate(v);
  if ("error" in v) return v.error;
  if ("richText" in v) return richText(v.richText);
  if ("formula" in v || "sharedFormula" in v) {
    const result = v.result;
    if (result === undefined) {
      const formula = "sharedFormula" in v ? (v.formula ?? v.sharedFormula) : v.formula;
      return new MissingResult(formula);
    }
    return convertValue(result);
  }
  if ("hyperlink" in v) {
    // exceljs types the text as string, but a styled link arrives as rich text.
    const text: unknown = v.text;
    if (typeof text === "string") return text;
    if (typeof text === "object" && text !== null && "richText" in text && Array.isArray(text.richText)) {
      return richText(text.richText as ExcelJS.RichText[]);
    }
    return v.hyperlink;
  }
  return null;
}

function richText(parts: readonly ExcelJS.RichText[]): string {
  let s = "";
  for (const p of parts) s += p.text;
  return s;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** exceljs builds dates in UTC from the Excel serial, so the UTC fields are the ones typed in Excel. */
function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return "";
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h === 0 && m === 0 && s === 0 ? date : `${date}T${pad(h)}:${pad(m)}:${pad(s)}`;
}

/**
 * Writes a workbook: one sheet per entry, bold frozen header row, per-column number format.
 * Sheet names are made valid for Excel (forbidden characters replaced, at most 31
 * characters, unique ignoring case) rather than rejected, since they usually come from
 * data such as "Drift 2025/2026".
 */
export async function writeXlsx(sheets: readonly XlsxSheet[]): Promise<Uint8Array> {
  if (sheets.length === 0) throw new RangeError("writeXlsx: en projektmappe skal have mindst ét ark");
  const wb = new ExcelJS.Workbook();
  const used = new Set<string>(["history"]); // Excel reserves "History".
  for (const spec of sheets) {
    const name = uniqueSheetName(spec.name, used);
    const ws = wb.addWorksheet(name, { views: [{ state: "frozen", xSplit: 0, ySplit: 1 }] });
    ws.columns = spec.columns.map((c, i) => ({
      header: c.header,
      width: c.width ?? estimateWidth(c.header, spec.rows, i),
      style: c.numFmt === undefined ? {} : { numFmt: c.numFmt },
    }));
    ws.getRow(1).font = { bold: true };
    spec.rows.forEach((row, r) => {
      for (let c = 0; c < row.length; c++) {
        const v = row[c];
        if (typeof v === "number" && !Number.isFinite(v)) {
          throw new RangeError(
            `writeXlsx: ark "${name}", række ${r + 2}, kolonne ${c + 1}: ${String(v)} kan ikke skrives til Excel`,
          );
        }
      }
      ws.addRow(row);
    });
  }
  const buf = (await wb.xlsx.writeBuffer()) as unknown as Uint8Array | ArrayBuffer;
  return buf instanceof Uint8Array
    ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    : new Uint8Array(buf);
}

function uniqueSheetName(wanted: string, used: Set<string>): string {
  let base = wanted
    .replace(/[[\]:*?/\\]/g, "-")
    .trim()
    .replace(/^'+|'+$/g, "");
  if (base === "") base = "Ark";
  base = base.slice(0, 31);
  let name = base;
  for (let n = 2; used.has(name.toLocaleLowerCase("da")); n++) {
    const suffix = ` (${n})`;
    name = base.slice(0, 31 - suffix.length) + suffix;
  }
  used.add(name.toLocaleLowerCase("da"));
  return name;
}

function estimateWidth(header: string, rows: readonly Cell[][], col: number): number {
  let width = header.length;
  // A sample is enough to size a column, and keeps huge exports from paying for it.
  const n = Math.min(rows.length, 500);
  for (let r = 0; r < n; r++) {
    const v = rows[r]?.[col];
    if (v === null || v === undefined) continue;
    // Numbers gain thousands separators and decimals when formatted.
    const len = typeof v === "number" ? Math.ceil(String(Math.round(v)).length * 1.35) + 3 : v.length;
    if (len > width) width = len;
  }
  return Math.min(Math.max(width + 2, 8), 60);
}
