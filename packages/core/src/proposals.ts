/**
 * Budget proposals (forslag) as a catalogue prints them (seed 003: Slagelse, "Budget
 * 2023-2026"): a schedule number, committee and area, a title, a text, and lines of amounts
 * per year with the totals the document printed. The printed totals are kept beside the
 * amounts instead of being recomputed, because documents contradict themselves and the
 * checks here exist to point that out.
 */

import { formatAmount } from "./format.ts";
import { type AmountUnit, divRoundHalfAwayFromZero, parseUnit, unitDecimals, unitFactor } from "./money.ts";
import { danishNumberToOre, parseDanishNumber } from "./patterns.ts";

export type ProposalKind = "drift" | "anlaeg" | "udvidelse" | "reduktion" | "investering";
export const PROPOSAL_KINDS: readonly ProposalKind[] = Object.freeze([
  "drift",
  "anlaeg",
  "udvidelse",
  "reduktion",
  "investering",
] as const);
export const PROPOSAL_KIND_LABEL: Readonly<Record<ProposalKind, string>> = Object.freeze({
  drift: "Driftsforslag",
  anlaeg: "Anlægsforslag",
  udvidelse: "Udvidelsesforslag",
  reduktion: "Reduktionsforslag",
  investering: "Investeringsforslag",
});

export type ProposalStatus = "draft" | "submitted" | "adopted" | "adopted_changed" | "rejected";
export const PROPOSAL_STATUSES: readonly ProposalStatus[] = Object.freeze([
  "draft",
  "submitted",
  "adopted",
  "adopted_changed",
  "rejected",
] as const);
export const PROPOSAL_STATUS_LABEL: Readonly<Record<ProposalStatus, string>> = Object.freeze({
  draft: "Kladde",
  submitted: "Indsendt",
  adopted: "Vedtaget",
  adopted_changed: "Vedtaget med ændringer",
  rejected: "Forkastet",
});

/** The kind for a heading such as "Driftsforslag" (case-insensitive); undefined otherwise. */
export function parseProposalKind(label: string): ProposalKind | undefined {
  const wanted = label.trim().toLowerCase();
  return PROPOSAL_KINDS.find((k) => PROPOSAL_KIND_LABEL[k].toLowerCase() === wanted);
}

export interface ProposalLine {
  /** May be empty: seed 003 prints single-line tables without a line name. */
  name: string;
  /** Year → øre. An empty cell is absent; a printed 0 is kept as 0n. */
  amounts: Map<number, bigint>;
  /** The "I alt" the source printed for the line, if any. */
  printedTotal?: bigint;
}

export type ProposalRelation = "alternative_to" | "related";

export interface ProposalReference {
  schedule: string;
  relation: ProposalRelation;
}

export interface PrintedTotals {
  perYear: Map<number, bigint>;
  total?: bigint;
}

export interface Proposal {
  /** Canonical schedule number, e.g. "2.1.2. 05" (see normalizeScheduleNumber). */
  schedule: string;
  /** The municipality's own number printed before the title ("3106 // …"). */
  internalNumber?: string;
  kind: ProposalKind;
  title: string;
  text: string;
  committee: string;
  area: string;
  lines: ProposalLine[];
  /** The proposal's own "I alt" row as printed. */
  printedTotals?: PrintedTotals;
  status: ProposalStatus;
  references: ProposalReference[];
}

export interface ProposalPeriod {
  firstYear: number;
  lastYear: number;
}

// ---------------------------------------------------------------------------------------------
// Sums

export function lineTotal(line: ProposalLine): bigint {
  let total = 0n;
  for (const amount of line.amounts.values()) total += amount;
  return total;
}

/**
 * The sum of all lines per year. With `years`, exactly those years (0n where no line has an
 * amount); without, every year that some line has, ascending.
 */
export function proposalYearTotals(p: Proposal, years?: readonly number[]): Map<number, bigint> {
  const wanted = years ?? [...new Set(p.lines.flatMap((l) => [...l.amounts.keys()]))].sort((a, b) => a - b);
  const out = new Map<number, bigint>();
  for (const year of wanted) {
    let total = 0n;
    for (const line of p.lines) total += line.amounts.get(year) ?? 0n;
    out.set(year, total);
  }
  return out;
}

export function proposalTotal(p: Proposal): bigint {
  let total = 0n;
  for (const line of p.lines) total += lineTotal(line);
  return total;
}

// ---------------------------------------------------------------------------------------------
// Schedule numbers

// "Skema 2.1.2. 05", "skema nr. 8.1.2 01", "2.1.2.05". At least one dot is required: a bare
// "skema 01" in running text is too ambiguous to be a reference (seed 003 uses it for a
// schedule in another catalogue).
// Without a space the serial must be two digits, so "8.1.2.01" is 8.1.2 / 01, not 8.1.2.0 / 1.
const SCHEDULE_BODY = String.raw`(\d+(?:\.\d+)+)(?:\.?\s+(\d+)|\.(\d{2}))`;
const SCHEDULE_AT_START = new RegExp(
  String.raw`^[\s*_#]*(?:skema\s+(?:nr\.\s*)?)?${SCHEDULE_BODY}(?![\d.])`,
  "iu",
);
const SCHEDULE_IN_TEXT = new RegExp(String.raw`skema\s+(?:nr\.\s*)?${SCHEDULE_BODY}(?![\d])`, "giu");

function canonicalSchedule(groups: string, serial: string): string {
  const parts = groups.split(".").map((g) => g.replace(/^0+(?=\d)/u, ""));
  return `${parts.join(".")}. ${serial.replace(/^0+(?=\d)/u, "").padStart(2, "0")}`;
}

/**
 * The schedule number at the start of a heading, in canonical form: "Skema 2.1.2. 05" and
 * "*Skema 2.1.2. 05**" (markdown noise, seed 003) give "2.1.2. 05", "8.1.2 01" gives "8.1.2. 01".
 */
export function parseScheduleNumber(text: string): string | undefined {
  const m = SCHEDULE_AT_START.exec(text);
  return m ? canonicalSchedule(m[1] ?? "", m[2] ?? m[3] ?? "") : undefined;
}

/** The canonical form, so that "8.1.2 01" and "8.1.2. 01" compare equal; undefined if not a number. */
export function normalizeScheduleNumber(schedule: string): string | undefined {
  return parseScheduleNumber(schedule);
}

export function sameSchedule(a: string, b: string): boolean {
  return (normalizeScheduleNumber(a) ?? a.trim()) === (normalizeScheduleNumber(b) ?? b.trim());
}

interface Span {
  start: number;
  end: number;
}

function scheduleMentions(text: string): { schedule: string; span: Span }[] {
  return [...text.matchAll(SCHEDULE_IN_TEXT)].map((m) => ({
    schedule: canonicalSchedule(m[1] ?? "", m[2] ?? m[3] ?? ""),
    span: { start: m.index, end: m.index + m[0].length },
  }));
}

/**
 * Schedules the text refers to. "i stedet" (instead) in the text marks them as alternatives,
 * as in seed 003's schedule 08 ("I dette skema lægger vi i stedet op til …"); that is a
 * reading of the wording, so the relation stays editable on the proposal.
 */
export function findReferences(text: string, ownSchedule?: string): ProposalReference[] {
  const relation: ProposalRelation = /(?<![\p{L}])i stedet(?![\p{L}])/iu.test(text)
    ? "alternative_to"
    : "related";
  const own = ownSchedule === undefined ? undefined : normalizeScheduleNumber(ownSchedule);
  const seen = new Set<string>();
  const out: ProposalReference[] = [];
  for (const { schedule } of scheduleMentions(text)) {
    if (schedule === own || seen.has(schedule)) continue;
    seen.add(schedule);
    out.push({ schedule, relation });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Consistency checks

export type ProposalWarningCode =
  | "line_total_mismatch"
  | "year_total_mismatch"
  | "grand_total_mismatch"
  | "text_amount_mismatch"
  | "text_count_mismatch"
  | "amount_outside_period"
  | "duplicate_schedule"
  | "reference_outside_catalogue";

export interface ProposalWarning {
  schedule: string;
  /**
   * "info" is a note, not an error: e.g. a reference to a schedule in another catalogue
   * (seed 003's schedule 08 refers to 8.1.2 01, which belongs to the reduction catalogue).
   */
  severity: "warning" | "info";
  code: ProposalWarningCode;
  /** Danish, for the user. */
  message: string;
  /** The line concerned, as printed ("" for a line without a name). */
  line?: string;
  year?: number;
  /** What the table (or the sum) says, formatted in Danish. */
  expected?: string;
  /** What the document printed or the text says, formatted in Danish. */
  found?: string;
}

/** Øre in the unit with as many decimals as it takes to be exact, so no mismatch prints as equal. */
function formatExact(ore: bigint, unit: AmountUnit): string {
  const scale = unitFactor(unit).toString().length - 1;
  let decimals = unitDecimals(unit);
  while (decimals < scale && ore % (unitFactor(unit) / 10n ** BigInt(decimals)) !== 0n) decimals++;
  return formatAmount(ore, unit, { suffix: true, decimals });
}

/** Names the line; two lines of the same name are told apart by number, so no warning hides another. */
function lineSubject(lines: readonly ProposalLine[], index: number): string {
  const name = (lines[index]?.name ?? "").trim();
  if (name === "") return `Linje ${index + 1} (uden navn)`;
  const twins = lines.filter((l) => l.name.trim() === name).length;
  return twins > 1 ? `Linjen »${name}« (linje ${index + 1})` : `Linjen »${name}«`;
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

function sortedYears(m: Map<number, bigint>): number[] {
  return [...m.keys()].sort((a, b) => a - b);
}

function checkSums(p: Proposal, unit: AmountUnit): ProposalWarning[] {
  const out: ProposalWarning[] = [];
  p.lines.forEach((line, i) => {
    const sum = lineTotal(line);
    if (line.printedTotal !== undefined && line.printedTotal !== sum) {
      out.push({
        schedule: p.schedule,
        severity: "warning",
        code: "line_total_mismatch",
        message: `Skema ${p.schedule}: ${lineSubject(p.lines, i)} har »I alt« ${formatExact(line.printedTotal, unit)}, men årene summerer til ${formatExact(sum, unit)}.`,
        line: line.name,
        expected: formatExact(sum, unit),
        found: formatExact(line.printedTotal, unit),
      });
    }
  });
  const printed = p.printedTotals;
  if (!printed) return out;
  // An empty cell in the total row means 0, the same as in a line.
  const lineYears = sortedYears(proposalYearTotals(p));
  const years = [...new Set([...sortedYears(printed.perYear), ...lineYears])].sort((a, b) => a - b);
  const sums = proposalYearTotals(p, years);
  for (const year of years) {
    const sum = sums.get(year) ?? 0n;
    const shown = printed.perYear.get(year) ?? 0n;
    if (shown !== sum) {
      out.push({
        schedule: p.schedule,
        severity: "warning",
        code: "year_total_mismatch",
        message: `Skema ${p.schedule}: »I alt« for ${year} er ${formatExact(shown, unit)}, men linjerne summerer til ${formatExact(sum, unit)}.`,
        year,
        expected: formatExact(sum, unit),
        found: formatExact(shown, unit),
      });
    }
  }
  const total = proposalTotal(p);
  if (printed.total !== undefined && printed.total !== total) {
    out.push({
      schedule: p.schedule,
      severity: "warning",
      code: "grand_total_mismatch",
      message: `Skema ${p.schedule}: »I alt« i alt er ${formatExact(printed.total, unit)}, men linjerne summerer til ${formatExact(total, unit)}.`,
      expected: formatExact(total, unit),
      found: formatExact(printed.total, unit),
    });
  }
  return out;
}

function checkPeriod(p: Proposal, period: ProposalPeriod, unit: AmountUnit): ProposalWarning[] {
  const out: ProposalWarning[] = [];
  const range = `${period.firstYear}\u2013${period.lastYear}`;
  const outside = (year: number): boolean => year < period.firstYear || year > period.lastYear;
  p.lines.forEach((line, i) => {
    for (const year of sortedYears(line.amounts)) {
      const amount = line.amounts.get(year) ?? 0n;
      if (amount !== 0n && outside(year)) {
        out.push({
          schedule: p.schedule,
          severity: "warning",
          code: "amount_outside_period",
          message: `Skema ${p.schedule}: ${lineSubject(p.lines, i)} har ${formatExact(amount, unit)} i ${year}, uden for budgetperioden ${range}.`,
          line: line.name,
          year,
          found: formatExact(amount, unit),
        });
      }
    }
  });
  for (const year of sortedYears(p.printedTotals?.perYear ?? new Map())) {
    const amount = p.printedTotals?.perYear.get(year) ?? 0n;
    // A line outside the period is already reported; only a bare total row would go unseen.
    const reported = p.lines.some((l) => (l.amounts.get(year) ?? 0n) !== 0n);
    if (amount !== 0n && outside(year) && !reported) {
      out.push({
        schedule: p.schedule,
        severity: "warning",
        code: "amount_outside_period",
        message: `Skema ${p.schedule}: »I alt« har ${formatExact(amount, unit)} i ${year}, uden for budgetperioden ${range}.`,
        year,
        found: formatExact(amount, unit),
      });
    }
  }
  return out;
}

// --- figures quoted in the text ------------------------------------------------------------------

/*
 * How a quoted figure is tied to a table line. The text is cut into clauses at line breaks,
 * sentence ends and , ; : ( ). A count ("63 færre unge på ydelse") is described by the words
 * after it up to the next number or clause end; an amount ("… - ca. 5700 t.kr.") by the words
 * before it back to the previous amount or clause start. Words count when they have four or
 * more letters and are not stop words.
 *
 * A figure belongs to a line when its words share at least two significant words with the
 * line name (one, if the name has only one). A single shared word is too weak: seed 003's
 * schedule 08 is about young people throughout, and "16 unge pr. ungeguide" shares "unge"
 * with "60 færre unge på uddannelseshjælp" without being about it. When two lines tie, the
 * figure is left alone. Only contradictions are reported; figures that belong to no line
 * ("reduktion på 981 t.kr.") are not.
 */

const STOP_WORDS: ReadonlySet<string> = new Set([
  "alle",
  "andre",
  "anden",
  "andet",
  "blev",
  "bliver",
  "både",
  "ca",
  "dens",
  "deres",
  "dermed",
  "derfor",
  "dette",
  "denne",
  "disse",
  "eller",
  "efter",
  "fordi",
  "have",
  "havde",
  "heraf",
  "herunder",
  "hvad",
  "hvis",
  "hvor",
  "hvordan",
  "ikke",
  "kunne",
  "mellem",
  "meget",
  "mere",
  "mest",
  "nogle",
  "noget",
  "også",
  "over",
  "samt",
  "samlet",
  "siden",
  "skal",
  "skulle",
  "sådan",
  "under",
  "uden",
  "vores",
  "være",
  "været",
  "ville",
  "årligt",
]);

function significantWords(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length >= 4 && !STOP_WORDS.has(w));
  return new Set(words);
}

type QuoteKind = "amount" | "count" | "other";

interface Quote extends Span {
  kind: QuoteKind;
  raw: string;
  /** amount: øre; count: the number. */
  value: bigint;
  /** amount only: the unit and decimals it was written with. */
  unit?: AmountUnit;
  decimals?: number;
}

const NUMBER_IN_TEXT = /(?<![\p{L}\d.,])\d+(?:[.,]\d+)*/gu;
const QUOTE_UNIT = /^\s?(t\.\s?kr\.?|tkr\.?|mio\.\s?kr\.?|mio\.|kr\.)/iu;
const PERCENT = /^\s?(%|pct\.|procent)/iu;
const CLAUSE_BREAK = /[\n,;:()]|[.!?](?=\s+[\p{Lu}])/gu;

function quoteUnit(written: string): AmountUnit {
  const s = written.toLowerCase();
  if (s.startsWith("mio")) return "mio";
  if (s.startsWith("kr")) return "kr";
  return "tkr";
}

function findQuotes(text: string): Quote[] {
  const references = scheduleMentions(text).map((m) => m.span);
  const quotes: Quote[] = [];
  for (const m of text.matchAll(NUMBER_IN_TEXT)) {
    const raw = m[0];
    const start = m.index;
    let end = start + raw.length;
    const after = text.slice(end);
    const n = parseDanishNumber(raw);
    const unitMatch = QUOTE_UNIT.exec(after);
    let kind: QuoteKind = "other";
    let value = 0n;
    let unit: AmountUnit | undefined;
    let decimals: number | undefined;
    const inReference = references.some((r) => start >= r.start && start < r.end);
    if (n && !inReference) {
      if (unitMatch) {
        unit = quoteUnit(unitMatch[1] ?? "");
        const ore = danishNumberToOre(n, unitFactor(unit));
        if (ore !== undefined && n.scale <= unitFactor(unit).toString().length - 1) {
          kind = "amount";
          value = ore;
          decimals = n.scale;
          end += unitMatch[0].length;
        }
      } else if (!PERCENT.test(after) && n.scale === 0) {
        // A bare four-digit number in this range is a year ("fra 2020"), not a count.
        const isYear = /^\d{4}$/u.test(raw) && n.value >= 1900n && n.value <= 2099n;
        if (!isYear) {
          kind = "count";
          value = n.value;
        }
      }
    }
    quotes.push({ start, end, kind, raw: text.slice(start, end), value, unit, decimals });
  }
  return quotes;
}

interface LineProfile {
  line: ProposalLine;
  words: Set<string>;
  count: bigint | undefined;
}

function lineProfiles(p: Proposal): LineProfile[] {
  return p.lines.map((line) => {
    const countMatch = /(?<![\p{L}\d.,])(\d+)(?![\d.,]*\d)/u.exec(line.name);
    return {
      line,
      words: significantWords(line.name),
      count: countMatch ? BigInt(countMatch[1] ?? "0") : undefined,
    };
  });
}

function matchLine(words: Set<string>, profiles: readonly LineProfile[]): LineProfile | undefined {
  let best: LineProfile | undefined;
  let bestShared = 0;
  let tie = false;
  for (const profile of profiles) {
    const needed = Math.max(1, Math.min(2, profile.words.size));
    let shared = 0;
    for (const w of words) if (profile.words.has(w)) shared++;
    if (shared < needed || profile.words.size === 0) continue;
    if (shared > bestShared) {
      best = profile;
      bestShared = shared;
      tie = false;
    } else if (shared === bestShared) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}

function checkText(p: Proposal): ProposalWarning[] {
  const profiles = lineProfiles(p);
  if (profiles.every((pr) => pr.words.size === 0)) return [];
  const text = p.text;
  const breaks = [...text.matchAll(CLAUSE_BREAK)].map((m) => m.index);
  const quotes = findQuotes(text);
  const out: ProposalWarning[] = [];

  quotes.forEach((q, i) => {
    if (q.kind === "count") {
      const nextQuote = quotes[i + 1]?.start ?? text.length;
      const nextBreak = breaks.find((b) => b >= q.end) ?? text.length;
      const phrase = text.slice(q.end, Math.min(nextQuote, nextBreak));
      const profile = matchLine(significantWords(phrase), profiles);
      if (profile?.count !== undefined && profile.count !== q.value) {
        const quoted = tidyQuote(`${q.raw}${phrase}`);
        out.push({
          schedule: p.schedule,
          severity: "warning",
          code: "text_count_mismatch",
          message: `Skema ${p.schedule}: Teksten nævner »${quoted}«, men tabellens linje »${profile.line.name}« regner med ${profile.count}.`,
          line: profile.line.name,
          expected: String(profile.count),
          found: String(q.value),
        });
      }
      return;
    }
    if (q.kind !== "amount" || q.unit === undefined || q.decimals === undefined) return;
    let labelStart = 0;
    for (let j = i - 1; j >= 0; j--) {
      const prev = quotes[j];
      if (prev?.kind === "amount") {
        labelStart = prev.end;
        break;
      }
    }
    const previousBreak = breaks.filter((b) => b < q.start).pop();
    if (previousBreak !== undefined) labelStart = Math.max(labelStart, previousBreak + 1);
    const label = text.slice(labelStart, q.start);
    const profile = matchLine(significantWords(label), profiles);
    if (!profile) return;
    const unit = q.unit;
    const quantum = unitFactor(unit) / 10n ** BigInt(q.decimals);
    const yearAmounts = sortedYears(profile.line.amounts).map((y) => profile.line.amounts.get(y) ?? 0n);
    const candidates = [...yearAmounts, lineTotal(profile.line)];
    // The text quotes a magnitude at its own precision ("ca. 5700 t.kr." for a saving of -5.300).
    const matches = candidates.some(
      (c) => divRoundHalfAwayFromZero(abs(c), quantum) * quantum === abs(q.value),
    );
    if (matches) return;
    const fmt = (ore: bigint): string =>
      formatAmount(abs(ore), unit, { suffix: true, decimals: Math.max(q.decimals ?? 0, unitDecimals(unit)) });
    const distinct = [...new Set(yearAmounts.map((a) => abs(a)))];
    const expected = distinct.length === 1 ? fmt(distinct[0] ?? 0n) : distinct.map(fmt).join(" / ");
    const signed = [...new Set(yearAmounts)].map((a) => formatExact(a, unit));
    out.push({
      schedule: p.schedule,
      severity: "warning",
      code: "text_amount_mismatch",
      message: `Skema ${p.schedule}: Teksten nævner ${fmt(q.value)} om »${tidyQuote(label)}«, men tabellens linje »${profile.line.name}« har ${signed.join(" / ")} pr. år (i alt ${formatExact(lineTotal(profile.line), unit)}).`,
      line: profile.line.name,
      expected,
      found: fmt(q.value),
    });
  });
  return dedupe(out);
}

/** The words a figure was tied to, without the dash and "ca." that lead up to the figure. */
function tidyQuote(s: string): string {
  return s.replace(/(?:[\s\-\u2013]|(?<![\p{L}])(?:ca\.|cirka|omkring)(?![\p{L}]))+$/u, "").trim();
}

function dedupe(warnings: readonly ProposalWarning[]): ProposalWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = JSON.stringify([w.schedule, w.code, w.line, w.year, w.expected, w.found, w.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The warnings for one proposal: printed totals that are not the sums, figures in the text
 * that contradict the table, and amounts outside the budget period. `unit` is what the
 * messages print table amounts in.
 */
export function checkProposal(
  p: Proposal,
  period: ProposalPeriod,
  unit: AmountUnit = "tkr",
): ProposalWarning[] {
  return dedupe([...checkSums(p, unit), ...checkText(p), ...checkPeriod(p, period, unit)]);
}

/**
 * checkProposal for every proposal, plus what only the catalogue can tell: a schedule number
 * used twice (warning), and references to schedules that are not in the catalogue (info,
 * since catalogues refer to each other: seed 003's schedule 08 refers to the reduction
 * catalogue's 8.1.2 01).
 */
export function checkCatalogue(
  ps: readonly Proposal[],
  period: ProposalPeriod,
  unit: AmountUnit = "tkr",
): ProposalWarning[] {
  const out: ProposalWarning[] = [];
  const counts = new Map<string, number>();
  for (const p of ps) {
    const key = normalizeScheduleNumber(p.schedule) ?? p.schedule.trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [schedule, n] of counts) {
    if (n > 1) {
      out.push({
        schedule,
        severity: "warning",
        code: "duplicate_schedule",
        message: `Skema ${schedule} findes ${n} gange i kataloget.`,
        found: String(n),
      });
    }
  }
  for (const p of ps) {
    out.push(...checkProposal(p, period, unit));
    for (const ref of p.references) {
      const target = normalizeScheduleNumber(ref.schedule) ?? ref.schedule.trim();
      if (!counts.has(target)) {
        const how = ref.relation === "alternative_to" ? "er et alternativ til" : "henviser til";
        out.push({
          schedule: p.schedule,
          severity: "info",
          code: "reference_outside_catalogue",
          message: `Skema ${p.schedule} ${how} skema ${target}, som ikke er i dette katalog.`,
          found: target,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading a catalogue's plain text

/** Something the text reader could not read, and where. */
export interface CatalogueProblem {
  /**
   * 1-based line of the text where it was found; for something missing, the line it should have
   * followed (the "Skema" line for a whole part of a proposal). Absent only when the problem is
   * the whole text (no schedule at all).
   */
  line?: number;
  /**
   * What is wrong, as the user calls it: "skema", "forslagstype", "udvalg og område", "titel",
   * "enhed", "tabel", "overskrift", a year's column as headed ("2024") or "I alt".
   */
  field: string;
  /** The schedule it belongs to, canonical ("2.1.2. 05"), when it is inside one. */
  schedule?: string;
  /** Danish, naming the schedule but not the line: "Skema 4.1.1. 02: »tusind« i 2024 er ikke et beløb." */
  reason: string;
}

export interface ParsedCatalogue {
  proposals: Proposal[];
  /** What could not be read, in the order of the text; the proposals are still returned. */
  problems: CatalogueProblem[];
  /** From a heading such as "BUDGET 2023-2026", when present. */
  period?: ProposalPeriod;
}

function parseCell(cell: string, factor: bigint): bigint | undefined | "invalid" {
  const trimmed = cell.trim();
  if (trimmed === "") return undefined;
  const n = parseDanishNumber(trimmed.replace(/^([-\u2212])\s+/u, "$1"));
  if (!n) return "invalid";
  return danishNumberToOre(n, factor) ?? "invalid";
}

function stripNoise(line: string): string {
  return line
    .replace(/[*_#]+/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
}

/**
 * Reads a catalogue in the plain-text layout of seed 003: per proposal a kind heading
 * ("Driftsforslag"), "Skema …", "Committee - Area", an optional "NNNN // Title" or just the
 * title, paragraphs, "Beløb i 1.000 kr.", a tab-separated table headed "Budgetoverslag\t2023\t…
 * \tI alt", its lines and its "I alt" row. Proposals come out as submitted, with references
 * found in their text.
 */
export function parseCatalogueText(text: string): ParsedCatalogue {
  const lines = text.split(/\r?\n/u).map((l) => l.replace(/\s+$/u, ""));
  const problems: CatalogueProblem[] = [];
  const proposals: Proposal[] = [];

  let period: ProposalPeriod | undefined;
  const heading = /budget\s+(\d{4})\s*[-\u2013]\s*(\d{4})/iu.exec(lines.slice(0, 20).join("\n"));
  if (heading) period = { firstYear: Number(heading[1]), lastYear: Number(heading[2]) };

  const starts: number[] = [];
  lines.forEach((l, i) => {
    if (/^[\s*_#]*skema\s/iu.test(l) && parseScheduleNumber(l) !== undefined) starts.push(i);
  });
  if (starts.length === 0)
    problems.push({ field: "skema", reason: "Der er ingen skemaer (»Skema …«) i teksten." });

  starts.forEach((start, k) => {
    const kindLine = previousNonEmpty(lines, start - 1);
    let end = starts[k + 1] ?? lines.length;
    // The next proposal's kind heading sits before its "Skema" line.
    for (;;) {
      const j = previousNonEmpty(lines, end - 1);
      if (j === undefined || j <= start || parseProposalKind(lines[j] ?? "") === undefined) break;
      end = j;
    }
    const parsed = parseBlock(lines, start, end, kindLine === undefined ? undefined : lines[kindLine]);
    problems.push(...parsed.problems);
    proposals.push(parsed.proposal);
  });
  return period ? { proposals, problems, period } : { proposals, problems };
}

function previousNonEmpty(lines: readonly string[], from: number): number | undefined {
  for (let i = from; i >= 0; i--) if ((lines[i] ?? "").trim() !== "") return i;
  return undefined;
}

function parseBlock(
  lines: readonly string[],
  start: number,
  end: number,
  kindHeading: string | undefined,
): { proposal: Proposal; problems: CatalogueProblem[] } {
  const problems: CatalogueProblem[] = [];
  const scheduleLine = lines[start] ?? "";
  const schedule = parseScheduleNumber(scheduleLine) ?? "";
  const where = `Skema ${schedule}`;
  // `at` is a 0-based index into lines; problems carry the 1-based line number.
  const problem = (at: number, field: string, reason: string): void => {
    problems.push({ line: at + 1, field, schedule, reason: `${where}: ${reason}` });
  };
  const kind = parseProposalKind(stripNoise(kindHeading ?? ""));
  if (!kind)
    problem(start, "forslagstype", "forslagstypen mangler over skemanummeret; læst som driftsforslag.");

  // Seed 003 sometimes runs the committee line into the schedule line: "*Skema 2.1.2. 05**Økonomiudvalget - …*".
  const m = SCHEDULE_AT_START.exec(scheduleLine);
  const restOfScheduleLine = stripNoise(scheduleLine.slice(m ? m[0].length : 0));
  let i = start + 1;
  // The last line read, so that something missing is reported after what was there.
  let lastRead = start;
  const nextNonEmpty = (): string | undefined => {
    while (i < end && (lines[i] ?? "").trim() === "") i++;
    if (i >= end) return undefined;
    lastRead = i;
    return stripNoise(lines[i++] ?? "");
  };
  const committeeLine = restOfScheduleLine !== "" ? restOfScheduleLine : (nextNonEmpty() ?? "");
  const dash = committeeLine.indexOf(" - ");
  const committee = dash >= 0 ? committeeLine.slice(0, dash).trim() : committeeLine;
  const area = dash >= 0 ? committeeLine.slice(dash + 3).trim() : "";
  if (committeeLine === "") problem(lastRead, "udvalg og område", "udvalg og område mangler.");

  const titleLine = nextNonEmpty() ?? "";
  const numbered = /^(\d+)\s*\/\/\s*(.+)$/u.exec(titleLine);
  const title = numbered ? (numbered[2] ?? "").trim() : titleLine;
  if (title === "") problem(lastRead, "titel", "titlen mangler.");

  const paragraphs: string[] = [];
  let current: string[] = [];
  let unit: AmountUnit = "tkr";
  let unitSeen = false;
  for (; i < end; i++) {
    const l = lines[i] ?? "";
    // Only a recognised unit ends the text: "Beløb i alt …" may open an ordinary paragraph.
    const unitLine = /^\s*beløb\s+(i\s+.+)$/iu.exec(l);
    const parsedUnit = unitLine ? parseUnit(unitLine[1] ?? "") : undefined;
    if (parsedUnit) {
      unit = parsedUnit;
      unitSeen = true;
      continue;
    }
    if (/^\s*budgetoverslag\t/iu.test(l)) break;
    if (l.trim() === "") {
      if (current.length > 0) paragraphs.push(current.join("\n"));
      current = [];
    } else {
      current.push(l.trim());
    }
  }
  if (current.length > 0) paragraphs.push(current.join("\n"));
  const factor = unitFactor(unit);

  const proposalLines: ProposalLine[] = [];
  let printedTotals: PrintedTotals | undefined;
  if (i >= end) {
    problem(start, "tabel", "tabellen (»Budgetoverslag …«) mangler.");
  } else {
    const headerAt = i;
    if (!unitSeen) problem(headerAt, "enhed", "enheden (»Beløb i …«) mangler; læst som 1.000 kr.");
    const header = (lines[i] ?? "").split("\t").map((c) => c.trim());
    const hasTotalColumn = /^i alt$/iu.test(header[header.length - 1] ?? "");
    const yearCells = header.slice(1, hasTotalColumn ? -1 : undefined);
    const years = yearCells.map((c) => (/^\d{4}$/u.test(c) ? Number(c) : Number.NaN));
    yearCells.forEach((cell, c) => {
      if (Number.isNaN(years[c])) {
        problem(
          headerAt,
          "overskrift",
          `»${cell}« i tabellens overskrift (felt ${c + 2}) er ikke et årstal.`,
        );
      }
    });
    let lastRow = headerAt;
    i++;
    for (; i < end; i++) {
      const l = lines[i] ?? "";
      if (l.trim() === "") continue;
      if (printedTotals) {
        problem(i, "tabel", `uventet tekst efter tabellens »I alt«: »${l.trim()}«.`);
        continue;
      }
      lastRow = i;
      const cells = l.split("\t");
      if (cells.length > header.length) {
        problem(i, "tabel", `rækken »${l.trim()}« har flere felter end overskriften.`);
      }
      const amounts = new Map<number, bigint>();
      years.forEach((year, c) => {
        const value = parseCell(cells[c + 1] ?? "", factor);
        if (value === "invalid") {
          const column = yearCells[c] ?? "";
          problem(i, column, `»${(cells[c + 1] ?? "").trim()}« i ${column} er ikke et beløb.`);
        } else if (value !== undefined && !Number.isNaN(year)) {
          amounts.set(year, value);
        }
      });
      let total: bigint | undefined;
      if (hasTotalColumn) {
        const value = parseCell(cells[years.length + 1] ?? "", factor);
        if (value === "invalid") problem(i, "I alt", `»I alt« i rækken »${l.trim()}« er ikke et beløb.`);
        else total = value;
      }
      const name = (cells[0] ?? "").trim();
      if (/^i alt$/iu.test(name)) {
        printedTotals = total === undefined ? { perYear: amounts } : { perYear: amounts, total };
      } else {
        proposalLines.push(total === undefined ? { name, amounts } : { name, amounts, printedTotal: total });
      }
    }
    if (!printedTotals) problem(lastRow, "I alt", "tabellens »I alt«-række mangler.");
  }

  const body = paragraphs.join("\n\n");
  const proposal: Proposal = {
    schedule,
    kind: kind ?? "drift",
    title,
    text: body,
    committee,
    area,
    lines: proposalLines,
    status: "submitted",
    references: findReferences(body, schedule),
  };
  if (numbered) proposal.internalNumber = numbered[1] ?? "";
  if (printedTotals) proposal.printedTotals = printedTotals;
  return { proposal, problems };
}
