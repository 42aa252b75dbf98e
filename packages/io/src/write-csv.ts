import type { CsvSeparator } from "./csv.ts";
import { decimalFromNumber, formatDecimal } from "./number.ts";
import type { Cell } from "./types.ts";

export interface WriteCsvOptions {
  /** Default ";" – what Danish Excel expects when a .csv file is double-clicked. */
  separator?: CsvSeparator;
  /** UTF-8 byte order mark; default true, because without it Excel reads UTF-8 as ANSI and garbles æøå. */
  bom?: boolean;
  /** Decimal sign for number cells; default "," unless the separator is ",". */
  decimal?: "," | ".";
}

export interface FormatCellOptions {
  separator?: CsvSeparator;
  decimal?: "," | ".";
}

/**
 * Renders one cell as a CSV field: null → empty, numbers in full decimal notation (never
 * "1e21"), and quoting when the text contains the separator, a quote, CR or LF.
 */
export function formatCellForCsv(cell: Cell, opts: FormatCellOptions = {}): string {
  const separator = opts.separator ?? ";";
  if (cell === null) return "";
  if (typeof cell === "number") {
    const text = formatNumberForCsv(cell, opts.decimal ?? (separator === "," ? "." : ","));
    return text.includes(separator) ? `"${text}"` : text;
  }
  return needsQuotes(cell, separator.charCodeAt(0)) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

function formatNumberForCsv(n: number, decimal: "," | "."): string {
  const d = decimalFromNumber(n);
  if (!d.ok) throw new RangeError(`writeCsv: ${String(n)} kan ikke skrives som et tal`);
  return formatDecimal(d.units, d.scale, decimal === "," ? "da" : "plain", { grouping: false });
}

function needsQuotes(s: string, sep: number): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === sep || c === 34 || c === 10 || c === 13) return true;
  }
  return false;
}

/**
 * Serialises rows as CSV bytes (UTF-8, CRLF line ends, optional BOM). A row holding a single
 * empty cell is written as `""` so it survives as a record instead of reading back as a
 * blank line.
 */
export function writeCsv(rows: readonly (readonly Cell[])[], opts: WriteCsvOptions = {}): Uint8Array {
  const separator = opts.separator ?? ";";
  const bom = opts.bom ?? true;
  const cellOpts: FormatCellOptions = { separator, decimal: opts.decimal ?? (separator === "," ? "." : ",") };
  const lines: string[] = [];
  for (const row of rows) {
    if (row.length === 1 && (row[0] === null || row[0] === "")) {
      lines.push('""');
      continue;
    }
    let line = "";
    for (let i = 0; i < row.length; i++) {
      if (i > 0) line += separator;
      line += formatCellForCsv(row[i] ?? null, cellOpts);
    }
    lines.push(line);
  }
  const first = rows[0]?.[0];
  // Without a BOM, Excel takes a file starting with "ID" for SYLK and refuses to open it.
  if (!bom && typeof first === "string" && first.startsWith("ID") && lines[0]?.startsWith("ID")) {
    lines[0] = `"${first.replaceAll('"', '""')}"${lines[0].slice(first.length)}`;
  }
  const text = lines.length === 0 ? "" : `${lines.join("\r\n")}\r\n`;
  const body = new TextEncoder().encode(text);
  if (!bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf], 0);
  out.set(body, 3);
  return out;
}
