import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CsvSeparator, SourceRow, TextError } from "../src/index.ts";
import {
  CsvParseError,
  createCsvParser,
  decodeText,
  formatDecimal,
  parseAmountOre,
  parseCsv,
  parseDecimal,
  writeCsv,
} from "../src/index.ts";

const SPECIAL = [
  ";",
  ",",
  "\t",
  '"',
  "\r",
  "\n",
  "\r\n",
  "æ",
  "ø",
  "å",
  "Æ",
  "Ø",
  "Å",
  "€",
  " ",
  "a",
  "1",
  ".",
];

/** Cell text rich in CSV metacharacters, plus arbitrary Unicode (NUL and U+FEFF excluded, see below). */
const cellText = fc.oneof(
  fc.array(fc.constantFrom(...SPECIAL), { maxLength: 12 }).map((parts) => parts.join("")),
  // NUL is rejected by decodeText by design, and a leading U+FEFF would be taken as a BOM.
  fc.string({ unit: "binary", maxLength: 12 }).map((s) => s.replace(/[\0\uFEFF]/g, "x")),
);

const separator = fc.constantFrom<CsvSeparator>(";", ",", "\t");

function lineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\r" || (c === "\n" && s[i - 1] !== "\r")) n++;
  }
  return n;
}

describe("properties", () => {
  it("writeCsv → decodeText → parseCsv round-trips any cell text, with physical line numbers", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cellText, { minLength: 1, maxLength: 5 }), { maxLength: 8 }),
        separator,
        fc.boolean(),
        (rows, sep, bom) => {
          const decoded = decodeText(writeCsv(rows, { separator: sep, bom }));
          if ("errors" in decoded) throw new Error(JSON.stringify(decoded.errors));
          expect(decoded.encoding).toBe("utf-8");
          expect(decoded.bom).toBe(bom);
          const parsed = parseCsv(decoded.text, { separator: sep });
          if ("errors" in parsed) throw new Error(JSON.stringify(parsed.errors));
          expect(parsed.rows.map((r) => r.cells)).toEqual(rows);
          let line = 1;
          const expectedLines = rows.map((cells) => {
            const start = line;
            line += 1 + cells.reduce((sum, c) => sum + lineBreaks(c), 0);
            return start;
          });
          expect(parsed.rows.map((r) => r.line)).toEqual(expectedLines);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("formatting a bigint with Danish separators and parsing it as 'da' gives it back", () => {
    const plainDecimal = (units: bigint, scale: number): string => {
      const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, "0");
      const int = digits.slice(0, digits.length - scale);
      return `${units < 0n ? "-" : ""}${int}${scale > 0 ? `.${digits.slice(digits.length - scale)}` : ""}`;
    };
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom("intl", "own", "nbsp", "parens"),
        (units, scale, style) => {
          let text: string;
          if (style === "intl") {
            // Independent formatter: ICU's Danish locale, fed an exact decimal string.
            const intl = new Intl.NumberFormat("da-DK", {
              minimumFractionDigits: scale,
              maximumFractionDigits: scale,
            });
            text = intl.format(plainDecimal(units, scale) as unknown as number);
          } else {
            text = formatDecimal(units, scale, "da");
            if (style === "nbsp") text = text.replaceAll(".", "\u00A0");
            if (style === "parens" && units < 0n) text = `(${text.slice(1)})`;
          }
          expect(parseDecimal(text, "da")).toEqual({ ok: true, units, scale });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("parseAmountOre converts float kroner and tkr from XLSX to exact øre", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15), max: 10 ** 15 }), (ore) => {
        expect(parseAmountOre(ore / 100, "kr", "da")).toEqual({ ok: true, ore: BigInt(ore) });
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15), max: 10 ** 15 }), (ore) => {
        expect(parseAmountOre(ore / 100_000, "tkr", "da")).toEqual({ ok: true, ore: BigInt(ore) });
      }),
    );
  });

  const csvText = fc.oneof(
    fc
      .array(fc.constantFrom(";", ",", "\t", '"', '""', "\r", "\n", "\r\n", "a", "æ", "1", " ", "\uFEFF"), {
        maxLength: 300,
      })
      .map((parts) => parts.join("")),
    fc
      .tuple(fc.array(fc.array(cellText, { minLength: 1, maxLength: 4 }), { maxLength: 30 }), separator)
      .map(([rows, sep]) => new TextDecoder().decode(writeCsv(rows, { separator: sep, bom: false }))),
  );

  type Outcome = { separator: string; rows: SourceRow[] } | { errors: TextError[] };

  function streamed(chunks: string[], sep: CsvSeparator | "auto"): Outcome {
    const parser = createCsvParser({ separator: sep });
    const rows: SourceRow[] = [];
    try {
      for (const c of chunks) rows.push(...parser.push(c));
      rows.push(...parser.end());
    } catch (e) {
      if (e instanceof CsvParseError) return { errors: e.errors };
      throw e;
    }
    return { separator: parser.separator ?? "?", rows };
  }

  it("the streaming parser equals the one-shot parser for any chunking", () => {
    fc.assert(
      fc.property(
        csvText,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom<CsvSeparator | "auto">("auto", ";", ",", "\t"),
        (text, cuts, sep) => {
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let prev = 0;
          for (const p of [...points, text.length]) {
            chunks.push(text.slice(prev, p));
            prev = p;
          }
          expect(streamed(chunks, sep)).toEqual(parseCsv(text, { separator: sep }));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("the streaming parser agrees with one-shot when the sniff sample cap falls mid-stream", () => {
    // Only the "," falls inside the 64 KiB sample, so both must pick "," – and agree.
    const longLine = `${"x".repeat(60_000)},${"x".repeat(10_000)};y\n`;
    const text = `${longLine}a;b\n`;
    const chunks = [
      text.slice(0, 30_000),
      text.slice(30_000, 65_536),
      text.slice(65_536, 65_537),
      text.slice(65_537),
    ];
    const oneShot = parseCsv(text);
    expect(oneShot).toMatchObject({ separator: "," });
    expect(streamed(chunks, "auto")).toEqual(oneShot);
  });
});
