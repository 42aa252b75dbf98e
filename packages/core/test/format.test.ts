import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount, formatDecimal, formatKroner, formatQuanta } from "../src/format.ts";
import { AMOUNT_UNITS, type AmountUnit, roundToUnit, unitDecimals } from "../src/money.ts";

const LIMIT = 10n ** 15n;
const bigAmount = fc.bigInt({ min: -LIMIT, max: LIMIT });
const anyUnit = fc.constantFrom<AmountUnit>(...AMOUNT_UNITS);

function parseDanish(s: string): bigint {
  return BigInt(s.replaceAll(".", "").replace(",", ""));
}

describe("formatQuanta", () => {
  it.each<[bigint, number, string]>([
    [388_324n, 0, "388.324"],
    [-257n, 1, "-25,7"],
    [5n, 1, "0,5"],
    [-5n, 1, "-0,5"],
    [0n, 0, "0"],
    [0n, 2, "0,00"],
    [1n, 2, "0,01"],
    [-5n, 2, "-0,05"],
    [999n, 0, "999"],
    [1000n, 0, "1.000"],
    [-1000n, 0, "-1.000"],
    [999_999n, 0, "999.999"],
    [1_000_000n, 0, "1.000.000"],
    [50_190_100n, 0, "50.190.100"],
    [123_450n, 2, "1.234,50"],
    [1_234_567n, 3, "1.234,567"],
    [10n ** 20n, 0, "100.000.000.000.000.000.000"],
  ])("formatQuanta(%s, %s) = %j", (q, decimals, expected) => {
    expect(formatQuanta(q, decimals)).toBe(expected);
  });

  it.each([-1, 1.5, Number.NaN])("rejects %s decimals", (decimals) => {
    expect(() => formatQuanta(1n, decimals)).toThrow(RangeError);
  });

  it("round-trips: removing dots and the comma gives the quanta back", () => {
    fc.assert(
      fc.property(bigAmount, fc.integer({ min: 0, max: 6 }), (q, decimals) => {
        expect(parseDanish(formatQuanta(q, decimals))).toBe(q);
      }),
    );
  });

  it("has Danish shape: groups of three, no leading zeros, exactly `decimals` decimals", () => {
    fc.assert(
      fc.property(bigAmount, fc.integer({ min: 0, max: 6 }), (q, decimals) => {
        const s = formatQuanta(q, decimals);
        const fraction = decimals > 0 ? `,\\d{${decimals}}` : "";
        expect(s).toMatch(new RegExp(`^-?(0|[1-9]\\d{0,2}(\\.\\d{3})*)${fraction}$`));
        expect(s.startsWith("-")).toBe(q < 0n);
      }),
    );
  });
});

describe("formatAmount", () => {
  it("prints amounts as they appear in budget documents", () => {
    expect(formatAmount(5_019_010_000n, "kr", { suffix: true })).toBe("50.190.100 kr.");
    expect(formatAmount(-2_570_000_000n, "mio", { suffix: true })).toBe("-25,7 mio. kr.");
    expect(formatAmount(388_324_000_00n, "tkr", { suffix: true })).toBe("388.324 t.kr.");
    expect(formatAmount(388_324_000_00n, "tkr")).toBe("388.324");
    expect(formatAmount(-25_690_000_00n, "mio")).toBe("-25,7");
    expect(formatAmount(0n, "mio", { suffix: true })).toBe("0,0 mio. kr.");
  });

  it("rounds half away from zero to the unit's quantum", () => {
    expect(formatAmount(50n, "kr")).toBe("1");
    expect(formatAmount(-50n, "kr")).toBe("-1");
    expect(formatAmount(49_999n, "tkr")).toBe("0");
    expect(formatAmount(50_000n, "tkr")).toBe("1");
    expect(formatAmount(-5_000_000n, "mio")).toBe("-0,1");
  });

  it("never prints a negative zero", () => {
    expect(formatAmount(-49n, "kr")).toBe("0");
    expect(formatAmount(-4_999_999n, "mio")).toBe("0,0");
  });

  it("prints a custom number of decimals, as in '0,579 mio. kr.'", () => {
    expect(formatAmount(57_900_000n, "mio", { decimals: 3, suffix: true })).toBe("0,579 mio. kr.");
    expect(formatAmount(175_000_000n, "mio", { decimals: 3 })).toBe("1,750");
    expect(formatAmount(-57_950_000n, "mio", { decimals: 3 })).toBe("-0,580");
    expect(formatAmount(12_345n, "kr", { decimals: 2 })).toBe("123,45");
    // More decimals than the øre can fill are padded, not invented.
    expect(formatAmount(12_345n, "kr", { decimals: 4 })).toBe("123,4500");
  });

  it("agrees with roundToUnit followed by formatQuanta", () => {
    fc.assert(
      fc.property(bigAmount, anyUnit, (ore, unit) => {
        expect(formatAmount(ore, unit)).toBe(formatQuanta(roundToUnit(ore, unit), unitDecimals(unit)));
      }),
    );
  });
});

describe("formatKroner", () => {
  it("prints whole kroner by default, rounding half away from zero", () => {
    expect(formatKroner(5_019_010_000n)).toBe("50.190.100 kr.");
    expect(formatKroner(123_450n)).toBe("1.235 kr.");
    expect(formatKroner(-123_450n)).toBe("-1.235 kr.");
    expect(formatKroner(123_449n)).toBe("1.234 kr.");
  });

  it("prints øre as two decimals on request", () => {
    expect(formatKroner(123_450n, { ore: true })).toBe("1.234,50 kr.");
    expect(formatKroner(-5n, { ore: true })).toBe("-0,05 kr.");
    expect(formatKroner(5_019_010_000n, { ore: true })).toBe("50.190.100,00 kr.");
  });
});

describe("formatDecimal", () => {
  it.each<[bigint, number, number, string]>([
    [1750n, 3, 3, "1,750"],
    [1750n, 3, 1, "1,8"],
    [-1750n, 3, 1, "-1,8"],
    [1749n, 3, 2, "1,75"],
    [1749n, 3, 1, "1,7"],
    [1749n, 3, 0, "2"],
    [5n, 0, 2, "5,00"],
    [-1234567n, 2, 0, "-12.346"],
    [57_900_000n, 8, 3, "0,579"],
  ])("formatDecimal(%s, %s, %s) = %j", (value, scale, decimals, expected) => {
    expect(formatDecimal(value, scale, decimals)).toBe(expected);
  });

  it("rejects negative or fractional scale and decimals", () => {
    expect(() => formatDecimal(1n, -1, 0)).toThrow(RangeError);
    expect(() => formatDecimal(1n, 0, 0.5)).toThrow(RangeError);
  });

  it("is exact when no digits are dropped", () => {
    fc.assert(
      fc.property(
        bigAmount,
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 4 }),
        (v, scale, extra) => {
          const s = formatDecimal(v, scale, scale + extra);
          expect(parseDanish(s)).toBe(v * 10n ** BigInt(extra));
        },
      ),
    );
  });
});
