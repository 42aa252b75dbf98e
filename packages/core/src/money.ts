/**
 * Money is always an integer number of øre held in a `bigint`. Budget totals for a
 * municipality run into the billions of kroner, and several of them are summed, scaled
 * and apportioned before printing; a binary float would silently lose øre on the way,
 * so no `number` is ever used for an amount.
 */

/** An amount in øre (1 kr. = 100 øre). */
export type Ore = bigint;

/** The unit a table is printed in: kr., 1.000 kr. or mio. kr. */
export type AmountUnit = "kr" | "tkr" | "mio";

export const AMOUNT_UNITS: readonly AmountUnit[] = Object.freeze(["kr", "tkr", "mio"] as const);

interface UnitInfo {
  /** Øre per whole unit. */
  readonly factor: bigint;
  /** Digits printed after the decimal comma. */
  readonly decimals: number;
  /** Column-header label. */
  readonly label: string;
  /** Short suffix written after a single number in running text. */
  readonly suffix: string;
}

// Mio. kr. carries one decimal because whole millions are too coarse for a municipal
// budget: a 0,4 mio. kr. line would otherwise print as 0.
const UNITS: Readonly<Record<AmountUnit, UnitInfo>> = {
  kr: { factor: 100n, decimals: 0, label: "kr.", suffix: "kr." },
  tkr: { factor: 100_000n, decimals: 0, label: "1.000 kr.", suffix: "t.kr." },
  mio: { factor: 100_000_000n, decimals: 1, label: "mio. kr.", suffix: "mio. kr." },
};

function unitInfo(unit: AmountUnit): UnitInfo {
  // The unit often comes from a config file or a query string, where the type
  // system cannot vouch for it; fail loudly instead of printing "undefined".
  if (!Object.hasOwn(UNITS, unit)) {
    throw new RangeError(`Ukendt beløbsenhed: ${JSON.stringify(unit)}`);
  }
  return UNITS[unit];
}

/** Øre per one whole unit: 100n, 100_000n, 100_000_000n. */
export function unitFactor(unit: AmountUnit): bigint {
  return unitInfo(unit).factor;
}

/** Number of decimals the unit is printed with: kr 0, tkr 0, mio 1. */
export function unitDecimals(unit: AmountUnit): number {
  return unitInfo(unit).decimals;
}

/** The printed step in øre: kr 100n, tkr 100_000n, mio 10_000_000n (0,1 mio. kr.). */
export function unitQuantum(unit: AmountUnit): bigint {
  const info = unitInfo(unit);
  return info.factor / 10n ** BigInt(info.decimals);
}

/** Column-header label: "kr.", "1.000 kr.", "mio. kr.". */
export function unitLabel(unit: AmountUnit): string {
  return unitInfo(unit).label;
}

/** Suffix after a single amount: "kr.", "t.kr.", "mio. kr.". */
export function unitSuffix(unit: AmountUnit): string {
  return unitInfo(unit).suffix;
}

function assertNonZeroDivisor(d: bigint): void {
  if (d === 0n) {
    throw new RangeError("Division med nul");
  }
}

/**
 * n / d rounded to the nearest integer, halves away from zero (the convention in
 * Danish public accounts, and symmetric so that round(-x) = -round(x)).
 */
export function divRoundHalfAwayFromZero(n: bigint, d: bigint): bigint {
  assertNonZeroDivisor(d);
  // Normalising the divisor to positive leaves only the dividend's sign to handle.
  const num = d < 0n ? -n : n;
  const den = d < 0n ? -d : d;
  const q = num / den;
  const r = num % den;
  const absR = r < 0n ? -r : r;
  if (2n * absR >= den) {
    return num < 0n ? q - 1n : q + 1n;
  }
  return q;
}

/** n / d rounded toward −∞ (bigint `/` truncates toward zero, which is wrong for negatives). */
export function floorDiv(n: bigint, d: bigint): bigint {
  assertNonZeroDivisor(d);
  const q = n / d;
  if (n % d !== 0n && n < 0n !== d < 0n) {
    return q - 1n;
  }
  return q;
}

/** round(a · num / den), halves away from zero, with no intermediate rounding. */
export function mulDivRound(a: bigint, num: bigint, den: bigint): bigint {
  return divRoundHalfAwayFromZero(a * num, den);
}

/** Whole kroner to øre. */
export function kroner(k: bigint | number): Ore {
  if (typeof k === "number") {
    // Unsafe integers have already lost digits before reaching us.
    if (!Number.isSafeInteger(k)) {
      throw new RangeError(`Kronebeløb skal være et helt tal: ${k}`);
    }
    return BigInt(k) * 100n;
  }
  return k * 100n;
}

/**
 * The amount as a whole number of the unit's quanta, rounded half away from zero:
 * 388_324_000_00n øre in tkr → 388324n; -25_690_000_00n øre in mio → -257n (-25,7).
 */
export function roundToUnit(ore: Ore, unit: AmountUnit): bigint {
  return divRoundHalfAwayFromZero(ore, unitQuantum(unit));
}

// Keys are unit spellings after lower-casing and removing whitespace, dots and
// parentheses, so "1.000 kr.", "1000kr" and "(1.000 kr.)" all meet at "1000kr".
const UNIT_ALIASES: ReadonlyMap<string, AmountUnit> = new Map<string, AmountUnit>([
  ["kr", "kr"],
  ["kroner", "kr"],
  ["dkk", "kr"],
  ["tkr", "tkr"],
  ["1000", "tkr"],
  ["1000kr", "tkr"],
  ["1000kroner", "tkr"],
  ["tusindkr", "tkr"],
  ["tusindekr", "tkr"],
  ["mio", "mio"],
  ["miokr", "mio"],
  ["mill", "mio"],
  ["millkr", "mio"],
  ["millionerkr", "mio"],
]);

/**
 * Recognises how documents and spreadsheets write a unit ("kr.", "t.kr.", "1.000 kr.",
 * "mio. kr.", "i 1.000 kr." …), case-insensitively; undefined when it is not a unit.
 */
export function parseUnit(s: string): AmountUnit | undefined {
  const trimmed = s.trim().toLowerCase();
  // Headers often read "Beløb i 1.000 kr."; the caller passes the tail, which keeps the "i".
  const withoutPreposition = trimmed.replace(/^i\s+/u, "");
  const key = withoutPreposition.replace(/[\s.()]/gu, "");
  return UNIT_ALIASES.get(key);
}
