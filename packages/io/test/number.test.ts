import { describe, expect, it } from "vitest";
import {
  decimalFromNumber,
  detectNumberFormat,
  formatDecimal,
  formatOre,
  isEmptyCell,
  parseAmountOre,
  parseDecimal,
} from "../src/index.ts";

const ok = (units: bigint, scale: number) => ({ ok: true, units, scale });

describe("parseDecimal – da", () => {
  it.each([
    ["1.234.567,89", ok(123456789n, 2)],
    ["-1.234", ok(-1234n, 0)],
    ["0,5", ok(5n, 1)],
    ["1,750", ok(1750n, 3)],
    ["388.324", ok(388324n, 0)],
    ["50.190.100", ok(50190100n, 0)],
    ["-25,7", ok(-257n, 1)],
    ["1234567", ok(1234567n, 0)],
    ["  +12,00\t", ok(1200n, 2)],
    ["−25,7", ok(-257n, 1)],
    ["(1.234)", ok(-1234n, 0)],
    ["( 1.234,5 )", ok(-12345n, 1)],
    ["1\u00A0234\u00A0567,5", ok(12345675n, 1)],
    ["1\u2009234", ok(1234n, 0)],
    ["1 234", ok(1234n, 0)],
    ["1.234,50-", ok(-123450n, 2)],
    ["1.234,-", ok(1234n, 0)],
    [",5", ok(5n, 1)],
    ["-0", ok(0n, 0)],
    ["007", ok(7n, 0)],
    ["123456789012345678901234567890,123456789", ok(123456789012345678901234567890123456789n, 9)],
  ])("%j", (input, expected) => {
    expect(parseDecimal(input, "da")).toEqual(expected);
  });

  it.each([
    ["", "tom celle"],
    ["   ", "tom celle"],
    ["12a", '"12a" er ikke et tal (ugyldigt tegn "a")'],
    ["abc", '"abc" er ikke et tal'],
    ["1.23,4", "tusindtalsseparator"],
    ["12.5", "decimaltegnet komma"],
    ["1.2345", "tusindtalsseparator"],
    [".123", "starte med en tusindtalsseparator"],
    ["1..234", "tusindtalsseparator"],
    ["1,2,3", "mere end ét decimalkomma"],
    ["1,234.5", "punktum efter decimalkommaet"],
    ["1.234 567", "blandede tusindtalsseparatorer"],
    ["5,", "mangler cifre efter decimalkommaet"],
    ["-", "mangler cifre"],
    ["(12", "parentes mangler"],
    ["-(12)", "ikke et tal"],
    ["(-12)", "både parentes og fortegn"],
    ["-12-", "fortegn både før og efter"],
    ["1,5E3", "videnskabelig notation"],
  ])("rejects %j", (input, reason) => {
    const r = parseDecimal(input, "da");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});

describe("parseDecimal – plain", () => {
  it.each([
    ["1234567.89", ok(123456789n, 2)],
    ["-0.5", ok(-5n, 1)],
    ["12", ok(12n, 0)],
    ["1.234", ok(1234n, 3)],
    ["1e-7", ok(1n, 7)],
    ["1.5e21", ok(1500000000000000000000n, 0)],
    ["-2.5E+3", ok(-2500n, 0)],
    ["1 234.5", ok(12345n, 1)],
    [".5", ok(5n, 1)],
  ])("%j", (input, expected) => {
    expect(parseDecimal(input, "plain")).toEqual(expected);
  });

  it.each([
    ["1,5", "komma er ikke tilladt"],
    ["1.2.3", "mere end ét decimaltegn"],
    ["1e", "eksponenten mangler cifre"],
    ["1e99999", "eksponenten er for stor"],
    ["e5", "ikke et tal"],
    ["1 23.5", "tusindtalsseparator"],
  ])("rejects %j", (input, reason) => {
    const r = parseDecimal(input, "plain");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});

describe("decimalFromNumber", () => {
  it("uses the shortest decimal representation, including exponent forms", () => {
    expect(decimalFromNumber(0.1)).toEqual(ok(1n, 1));
    expect(decimalFromNumber(-25.7)).toEqual(ok(-257n, 1));
    expect(decimalFromNumber(1e-7)).toEqual(ok(1n, 7));
    expect(decimalFromNumber(1.5e21)).toEqual(ok(1500000000000000000000n, 0));
    expect(decimalFromNumber(-0)).toEqual(ok(0n, 0));
    expect(decimalFromNumber(Number.NaN).ok).toBe(false);
    expect(decimalFromNumber(Number.POSITIVE_INFINITY).ok).toBe(false);
  });
});

describe("detectNumberFormat", () => {
  it.each([
    [["1.234,50", "12"], "da"],
    [["1,750"], "da"],
    [["1.234.567"], "da"],
    [["1.234"], "da"],
    [["-25,7 kr."], "da"],
    [["1234.56", "12"], "plain"],
    [["0.125"], "plain"],
    [["1234.567"], "plain"],
    [["12.5", "7.25", "1.234,00"], "plain"],
    [["12.5", "1.234,00", "2,5"], "da"],
    [["12", "7", ""], "da"],
    [[], "da"],
  ] as const)("%j → %s", (samples, expected) => {
    expect(detectNumberFormat(samples)).toBe(expected);
  });
});

describe("parseAmountOre", () => {
  it.each([
    ["388.324", "kr", 38832400n],
    ["50.190.100", "kr", 5019010000n],
    ["-25,7", "kr", -2570n],
    ["-25,7", "tkr", -2570000n],
    ["1,750", "mio", 175000000n],
    ["12,340", "kr", 1234n],
    ["12,34 kr.", "kr", 1234n],
    ["kr. 12", "kr", 1200n],
    ["12 DKK", "kr", 1200n],
    ["(1.234,5)", "tkr", -123450000n],
    ["0,00001", "tkr", 1n],
    ["0,00000001", "mio", 1n],
  ] as const)("%j %s → %s øre", (input, unit, ore) => {
    expect(parseAmountOre(input, unit, "da")).toEqual({ ok: true, ore });
  });

  it("converts XLSX numbers exactly through their decimal form", () => {
    expect(parseAmountOre(388324, "kr", "da")).toEqual({ ok: true, ore: 38832400n });
    expect(parseAmountOre(0.1, "kr", "da")).toEqual({ ok: true, ore: 10n });
    expect(parseAmountOre(1.1, "kr", "da")).toEqual({ ok: true, ore: 110n }); // 1.1 * 100 = 110.00000000000001
    expect(parseAmountOre(1.75, "mio", "da")).toEqual({ ok: true, ore: 175000000n });
    expect(parseAmountOre(1e-7, "mio", "da")).toEqual({ ok: true, ore: 10n });
    expect(parseAmountOre(1.5e21, "kr", "plain")).toEqual({ ok: true, ore: 150000000000000000000000n });
    expect(parseAmountOre(-25.7, "tkr", "plain")).toEqual({ ok: true, ore: -2570000n });
  });

  it("uses the given format for text cells", () => {
    expect(parseAmountOre("1234.5", "kr", "plain")).toEqual({ ok: true, ore: 123450n });
    expect(parseAmountOre("1.234", "kr", "plain")).toEqual({
      ok: false,
      reason: '"1.234" har flere decimaler end øre',
    });
  });

  it.each([
    ["12,345 kr.", "kr", '"12,345 kr." har flere decimaler end øre'],
    ["0,000001", "tkr", "flere decimaler end øre (højst 3 decimaler i tkr.)"],
    ["12 kr.", "tkr", "angivet i kr., men kolonnen er i tkr."],
    ["12a", "kr", '"12a" er ikke et tal'],
    ["", "kr", "tom celle"],
    ["  ", "kr", "tom celle"],
  ] as const)("rejects %j in %s", (input, unit, reason) => {
    const r = parseAmountOre(input, unit, "da");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it("rejects float noise instead of rounding it away", () => {
    const r = parseAmountOre(0.1 + 0.2, "kr", "da");
    expect(r).toEqual({ ok: false, reason: '"0.30000000000000004" har flere decimaler end øre' });
  });

  it("rejects null and non-finite numbers", () => {
    expect(parseAmountOre(null, "kr", "da")).toEqual({ ok: false, reason: "tom celle" });
    expect(parseAmountOre(Number.NaN, "kr", "da").ok).toBe(false);
  });
});

describe("isEmptyCell", () => {
  it("treats null, undefined and blank strings as empty, 0 as a value", () => {
    expect([null, undefined, "", "  ", "\u00A0"].map(isEmptyCell)).toEqual([true, true, true, true, true]);
    expect([0, "0", "x"].map(isEmptyCell)).toEqual([false, false, false]);
  });
});

describe("formatDecimal", () => {
  it("formats with Danish grouping and decimal comma, or plain", () => {
    expect(formatDecimal(-123456789n, 2, "da")).toBe("-1.234.567,89");
    expect(formatDecimal(5n, 3, "da")).toBe("0,005");
    expect(formatDecimal(388324n, 0, "da")).toBe("388.324");
    expect(formatDecimal(388324n, 0, "da", { grouping: false })).toBe("388324");
    expect(formatDecimal(-123456789n, 2, "plain")).toBe("-1234567.89");
    expect(formatOre(38832400n)).toBe("388.324,00");
    expect(formatOre(-5n, "plain")).toBe("-0.05");
  });
});
