import type { DetailedError } from "./errors.ts";
import { toTextErrors } from "./errors.ts";
import type { SourceRow, TextError } from "./types.ts";

export type CsvSeparator = ";" | "," | "\t";

export interface CsvParseOptions {
  /** Field separator; "auto" (the default) sniffs it from the first records. */
  separator?: CsvSeparator | "auto";
}

/** Thrown by the streaming parser's `end()`; carries the same errors parseCsv would return. */
export class CsvParseError extends Error {
  readonly errors: TextError[];
  constructor(errors: TextError[]) {
    super(errors.map((e) => e.reason).join("\n"));
    this.name = "CsvParseError";
    this.errors = errors;
  }
}

export interface CsvParser {
  /** Feeds more text; returns the records completed by it (possibly none). */
  push(chunk: string): SourceRow[];
  /** Signals end of input; returns the remaining records or throws CsvParseError. */
  end(): SourceRow[];
  /** The separator in use, or null while "auto" is still collecting sample lines. */
  readonly separator: CsvSeparator | null;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;
const SEMICOLON = 59;
const COMMA = 44;
const TAB = 9;
const BOM = 0xfeff;

/** Records and characters the separator sniffer looks at. */
export const SNIFF_RECORDS = 20;
export const SNIFF_CHARS = 65_536;

/**
 * Parses CSV text (RFC 4180 quoting; CRLF, LF or CR line ends). Every field is a string,
 * "" for an empty one. Completely empty lines are skipped but still counted, so `line` is
 * always the physical line a record starts on. A leading U+FEFF is dropped.
 *
 * Lenient like Excel where that loses nothing: a quote inside an unquoted field is kept as
 * a literal character, and text after a closing quote is appended to the field.
 */
export function parseCsv(
  text: string,
  opts: CsvParseOptions = {},
): { separator: CsvSeparator; rows: SourceRow[] } | { errors: TextError[] } {
  const result = parseCsvDetailed(text, opts);
  return "errors" in result ? { errors: toTextErrors(result.errors) } : result;
}

export function parseCsvDetailed(
  text: string,
  opts: CsvParseOptions = {},
): { separator: CsvSeparator; rows: SourceRow[] } | { errors: DetailedError[] } {
  const requested = opts.separator ?? "auto";
  const separator = requested === "auto" ? (sniffSeparator(text, true) ?? ";") : requested;
  const scanner = new CsvScanner(separator);
  const rows: SourceRow[] = [];
  scanner.feed(text, rows);
  const error = scanner.finish(rows);
  return error === null ? { separator, rows } : { errors: [error] };
}

/**
 * Incremental parser for files too big to hold as one string. Produces exactly the same
 * rows as parseCsv on the concatenated input, however the text is split into chunks.
 */
export function createCsvParser(opts: CsvParseOptions = {}): CsvParser {
  const requested = opts.separator ?? "auto";
  let scanner: CsvScanner | null = requested === "auto" ? null : new CsvScanner(requested);
  // While sniffing, input is held back so the sniffer sees the same prefix parseCsv would.
  let pending = "";
  let ended = false;

  const start = (sep: CsvSeparator, out: SourceRow[]): CsvScanner => {
    const s = new CsvScanner(sep);
    s.feed(pending, out);
    pending = "";
    return s;
  };

  return {
    get separator() {
      return scanner?.separator ?? null;
    },
    push(chunk: string): SourceRow[] {
      if (ended) throw new Error("CSV-parseren er allerede afsluttet med end()");
      const out: SourceRow[] = [];
      if (scanner !== null) {
        scanner.feed(chunk, out);
        return out;
      }
      pending += chunk;
      // The verdict can only change when a record may have ended or the sample cap was
      // crossed; skipping the re-sniff otherwise keeps tiny chunks from going quadratic.
      if (pending.length <= SNIFF_CHARS && chunk.indexOf("\n") === -1 && chunk.indexOf("\r") === -1)
        return out;
      const sep = sniffSeparator(pending, false);
      if (sep !== null) scanner = start(sep, out);
      return out;
    },
    end(): SourceRow[] {
      if (ended) throw new Error("CSV-parseren er allerede afsluttet med end()");
      ended = true;
      const out: SourceRow[] = [];
      if (scanner === null) scanner = start(sniffSeparator(pending, true) ?? ";", out);
      const error = scanner.finish(out);
      if (error !== null) throw new CsvParseError(toTextErrors([error]));
      return out;
    },
  };
}

// Scanner states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Inside a quoted field, a quote was the last character of a chunk: "" escape or closing quote? */
const QUOTED_QUOTE = 3;
const AFTER_QUOTED = 4;

/**
 * Resumable single-pass scanner. All state lives in fields between feeds so a record may be
 * split anywhere, including between CR and LF or between the two quotes of an escape.
 * Unquoted fields are taken as one slice; quoted fields are located with indexOf.
 */
class CsvScanner {
  readonly separator: CsvSeparator;
  private readonly sep: number;
  private state = FIELD_START;
  private field = "";
  private cells: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 0;
  /** A record ended with CR at the very end of a chunk; an LF opening the next chunk belongs to it. */
  private skipLF = false;
  /** Inside a quoted field the last character was CR (so a following LF is not a new line). */
  private quotedCR = false;
  private started = false;

  constructor(separator: CsvSeparator) {
    this.separator = separator;
    this.sep = separator.charCodeAt(0);
  }

  feed(text: string, out: SourceRow[]): void {
    const n = text.length;
    if (n === 0) return;
    let i = 0;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) i = 1;
    }
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(i) === LF) i++;
    }
    const sep = this.sep;
    let state = this.state;
    let field = this.field;
    let cells = this.cells;
    let line = this.line;
    let recordLine = this.recordLine;

    while (i < n) {
      if (state === FIELD_START) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          state = QUOTED;
          this.quoteLine = line;
          this.quotedCR = false;
          i++;
          continue;
        }
        if (c === sep) {
          cells.push("");
          i++;
          continue;
        }
        if (c === CR || c === LF) {
          // A line with nothing on it is skipped; after a separator it ends an empty last field.
          if (cells.length > 0) {
            cells.push("");
            out.push({ line: recordLine, cells });
            cells = [];
          }
          line++;
          i++;
          if (c === CR) {
            if (i === n) this.skipLF = true;
            else if (text.charCodeAt(i) === LF) i++;
          }
          recordLine = line;
          continue;
        }
        state = UNQUOTED;
      }

      if (state === UNQUOTED) {
        let j = i;
        let c = 0;
        while (j < n) {
          c = text.charCodeAt(j);
          if (c === sep || c === CR || c === LF) break;
          j++;
        }
        if (j === n) {
          field += text.slice(i, n);
          i = n;
          break;
        }
        cells.push(field === "" ? text.slice(i, j) : field + text.slice(i, j));
        field = "";
        state = FIELD_START;
        i = j + 1;
        if (c !== sep) {
          out.push({ line: recordLine, cells });
          cells = [];
          line++;
          if (c === CR) {
            if (i === n) this.skipLF = true;
            else if (text.charCodeAt(i) === LF) i++;
          }
          recordLine = line;
        }
        continue;
      }

      if (state === QUOTED) {
        const q = text.indexOf('"', i);
        const end = q === -1 ? n : q;
        if (end > i) {
          field += text.slice(i, end);
          line = this.countLines(text, i, end, line);
        }
        if (q === -1) {
          i = n;
          break;
        }
        if (q + 1 === n) {
          state = QUOTED_QUOTE;
          i = n;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          field += '"';
          this.quotedCR = false;
          i = q + 2;
        } else {
          state = AFTER_QUOTED;
          i = q + 1;
        }
        continue;
      }

      if (state === QUOTED_QUOTE) {
        if (text.charCodeAt(i) === QUOTE) {
          field += '"';
          this.quotedCR = false;
          state = QUOTED;
          i++;
        } else {
          state = AFTER_QUOTED;
        }
        continue;
      }

      // AFTER_QUOTED
      const c = text.charCodeAt(i);
      if (c === sep || c === CR || c === LF) {
        cells.push(field);
        field = "";
        state = FIELD_START;
        i++;
        if (c !== sep) {
          out.push({ line: recordLine, cells });
          cells = [];
          line++;
          if (c === CR) {
            if (i === n) this.skipLF = true;
            else if (text.charCodeAt(i) === LF) i++;
          }
          recordLine = line;
        }
      } else {
        // Excel's reading of `"abc"def` is `abcdef`; continue as an unquoted tail.
        state = UNQUOTED;
      }
    }

    this.state = state;
    this.field = field;
    this.cells = cells;
    this.line = line;
    this.recordLine = recordLine;
  }

  /** Counts line breaks inside quoted text so `line` stays physical. */
  private countLines(text: string, from: number, to: number, line: number): number {
    let cr = this.quotedCR;
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c === CR) {
        line++;
        cr = true;
      } else {
        if (c === LF && !cr) line++;
        cr = false;
      }
    }
    this.quotedCR = cr;
    return line;
  }

  /** Flushes the last record; returns an error if a quoted field was never closed. */
  finish(out: SourceRow[]): DetailedError | null {
    const state = this.state;
    if (state === QUOTED) {
      const line = this.quoteLine;
      const why =
        "lukkes aldrig, så resten af filen ville blive læst som ét felt. Tjek om et felt mangler sit afsluttende anførselstegn";
      return {
        line,
        reason: `Anførselstegnet (") i starten af et felt i linje ${line} ${why}`,
        detail: `Anførselstegnet (") i starten af et felt ${why}`,
      };
    }
    if (state !== FIELD_START || this.cells.length > 0) {
      this.cells.push(this.field);
      out.push({ line: this.recordLine, cells: this.cells });
    }
    this.field = "";
    this.cells = [];
    this.state = FIELD_START;
    return null;
  }
}

const CANDIDATES: readonly { sep: CsvSeparator; code: number }[] = [
  // Order is the tie-break: Danish exports use ";", and "," is also the decimal comma, so
  // a file where both are equally consistent (e.g. `6.45.51;1.234,50`) is ";".
  { sep: ";", code: SEMICOLON },
  { sep: "\t", code: TAB },
  { sep: ",", code: COMMA },
];

/**
 * Picks the separator whose per-record count (outside quotes) is most consistent over the
 * first SNIFF_RECORDS non-empty records within SNIFF_CHARS characters. Returns null when
 * `final` is false and the text does not yet contain enough to decide; the decision only
 * ever depends on that prefix, so streaming and one-shot parsing agree.
 */
export function sniffSeparator(text: string, final: boolean): CsvSeparator | null {
  const limit = Math.min(text.length, SNIFF_CHARS);
  const hitCap = text.length > SNIFF_CHARS;
  const counts: number[][] = [[], [], []];
  let semi = 0;
  let tab = 0;
  let comma = 0;
  let nonEmpty = false;
  let inQuotes = false;
  let atFieldStart = true;
  let records = 0;
  let i = text.charCodeAt(0) === BOM ? 1 : 0;

  const endRecord = () => {
    if (nonEmpty) {
      counts[0]?.push(semi);
      counts[1]?.push(tab);
      counts[2]?.push(comma);
      records++;
    }
    semi = 0;
    tab = 0;
    comma = 0;
    nonEmpty = false;
  };

  for (; i < limit && records < SNIFF_RECORDS; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE && i + 1 < limit) i++;
        else inQuotes = false;
      }
      continue;
    }
    if (c === CR || c === LF) {
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      endRecord();
      atFieldStart = true;
      continue;
    }
    nonEmpty = true;
    if (c === QUOTE && atFieldStart) {
      inQuotes = true;
      continue;
    }
    atFieldStart = c === SEMICOLON || c === TAB || c === COMMA;
    if (c === SEMICOLON) semi++;
    else if (c === TAB) tab++;
    else if (c === COMMA) comma++;
  }

  if (records < SNIFF_RECORDS) {
    if (!final && !hitCap) return null;
    endRecord();
  }

  let best: CsvSeparator | null = null;
  let bestScore = 0;
  for (let k = 0; k < CANDIDATES.length; k++) {
    const score = consistency(counts[k] ?? []);
    if (score > bestScore) {
      bestScore = score;
      best = CANDIDATES[k]?.sep ?? null;
    }
  }
  return best ?? ";";
}

/** Share of records whose count equals the most common non-zero count (0 if the separator never occurs). */
function consistency(counts: readonly number[]): number {
  if (counts.length === 0) return 0;
  const freq = new Map<number, number>();
  let bestCount = 0;
  let bestFreq = 0;
  for (const c of counts) {
    const f = (freq.get(c) ?? 0) + 1;
    freq.set(c, f);
    if (f > bestFreq || (f === bestFreq && c > bestCount)) {
      bestFreq = f;
      bestCount = c;
    }
  }
  if (bestCount === 0) {
    // The mode is "absent"; fall back to the most common non-zero count, if any.
    bestFreq = 0;
    for (const [c, f] of freq) if (c > 0 && f > bestFreq) bestFreq = f;
  }
  return bestFreq / counts.length;
}
