import { describe, expect, it } from "vitest";
import { formatCellForCsv, writeCsv } from "../src/index.ts";

const text = (b: Uint8Array): string => new TextDecoder("utf-8", { ignoreBOM: true }).decode(b);

describe("writeCsv", () => {
  it("defaults to BOM, semicolon, CRLF and decimal comma for Danish Excel", () => {
    const bytes = writeCsv([
      ["Konto", "Navn", "Beløb"],
      ["6.45.51", "Søren; Ærø", 388324],
      ["6.45.52", 'Citat "x"', -25.7],
      ["6.45.53", "to\nlinjer", null],
    ]);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text(bytes.subarray(3))).toBe(
      'Konto;Navn;Beløb\r\n6.45.51;"Søren; Ærø";388324\r\n6.45.52;"Citat ""x""";-25,7\r\n6.45.53;"to\nlinjer";\r\n',
    );
  });

  it("uses a decimal point with comma separator, and quotes only what needs it", () => {
    const bytes = writeCsv(
      [
        ["a,b", "a;b", 1.5],
        ["c\rd", "", 1e21],
      ],
      { separator: ",", bom: false },
    );
    expect(text(bytes)).toBe('"a,b",a;b,1.5\r\n"c\rd",,1000000000000000000000\r\n');
  });

  it("writes tab-separated with decimal comma unless told otherwise", () => {
    expect(text(writeCsv([["a\tb", 0.5]], { separator: "\t", bom: false }))).toBe('"a\tb"\t0,5\r\n');
    expect(text(writeCsv([[0.5, 1e-7]], { separator: "\t", bom: false, decimal: "." }))).toBe(
      "0.5\t0.0000001\r\n",
    );
  });

  it("keeps a row with one empty cell as a record and writes nothing for no rows", () => {
    expect(text(writeCsv([["a"], [""], [null]], { bom: false }))).toBe('a\r\n""\r\n""\r\n');
    expect(writeCsv([], { bom: false })).toEqual(new Uint8Array());
  });

  it("quotes a leading ID without BOM so Excel does not take the file for SYLK", () => {
    expect(text(writeCsv([["ID", "Navn"]], { bom: false }))).toBe('"ID";Navn\r\n');
    expect(text(writeCsv([["ID", "Navn"]]).subarray(3))).toBe("ID;Navn\r\n");
  });

  it("refuses non-finite numbers", () => {
    expect(() => writeCsv([[Number.POSITIVE_INFINITY]])).toThrow(RangeError);
  });
});

describe("formatCellForCsv", () => {
  it("formats single cells", () => {
    expect(formatCellForCsv(null)).toBe("");
    expect(formatCellForCsv(-1234.5)).toBe("-1234,5");
    expect(formatCellForCsv(-1234.5, { separator: "," })).toBe("-1234.5");
    expect(formatCellForCsv(-1234.5, { separator: ",", decimal: "," })).toBe('"-1234,5"');
    expect(formatCellForCsv("a;b")).toBe('"a;b"');
    expect(formatCellForCsv("a;b", { separator: "\t" })).toBe("a;b");
  });
});
