import type { CsvSeparator } from "./csv.ts";
import { parseCsvDetailed } from "./csv.ts";
import { decodeTextDetailed } from "./decode.ts";
import type { FileError } from "./errors.ts";
import { toFileErrors } from "./errors.ts";
import type { RawTable } from "./types.ts";
import { isOleFile, isZip, OLE_REASON, readXlsxDetailed } from "./xlsx.ts";

export interface ReadTableOptions {
  /** XLSX only: sheet name or 0-based position. */
  sheet?: string | number;
  /** CSV only; default "auto" (".tsv" files default to tab). */
  separator?: CsvSeparator | "auto";
  /** CSV only; default "auto". */
  encoding?: "auto" | "utf-8" | "windows-1252";
}

const TEXT_EXTENSIONS = new Set(["csv", "txt", "tsv"]);
const XLSX_EXTENSIONS = new Set(["xlsx", "xlsm"]);

/**
 * Reads a CSV/text or XLSX file into rows. The container is recognised from its first
 * bytes before the extension is trusted, because users routinely rename an .xlsx to .csv
 * (or save "CSV" from a tool that actually writes a workbook).
 */
export async function readTable(
  bytes: Uint8Array,
  fileName: string,
  opts: ReadTableOptions = {},
): Promise<RawTable | { errors: FileError[] }> {
  const ext = extensionOf(fileName);
  if (isOleFile(bytes)) return { errors: [{ file: fileName, reason: OLE_REASON }] };

  if (isZip(bytes) || XLSX_EXTENSIONS.has(ext)) {
    const result = await readXlsxDetailed(bytes, opts.sheet === undefined ? {} : { sheet: opts.sheet });
    if ("errors" in result) return { errors: toFileErrors(fileName, result.errors) };
    return { fileName, format: "xlsx", sheet: result.sheet, rows: result.rows };
  }

  if (ext === "xls") return { errors: [{ file: fileName, reason: OLE_REASON }] };
  if (!TEXT_EXTENSIONS.has(ext) && ext !== "" && looksBinary(bytes)) {
    return {
      errors: [
        {
          file: fileName,
          reason: `Filtypen ".${ext}" kan ikke indlæses; brug en CSV-fil (.csv) eller en Excel-projektmappe (.xlsx)`,
        },
      ],
    };
  }

  const decoded = decodeTextDetailed(bytes, opts.encoding === undefined ? {} : { encoding: opts.encoding });
  if ("errors" in decoded) return { errors: toFileErrors(fileName, decoded.errors) };
  const separator = opts.separator ?? (ext === "tsv" ? "\t" : "auto");
  const parsed = parseCsvDetailed(decoded.text, { separator });
  if ("errors" in parsed) return { errors: toFileErrors(fileName, parsed.errors) };
  return {
    fileName,
    format: "csv",
    encoding: decoded.encoding,
    separator: parsed.separator,
    rows: parsed.rows,
  };
}

function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\")) + 1);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

/** Control bytes other than tab/CR/LF/FF in the first KiB: a PDF, image or the like, not a text export. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 1024);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control * 50 > n;
}
