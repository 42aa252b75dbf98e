/**
 * Danish number formatting: "." between thousands, "," before decimals, ASCII "-" for
 * negatives. Everything works on bigint digit strings; Intl.NumberFormat is avoided
 * because it goes through float for bigint-with-decimals and its output (minus sign,
 * grouping of four-digit numbers) varies between ICU versions.
 */

import {
  type AmountUnit,
  divRoundHalfAwayFromZero,
  type Ore,
  unitDecimals,
  unitFactor,
  unitSuffix,
} from "./money.ts";

function assertDigitCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${name} skal være et ikke-negativt heltal: ${n}`);
  }
}

function groupThousands(digits: string): string {
  const head = digits.length % 3 || 3;
  const groups = [digits.slice(0, head)];
  for (let i = head; i < digits.length; i += 3) {
    groups.push(digits.slice(i, i + 3));
  }
  return groups.join(".");
}

/**
 * An integer count of quanta, printed with `decimals` digits after the comma:
 * formatQuanta(388324n, 0) = "388.324", formatQuanta(-257n, 1) = "-25,7".
 */
export function formatQuanta(q: bigint, decimals: number): string {
  assertDigitCount("Antal decimaler", decimals);
  const negative = q < 0n;
  // Padding guarantees at least one integer digit, so 5n with one decimal becomes "0,5".
  const digits = (negative ? -q : q).toString().padStart(decimals + 1, "0");
  const split = digits.length - decimals;
  const integerPart = groupThousands(digits.slice(0, split));
  const sign = negative ? "-" : "";
  return decimals > 0 ? `${sign}${integerPart},${digits.slice(split)}` : `${sign}${integerPart}`;
}

/**
 * A fixed-point value (value × 10^-scale) rounded half away from zero to `decimals`:
 * formatDecimal(1750n, 3, 3) = "1,750", formatDecimal(1750n, 3, 1) = "1,8".
 */
export function formatDecimal(value: bigint, scale: number, decimals: number): string {
  assertDigitCount("Skala", scale);
  assertDigitCount("Antal decimaler", decimals);
  const quanta =
    decimals >= scale
      ? value * 10n ** BigInt(decimals - scale)
      : divRoundHalfAwayFromZero(value, 10n ** BigInt(scale - decimals));
  return formatQuanta(quanta, decimals);
}

/** Powers of ten of øre per whole unit; formatDecimal needs the exponent, not the factor. */
function unitScale(unit: AmountUnit): number {
  return unitFactor(unit).toString().length - 1;
}

export interface FormatAmountOptions {
  /** Append the unit ("kr.", "t.kr.", "mio. kr."). Default false, as in table cells. */
  suffix?: boolean;
  /**
   * Override the unit's usual decimals, e.g. 3 for "0,579 mio. kr." in running text.
   * Note that such a value no longer matches the rounding of a table in the same unit.
   */
  decimals?: number;
}

/**
 * Øre printed in `unit`, rounded half away from zero to the unit's quantum:
 * formatAmount(-2_570_000_000n, "mio", { suffix: true }) = "-25,7 mio. kr.".
 *
 * This rounds a single number; numbers that must add up in a table should be rounded
 * with rounding.ts first and printed with formatQuanta.
 */
export function formatAmount(ore: Ore, unit: AmountUnit, opts: FormatAmountOptions = {}): string {
  const decimals = opts.decimals ?? unitDecimals(unit);
  const number = formatDecimal(ore, unitScale(unit), decimals);
  return opts.suffix ? `${number} ${unitSuffix(unit)}` : number;
}

export interface FormatKronerOptions {
  /** Print øre as two decimals ("1.234,50 kr.") instead of rounding to whole kroner. */
  ore?: boolean;
}

/** An amount in running text, always with the "kr." suffix: "50.190.100 kr.". */
export function formatKroner(ore: Ore, opts: FormatKronerOptions = {}): string {
  return `${formatDecimal(ore, 2, opts.ore ? 2 : 0)} kr.`;
}
