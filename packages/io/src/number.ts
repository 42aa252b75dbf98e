import { quoteValue } from "./errors.ts";
import type { Cell } from "./types.ts";

/**
 * "da": "." groups thousands, "," is the decimal sign (1.234.567,89).
 * "plain": "." is the decimal sign, no "." or "," grouping (1234567.89), exponents allowed.
 * Both accept spaces, no-break spaces and thin spaces as thousands separators.
 */
export type NumberFormat = "da" | "plain";

export type DecimalResult = { ok: true; units: bigint; scale: number } | { ok: false; reason: string };

export type AmountUnit = "kr" | "tkr" | "mio";

export type AmountResult = { ok: true; ore: bigint } | { ok: false; reason: string };

const D0 = 48;
const D9 = 57;
const DOT = 46;
const COMMA = 44;
const SPACE = 32;
const NBSP = 0xa0;
const THIN_SPACE = 0x2009;
const NARROW_NBSP = 0x202f;
const MINUS_SIGN = 0x2212;

const isDigit = (c: number): boolean => c >= D0 && c <= D9;
const isSpaceGroup = (c: number): boolean =>
  c === SPACE || c === NBSP || c === THIN_SPACE || c === NARROW_NBSP;

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** Exponent bound for "plain" input: generous for real data, small enough that 10^n stays cheap. */
const MAX_EXPONENT = 400;

/**
 * Parses a decimal number exactly: value = units × 10^-scale, scale ≥ 0 and equal to the
 * number of decimals written (after applying any exponent). Accepts surrounding
 * whitespace, a leading "+", "-" or "−", a trailing "-" (SAP/KMD style), accountant
 * negatives "(1.234)", and in "da" the whole-kroner mark "1.234,-".
 */
export function parseDecimal(s: string, format: NumberFormat): DecimalResult {
  return parseDecimalAs(s.trim(), format, s.trim());
}

/** `shown` is the text quoted in error messages (the whole cell, even if `t` had a currency marker removed). */
function parseDecimalAs(t: string, format: NumberFormat, shown: string): DecimalResult {
  if (t === "")
    return fail(shown === "" ? "tom celle" : `${quoteValue(shown)} er ikke et tal: der mangler cifre`);
  let negative = false;

  if (t.charCodeAt(0) === 40 /* ( */) {
    if (t.charCodeAt(t.length - 1) !== 41 /* ) */) {
      return fail(`${quoteValue(shown)} er ikke et tal: den afsluttende parentes mangler`);
    }
    negative = true;
    t = t.slice(1, -1).trim();
  }

  const first = t.charCodeAt(0);
  if (first === 45 /* - */ || first === 43 /* + */ || first === MINUS_SIGN) {
    if (negative) return fail(`${quoteValue(shown)} er ikke et tal: både parentes og fortegn`);
    negative = first !== 43;
    t = t.slice(1).trimStart();
  }

  const last = t.charCodeAt(t.length - 1);
  if ((last === 45 || last === MINUS_SIGN) && t.length > 1 && isDigit(t.charCodeAt(t.length - 2))) {
    if (negative || first === 43)
      return fail(`${quoteValue(shown)} er ikke et tal: fortegn både før og efter tallet`);
    negative = true;
    t = t.slice(0, -1).trimEnd();
  }

  if (t === "") return fail(`${quoteValue(shown)} er ikke et tal: der mangler cifre`);

  const parsed = format === "da" ? parseDaBody(t, shown) : parsePlainBody(t, shown);
  if (!parsed.ok) return parsed;
  return negative && parsed.units !== 0n ? { ok: true, units: -parsed.units, scale: parsed.scale } : parsed;
}

function invalidChar(t: string, i: number, shown: string): { ok: false; reason: string } {
  const ch = String.fromCodePoint(t.codePointAt(i) ?? 0);
  let hasDigit = false;
  for (let k = 0; k < t.length && !hasDigit; k++) hasDigit = isDigit(t.charCodeAt(k));
  if (!hasDigit) return fail(`${quoteValue(shown)} er ikke et tal`);
  return fail(`${quoteValue(shown)} er ikke et tal (ugyldigt tegn "${ch}")`);
}

/** Unsigned "da" body: [digits with "."/space grouping][,digits | ,-] */
function parseDaBody(t: string, shown: string): DecimalResult {
  let body = t;
  let wholeMark = false;
  if (body.length > 2 && body.endsWith(",-")) {
    wholeMark = true;
    body = body.slice(0, -2);
  }
  const n = body.length;
  let comma = -1;
  let groupSeps = 0;
  for (let i = 0; i < n; i++) {
    const c = body.charCodeAt(i);
    if (isDigit(c)) continue;
    if (c === COMMA) {
      if (comma !== -1) return fail(`${quoteValue(shown)} er ikke et tal: mere end ét decimalkomma`);
      comma = i;
      continue;
    }
    if (c === DOT || isSpaceGroup(c)) {
      if (comma !== -1) {
        return fail(
          c === DOT
            ? `${quoteValue(shown)} er ikke et tal: punktum efter decimalkommaet (i dansk talformat er punktum tusindtalsseparator)`
            : `${quoteValue(shown)} er ikke et tal: mellemrum efter decimalkommaet`,
        );
      }
      groupSeps++;
      continue;
    }
    if (c === 101 || c === 69) {
      return fail(
        `${quoteValue(shown)} er ikke et tal: videnskabelig notation (E) understøttes ikke i dansk talformat`,
      );
    }
    return invalidChar(body, i, shown);
  }
  if (wholeMark && comma !== -1) return fail(`${quoteValue(shown)} er ikke et tal: mere end ét decimalkomma`);

  const intPart = comma === -1 ? body : body.slice(0, comma);
  const frac = comma === -1 ? "" : body.slice(comma + 1);
  if (comma !== -1 && frac === "") {
    return fail(`${quoteValue(shown)} er ikke et tal: der mangler cifre efter decimalkommaet`);
  }
  if (intPart === "" && frac === "") return fail(`${quoteValue(shown)} er ikke et tal: der mangler cifre`);

  let digits = intPart;
  if (groupSeps > 0) {
    const grouped = ungroup(intPart, shown, true, comma === -1);
    if (!grouped.ok) return grouped;
    digits = grouped.digits;
  }
  return { ok: true, units: BigInt(`${digits}${frac}` || "0"), scale: frac.length };
}

/** Unsigned "plain" body: [digits with space grouping][.digits][e±digits] */
function parsePlainBody(t: string, shown: string): DecimalResult {
  const n = t.length;
  let dot = -1;
  let exp = n;
  let groupSeps = 0;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (isDigit(c)) continue;
    if (c === DOT) {
      if (dot !== -1) return fail(`${quoteValue(shown)} er ikke et tal: mere end ét decimaltegn (.)`);
      dot = i;
      continue;
    }
    if (isSpaceGroup(c)) {
      if (dot !== -1) return fail(`${quoteValue(shown)} er ikke et tal: mellemrum efter decimaltegnet`);
      groupSeps++;
      continue;
    }
    if (c === COMMA) {
      return fail(
        `${quoteValue(shown)} er ikke et tal i formatet med punktum som decimaltegn (komma er ikke tilladt)`,
      );
    }
    if ((c === 101 || c === 69) && i > 0) {
      exp = i;
      break;
    }
    return invalidChar(t, i, shown);
  }

  let exponent = 0;
  if (exp < n) {
    const e = t.slice(exp + 1);
    let k = 0;
    const sign = e.charCodeAt(0);
    if (sign === 43 || sign === 45) k = 1;
    if (k === e.length) return fail(`${quoteValue(shown)} er ikke et tal: eksponenten mangler cifre`);
    for (let m = k; m < e.length; m++) {
      if (!isDigit(e.charCodeAt(m))) return invalidChar(e, m, shown);
    }
    exponent = Number(e);
    if (Math.abs(exponent) > MAX_EXPONENT)
      return fail(`${quoteValue(shown)} er ikke et tal: eksponenten er for stor`);
  }

  const mantissa = t.slice(0, exp);
  const intPart = dot === -1 ? mantissa : mantissa.slice(0, dot);
  const frac = dot === -1 ? "" : mantissa.slice(dot + 1);
  if (intPart === "" && frac === "") return fail(`${quoteValue(shown)} er ikke et tal: der mangler cifre`);

  let digits = intPart;
  if (groupSeps > 0) {
    const grouped = ungroup(intPart, shown, false, false);
    if (!grouped.ok) return grouped;
    digits = grouped.digits;
  }
  let units = BigInt(`${digits}${frac}` || "0");
  let scale = frac.length - exponent;
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  return { ok: true, units, scale };
}

/** Validates thousands grouping (first group 1–3 digits, then exactly 3) and strips the separators. */
function ungroup(
  intPart: string,
  shown: string,
  dotAllowed: boolean,
  hintDecimal: boolean,
): { ok: true; digits: string } | { ok: false; reason: string } {
  let digits = "";
  let groupStart = 0;
  let kind = -1; // 0 = ".", 1 = space-like
  for (let i = 0; i <= intPart.length; i++) {
    const c = i < intPart.length ? intPart.charCodeAt(i) : -1;
    if (c !== -1 && isDigit(c)) continue;
    const len = i - groupStart;
    const isFirst = groupStart === 0;
    if (isFirst ? len < 1 || len > 3 : len !== 3) {
      const sepChar = kind === 0 || (kind === -1 && c === DOT) ? '"."' : "mellemrum";
      let reason = `${quoteValue(shown)} er ikke et tal: tusindtalsseparatoren (${sepChar}) står forkert – der skal være præcis tre cifre mellem separatorerne og efter den sidste`;
      if (isFirst && len === 0)
        reason = `${quoteValue(shown)} er ikke et tal: det kan ikke starte med en tusindtalsseparator`;
      else if (!isFirst && hintDecimal && kind === 0 && c === -1 && len < 3) {
        reason += "; i dansk talformat er decimaltegnet komma, ikke punktum";
      }
      return { ok: false, reason };
    }
    digits += intPart.slice(groupStart, i);
    if (c === -1) break;
    const thisKind = c === DOT ? 0 : 1;
    if (thisKind === 0 && !dotAllowed) {
      return {
        ok: false,
        reason: `${quoteValue(shown)} er ikke et tal: punktum kan ikke bruges som tusindtalsseparator her`,
      };
    }
    if (kind !== -1 && kind !== thisKind) {
      return { ok: false, reason: `${quoteValue(shown)} er ikke et tal: blandede tusindtalsseparatorer` };
    }
    kind = thisKind;
    groupStart = i + 1;
  }
  return { ok: true, digits };
}

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 40; i++, p *= 10n) POW10.push(p);

function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/**
 * Exact decimal value of a JS number via its shortest round-trip representation, so 0.1
 * is 1×10^-1 (not 0.1000000000000000055…) and 1e-7 / 1.5e21 are handled.
 */
export function decimalFromNumber(n: number): DecimalResult {
  if (!Number.isFinite(n)) return fail(`${String(n)} er ikke et gyldigt tal`);
  return parseDecimal(String(n), "plain");
}

/**
 * Guesses the number format from sample cells. Evidence for "da": a comma followed by
 * digits at the end, or dot-groups of exactly three digits ("1.234.567"). Evidence for
 * "plain": a dot followed by 1–2 or 4+ digits with no comma, or "0.xxx". Ties and no
 * evidence give "da", since that is what Danish spreadsheets and ERP exports write.
 */
export function detectNumberFormat(samples: readonly string[]): NumberFormat {
  let da = 0;
  let plain = 0;
  for (const raw of samples) {
    const s = raw.trim();
    if (s === "") continue;
    const verdict = classifyNumber(s);
    if (verdict === "da") da++;
    else if (verdict === "plain") plain++;
  }
  return plain > da ? "plain" : "da";
}

function classifyNumber(s: string): NumberFormat | null {
  const comma = s.lastIndexOf(",");
  const dot = s.lastIndexOf(".");
  if (comma !== -1) {
    let k = comma + 1;
    let digitsAfter = 0;
    while (k < s.length && isDigit(s.charCodeAt(k))) {
      k++;
      digitsAfter++;
    }
    const rest = s.slice(k).trim();
    const endsHere = rest === "" || rest === ")" || rest === "-" || /^(kr\.?|dkk)$/i.test(rest);
    if (digitsAfter > 0 && endsHere && dot < comma) return "da";
    if (s.endsWith(",-")) return "da";
    return null;
  }
  if (dot === -1) return null;
  const m = /^[+\-−(]?\s*(\d+)((?:\.\d+)+)\s*\)?$/.exec(s);
  if (m === null) return null;
  const head = m[1] ?? "";
  const groups = (m[2] ?? "").split(".").slice(1);
  if (groups.length > 1) return groups.every((g) => g.length === 3) && head.length <= 3 ? "da" : null;
  const g = groups[0] ?? "";
  if (g.length !== 3) return "plain";
  // "0.125" cannot be a thousands group; "1.234" is taken as Danish thousands.
  if (/^0+$/.test(head) || head.length > 3) return "plain";
  return "da";
}

/** True for null, undefined, "" and whitespace-only strings. */
export function isEmptyCell(cell: Cell | undefined): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell !== "string") return false;
  return cell.length === 0 || cell.trim().length === 0;
}

const UNIT_EXPONENT: Record<AmountUnit, number> = { kr: 2, tkr: 5, mio: 8 };
const UNIT_LABEL: Record<AmountUnit, string> = { kr: "kr.", tkr: "tkr.", mio: "mio. kr." };

// Only plain kroner markers are stripped: "tkr."/"mio." in a cell would contradict the
// column's declared unit in ways that are easier to fix in the file than to guess.
const CURRENCY = /^(?:kr\.?|dkk)\s*|\s*(?:kr\.?|dkk)$/i;

/**
 * Converts a cell to an exact amount in øre. `unit` is what the column is denominated in
 * (kr ×100, tkr ×100.000, mio ×100.000.000). Values finer than 1 øre are rejected, never
 * rounded. Numbers go through their shortest decimal form, never float multiplication.
 * A "kr."/"DKK" marker is accepted when the unit is kr.
 */
export function parseAmountOre(cell: Cell | undefined, unit: AmountUnit, format: NumberFormat): AmountResult {
  // undefined is accepted because a short row's missing cell reads as undefined.
  if (cell === null || cell === undefined || isEmptyCell(cell)) return fail("tom celle");
  let shown: string;
  let d: DecimalResult;
  if (typeof cell === "number") {
    shown = String(cell);
    d = decimalFromNumber(cell);
  } else {
    shown = cell.trim();
    let text = shown;
    const c = text.charCodeAt(0) | 0x20;
    const z = text.charCodeAt(text.length - 1) | 0x20;
    // Cheap pre-check so the regex only runs on cells that can carry a currency marker.
    if (c === 107 || c === 100 || z === 46 || z === 114 || z === 107) {
      const stripped = text.replace(CURRENCY, "");
      if (stripped !== text) {
        if (unit !== "kr") {
          return fail(`${quoteValue(shown)} er angivet i kr., men kolonnen er i ${UNIT_LABEL[unit]}`);
        }
        text = stripped;
      }
    }
    d = parseDecimalAs(text, format, shown);
  }
  if (!d.ok) return d;
  const m = UNIT_EXPONENT[unit];
  if (d.scale <= m) return { ok: true, ore: d.units * pow10(m - d.scale) };
  const div = pow10(d.scale - m);
  if (d.units % div !== 0n) {
    const hint = unit === "kr" ? "" : ` (højst ${m - 2} decimaler i ${UNIT_LABEL[unit]})`;
    return fail(`${quoteValue(shown)} har flere decimaler end øre${hint}`);
  }
  return { ok: true, ore: d.units / div };
}

export interface FormatDecimalOptions {
  /** Thousands grouping ("." in "da"); defaults to true for "da". "plain" never groups. */
  grouping?: boolean;
}

/** Formats units × 10^-scale, e.g. (-123456789n, 2, "da") → "-1.234.567,89". */
export function formatDecimal(
  units: bigint,
  scale: number,
  format: NumberFormat,
  opts: FormatDecimalOptions = {},
): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0 && digits.length <= scale) digits = digits.padStart(scale + 1, "0");
  let intPart = scale > 0 ? digits.slice(0, digits.length - scale) : digits;
  const frac = scale > 0 ? digits.slice(digits.length - scale) : "";
  if (scale < 0) intPart += "0".repeat(-scale);
  if (format === "da" && (opts.grouping ?? true) && intPart.length > 3) {
    const head = intPart.length % 3 || 3;
    let grouped = intPart.slice(0, head);
    for (let i = head; i < intPart.length; i += 3) grouped += `.${intPart.slice(i, i + 3)}`;
    intPart = grouped;
  }
  const sign = negative ? "-" : "";
  return frac === "" ? `${sign}${intPart}` : `${sign}${intPart}${format === "da" ? "," : "."}${frac}`;
}

/** Formats øre as kroner with two decimals, e.g. 38832400n → "388.324,00" ("da"). */
export function formatOre(ore: bigint, format: NumberFormat = "da"): string {
  return formatDecimal(ore, 2, format);
}
