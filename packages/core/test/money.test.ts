import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AMOUNT_UNITS,
  type AmountUnit,
  divRoundHalfAwayFromZero,
  floorDiv,
  kroner,
  mulDivRound,
  parseUnit,
  roundToUnit,
  unitDecimals,
  unitFactor,
  unitLabel,
  unitQuantum,
  unitSuffix,
} from "../src/money.ts";

const LIMIT = 10n ** 15n;
const bigAmount = fc.bigInt({ min: -LIMIT, max: LIMIT });
const nonZeroDivisor = fc
  .oneof(fc.bigInt({ min: -LIMIT, max: LIMIT }), fc.bigInt({ min: -1000n, max: 1000n }))
  .filter((d) => d !== 0n);

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

// Independent formulation: floor((2|n| + |d|) / (2|d|)) is the magnitude rounded half
// up, and the sign of the quotient is applied afterwards.
function referenceRound(n: bigint, d: bigint): bigint {
  const magnitude = (2n * abs(n) + abs(d)) / (2n * abs(d));
  return n < 0n !== d < 0n ? -magnitude : magnitude;
}

describe("units", () => {
  it("lists every unit once, smallest first", () => {
    expect(AMOUNT_UNITS).toEqual(["kr", "tkr", "mio"]);
  });

  it.each<[AmountUnit, bigint, number, bigint, string, string]>([
    ["kr", 100n, 0, 100n, "kr.", "kr."],
    ["tkr", 100_000n, 0, 100_000n, "1.000 kr.", "t.kr."],
    ["mio", 10_000_000n, 1, 100_000_000n, "mio. kr.", "mio. kr."],
  ])("%s: quantum %s, %s decimals, factor %s", (unit, quantum, decimals, factor, label, suffix) => {
    expect(unitQuantum(unit)).toBe(quantum);
    expect(unitDecimals(unit)).toBe(decimals);
    expect(unitFactor(unit)).toBe(factor);
    expect(unitLabel(unit)).toBe(label);
    expect(unitSuffix(unit)).toBe(suffix);
    expect(quantum * 10n ** BigInt(decimals)).toBe(factor);
  });

  it("rejects a unit that slipped past the type system", () => {
    expect(() => unitQuantum("eur" as AmountUnit)).toThrow(RangeError);
    expect(() => unitLabel("toString" as AmountUnit)).toThrow(/Ukendt beløbsenhed/);
  });
});

describe("divRoundHalfAwayFromZero", () => {
  it.each<[bigint, bigint, bigint]>([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [5n, -2n, -3n],
    [-5n, -2n, 3n],
    [7n, 3n, 2n],
    [-7n, 3n, -2n],
    [4n, 3n, 1n],
    [149n, 100n, 1n],
    [150n, 100n, 2n],
    [-150n, 100n, -2n],
    [-149n, 100n, -1n],
    [0n, -7n, 0n],
    [6n, 3n, 2n],
  ])("%s / %s = %s", (n, d, expected) => {
    expect(divRoundHalfAwayFromZero(n, d)).toBe(expected);
  });

  it("throws RangeError on division by zero", () => {
    expect(() => divRoundHalfAwayFromZero(1n, 0n)).toThrow(RangeError);
  });

  it("agrees with an independent reference", () => {
    fc.assert(
      fc.property(bigAmount, nonZeroDivisor, (n, d) => {
        expect(divRoundHalfAwayFromZero(n, d)).toBe(referenceRound(n, d));
      }),
    );
  });

  it("is within half a divisor of the exact quotient", () => {
    fc.assert(
      fc.property(bigAmount, nonZeroDivisor, (n, d) => {
        const error = abs(divRoundHalfAwayFromZero(n, d) * d - n);
        expect(2n * error <= abs(d)).toBe(true);
      }),
    );
  });
});

describe("floorDiv", () => {
  it.each<[bigint, bigint, bigint]>([
    [7n, 2n, 3n],
    [-7n, 2n, -4n],
    [7n, -2n, -4n],
    [-7n, -2n, 3n],
    [-6n, 2n, -3n],
    [-1n, 100n, -1n],
    [0n, 5n, 0n],
  ])("floor(%s / %s) = %s", (n, d, expected) => {
    expect(floorDiv(n, d)).toBe(expected);
  });

  it("throws RangeError on division by zero", () => {
    expect(() => floorDiv(-1n, 0n)).toThrow(RangeError);
  });

  it("leaves a remainder with the divisor's sign, smaller than the divisor", () => {
    fc.assert(
      fc.property(bigAmount, nonZeroDivisor, (n, d) => {
        const r = n - floorDiv(n, d) * d;
        expect(abs(r) < abs(d)).toBe(true);
        expect(r === 0n || r < 0n === d < 0n).toBe(true);
      }),
    );
  });
});

describe("mulDivRound", () => {
  it("splits an amount into thirds without float error", () => {
    expect(mulDivRound(100n, 1n, 3n)).toBe(33n);
    expect(mulDivRound(100n, 2n, 3n)).toBe(67n);
    expect(mulDivRound(-100n, 2n, 3n)).toBe(-67n);
    expect(mulDivRound(1n, 1n, 2n)).toBe(1n);
    expect(mulDivRound(-1n, 1n, 2n)).toBe(-1n);
  });

  it("stays exact where the product exceeds 2^53", () => {
    // 10^15 øre × 0,123456789 needs 24 significant digits in the intermediate product.
    expect(mulDivRound(10n ** 15n + 7n, 123_456_789n, 1_000_000_000n)).toBe(123_456_789_000_000n + 1n);
    expect(mulDivRound(999_999_999_999_999n, 999_999_999_999_999n, 10n ** 15n)).toBe(999_999_999_999_998n);
  });

  it("is symmetric: round(-x) = -round(x)", () => {
    fc.assert(
      fc.property(bigAmount, bigAmount, nonZeroDivisor, (a, num, den) => {
        const r = mulDivRound(a, num, den);
        expect(mulDivRound(-a, num, den)).toBe(-r);
        expect(mulDivRound(a, -num, den)).toBe(-r);
        expect(mulDivRound(a, num, -den)).toBe(-r);
        expect(r).toBe(referenceRound(a * num, den));
      }),
    );
  });
});

describe("kroner", () => {
  it("converts whole kroner to øre", () => {
    expect(kroner(50_190_100)).toBe(5_019_010_000n);
    expect(kroner(-3n)).toBe(-300n);
    expect(kroner(0)).toBe(0n);
    expect(kroner(10n ** 18n)).toBe(10n ** 20n);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])("rejects %s", (k) => {
    expect(() => kroner(k)).toThrow(RangeError);
  });
});

describe("roundToUnit", () => {
  it("rounds amounts from budget documents", () => {
    expect(roundToUnit(388_324_000_00n, "tkr")).toBe(388_324n);
    expect(roundToUnit(-25_690_000_00n, "mio")).toBe(-257n);
    expect(roundToUnit(5_019_010_000n, "kr")).toBe(50_190_100n);
    expect(roundToUnit(57_900_000n, "mio")).toBe(6n);
  });

  it("rounds halves away from zero in every unit", () => {
    expect(roundToUnit(50n, "kr")).toBe(1n);
    expect(roundToUnit(-50n, "kr")).toBe(-1n);
    expect(roundToUnit(49n, "kr")).toBe(0n);
    expect(roundToUnit(49_999n, "tkr")).toBe(0n);
    expect(roundToUnit(50_000n, "tkr")).toBe(1n);
    expect(roundToUnit(-5_000_000n, "mio")).toBe(-1n);
    expect(roundToUnit(-4_999_999n, "mio")).toBe(0n);
  });
});

describe("parseUnit", () => {
  it.each<[string, AmountUnit]>([
    ["kr", "kr"],
    ["kr.", "kr"],
    ["KR.", "kr"],
    [" Kroner ", "kr"],
    ["DKK", "kr"],
    ["tkr", "tkr"],
    ["t.kr.", "tkr"],
    ["t. kr.", "tkr"],
    ["TKR.", "tkr"],
    ["1000", "tkr"],
    ["1.000", "tkr"],
    ["1.000 kr.", "tkr"],
    ["1000kr", "tkr"],
    ["1\u00a0000 kr.", "tkr"],
    ["(1.000 kr.)", "tkr"],
    ["i 1.000 kr.", "tkr"],
    ["mio", "mio"],
    ["mio.", "mio"],
    ["mio. kr.", "mio"],
    ["mio.kr.", "mio"],
    ["Mio. Kr.", "mio"],
    ["mill. kr.", "mio"],
    ["i mio. kr.", "mio"],
  ])("%j → %s", (input, expected) => {
    expect(parseUnit(input)).toBe(expected);
  });

  it.each(["", "euro", "t", "100", "1.000.000", "mia. kr.", "ikr", "kr kr"])("rejects %j", (input) => {
    expect(parseUnit(input)).toBeUndefined();
  });

  it("parses every unit's label and suffix back to the unit", () => {
    for (const unit of AMOUNT_UNITS) {
      expect(parseUnit(unitLabel(unit))).toBe(unit);
      expect(parseUnit(unitSuffix(unit))).toBe(unit);
      expect(parseUnit(unit)).toBe(unit);
    }
  });
});
