/**
 * A look at a file before it has a mapping: its header and first rows as they will be read, so
 * a person can tell which columns are levels, accounts and amounts. Nothing is stored.
 */
import { type Cell, readTable } from "@bevilling/io";
import { ImportFailed } from "./import.ts";
import { cellText } from "./source.ts";

export interface InspectedFile {
  header: string[];
  rows: Cell[][];
  /** Number of data rows in the file (below the header). */
  rowCount: number;
  encoding?: string | undefined;
  separator?: string | undefined;
  sheet?: string | undefined;
}

export async function inspectFile(
  file: { fileName: string; bytes: Uint8Array },
  opts: {
    sheet?: string | number;
    separator?: ";" | "," | "\t";
    encoding?: "utf-8" | "windows-1252";
    rows?: number;
  } = {},
): Promise<InspectedFile> {
  const readOpts: Parameters<typeof readTable>[2] = {};
  if (opts.sheet !== undefined) readOpts.sheet = typeof opts.sheet === "number" ? opts.sheet - 1 : opts.sheet;
  if (opts.separator) readOpts.separator = opts.separator;
  if (opts.encoding) readOpts.encoding = opts.encoding;
  const table = await readTable(file.bytes, file.fileName, readOpts);
  if ("errors" in table) throw new ImportFailed(table.errors);
  const [head, ...rest] = table.rows;
  if (!head) throw new ImportFailed([{ file: file.fileName, reason: "Filen er tom" }]);
  return {
    header: head.cells.map(cellText),
    rows: rest.slice(0, opts.rows ?? 20).map((r) => r.cells),
    rowCount: rest.length,
    encoding: table.encoding,
    separator: table.separator,
    sheet: table.sheet,
  };
}
