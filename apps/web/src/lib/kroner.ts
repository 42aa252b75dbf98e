/**
 * Amounts typed the Danish way, in kroner, to øre as an exact decimal string: "1.234.567" →
 * "123456700", "1.234.567,50" → "123456750", "-25,7" → "-2570". Only string and BigInt arithmetic:
 * a budget of 1.234.567.890,15 kr. does not survive a trip through a float.
 */
import type { MessageKey } from "../i18n/da.ts";

export type KronerResult = { ok: true; ore: string } | { ok: false; error: MessageKey };

/** The largest amount accepted: under 10^15 kroner (the server stores øre in 64 bits). */
const MAX_INTEGER_DIGITS = 15;

const SPACES = /[\s\u00a0\u202f]/g;

export function parseKroner(input: string): KronerResult {
  let s = input
    .trim()
    .replace(/\s*kr\.?$/i, "")
    .trim();
  if (s === "") return { ok: false, error: "amount.empty" };
  let negative = false;
  const sign = s[0];
  if (sign === "-" || sign === "\u2212" || sign === "+") {
    negative = sign !== "+";
    s = s.slice(1).trimStart();
  }
  const comma = s.indexOf(",");
  const whole = comma < 0 ? s : s.slice(0, comma);
  const fraction = comma < 0 ? "" : s.slice(comma + 1);
  if (comma >= 0 && !/^\d*$/.test(fraction)) {
    return { ok: false, error: "amount.invalid" };
  }
  if (fraction.length > 2) return { ok: false, error: "amount.tooManyDecimals" };
  if (comma >= 0 && fraction === "") return { ok: false, error: "amount.invalid" };
  // Thousands: "1.234.567" or "1 234 567" (one kind of separator, groups of three), or no grouping.
  const plain = /^\d+$/.test(whole);
  const grouped = /^\d{1,3}(\.\d{3})+$/.test(whole) || /^\d{1,3}( \d{3})+$/.test(whole.replace(SPACES, " "));
  if (!plain && !grouped) {
    // "25.5" or "1234.50": a decimal point, as in English.
    if (comma < 0 && /^\d+\.\d{1,2}$/.test(whole)) return { ok: false, error: "amount.pointDecimal" };
    return { ok: false, error: "amount.invalid" };
  }
  const digits = whole.replace(/[.\s\u00a0\u202f]/g, "").replace(/^0+(?=\d)/, "");
  if (digits.length > MAX_INTEGER_DIGITS) return { ok: false, error: "amount.tooLarge" };
  const ore = BigInt(digits) * 100n + BigInt(fraction.padEnd(2, "0"));
  return { ok: true, ore: (negative ? -ore : ore).toString() };
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
