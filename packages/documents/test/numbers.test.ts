import { AMOUNT_UNITS, formatAmount, roundToUnit, unitDecimals } from "@bevilling/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { excelNumberFormat, parseFormattedNumber } from "../src/index.ts";

/** The decimal number written with "." as decimal point, from a count of quanta: (-257n, 1) → "-25.7". */
function plainDecimal(quanta: bigint, decimals: number): string {
  const sign = quanta < 0n ? "-" : "";
  const digits = (quanta < 0n ? -quanta : quanta).toString().padStart(decimals + 1, "0");
  const split = digits.length - decimals;
  return decimals > 0 ? `${sign}${digits.slice(0, split)}.${digits.slice(split)}` : `${sign}${digits}`;
}

describe("parseFormattedNumber", () => {
  it.each([
    ["1.200", 1200, 0],
    ["-5.300", -5300, 0],
    ["50.190.100", 50190100, 0],
    ["-25,7", -25.7, 1],
    ["0", 0, 0],
    ["0,5", 0.5, 1],
    ["-0,050", -0.05, 3],
    ["4500", 4500, 0],
    ["600", 600, 0],
    ["-13.200", -13200, 0],
    ["1.234,56", 1234.56, 2],
    ["\u22125.300", -5300, 0],
    ["999.999.999.999.999", 999_999_999_999_999, 0],
  ])("reads %s as %d", (text, value, decimals) => {
    expect(parseFormattedNumber(text)).toEqual({ value, decimals });
  });

  it("reads -0 as 0, not negative zero", () => {
    expect(Object.is(parseFormattedNumber("-0")?.value, 0)).toBe(true);
    expect(Object.is(parseFormattedNumber("-0,0")?.value, 0)).toBe(true);
  });

  it.each([
    "",
    " ",
    "I alt",
    "2 direktører",
    "1.75",
    "1.2345",
    "12.34.567",
    ".200",
    "1.200,",
    ",5",
    "+5",
    "--5",
    "- 5",
    "5 ",
    " 5",
    "007",
    "01.200",
    "1,2,3",
    "1e3",
    "NaN",
    "Infinity",
    "1 200",
    "3106 // Medarbejderkommunikation",
    // 16 significant digits: a double cannot hold it, so it stays text.
    "1.000.000.000.000.001",
    "12.345.678.901.234,56",
  ])("leaves %j as text", (text) => {
    expect(parseFormattedNumber(text)).toBeUndefined();
  });

  it("round-trips every amount formatAmount prints, in every unit", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n }),
        fc.constantFrom(...AMOUNT_UNITS),
        (ore, unit) => {
          const text = formatAmount(ore, unit);
          const decimals = unitDecimals(unit);
          const quanta = roundToUnit(ore, unit);
          const significant = (quanta < 0n ? -quanta : quanta).toString().replace(/^0+/u, "").length;
          const parsed = parseFormattedNumber(text);
          if (significant > 15) {
            expect(parsed).toBeUndefined();
          } else {
            expect(parsed).toEqual({ value: Number(plainDecimal(quanta, decimals)), decimals });
            // …and the number Excel stores shows the same digits again.
            expect(parsed?.value.toFixed(decimals)).toBe(plainDecimal(quanta, decimals));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("excelNumberFormat", () => {
  it("shows whole numbers with a thousands separator and decimals as printed", () => {
    expect(excelNumberFormat(0)).toBe("#,##0");
    expect(excelNumberFormat(1)).toBe("#,##0.0");
    expect(excelNumberFormat(3)).toBe("#,##0.000");
  });
});
