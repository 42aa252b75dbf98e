import { describe, expect, it } from "vitest";
import type { SourceRow } from "../src/index.ts";
import { CsvParseError, createCsvParser, parseCsv, sniffSeparator } from "../src/index.ts";

function rowsOf(result: ReturnType<typeof parseCsv>): SourceRow[] {
  if ("errors" in result) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.rows;
}

function sepOf(text: string): string {
  const r = parseCsv(text);
  if ("errors" in r) throw new Error("unexpected errors");
  return r.separator;
}

describe("parseCsv", () => {
  it("parses a Danish semicolon export with decimal commas", () => {
    const text =
      "Konto;Tekst;B2025;B2026\r\n6.45.51;Skoler, drift;388.324;1.234,50\r\n6.45.52;Tandpleje;50.190.100;-25,7\r\n";
    const r = parseCsv(text);
    expect(r).toEqual({
      separator: ";",
      rows: [
        { line: 1, cells: ["Konto", "Tekst", "B2025", "B2026"] },
        { line: 2, cells: ["6.45.51", "Skoler, drift", "388.324", "1.234,50"] },
        { line: 3, cells: ["6.45.52", "Tandpleje", "50.190.100", "-25,7"] },
      ],
    });
  });

  it("detects ';' when every line also has exactly one decimal comma", () => {
    expect(sepOf("6.45.51;1.234,50\n6.45.52;2,00\n6.45.53;17,25\n")).toBe(";");
    expect(sepOf("6.45.51;1.234,50")).toBe(";");
  });

  it("detects ',' and tab", () => {
    expect(sepOf("konto,belob\n1,2\n3,4\n")).toBe(",");
    expect(sepOf("konto\tbeløb\n1\t2,5\n3\t4,75\n")).toBe("\t");
  });

  it("ignores separators inside quotes when detecting", () => {
    expect(sepOf('navn,beløb\n"Jensen; Hans",5\n"Ærø; Søby",7\n')).toBe(",");
    expect(sepOf('navn;beløb\n"Jensen, Hans";5\n"Ærø, Søby";7\n')).toBe(";");
  });

  it("defaults to ';' for a single-column file", () => {
    expect(sepOf("a\nb\n")).toBe(";");
    expect(sepOf("")).toBe(";");
  });

  it("only samples the first records: later inconsistent lines do not change the verdict", () => {
    const head = Array.from({ length: 20 }, (_, i) => `${i},x`).join("\n");
    const tail = Array.from({ length: 50 }, () => "a;b;c;d").join("\n");
    expect(sniffSeparator(`${head}\n${tail}`, true)).toBe(",");
    expect(sniffSeparator(head.slice(0, 30), false)).toBeNull();
  });

  it("handles quoted separators, escaped quotes and embedded newlines with physical line numbers", () => {
    const text = 'navn;note;beløb\n"Hansen; Ærø";"sagde ""hej""\npå to linjer";5\nÅse;"";7\n';
    expect(rowsOf(parseCsv(text, { separator: ";" }))).toEqual([
      { line: 1, cells: ["navn", "note", "beløb"] },
      { line: 2, cells: ["Hansen; Ærø", 'sagde "hej"\npå to linjer', "5"] },
      { line: 4, cells: ["Åse", "", "7"] },
    ]);
  });

  it("treats CRLF, LF and CR alike, also inside quoted fields", () => {
    const lf = 'a;"x\ny"\nb;c\n';
    const expected = [
      { line: 1, cells: ["a", "x\ny"] },
      { line: 3, cells: ["b", "c"] },
    ];
    expect(rowsOf(parseCsv(lf))).toEqual(expected);
    const crlf = rowsOf(parseCsv(lf.replaceAll("\n", "\r\n")));
    expect(crlf.map((r) => r.line)).toEqual([1, 3]);
    expect(crlf[0]?.cells).toEqual(["a", "x\r\ny"]);
    const cr = rowsOf(parseCsv(lf.replaceAll("\n", "\r")));
    expect(cr.map((r) => r.line)).toEqual([1, 3]);
    expect(cr[1]?.cells).toEqual(["b", "c"]);
  });

  it("skips blank lines (keeping line numbers) and trailing empty lines, keeps separator-only lines", () => {
    expect(rowsOf(parseCsv("a;b\n\n\nc;d\n;\n\r\n\n"))).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 4, cells: ["c", "d"] },
      { line: 5, cells: ["", ""] },
    ]);
  });

  it("keeps an empty last field after a trailing separator, with or without final newline", () => {
    expect(rowsOf(parseCsv("a;b;\n", { separator: ";" }))[0]?.cells).toEqual(["a", "b", ""]);
    expect(rowsOf(parseCsv("a;b;", { separator: ";" }))[0]?.cells).toEqual(["a", "b", ""]);
  });

  it("keeps a quoted empty field on its own line as a record", () => {
    expect(rowsOf(parseCsv('a\n""\nb\n', { separator: ";" }))).toEqual([
      { line: 1, cells: ["a"] },
      { line: 2, cells: [""] },
      { line: 3, cells: ["b"] },
    ]);
  });

  it("is lenient with stray quotes like Excel", () => {
    expect(rowsOf(parseCsv('12" skærm;5\n"ab"cd;6\n', { separator: ";" }))).toEqual([
      { line: 1, cells: ['12" skærm', "5"] },
      { line: 2, cells: ["abcd", "6"] },
    ]);
  });

  it("strips a leading U+FEFF", () => {
    expect(rowsOf(parseCsv("\uFEFFKonto;Beløb\n1;2\n"))[0]?.cells).toEqual(["Konto", "Beløb"]);
  });

  it("reports an unterminated quote at the line where it opened", () => {
    const r = parseCsv('a;b\nc;d\n"Søren;5\ne;f\ng;h\n', { separator: ";" });
    expect(r).toEqual({ errors: [{ line: 3, reason: expect.stringContaining("linje 3 lukkes aldrig") }] });
  });
});

describe("createCsvParser", () => {
  it("handles records, CRLF and escaped quotes split across chunks", () => {
    const p = createCsvParser({ separator: ";" });
    const out: SourceRow[] = [];
    for (const chunk of ['a;"x"', '"y";b\r', "\nc;", "d\r", '\n"e\r', "\nf", '"\r\n'])
      out.push(...p.push(chunk));
    out.push(...p.end());
    expect(out).toEqual([
      { line: 1, cells: ["a", 'x"y', "b"] },
      { line: 2, cells: ["c", "d"] },
      { line: 3, cells: ["e\r\nf"] },
    ]);
  });

  it("emits complete records as soon as they are complete", () => {
    const p = createCsvParser({ separator: ";" });
    expect(p.push("a;b\nc")).toEqual([{ line: 1, cells: ["a", "b"] }]);
    expect(p.push(";d")).toEqual([]);
    expect(p.end()).toEqual([{ line: 2, cells: ["c", "d"] }]);
  });

  it("holds rows back until the separator is sniffed, then reports it", () => {
    const p = createCsvParser();
    expect(p.push("a,b\n1,2\n")).toEqual([]);
    expect(p.separator).toBeNull();
    const rows = p.end();
    expect(p.separator).toBe(",");
    expect(rows.map((r) => r.cells)).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("decides the separator mid-stream once enough records have arrived", () => {
    const p = createCsvParser();
    const lines = Array.from({ length: 25 }, (_, i) => `${i}\t${i},5\n`);
    const early = p.push(lines.join(""));
    expect(p.separator).toBe("\t");
    expect(early).toHaveLength(25);
    expect(early[24]).toEqual({ line: 25, cells: ["24", "24,5"] });
  });

  it("throws CsvParseError with the line of an unterminated quote", () => {
    const p = createCsvParser({ separator: ";" });
    p.push('a;b\n"open');
    expect(() => p.end()).toThrow(CsvParseError);
    const q = createCsvParser({ separator: ";" });
    q.push('a;b\n"open\nmore');
    try {
      q.end();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CsvParseError);
      expect((e as CsvParseError).errors.map((x) => x.line)).toEqual([2]);
    }
  });

  it("refuses input after end()", () => {
    const p = createCsvParser({ separator: ";" });
    p.end();
    expect(() => p.push("a")).toThrow();
  });
});
