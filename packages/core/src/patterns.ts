/**
 * The amount patterns of a budget agreement (budgetaftale). Its adjustments are written as
 * phrases ("1,750 mio. kr. i 2025", "-1,7 mio. kr. årligt i overslagsårene", "-0,323 mio. kr.
 * fra 2026 og frem"); the pattern keeps what the phrase says, and expanding it against the
 * budget period gives the amount per year.
 *
 * Every amount is exact øre in a bigint, and phrases are parsed digit by digit: "0,323 mio."
 * is 323 × 10^5 øre, which a binary float cannot hold exactly.
 */

import { formatQuanta } from "./format.ts";

export type AmountPattern =
  /** An amount per named year ("0,5 mio. kr. i 2025 og 1 mio. kr. i 2026"). */
  | { kind: "years"; amounts: Map<number, bigint> }
  /** The same amount in each of the named years ("2 mio. kr. årligt i 2027 og 2028"). */
  | { kind: "each_year"; amount: bigint; years: number[] }
  /** The same amount from a year to the end of the period ("fra 2026 og frem"). */
  | { kind: "from_year"; amount: bigint; fromYear: number }
  /** The same amount in the three estimate years after the budget year (overslagsårene). */
  | { kind: "estimate_years"; amount: bigint };

export type AmountPatternKind = AmountPattern["kind"];

export interface PatternPeriod {
  /** The budget year B; the estimate years are B+1 … B+3. */
  budgetYear: number;
  firstYear: number;
  lastYear: number;
}

/**
 * How the sign written in the sentence relates to the ledger sign (expenses positive).
 * "ledger": "nedjusteres med -1,7 mio. kr." (seed 000) writes a reduction negative.
 * "reduction_positive": a reduction catalogue writes its savings as positive amounts.
 * This is not the municipality's SignConvention, which is about deviations from a forecast.
 */
export type AdjustmentSignConvention = "ledger" | "reduction_positive";

/** The amounts per year, ascending by year; years that the pattern does not name are absent. */
export function expandPattern(p: AmountPattern, period: PatternPeriod): Map<number, bigint> {
  const out = new Map<number, bigint>();
  switch (p.kind) {
    case "years":
      for (const year of [...p.amounts.keys()].sort((a, b) => a - b)) {
        out.set(year, p.amounts.get(year) ?? 0n);
      }
      break;
    case "each_year":
      // A year named twice is still one year: the amount is not doubled.
      for (const year of uniqueSorted(p.years)) {
        out.set(year, p.amount);
      }
      break;
    case "from_year":
      // "Fra 2024 og frem" in a later budget cannot reach back before the period.
      for (let year = Math.max(p.fromYear, period.firstYear); year <= period.lastYear; year++) {
        out.set(year, p.amount);
      }
      break;
    case "estimate_years":
      for (let year = period.budgetYear + 1; year <= period.budgetYear + 3; year++) {
        out.set(year, p.amount);
      }
      break;
  }
  return out;
}

/** The pattern's total over the period, exact. */
export function patternTotal(p: AmountPattern, period: PatternPeriod): bigint {
  let total = 0n;
  for (const amount of expandPattern(p, period).values()) {
    total += amount;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Danish numbers

/** A decimal number as digits and a scale: "1.234,5" is { value: 12345n, scale: 1 }. */
export interface DanishNumber {
  value: bigint;
  scale: number;
}

const GROUPED_NUMBER = /^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/u;
const PLAIN_NUMBER = /^\d+(?:,\d+)?$/u;

/**
 * Reads a Danish number: "." groups thousands, "," starts the decimals, a leading "-", "−"
 * or "+" gives the sign. Both "5.700" and "5700" are accepted (documents print both), but a
 * "." that does not group three digits ("1.75") is rejected rather than guessed at.
 */
export function parseDanishNumber(text: string): DanishNumber | undefined {
  const m = /^([-+\u2212]?)\s*(\S+)$/u.exec(text.trim());
  if (!m) return undefined;
  const sign = m[1] ?? "";
  const body = m[2] ?? "";
  if (!GROUPED_NUMBER.test(body) && !PLAIN_NUMBER.test(body)) return undefined;
  const [integerPart = "", fraction = ""] = body.replaceAll(".", "").split(",");
  const magnitude = BigInt(integerPart + fraction);
  return { value: sign === "-" || sign === "\u2212" ? -magnitude : magnitude, scale: fraction.length };
}

/** value × 10^-scale × factor as whole øre; undefined when it is not a whole number of øre. */
export function danishNumberToOre(n: DanishNumber, factor: bigint): bigint | undefined {
  const numerator = n.value * factor;
  const denominator = 10n ** BigInt(n.scale);
  return numerator % denominator === 0n ? numerator / denominator : undefined;
}

// ---------------------------------------------------------------------------------------------
// Describing

export interface DescribePatternOptions {
  /** Written in front of the sentence: "Administration: 1,750 mio. kr. i 2025". */
  area?: string;
  /** Default "ledger". */
  signConvention?: AdjustmentSignConvention;
  /** When given, the estimate years are named: "i overslagsårene 2026–2028". */
  budgetYear?: number;
  /** Default "agreement". */
  amountStyle?: AmountStyle;
}

const ORE_PER_MIO = 100_000_000n;

/**
 * How an amount is written. "agreement" (the default): as the budget agreement writes it (seed
 * 000: "1,750 mio. kr.", "2,0 mio. kr."). "short": as area remarks write it (seed 001: "0,1 mio.
 * kr.", "0,04 mio. kr.", "116.000 kr."), with the fewest decimals that are exact.
 */
export type AmountStyle = "agreement" | "short";

/**
 * Mio. kr. with one decimal when that is exact, as the agreement writes whole and tenth
 * millions ("2,0", "-1,7"), else three decimals ("1,750", "-0,323"); amounts that are not
 * whole thousands of kroner are written in kroner, so the sentence never rounds. The "short"
 * style tries one and two decimals ("0,04") and otherwise writes kroner ("116.000 kr."), as
 * seed 001 does. Both read back through parsePattern to the same øre.
 */
export function formatPatternAmount(ore: bigint, style: AmountStyle = "agreement"): string {
  for (const decimals of style === "short" ? [1, 2] : [1, 3]) {
    const quantum = ORE_PER_MIO / 10n ** BigInt(decimals);
    if (ore % quantum === 0n) {
      return `${formatQuanta(ore / quantum, decimals)} mio. kr.`;
    }
  }
  return ore % 100n === 0n ? `${formatQuanta(ore / 100n, 0)} kr.` : `${formatQuanta(ore, 2)} kr.`;
}

function uniqueSorted(years: readonly number[]): number[] {
  return [...new Set(years)].sort((a, b) => a - b);
}

/** "2025", "2025 og 2026", "2021, 2023–2026 og 2028": runs of three or more become ranges. */
export function formatYearList(years: readonly number[]): string {
  const sorted = uniqueSorted(years);
  const items: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    const first = sorted[i] as number;
    const last = sorted[j] as number;
    if (j - i >= 2) {
      items.push(`${first}\u2013${last}`);
    } else {
      for (let k = i; k <= j; k++) items.push(String(sorted[k]));
    }
    i = j + 1;
  }
  return joinDanish(items);
}

function joinDanish(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} og ${items[items.length - 1]}`;
}

const NO_AMOUNTS = "ingen beløb";

/**
 * The pattern as a Danish phrase that parsePattern reads back to the same amounts:
 * "1,750 mio. kr. i 2025", "2,0 mio. kr. årligt i 2027 og 2028",
 * "-1,7 mio. kr. årligt i overslagsårene 2026–2028", "-0,323 mio. kr. årligt fra 2026 og frem".
 */
export function describePattern(p: AmountPattern, opts: DescribePatternOptions = {}): string {
  const written = (ore: bigint): string =>
    formatPatternAmount(opts.signConvention === "reduction_positive" ? -ore : ore, opts.amountStyle);
  let sentence: string;
  switch (p.kind) {
    case "years": {
      const years = [...p.amounts.keys()].sort((a, b) => a - b);
      sentence =
        years.length === 0
          ? NO_AMOUNTS
          : joinDanish(years.map((year) => `${written(p.amounts.get(year) ?? 0n)} i ${year}`));
      break;
    }
    case "each_year":
      sentence =
        p.years.length === 0 ? NO_AMOUNTS : `${written(p.amount)} årligt i ${formatYearList(p.years)}`;
      break;
    case "from_year":
      sentence = `${written(p.amount)} årligt fra ${p.fromYear} og frem`;
      break;
    case "estimate_years": {
      const b = opts.budgetYear;
      const range = b === undefined ? "" : ` ${b + 1}\u2013${b + 3}`;
      sentence = `${written(p.amount)} årligt i overslagsårene${range}`;
      break;
    }
  }
  if (opts.area) return `${opts.area}: ${sentence}`;
  return sentence === NO_AMOUNTS ? "Ingen beløb" : sentence;
}

// ---------------------------------------------------------------------------------------------
// Parsing

export type ParsePatternResult = { ok: true; pattern: AmountPattern } | { ok: false; error: string };

export interface ParsePatternOptions {
  /** Default "ledger". */
  signConvention?: AdjustmentSignConvention;
}

const UNIT_FACTORS: readonly (readonly [RegExp, bigint])[] = [
  [/^mia/u, 100_000_000_000n],
  [/^(?:mio|mill)/u, ORE_PER_MIO],
  [/^(?:t\.|tkr|tusind)/u, 100_000n],
  [/^kr/u, 100n],
];

// A number glued to a unit. The look-behind keeps "CO2-udledningen" and "2.1.2" from
// yielding amounts; the look-ahead keeps "kr" from matching the start of a longer word.
const AMOUNT_IN_TEXT =
  /(?<![\p{L}\d.,])([-+]?)(\d+(?:[.,]\d+)*)\s*(mia\.?\s*kr\.?|mio\.?\s*kr\.?|mio\.|mill\.?\s*kr\.?|t\.\s?kr\.?|tkr\.?|tusinde?\s+kr\.?|kroner|kr\.?)(?![\p{L}])/gu;

const YEAR_ITEM = String.raw`\d{4}(?:\s*-\s*\d{4})?`;
const YEAR_LIST = new RegExp(
  String.raw`(?<![\p{L}])i\s+(?:årene\s+|året\s+)?(${YEAR_ITEM}(?:(?:\s*,\s*|\s+og\s+)${YEAR_ITEM})*)(?![\d])`,
  "u",
);
const FROM_YEAR =
  /(?<![\p{L}])fra\s+(?:og\s+med\s+)?(\d{4})(?:\s+og\s+(?:fremefter|fremover|fremad|frem))?(?![\p{L}\d])/u;
const ESTIMATE_YEARS = /(?<![\p{L}])overslagsår(?:ene)?(?:\s+(\d{4})\s*-\s*(\d{4}))?(?![\p{L}\d])/u;
const ANNUAL = /(?<![\p{L}])(?:årligt|om året|pr\.\s*år|per år|hvert år)(?![\p{L}])/u;
const STRAY_NUMBER = /(?<![\p{L}\d])\d+(?:[.,]\d+)*/u;

const MIN_YEAR = 1900;
const MAX_YEAR = 2199;

interface AmountMatch {
  start: number;
  end: number;
  ore: bigint;
}

type PartResult =
  | { ok: true; timing: "years"; amounts: Map<number, bigint>; annual: boolean }
  | { ok: true; timing: "from_year"; amount: bigint; fromYear: number }
  | { ok: true; timing: "estimate_years"; amount: bigint }
  | { ok: false; error: string };

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

function normalise(text: string): string {
  return (
    text
      .replace(/\u2212/gu, "-")
      .replace(/[\u2013\u2014]/gu, "-")
      .replace(/\s+/gu, " ")
      .trim()
      .toLowerCase()
      // The sentence's own full stop, not the one ending "kr." or "mio.".
      .replace(/(?<!(?:kr|mio|mia|mill))\.$/u, "")
  );
}

function findAmounts(text: string): AmountMatch[] | { error: string } {
  const found: AmountMatch[] = [];
  for (const m of text.matchAll(AMOUNT_IN_TEXT)) {
    const [whole, sign = "", digits = "", unit = ""] = m;
    const n = parseDanishNumber(`${sign}${digits}`);
    if (!n) return { error: `»${digits}« er ikke et gyldigt dansk tal.` };
    const factor = UNIT_FACTORS.find(([re]) => re.test(unit))?.[1];
    if (factor === undefined) return { error: `Ukendt beløbsenhed »${unit}«.` };
    const ore = danishNumberToOre(n, factor);
    if (ore === undefined) return { error: `Beløbet »${whole.trim()}« går ikke op i hele øre.` };
    found.push({ start: m.index, end: m.index + whole.length, ore });
  }
  return found;
}

function parseYear(s: string): number | { error: string } {
  const year = Number(s);
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    return { error: `»${s}« er ikke et gyldigt årstal.` };
  }
  return year;
}

function parseYearList(list: string): number[] | { error: string } {
  const years: number[] = [];
  for (const item of list.split(/\s*,\s*|\s+og\s+/u)) {
    const [fromText = "", toText] = item.split(/\s*-\s*/u);
    const from = parseYear(fromText);
    if (typeof from !== "number") return from;
    const to = toText === undefined ? from : parseYear(toText);
    if (typeof to !== "number") return to;
    if (to < from) return { error: `Årsintervallet »${item}« går baglæns.` };
    for (let y = from; y <= to; y++) years.push(y);
  }
  return years;
}

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + " ".repeat(end - start) + text.slice(end);
}

function parsePart(part: string, amount: AmountMatch): PartResult {
  let rest = blank(part, amount.start, amount.end);
  const estimate = ESTIMATE_YEARS.exec(rest);
  const from = FROM_YEAR.exec(rest);
  const list = YEAR_LIST.exec(rest);
  const annual = ANNUAL.exec(rest);
  const timings = [estimate, from, list].filter((m) => m !== null).length;
  if (timings === 0) {
    return fail(
      "Der mangler år: skriv fx »i 2025«, »årligt i 2027 og 2028«, »fra 2026 og frem« eller »årligt i overslagsårene«.",
    );
  }
  if (timings > 1)
    return fail("Beløbet har flere tidsangivelser; angiv enten år, »fra … og frem« eller overslagsårene.");
  for (const m of [estimate, from, list, annual]) {
    if (m) rest = blank(rest, m.index, m.index + m[0].length);
  }
  const stray = STRAY_NUMBER.exec(rest);
  if (stray) return fail(`Uventet tal »${stray[0]}« i »${part.trim()}«.`);

  if (estimate) {
    if (!annual) {
      return fail("Skriv »årligt i overslagsårene«: uden »årligt« kan beløbet også være en sum over årene.");
    }
    if (estimate[1] !== undefined && estimate[2] !== undefined) {
      const first = parseYear(estimate[1]);
      const last = parseYear(estimate[2]);
      if (typeof first !== "number") return fail(first.error);
      if (typeof last !== "number") return fail(last.error);
      if (last - first !== 2) {
        return fail(`Overslagsårene er tre på hinanden følgende år, ikke ${first}–${last}.`);
      }
    }
    return { ok: true, timing: "estimate_years", amount: amount.ore };
  }
  if (from) {
    const fromYear = parseYear(from[1] ?? "");
    if (typeof fromYear !== "number") return fail(fromYear.error);
    return { ok: true, timing: "from_year", amount: amount.ore, fromYear };
  }
  const years = parseYearList(list?.[1] ?? "");
  if (!Array.isArray(years)) return fail(years.error);
  const unique = uniqueSorted(years);
  if (unique.length !== years.length) return fail("Et år er nævnt flere gange.");
  if (unique.length > 1 && !annual) {
    return fail(
      `Tvetydigt: gælder beløbet hvert af årene ${formatYearList(unique)}? Skriv »årligt«, eller angiv et beløb for hvert år.`,
    );
  }
  return {
    ok: true,
    timing: "years",
    amounts: new Map(unique.map((y) => [y, amount.ore])),
    annual: !!annual,
  };
}

/**
 * Reads a budget-agreement phrase into a pattern. Words around the amount are allowed
 * ("Planområdet styrkes med 1,750 mio. kr. i 2025 for at …"), but every number must be
 * accounted for, and a phrase that could mean a total as well as a yearly amount
 * ("2 mio. kr. i 2027 og 2028") is refused rather than guessed at. The sign is taken as
 * written; verbs like "nedjusteres" do not change it.
 */
export function parsePattern(text: string, opts: ParsePatternOptions = {}): ParsePatternResult {
  let s = normalise(text);
  if (s === "") return fail("Teksten er tom.");
  // The area written by describePattern ("Administration: …") may itself contain numbers.
  const colon = s.lastIndexOf(": ");
  if (colon >= 0) s = s.slice(colon + 2);
  if (s === NO_AMOUNTS) return { ok: true, pattern: { kind: "years", amounts: new Map() } };

  const amounts = findAmounts(s);
  if (!Array.isArray(amounts)) return fail(amounts.error);
  if (amounts.length === 0) return fail("Der er intet beløb med enhed (kr., t.kr. eller mio. kr.).");
  const sign = opts.signConvention === "reduction_positive" ? -1n : 1n;

  // Split between consecutive amounts at the last ", " or " og " that separates them.
  const parts: { text: string; amount: AmountMatch }[] = [];
  let partStart = 0;
  for (let i = 0; i < amounts.length; i++) {
    const current = amounts[i] as AmountMatch;
    const next = amounts[i + 1];
    let partEnd = s.length;
    let nextStart = s.length;
    if (next) {
      const between = s.slice(current.end, next.start);
      const separators = [...between.matchAll(/\s*,\s+|\s+og\s+/gu)];
      const last = separators[separators.length - 1];
      if (!last) return fail("Flere beløb skal adskilles med »og« eller komma.");
      partEnd = current.end + last.index;
      nextStart = partEnd + last[0].length;
    }
    const partText = s.slice(partStart, partEnd);
    parts.push({
      text: partText,
      amount: { start: current.start - partStart, end: current.end - partStart, ore: current.ore * sign },
    });
    partStart = nextStart;
  }

  const results = parts.map((p) => parsePart(p.text, p.amount));
  for (const r of results) {
    if (!r.ok) return r;
  }
  const [only] = results;
  if (results.length === 1 && only?.ok) {
    if (only.timing === "from_year") {
      return { ok: true, pattern: { kind: "from_year", amount: only.amount, fromYear: only.fromYear } };
    }
    if (only.timing === "estimate_years") {
      return { ok: true, pattern: { kind: "estimate_years", amount: only.amount } };
    }
    if (only.annual) {
      const [amount = 0n] = only.amounts.values();
      return { ok: true, pattern: { kind: "each_year", amount, years: [...only.amounts.keys()] } };
    }
    return { ok: true, pattern: { kind: "years", amounts: only.amounts } };
  }

  const merged = new Map<number, bigint>();
  for (const r of results) {
    if (!r.ok) continue;
    if (r.timing !== "years") {
      return fail("»Fra … og frem« og overslagsårene kan ikke kombineres med andre beløb i samme sætning.");
    }
    for (const [year, amount] of r.amounts) {
      if (merged.has(year)) return fail(`År ${year} er nævnt flere gange.`);
      merged.set(year, amount);
    }
  }
  const sorted = new Map([...merged].sort(([a], [b]) => a - b));
  return { ok: true, pattern: { kind: "years", amounts: sorted } };
}
