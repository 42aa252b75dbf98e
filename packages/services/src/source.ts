/**
 * Reading an import file as rows. Small files go through @bevilling/io's whole-file readers,
 * which report every bad line; big CSV files (ledger extracts run to millions of lines) are
 * streamed in chunks so a file never has to fit in one JavaScript string.
 */
import { createReadStream, statSync } from "node:fs";
import {
  type Cell,
  CsvParseError,
  createCsvParser,
  type FileError,
  readTable,
  type SourceRow,
} from "@bevilling/io";
import type { Mapping } from "./mapping.ts";

export interface ImportSource {
  fileName: string;
  bytes?: Uint8Array;
  /** A file on disk; streamed when large. */
  path?: string;
}

export interface OpenedTable {
  header: string[];
  headerLine: number;
  encoding?: string | undefined;
  separator?: string | undefined;
  /** Total bytes, for progress; rows arrive in batches. */
  size: number;
  batches: AsyncIterable<{ rows: SourceRow[]; bytesRead: number }>;
}

const STREAM_THRESHOLD = 64 * 1024 * 1024;

export function cellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return "";
  return typeof c === "number" ? String(c) : c.trim();
}

export async function openTable(
  source: ImportSource,
  format: Mapping["format"],
): Promise<OpenedTable | { errors: FileError[] }> {
  const file = source.fileName;
  const isCsv = !/\.xlsx$/i.test(file);
  if (source.path && isCsv && statSync(source.path).size > STREAM_THRESHOLD) {
    return streamCsv(source.path, file, format);
  }
  const bytes = source.bytes ?? (source.path ? await readAll(source.path) : new Uint8Array());
  const opts: Parameters<typeof readTable>[2] = {};
  // Mappings count sheets from 1 as people do; the reader counts from 0.
  if (format.sheet !== undefined)
    opts.sheet = typeof format.sheet === "number" ? format.sheet - 1 : format.sheet;
  if (format.separator !== "auto") opts.separator = format.separator;
  if (format.encoding !== "auto") opts.encoding = format.encoding;
  const table = await readTable(bytes, file, opts);
  if ("errors" in table) return table;
  const [first, ...rest] = table.rows;
  if (!first) return { errors: [{ file, reason: "Filen er tom" }] };
  return {
    header: first.cells.map(cellText),
    headerLine: first.line,
    encoding: table.encoding,
    separator: table.separator,
    size: bytes.byteLength,
    batches: (async function* () {
      for (let i = 0; i < rest.length; i += 10_000) {
        yield {
          rows: rest.slice(i, i + 10_000),
          bytesRead: Math.round((bytes.byteLength * Math.min(i + 10_000, rest.length)) / rest.length),
        };
      }
    })(),
  };
}

async function readAll(path: string): Promise<Uint8Array> {
  const { readFile } = await import("node:fs/promises");
  return new Uint8Array(await readFile(path));
}

/**
 * Streams a large CSV. The encoding is decided from the first megabyte (BOM, or valid UTF-8, else
 * Windows-1252); a later byte sequence that is not valid in it fails the import with its line.
 */
async function streamCsv(
  path: string,
  file: string,
  format: Mapping["format"],
): Promise<OpenedTable | { errors: FileError[] }> {
  const size = statSync(path).size;
  const head = await readHead(path, 1024 * 1024);
  let encoding = format.encoding === "auto" ? undefined : format.encoding;
  if (!encoding) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, lastCompleteUtf8(head)));
      encoding = "utf-8";
    } catch {
      encoding = "windows-1252";
    }
  }
  const parser = createCsvParser({ separator: format.separator });
  const stream = createReadStream(path, { highWaterMark: 4 * 1024 * 1024 });
  const iterator = stream[Symbol.asyncIterator]();
  const fresh = new TextDecoder(encoding === "utf-8" ? "utf-8" : "windows-1252", { fatal: true });
  let header: string[] | undefined;
  let headerLine = 1;
  let pending: SourceRow[] = [];
  let bytesRead = 0;
  // Pull until the header row is known, then hand the rest out batch by batch.
  while (!header) {
    const next = await iterator.next();
    const chunk: Buffer | undefined = next.done ? undefined : (next.value as Buffer);
    if (chunk) bytesRead += chunk.length;
    let rows: SourceRow[];
    try {
      rows = chunk ? parser.push(fresh.decode(chunk, { stream: true })) : parser.end();
    } catch (e) {
      // The same answers as after the header: a bad byte or an unterminated quote is the file's fault.
      if (e instanceof CsvParseError)
        return { errors: e.errors.map((t) => ({ file, line: t.line, reason: t.reason })) };
      return { errors: [{ file, reason: new StreamDecodeError(file, encoding).message }] };
    }
    pending.push(...rows);
    const first = pending.shift();
    if (first) {
      header = first.cells.map(cellText);
      headerLine = first.line;
    } else if (!chunk) {
      return { errors: [{ file, reason: "Filen er tom" }] };
    }
  }
  return {
    header,
    headerLine,
    encoding,
    separator: parser.separator ?? undefined,
    size,
    batches: (async function* () {
      if (pending.length > 0) yield { rows: pending, bytesRead };
      pending = [];
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const chunk = next.value as Buffer;
        bytesRead += chunk.length;
        let text: string;
        try {
          text = fresh.decode(chunk, { stream: true });
        } catch {
          throw new StreamDecodeError(file, encoding as string);
        }
        const rows = parser.push(text);
        if (rows.length > 0) yield { rows, bytesRead };
      }
      const rest = parser.end();
      if (rest.length > 0) yield { rows: rest, bytesRead };
    })(),
  };
}

export class StreamDecodeError extends Error {
  constructor(
    readonly file: string,
    readonly encoding: string,
  ) {
    super(`${file}: filen indeholder bytes, der ikke er gyldige i ${encoding}`);
  }
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  const { open } = await import("node:fs/promises");
  const fh = await open(path, "r");
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Index after the last complete UTF-8 sequence, so a sample cut mid-character still validates. */
function lastCompleteUtf8(b: Uint8Array): number {
  let i = b.length;
  let k = 0;
  while (i > 0 && k < 4 && ((b[i - 1] as number) & 0xc0) === 0x80) {
    i--;
    k++;
  }
  if (i > 0 && (b[i - 1] as number) >= 0xc0) return i - 1;
  return b.length;
}
