/**
 * Amounts typed the Danish way, in kroner, to øre as an exact decimal string: "1.234.567" →
 * "123456700", "1.234.567,50" → "123456750", "-25,7" → "-2570". Only string and BigInt arithmetic:
 * a budget of 1.234.567.890,15 kr. does not survive a trip through a float.
 */
import type { MessageKey } from "../i18n/da.ts";
import { formatOreThousands, THOUSAND_DECIMALS, thousandDecimals } from "./format.ts";

export type KronerResult = { ok: true; ore: string } | { ok: false; error: MessageKey };

/** Why a typed number could not be read (the caller words it for its unit). */
export type DecimalProblem = "empty" | "invalid" | "tooManyDecimals" | "pointDecimal" | "tooLarge";

export type DecimalResult = { ok: true; value: bigint } | { ok: false; error: DecimalProblem };

/** The largest amount accepted: under 10^15 kroner (the server stores øre in 64 bits). */
const MAX_INTEGER_DIGITS = 15;

const SPACES = /[\s\u00a0\u202f]/g;

/**
 * A number typed the Danish way ("1.234.567", "1 234 567", "-25,7") as a whole number of its
 * smallest part: with `decimals` 2, "-25,7" is -2570. Thousands are grouped by points or spaces
 * (groups of three) or not at all; the decimal comma takes at most `decimals` digits.
 */
export function readDanishDecimal(input: string, decimals: number, maxIntegerDigits: number): DecimalResult {
  let s = input.trim();
  if (s === "") return { ok: false, error: "empty" };
  let negative = false;
  const sign = s[0];
  if (sign === "-" || sign === "\u2212" || sign === "+") {
    negative = sign !== "+";
    s = s.slice(1).trimStart();
  }
  const comma = s.indexOf(",");
  const whole = comma < 0 ? s : s.slice(0, comma);
  const fraction = comma < 0 ? "" : s.slice(comma + 1);
  if (comma >= 0 && !/^\d*$/.test(fraction)) return { ok: false, error: "invalid" };
  if (fraction.length > decimals) return { ok: false, error: "tooManyDecimals" };
  if (comma >= 0 && fraction === "") return { ok: false, error: "invalid" };
  // Thousands: "1.234.567" or "1 234 567" (one kind of separator, groups of three), or no grouping.
  const plain = /^\d+$/.test(whole);
  const grouped = /^\d{1,3}(\.\d{3})+$/.test(whole) || /^\d{1,3}( \d{3})+$/.test(whole.replace(SPACES, " "));
  if (!plain && !grouped) {
    // "25.5" or "1234.50": a decimal point, as in English.
    if (comma < 0 && /^\d+\.\d{1,2}$/.test(whole)) return { ok: false, error: "pointDecimal" };
    return { ok: false, error: "invalid" };
  }
  const digits = whole.replace(/[.\s\u00a0\u202f]/g, "").replace(/^0+(?=\d)/, "");
  if (digits.length > maxIntegerDigits) return { ok: false, error: "tooLarge" };
  const value = BigInt(digits) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  return { ok: true, value: negative ? -value : value };
}

export function parseKroner(input: string): KronerResult {
  const s = input
    .trim()
    .replace(/\s*kr\.?$/i, "")
    .trim();
  const r = readDanishDecimal(s, 2, MAX_INTEGER_DIGITS);
  return r.ok ? { ok: true, ore: r.value.toString() } : { ok: false, error: `amount.${r.error}` };
}

/** Øre (decimal string) as the input field shows it: "123456750" → "1.234.567,50". */
export function oreToInput(ore: string): string {
  const negative = ore.startsWith("-");
  const digits = (negative ? ore.slice(1) : ore).replace(/^0+(?=\d)/, "").padStart(3, "0");
  const kr = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const oere = digits.slice(-2);
  const text = oere === "00" ? kr : `${kr},${oere}`;
  return negative && /[1-9]/.test(digits) ? `-${text}` : text;
}

/** 12 digits of whole thousands: the server takes at most 17 digits of øre. */
const MAX_THOUSAND_DIGITS = 12;

/**
 * An amount in 1.000 kr. typed the Danish way, to øre as an exact decimal string: "1.750" →
 * "175000000", "-5.300" → "-530000000", "0,5" → "50000000". Down to one øre (five decimals).
 */
export function parseThousandKroner(input: string): KronerResult {
  const s = input
    .trim()
    .replace(/\s*(t\.?\s?kr\.?|1\.000 kr\.?)$/i, "")
    .trim();
  const r = readDanishDecimal(s, THOUSAND_DECIMALS, MAX_THOUSAND_DIGITS);
  return r.ok ? { ok: true, ore: r.value.toString() } : { ok: false, error: `thousand.${r.error}` };
}

/** Øre as an input in 1.000 kr. shows it, exactly (as many decimals as it takes): "50000000" → "0,5". */
export function oreToThousandInput(ore: string): string {
  return formatOreThousands(ore, thousandDecimals([ore]));
}
