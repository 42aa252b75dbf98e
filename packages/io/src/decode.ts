import iconv from "iconv-lite";
import type { DetailedError } from "./errors.ts";
import { toTextErrors } from "./errors.ts";
import type { TextError } from "./types.ts";

export type TextEncodingName = "utf-8" | "windows-1252";

export interface DecodeOptions {
  encoding?: "auto" | TextEncodingName;
  /**
   * Cap on reported errors. A binary or wrongly encoded file can have an error on every
   * one of millions of lines; past the cap a single summary error says how many were left out.
   */
  maxErrors?: number;
}

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** Whether a UTF-8 byte order mark was present (it is stripped from `text`). */
  bom: boolean;
}

export const DEFAULT_MAX_ERRORS = 1000;

// Collection stops here even if maxErrors is higher: beyond it the summary only needs to say "at least".
const COLLECT_LIMIT = 100_000;

const LF = 0x0a;
const CR = 0x0d;

// Bytes that Windows-1252 leaves unassigned. Seeing one means the file is not really
// Windows-1252, so decoding it would silently produce a replacement character.
const CP1252_UNDEFINED = [0x81, 0x8d, 0x8f, 0x90, 0x9d] as const;

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, "0")}`;

function lineError(line: number, reason: string, detail: string): DetailedError {
  return { line, reason, detail };
}

function fileError(reason: string): DetailedError {
  return { line: 0, reason, detail: reason };
}

/**
 * Decodes a text file's bytes. With `encoding: "auto"` (the default) a UTF-8 BOM or valid
 * UTF-8 means UTF-8, anything else is taken as Windows-1252 (what Danish Excel and most
 * ERP exports write when they say "ANSI"). Files that cannot be decoded faithfully are
 * rejected with one error per offending line rather than being decoded to mojibake.
 */
export function decodeText(
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): DecodedText | { errors: TextError[] } {
  const result = decodeTextDetailed(bytes, opts);
  return "errors" in result ? { errors: toTextErrors(result.errors) } : result;
}

/** Like decodeText, but errors carry a line-free phrasing for FileError (see DetailedError). */
export function decodeTextDetailed(
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): DecodedText | { errors: DetailedError[] } {
  const mode = opts.encoding ?? "auto";
  const maxErrors = Math.max(1, opts.maxErrors ?? DEFAULT_MAX_ERRORS);

  const wide = detectWideEncoding(bytes);
  if (wide !== null) return { errors: [fileError(wide)] };

  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const start = bom ? 3 : 0;
  const body = bytes.subarray(start);

  if (mode === "windows-1252" && bom) {
    return {
      errors: [
        fileError(
          "Filen starter med et UTF-8-mærke (BOM), men tegnsættet er angivet som Windows-1252; vælg UTF-8 eller automatisk genkendelse",
        ),
      ],
    };
  }

  let utf8Text: string | null = null;
  try {
    if (mode !== "windows-1252") utf8Text = tryDecodeUtf8(body);
  } catch (e) {
    if (isStringTooLong(e)) return { errors: [fileError(tooLarge(bytes.length))] };
    throw e;
  }
  const encoding: TextEncodingName =
    mode === "auto" ? (bom || utf8Text !== null ? "utf-8" : "windows-1252") : mode;

  const errors = new ErrorList(maxErrors);
  // Offsets below are relative to `body`; the BOM never contains a line break, so line numbers agree.
  collectBadBytes(body, encoding === "windows-1252", errors);

  if (encoding === "utf-8" && utf8Text === null) {
    const why = bom
      ? "filen er markeret som UTF-8 (BOM), men indeholder bytes fra et andet tegnsæt; gem filen igen som UTF-8"
      : "filen er sandsynligvis gemt som Windows-1252 (ANSI); vælg tegnsættet Windows-1252 eller gem filen som UTF-8";
    collectInvalidUtf8(body, errors, (line, b) =>
      lineError(
        line,
        `Ugyldig UTF-8 i linje ${line} (byte ${hex(b)}): ${why}`,
        `Ugyldig UTF-8 (byte ${hex(b)}): ${why}`,
      ),
    );
  } else if (mode === "auto" && encoding === "windows-1252") {
    // A file that is partly UTF-8 (e.g. two exports pasted together) would otherwise
    // decode without complaint and turn every "æ" in the UTF-8 part into "Ã¦".
    const utf8Offset = findUtf8Latin1Letter(body);
    if (utf8Offset !== -1) {
      const utf8Line = offsetsToLines(body, [utf8Offset])[0] ?? 1;
      const why = `men linje ${utf8Line} er UTF-8-kodet; filen blander tegnsæt – gem hele filen som UTF-8`;
      collectInvalidUtf8(body, errors, (line, b) =>
        lineError(
          line,
          `Linje ${line} er ikke gyldig UTF-8 (byte ${hex(b)}), ${why}`,
          `Linjen er ikke gyldig UTF-8 (byte ${hex(b)}), ${why}`,
        ),
      );
    }
  }

  if (errors.count > 0) return { errors: errors.finish() };

  if (encoding === "utf-8") return { text: utf8Text ?? "", encoding, bom };
  try {
    return { text: iconv.decode(body, "windows1252"), encoding, bom };
  } catch (e) {
    if (isStringTooLong(e)) return { errors: [fileError(tooLarge(bytes.length))] };
    throw e;
  }
}

/** V8 caps strings at ~512 Mi characters; Node reports it as ERR_STRING_TOO_LONG (older versions: RangeError). */
function isStringTooLong(e: unknown): boolean {
  return (
    e instanceof RangeError ||
    (e instanceof Error && (e as { code?: unknown }).code === "ERR_STRING_TOO_LONG")
  );
}

function tooLarge(byteCount: number): string {
  const mb = Math.round(byteCount / 1_000_000);
  return `Filen er for stor til at blive læst på én gang (${mb} MB); del den op eller brug indlæsning i bidder (createCsvParser)`;
}

/** Recognises UTF-16/UTF-32 and binary data, which must be rejected as a whole. */
function detectWideEncoding(bytes: Uint8Array): string | null {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xff && b1 === 0xfe) {
    return bytes[2] === 0 && bytes[3] === 0 && bytes.length >= 4
      ? "Filen er UTF-32-kodet; gem den som UTF-8 eller Windows-1252"
      : "Filen er UTF-16-kodet; gem den som UTF-8 eller Windows-1252";
  }
  if (b0 === 0xfe && b1 === 0xff) return "Filen er UTF-16-kodet; gem den som UTF-8 eller Windows-1252";
  if (b0 === 0 && b1 === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) {
    return "Filen er UTF-32-kodet; gem den som UTF-8 eller Windows-1252";
  }
  if (bytes.indexOf(0) === -1) return null;

  // Without a BOM, UTF-16 shows up as NUL in every other byte (Danish text is almost all
  // Latin-1), UTF-32 as three NULs out of four.
  const n = Math.min(bytes.length, 4096);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (bytes[i] === 0) {
      if (i % 2 === 0) even++;
      else odd++;
    }
  }
  const nul = even + odd;
  if (nul * 10 >= n * 6) return "Filen er UTF-32-kodet; gem den som UTF-8 eller Windows-1252";
  if (nul * 4 >= n && Math.max(even, odd) * 10 >= nul * 9) {
    return "Filen er UTF-16-kodet; gem den som UTF-8 eller Windows-1252";
  }
  // A handful of NULs in a short file is a damaged line, better reported by line number.
  if (nul >= 16 && nul * 20 >= n) {
    return "Filen indeholder binære data og er ikke en tekstfil; gem den som CSV (UTF-8 eller Windows-1252)";
  }
  return null;
}

function tryDecodeUtf8(bytes: Uint8Array): string | null {
  try {
    // ignoreBOM keeps a second U+FEFF (after the one we stripped) as data instead of eating it.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (e) {
    // Only invalid data means "not UTF-8"; anything else (e.g. a string too long for V8) must surface.
    if (e instanceof TypeError) return null;
    throw e;
  }
}

/** Collects per-line errors, keeping only the first per line and counting past the cap. */
class ErrorList {
  private readonly items: DetailedError[] = [];
  private readonly seen = new Set<string>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get count(): number {
    return this.items.length;
  }
  add(e: DetailedError, kind: string): void {
    const key = `${kind}:${e.line}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(e);
  }
  finish(): DetailedError[] {
    this.items.sort((a, b) => a.line - b.line);
    if (this.items.length <= this.max) return this.items;
    const shown = this.items.slice(0, this.max);
    const rest = this.items.length - this.max;
    const last = shown[shown.length - 1]?.line ?? 0;
    const atLeast = this.items.length >= COLLECT_LIMIT ? "mindst " : "";
    shown.push(
      fileError(
        `... og ${atLeast}${rest} fejl mere efter linje ${last}; kun de første ${this.max} vises. Ret filens tegnsæt og prøv igen`,
      ),
    );
    return shown;
  }
}

/** Reports NUL bytes and, for Windows-1252, its undefined bytes: one error per line and byte kind. */
function collectBadBytes(bytes: Uint8Array, cp1252: boolean, errors: ErrorList): void {
  const suspects: number[] = [0];
  if (cp1252) suspects.push(...CP1252_UNDEFINED);
  // Native memchr first: the clean case (almost every file) must not pay for a JS byte loop.
  if (!suspects.some((b) => bytes.indexOf(b) !== -1)) return;

  const bad = new Uint8Array(256);
  for (const b of suspects) bad[b] = 1;
  let line = 1;
  let reportedLine = 0;
  for (let i = 0; i < bytes.length && errors.count < COLLECT_LIMIT; i++) {
    const b = bytes[i] ?? 0;
    if (b === LF) {
      if (i === 0 || bytes[i - 1] !== CR) line++;
    } else if (b === CR) {
      line++;
    } else if (bad[b] === 1 && reportedLine !== line) {
      reportedLine = line;
      if (b === 0) {
        errors.add(
          lineError(
            line,
            `Linje ${line} indeholder et NUL-tegn (byte 0x00); filen er beskadiget eller ikke en tekstfil`,
            "Linjen indeholder et NUL-tegn (byte 0x00); filen er beskadiget eller ikke en tekstfil",
          ),
          "byte",
        );
      } else {
        const why = "som ikke er et tegn i Windows-1252; filen er i et andet tegnsæt eller beskadiget";
        errors.add(
          lineError(
            line,
            `Linje ${line} indeholder byte ${hex(b)}, ${why}`,
            `Linjen indeholder byte ${hex(b)}, ${why}`,
          ),
          "byte",
        );
      }
    }
  }
}

/** Walks the bytes as UTF-8 (WHATWG rules) and reports the first invalid byte of each line. */
function collectInvalidUtf8(
  bytes: Uint8Array,
  errors: ErrorList,
  make: (line: number, byte: number) => DetailedError,
): void {
  let line = 1;
  let reportedLine = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n && errors.count < COLLECT_LIMIT) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      if (b === LF) {
        if (i === 0 || bytes[i - 1] !== CR) line++;
      } else if (b === CR) {
        line++;
      }
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    }
    let ok = need > 0;
    let j = i + 1;
    for (let k = 0; ok && k < need; k++, j++) {
      const c = bytes[j];
      if (c === undefined || c < (k === 0 ? lo : 0x80) || c > (k === 0 ? hi : 0xbf)) ok = false;
    }
    if (ok) {
      i = j;
      continue;
    }
    if (reportedLine !== line) {
      reportedLine = line;
      errors.add(make(line, b), "utf8");
    }
    // Resynchronise on the next byte: a broken sequence may hide a line break.
    i++;
  }
}

/** Offset of a UTF-8 encoded Latin-1 letter (C3 80–BF, e.g. "æ" = C3 A6), or -1. */
function findUtf8Latin1Letter(bytes: Uint8Array): number {
  let i = bytes.indexOf(0xc3);
  while (i !== -1) {
    const next = bytes[i + 1];
    const after = bytes[i + 2];
    // The byte after the pair must not be a continuation byte, or the pair is just part of
    // a longer Windows-1252 letter run (e.g. "Ã" followed by two symbols).
    if (
      next !== undefined &&
      next >= 0x80 &&
      next <= 0xbf &&
      (after === undefined || after < 0x80 || after > 0xbf)
    ) {
      return i;
    }
    i = bytes.indexOf(0xc3, i + 1);
  }
  return -1;
}

/** Maps ascending byte offsets to 1-based line numbers (CR, LF and CRLF each end one line). */
export function offsetsToLines(bytes: Uint8Array, offsets: readonly number[]): number[] {
  const out: number[] = [];
  let line = 1;
  let pos = 0;
  for (const off of offsets) {
    for (; pos < off; pos++) {
      const b = bytes[pos];
      if (b === LF) {
        if (pos === 0 || bytes[pos - 1] !== CR) line++;
      } else if (b === CR) {
        line++;
      }
    }
    out.push(line);
  }
  return out;
}
