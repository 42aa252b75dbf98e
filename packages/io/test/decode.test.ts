import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeText } from "../src/index.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const cp1252 = (s: string): Uint8Array => new Uint8Array(iconv.encode(s, "windows1252"));
const withBom = (b: Uint8Array): Uint8Array => new Uint8Array([0xef, 0xbb, 0xbf, ...b]);

const DANISH = "Konto;Navn;Beløb\r\n6.45.51;Søren Ærø Ålbæk;1.234,50\r\n6.45.52;Ørsted € øst;-25,7\r\n";

function expectErrors(result: ReturnType<typeof decodeText>) {
  if (!("errors" in result)) throw new Error(`expected errors, got text ${JSON.stringify(result.text)}`);
  return result.errors;
}

function expectText(result: ReturnType<typeof decodeText>) {
  if ("errors" in result) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result;
}

describe("decodeText – accepted files", () => {
  it("decodes UTF-8 without BOM", () => {
    expect(expectText(decodeText(utf8(DANISH)))).toEqual({ text: DANISH, encoding: "utf-8", bom: false });
  });

  it("strips a UTF-8 BOM and reports it", () => {
    expect(expectText(decodeText(withBom(utf8(DANISH))))).toEqual({
      text: DANISH,
      encoding: "utf-8",
      bom: true,
    });
  });

  it("keeps a second U+FEFF after the BOM as data", () => {
    const r = expectText(decodeText(withBom(utf8("\uFEFFx"))));
    expect(r.text).toBe("\uFEFFx");
  });

  it("falls back to Windows-1252 for ANSI exports, including € (0x80)", () => {
    const bytes = cp1252(DANISH);
    expect(bytes).toContain(0xe6); // sanity: really single-byte æ
    expect(expectText(decodeText(bytes))).toEqual({ text: DANISH, encoding: "windows-1252", bom: false });
  });

  it("honours a forced Windows-1252 even when the bytes happen to be valid UTF-8", () => {
    const r = expectText(decodeText(utf8("æ"), { encoding: "windows-1252" }));
    expect(r).toEqual({ text: "Ã¦", encoding: "windows-1252", bom: false });
  });

  it("decodes an empty file to empty text", () => {
    expect(expectText(decodeText(new Uint8Array()))).toEqual({ text: "", encoding: "utf-8", bom: false });
  });
});

describe("decodeText – rejected files", () => {
  it("rejects UTF-16 LE with BOM", () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...iconv.encode("Konto;Navn\r\n1;Søren\r\n", "utf16le")]);
    const errors = expectErrors(decodeText(bytes));
    expect(errors).toEqual([
      { line: 0, reason: "Filen er UTF-16-kodet; gem den som UTF-8 eller Windows-1252" },
    ]);
  });

  it("rejects UTF-16 BE with BOM and UTF-16 without BOM (NUL pattern)", () => {
    const be = new Uint8Array([0xfe, 0xff, ...iconv.encode("Konto;Navn\r\n", "utf16be")]);
    const noBom = new Uint8Array(iconv.encode("Konto;Navn\r\n1;Søren Ærø\r\n", "utf16le"));
    for (const bytes of [be, noBom]) {
      const errors = expectErrors(decodeText(bytes));
      expect(errors).toHaveLength(1);
      expect(errors[0]?.reason).toContain("UTF-16");
    }
  });

  it("rejects UTF-16 even when UTF-8 is forced", () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...iconv.encode("a;b\r\n", "utf16le")]);
    expect(expectErrors(decodeText(bytes, { encoding: "utf-8" }))[0]?.reason).toContain("UTF-16");
  });

  it("rejects UTF-32", () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0, 0x3b, 0, 0, 0, 0x62, 0, 0, 0]);
    expect(expectErrors(decodeText(bytes))[0]?.reason).toContain("UTF-32");
  });

  it("names every line with invalid UTF-8 when UTF-8 is forced", () => {
    const lines = ["Konto;Navn", "1;Søren", "2;Æbelø", "3;ok", "4;ok", "5;ok", "6;Århus", "7;ok"];
    const bytes = cp1252(lines.join("\n"));
    const errors = expectErrors(decodeText(bytes, { encoding: "utf-8" }));
    expect(errors.map((e) => e.line)).toEqual([2, 3, 7]);
    expect(errors[0]?.reason).toMatch(/^Ugyldig UTF-8 i linje 2 \(byte 0xF8\): .*Windows-1252/);
    expect(errors[1]?.reason).toMatch(/^Ugyldig UTF-8 i linje 3 \(byte 0xC6\)/);
    expect(errors[2]?.reason).toMatch(/^Ugyldig UTF-8 i linje 7 \(byte 0xC5\)/);
  });

  it("counts CR-only and CRLF line ends when naming lines", () => {
    const bytes = cp1252("a\rb\r\nc\n\næ\r\r\nø");
    expect(expectErrors(decodeText(bytes, { encoding: "utf-8" })).map((e) => e.line)).toEqual([5, 7]);
  });

  it("reports a BOM-marked file with non-UTF-8 bytes instead of guessing", () => {
    const bytes = withBom(cp1252("Konto\n1;Søren\n"));
    const errors = expectErrors(decodeText(bytes));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2 });
    expect(errors[0]?.reason).toContain("BOM");
  });

  it("names every line containing bytes undefined in Windows-1252", () => {
    const bytes = new Uint8Array([
      ...cp1252("Konto;Navn\r\n1;Søren\r\n2;"),
      0x81,
      0x8d,
      ...cp1252("\r\n3;ok\r\n4;"),
      0x9d,
      ...cp1252("\r\n5;"),
      0x8f,
      0x90,
      ...cp1252("\r\n"),
    ]);
    const errors = expectErrors(decodeText(bytes));
    expect(errors.map((e) => e.line)).toEqual([3, 5, 6]);
    expect(errors[0]?.reason).toBe(
      "Linje 3 indeholder byte 0x81, som ikke er et tegn i Windows-1252; filen er i et andet tegnsæt eller beskadiget",
    );
    expect(errors[1]?.reason).toContain("0x9D");
    expect(errors[2]?.reason).toContain("0x8F");
  });

  it("names lines containing NUL bytes", () => {
    const bytes = new Uint8Array([...utf8("a;b\nc;d\ne;"), 0, ...utf8("f\ng;h\n")]);
    const errors = expectErrors(decodeText(bytes));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe(3);
    expect(errors[0]?.reason).toContain("NUL");
  });

  it("rejects binary data as a whole rather than line by line", () => {
    const bytes = new Uint8Array(2000).map((_, i) => (i % 10 === 0 ? 0 : 65 + (i % 7)));
    const errors = expectErrors(decodeText(bytes));
    expect(errors).toEqual([{ line: 0, reason: expect.stringContaining("binære data") }]);
  });

  it("rejects a file that mixes UTF-8 and Windows-1252 instead of producing mojibake", () => {
    const bytes = new Uint8Array([...utf8("Konto;Navn\n1;Søren\n"), ...cp1252("2;Ærø\n3;ok\n4;Åen\n")]);
    const errors = expectErrors(decodeText(bytes));
    expect(errors.map((e) => e.line)).toEqual([3, 5]);
    expect(errors[0]?.reason).toContain("linje 2 er UTF-8");
  });

  it("rejects Windows-1252 forced on a file with a UTF-8 BOM", () => {
    const errors = expectErrors(decodeText(withBom(utf8("a\n")), { encoding: "windows-1252" }));
    expect(errors[0]?.reason).toContain("BOM");
  });

  it("caps the number of errors with a summary", () => {
    const bytes = cp1252(Array.from({ length: 10 }, (_, i) => `${i};æ`).join("\n"));
    const errors = expectErrors(decodeText(bytes, { encoding: "utf-8", maxErrors: 4 }));
    expect(errors).toHaveLength(5);
    expect(errors.slice(0, 4).map((e) => e.line)).toEqual([1, 2, 3, 4]);
    expect(errors[4]).toMatchObject({ line: 0 });
    expect(errors[4]?.reason).toContain("6 fejl mere efter linje 4");
  });
});
