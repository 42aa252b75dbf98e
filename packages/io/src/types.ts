/** A cell value as read from a source file. CSV yields strings ("" for an empty field); XLSX may yield numbers and null. */
export type Cell = string | number | null;

export interface SourceRow {
  /** 1-based physical line (CSV) or Excel row number (XLSX) where the record starts. */
  line: number;
  cells: Cell[];
}

/**
 * A problem found while reading a file. `line` is 1-based; 0 means the file as a whole
 * (e.g. wrong encoding), because such errors cannot be pinned to one line.
 */
export interface TextError {
  line: number;
  reason: string;
}

export interface RawTable {
  fileName: string;
  format: "csv" | "xlsx";
  encoding?: string;
  separator?: string;
  sheet?: string;
  rows: SourceRow[];
}
