import type { TextError } from "./types.ts";

/**
 * A user-facing problem with an input file. Shared by the readers here and by importers
 * further up, so every field except `file` and `reason` is optional.
 */
export interface FileError {
  file: string;
  /** The sheet of a workbook read whole (an error in one of several sheets). */
  sheet?: string;
  /** 1-based physical line (CSV) or Excel row number; omitted for whole-file problems. */
  line?: number;
  /** Column as the user sees it: a header text or an Excel column letter. */
  column?: string;
  /** Logical field the column was mapped to, when it differs from the header. */
  field?: string;
  reason: string;
}

/** Renders e.g. `budget.csv, linje 7, kolonne "2025": "12a" er ikke et tal`. */
export function formatFileError(e: FileError): string {
  let where = e.file;
  if (e.sheet !== undefined && e.sheet !== "") where += `, ark "${e.sheet}"`;
  if (e.line !== undefined && e.line > 0) where += `, linje ${e.line}`;
  if (e.column !== undefined && e.column !== "") {
    where += `, kolonne "${e.column}"`;
    if (e.field !== undefined && e.field !== "" && e.field !== e.column) where += ` (${e.field})`;
  } else if (e.field !== undefined && e.field !== "") {
    where += `, felt "${e.field}"`;
  }
  return `${where}: ${e.reason}`;
}

/**
 * Internal error carrying two phrasings: `reason` names the line itself (for callers that
 * only see TextError), `detail` does not (for FileError, whose `line` is printed separately
 * and would otherwise appear twice).
 */
export interface DetailedError extends TextError {
  detail: string;
}

export function toTextErrors(errors: readonly DetailedError[]): TextError[] {
  return errors.map((e) => ({ line: e.line, reason: e.reason }));
}

export function toFileErrors(file: string, errors: readonly DetailedError[]): FileError[] {
  return errors.map((e) =>
    e.line > 0 ? { file, line: e.line, reason: e.detail } : { file, reason: e.detail },
  );
}

/** Quotes a user value for an error message, shortened so one absurd cell cannot flood the message. */
export function quoteValue(s: string): string {
  const shown = s.length > 40 ? `${s.slice(0, 37)}...` : s;
  return `"${shown}"`;
}
