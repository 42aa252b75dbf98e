/**
 * The budget agreement (budgetaftale) as a scenario: which proposals are adopted (whole or
 * with changed amounts), which adjustments (reguleringer) are made, which DUT money goes to
 * which area, and what the finance committee holds in demography pools. From it follow the
 * effect per year on every node of the organisation (with a trace of which items contributed),
 * a comparison of two scenarios, and the adopted budget: the base budget plus the agreement.
 *
 * The period is the budget year B and the three estimate years B+1 … B+3. Amounts are exact
 * øre in bigint, in ledger sign (expenses positive, income and savings negative), as seed 000
 * writes them ("nedjusteres … med -1,7 mio. kr."). Nothing here does I/O.
 *
 * Where an item's amounts land:
 * - on the node whose code is `item.area`: an appropriation area, or a unit below one (seed 001
 *   gives DUT money to "Fagcenter Børn og Familie"), never a committee or the municipality;
 * - in applyAgreement, on the figure (area, item.accountId ?? null, year). An item without an
 *   account changes the area's own figure without account, which is created (base 0) if the
 *   base has none. The amounts are never spread over the area's accounts: that would need a
 *   distribution key the agreement does not state, and it would break the exact sum.
 * - in the service frame when the item's category is "service", the default.
 */

import type { SpendingCategory } from "./accounts.ts";
import { SPENDING_CATEGORIES } from "./accounts.ts";
import type { NodeKind, OrgNode } from "./org.ts";
import {
  type AdjustmentSignConvention,
  type AmountPattern,
  type AmountStyle,
  describePattern,
  expandPattern,
  formatPatternAmount,
  type PatternPeriod,
} from "./patterns.ts";
import { normalizeScheduleNumber, type Proposal, type ProposalLine } from "./proposals.ts";

// ---------------------------------------------------------------------------------------------
// The model

export type AgreementItemKind = "proposal" | "adjustment" | "dut" | "pool";
export const AGREEMENT_ITEM_KINDS: readonly AgreementItemKind[] = Object.freeze([
  "proposal",
  "adjustment",
  "dut",
  "pool",
] as const);
export const AGREEMENT_ITEM_KIND_LABEL: Readonly<Record<AgreementItemKind, string>> = Object.freeze({
  proposal: "Forslag",
  adjustment: "Regulering",
  dut: "DUT-midler",
  pool: "Demografipulje",
});

interface AgreementItemBase {
  /** Stable across edits and unique in the agreement; traces and adopted figures refer to it. */
  id: string;
  /** Short Danish text for traces and messages, e.g. "Planområdet styrkes". */
  label: string;
  /** Code of the node the amounts land on: an appropriation area or a unit below one. */
  area: string;
  /** Default "service": such amounts count in the service frame. */
  category?: SpendingCategory;
  /** The account the amounts land on in applyAgreement; absent or null: the area's own figure. */
  accountId?: number | null;
}

/** The proposal as the agreement needs it; a whole Proposal from proposals.ts fits. */
export type AdoptedProposal = Pick<Proposal, "schedule" | "title" | "lines"> & {
  /** The proposal's database id, when it has one. */
  id?: number;
};

/** An adopted amount that replaces the proposal's: line (0-based index into lines), year, øre. */
export interface ProposalOverride {
  line: number;
  year: number;
  amount: bigint;
}

/** (a) A proposal adopted whole, or with changed amounts (status "adopted_changed"). */
export interface ProposalItem extends AgreementItemBase {
  kind: "proposal";
  proposal: AdoptedProposal;
  overrides?: readonly ProposalOverride[];
}

/** (b) An adjustment (regulering) written as a phrase: "-0,323 mio. kr. fra 2026 og frem". */
export interface AdjustmentItem extends AgreementItemBase {
  kind: "adjustment";
  pattern: AmountPattern;
  /** The reason, in Danish, as the remarks print it after the amount. */
  text: string;
}

export type FromYearPattern = Extract<AmountPattern, { kind: "from_year" }>;

/**
 * (c) DUT money per year, optionally continued "og fremefter" (seed 001: "1,8 mio. kr. i 2024,
 * 2,3 mio. kr. i 2025, 2,8 mio. kr. i 2026 og 3,1 mio. kr. i 2027 og fremefter"). The onward
 * part is a from_year pattern: its amount in every year from fromYear to the end of the period.
 */
export interface DutItem extends AgreementItemBase {
  kind: "dut";
  amounts: ReadonlyMap<number, bigint>;
  onwards?: FromYearPattern;
  /** What the money compensates, e.g. "indførelse af Barnets Lov". */
  text?: string;
}

/** (d) A demography pool: an amount per year on an area under the finance committee. */
export interface PoolItem extends AgreementItemBase {
  kind: "pool";
  amounts: ReadonlyMap<number, bigint>;
  text?: string;
}

export type AgreementItem = ProposalItem | AdjustmentItem | DutItem | PoolItem;

export interface Agreement {
  /** The scenario's name, e.g. "Budgetaftalen 2025" or "Forligspartiernes forslag". */
  name: string;
  /** B: the period is B … B+3. */
  budgetYear: number;
  items: readonly AgreementItem[];
}

/** What the functions need of an organisation node; an OrgNode from org.ts fits. */
export type AgreementOrgNode = Pick<OrgNode, "id" | "parentId" | "kind" | "code" | "name"> &
  Partial<Pick<OrgNode, "validFrom" | "validTo" | "sortOrder">>;

export interface AgreementOptions {
  /**
   * Code of the finance committee (Økonomiudvalget), which holds the demography pools. Default:
   * the one committee named "Økonomiudvalget", which every municipality has by law.
   */
  financeCommittee?: string;
}

/** The years B … B+3 as a PatternPeriod, for expandPattern. */
export function agreementPeriod(agreement: Pick<Agreement, "budgetYear">): PatternPeriod {
  const b = agreement.budgetYear;
  return { budgetYear: b, firstYear: b, lastYear: b + 3 };
}

export function agreementYears(agreement: Pick<Agreement, "budgetYear">): number[] {
  const p = agreementPeriod(agreement);
  const out: number[] = [];
  for (let y = p.firstYear; y <= p.lastYear; y++) out.push(y);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Amounts per item

function overridesByLine(item: ProposalItem): Map<number, Map<number, bigint>> {
  const out = new Map<number, Map<number, bigint>>();
  for (const o of item.overrides ?? []) {
    const m = out.get(o.line) ?? new Map<number, bigint>();
    m.set(o.year, o.amount);
    out.set(o.line, m);
  }
  return out;
}

/**
 * The proposal's lines as adopted: each override replaces (or adds) the amount of its line and
 * year. A changed line loses its printed total, which no longer describes it.
 */
export function adoptedLines(item: ProposalItem): ProposalLine[] {
  const overrides = overridesByLine(item);
  return item.proposal.lines.map((line, i) => {
    const changes = overrides.get(i);
    if (!changes) return line;
    const amounts = new Map(line.amounts);
    for (const [year, amount] of changes) amounts.set(year, amount);
    return { name: line.name, amounts: new Map([...amounts].sort(([a], [b]) => a - b)) };
  });
}

/** "adopted" when the agreement takes the proposal as it is, "adopted_changed" otherwise. */
export function proposalItemStatus(item: ProposalItem): "adopted" | "adopted_changed" {
  const lines = item.proposal.lines;
  const changed = (item.overrides ?? []).some(
    (o) => lines[o.line]?.amounts.get(o.year) !== o.amount || !lines[o.line]?.amounts.has(o.year),
  );
  return changed ? "adopted_changed" : "adopted";
}

/** Year → øre over every year the item names, in or out of the period, ascending. */
function rawAmounts(item: AgreementItem, period: PatternPeriod): Map<number, bigint> {
  switch (item.kind) {
    case "proposal": {
      const out = new Map<number, bigint>();
      for (const line of adoptedLines(item)) {
        for (const [year, amount] of line.amounts) out.set(year, (out.get(year) ?? 0n) + amount);
      }
      return new Map([...out].sort(([a], [b]) => a - b));
    }
    case "adjustment":
      return expandPattern(item.pattern, period);
    case "dut": {
      const out = new Map(item.onwards ? expandPattern(item.onwards, period) : []);
      // Validation refuses a year both named and covered by "og fremefter"; were it not, the
      // named amount would win, as the more specific statement.
      for (const [year, amount] of item.amounts) out.set(year, amount);
      return new Map([...out].sort(([a], [b]) => a - b));
    }
    case "pool":
      return new Map([...item.amounts].sort(([a], [b]) => a - b));
  }
}

/**
 * The item's amount per year of the agreement's period (years outside it are dropped;
 * validation reports them), ascending by year.
 */
export function itemAmounts(item: AgreementItem, period: PatternPeriod): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const [year, amount] of rawAmounts(item, period)) {
    if (year >= period.firstYear && year <= period.lastYear) out.set(year, amount);
  }
  return out;
}

function negatePattern(p: AmountPattern): AmountPattern {
  switch (p.kind) {
    case "years":
      return { kind: "years", amounts: negateMap(p.amounts) };
    case "each_year":
      return { kind: "each_year", amount: -p.amount, years: [...p.years] };
    case "from_year":
      return { kind: "from_year", amount: -p.amount, fromYear: p.fromYear };
    case "estimate_years":
      return { kind: "estimate_years", amount: -p.amount };
  }
}

function negateMap(m: ReadonlyMap<number, bigint>): Map<number, bigint> {
  return new Map([...m].map(([year, amount]) => [year, -amount]));
}

function negateItem(item: AgreementItem): AgreementItem {
  switch (item.kind) {
    case "proposal": {
      const lines = item.proposal.lines.map((l): ProposalLine => {
        const line: ProposalLine = { name: l.name, amounts: negateMap(l.amounts) };
        if (l.printedTotal !== undefined) line.printedTotal = -l.printedTotal;
        return line;
      });
      const proposal: AdoptedProposal = {
        schedule: item.proposal.schedule,
        title: item.proposal.title,
        lines,
      };
      if (item.proposal.id !== undefined) proposal.id = item.proposal.id;
      const out: ProposalItem = { ...item, proposal };
      if (item.overrides) out.overrides = item.overrides.map((o) => ({ ...o, amount: -o.amount }));
      return out;
    }
    case "adjustment":
      return { ...item, pattern: negatePattern(item.pattern) };
    case "dut": {
      const out: DutItem = { ...item, amounts: negateMap(item.amounts) };
      if (item.onwards) out.onwards = { ...item.onwards, amount: -item.onwards.amount };
      return out;
    }
    case "pool":
      return { ...item, amounts: negateMap(item.amounts) };
  }
}

/** The same agreement with every amount negated: applying it undoes the original. */
export function negateAgreement(agreement: Agreement): Agreement {
  return { ...agreement, items: agreement.items.map(negateItem) };
}

// ---------------------------------------------------------------------------------------------
// The organisation

interface OrgIndex {
  /** Preorder: a parent always comes before its children. */
  nodes: AgreementOrgNode[];
  parent: Int32Array;
  depth: Int32Array;
  byCode: Map<string, number>;
}

function compareSiblings(a: AgreementOrgNode, b: AgreementOrgNode): number {
  return (a.sortOrder ?? 0) - (b.sortOrder ?? 0) || a.code.localeCompare(b.code, "da");
}

/** Throws (in Danish) for an organisation that is not one tree. */
function indexOrg(org: readonly AgreementOrgNode[]): OrgIndex {
  const byId = new Map<number, AgreementOrgNode>();
  const codes = new Set<string>();
  const children = new Map<number, AgreementOrgNode[]>();
  const roots: AgreementOrgNode[] = [];
  for (const n of org) {
    if (byId.has(n.id)) throw new Error(`Organisationen har to enheder med id ${n.id}.`);
    if (codes.has(n.code)) throw new Error(`Organisationen har to enheder med koden »${n.code}«.`);
    byId.set(n.id, n);
    codes.add(n.code);
  }
  for (const n of org) {
    if (n.parentId === null) {
      roots.push(n);
    } else if (!byId.has(n.parentId)) {
      throw new Error(`»${n.name}« (${n.code}) hører under id ${n.parentId}, som ikke findes.`);
    } else {
      const list = children.get(n.parentId) ?? [];
      list.push(n);
      children.set(n.parentId, list);
    }
  }
  if (roots.length !== 1) {
    throw new Error(`Organisationen skal have præcis én kommune øverst, men har ${roots.length}.`);
  }
  for (const list of children.values()) list.sort(compareSiblings);

  const nodes: AgreementOrgNode[] = [];
  const parent = new Int32Array(org.length);
  const depth = new Int32Array(org.length);
  const byCode = new Map<string, number>();
  const stack: { node: AgreementOrgNode; parent: number; depth: number }[] = [
    { node: roots[0] as AgreementOrgNode, parent: -1, depth: 0 },
  ];
  while (stack.length > 0) {
    const top = stack.pop() as { node: AgreementOrgNode; parent: number; depth: number };
    const i = nodes.length;
    nodes.push(top.node);
    parent[i] = top.parent;
    depth[i] = top.depth;
    byCode.set(top.node.code, i);
    const kids = children.get(top.node.id) ?? [];
    for (let k = kids.length - 1; k >= 0; k--) {
      stack.push({ node: kids[k] as AgreementOrgNode, parent: i, depth: top.depth + 1 });
    }
  }
  if (nodes.length !== org.length) {
    const lost = org.find((n) => !byCode.has(n.code));
    throw new Error(`Organisationen har en løkke ved »${lost?.name ?? ""}« (${lost?.code ?? ""}).`);
  }
  return { nodes, parent, depth, byCode };
}

/** Code → name, for describeItem. */
export function orgNameMap(org: readonly Pick<OrgNode, "code" | "name">[]): Map<string, string> {
  return new Map(org.map((n) => [n.code, n.name]));
}

// ---------------------------------------------------------------------------------------------
// Validation

export type AgreementProblemCode =
  | "invalid_budget_year"
  | "missing_id"
  | "duplicate_item_id"
  | "unknown_area"
  | "not_an_area"
  | "area_not_valid"
  | "year_outside_period"
  | "proposal_adopted_twice"
  | "bad_override"
  | "dut_overlap"
  | "no_finance_committee"
  | "pool_outside_finance_committee";

export interface AgreementProblem {
  code: AgreementProblemCode;
  /** The item concerned, when there is one. */
  itemId?: string;
  year?: number;
  /** Danish, for the user. */
  message: string;
}

export class AgreementError extends Error {
  readonly problems: readonly AgreementProblem[];
  constructor(problems: readonly AgreementProblem[]) {
    const [first] = problems;
    const more = problems.length > 1 ? ` (og ${problems.length - 1} fejl mere)` : "";
    super(`Budgetaftalen kan ikke beregnes: ${first?.message ?? "ukendt fejl"}${more}`);
    this.name = "AgreementError";
    this.problems = problems;
  }
}

const FINANCE_COMMITTEE_NAME = "økonomiudvalget";

function periodText(p: PatternPeriod): string {
  return `${p.firstYear}\u2013${p.lastYear}`;
}

/** The years the item names explicitly (not those that "og fremefter" reaches), with amounts. */
function namedYears(item: AgreementItem, period: PatternPeriod): [number, bigint][] {
  switch (item.kind) {
    case "proposal":
      return [...rawAmounts(item, period)];
    case "adjustment":
      return item.pattern.kind === "years" || item.pattern.kind === "each_year"
        ? [...expandPattern(item.pattern, period)]
        : [];
    case "dut":
    case "pool":
      return [...item.amounts];
  }
}

function validateWith(
  agreement: Agreement,
  index: OrgIndex | undefined,
  opts: AgreementOptions,
): AgreementProblem[] {
  const problems: AgreementProblem[] = [];
  const b = agreement.budgetYear;
  if (!Number.isInteger(b) || b < 1900 || b > 2196) {
    return [{ code: "invalid_budget_year", message: `Budgetåret skal være et årstal, ikke ${b}.` }];
  }
  const period = agreementPeriod(agreement);
  const range = periodText(period);
  const ids = new Map<string, AgreementItem>();
  const schedules = new Map<string, ProposalItem>();

  let finance: number | undefined;
  let financeProblem: string | undefined;
  if (index && agreement.items.some((i) => i.kind === "pool")) {
    if (opts.financeCommittee !== undefined) {
      finance = index.byCode.get(opts.financeCommittee);
      if (finance === undefined || index.nodes[finance]?.kind !== "committee") {
        financeProblem = `økonomiudvalget »${opts.financeCommittee}« findes ikke som udvalg i organisationen`;
        finance = undefined;
      }
    } else {
      const candidates = index.nodes
        .map((n, i) => ({ n, i }))
        .filter(({ n }) => n.kind === "committee" && n.name.trim().toLowerCase() === FINANCE_COMMITTEE_NAME);
      if (candidates.length === 1) finance = candidates[0]?.i;
      else
        financeProblem = "organisationen har ikke ét udvalg ved navn Økonomiudvalget; angiv økonomiudvalget";
    }
  }

  for (const item of agreement.items) {
    const who = `»${item.label || item.id}«`;
    const add = (code: AgreementProblemCode, message: string, year?: number): void => {
      const p: AgreementProblem = { code, message };
      if (item.id !== "") p.itemId = item.id;
      if (year !== undefined) p.year = year;
      problems.push(p);
    };

    if (item.id.trim() === "") add("missing_id", `${who} mangler et id.`);
    const twin = ids.get(item.id);
    if (twin && item.id.trim() !== "") {
      add("duplicate_item_id", `»${twin.label}« og »${item.label}« har samme id »${item.id}«.`);
    } else {
      ids.set(item.id, item);
    }

    // The area.
    const node = index?.byCode.get(item.area);
    if (index && node === undefined) {
      add("unknown_area", `${who}: området »${item.area}« findes ikke i organisationen.`);
    } else if (index && node !== undefined) {
      const n = index.nodes[node] as AgreementOrgNode;
      if (n.kind === "municipality" || n.kind === "committee") {
        const what = n.kind === "municipality" ? "kommunen" : "et udvalg";
        add(
          "not_an_area",
          `${who}: »${n.name}« er ${what}; beløb i budgetaftalen skal placeres på et bevillingsområde.`,
        );
      }
    }

    // The years.
    for (const [year, amount] of namedYears(item, period)) {
      const outside = year < period.firstYear || year > period.lastYear;
      // A proposal's table may print 0 for a year outside the period; that changes nothing.
      if (outside && (item.kind !== "proposal" || amount !== 0n)) {
        add(
          "year_outside_period",
          `${who}: ${year} ligger uden for budgetperioden ${range} (${formatPatternAmount(amount)}).`,
          year,
        );
      }
    }
    const onward =
      item.kind === "dut"
        ? item.onwards
        : item.kind === "adjustment" && item.pattern.kind === "from_year"
          ? item.pattern
          : undefined;
    if (onward && onward.fromYear > period.lastYear) {
      add(
        "year_outside_period",
        `${who}: »fra ${onward.fromYear} og frem« begynder efter budgetperioden ${range}.`,
        onward.fromYear,
      );
    }
    if (item.kind === "dut" && item.onwards) {
      for (const year of item.amounts.keys()) {
        if (year >= item.onwards.fromYear) {
          add(
            "dut_overlap",
            `${who}: ${year} er både angivet for sig og omfattet af »${item.onwards.fromYear} og fremefter«.`,
            year,
          );
        }
      }
    }

    // Validity of the node in the years it receives amounts.
    if (index && node !== undefined) {
      const n = index.nodes[node] as AgreementOrgNode;
      for (const [year, amount] of itemAmounts(item, period)) {
        const valid = (n.validFrom ?? year) <= year && (n.validTo == null || year <= n.validTo);
        if (amount !== 0n && !valid) {
          add("area_not_valid", `${who}: »${n.name}« findes ikke i ${year}.`, year);
        }
      }
    }

    if (item.kind === "proposal") {
      const lines = item.proposal.lines;
      const seen = new Set<string>();
      for (const o of item.overrides ?? []) {
        if (!Number.isInteger(o.line) || o.line < 0 || o.line >= lines.length) {
          add(
            "bad_override",
            `${who}: der er ændret et beløb i linje ${o.line + 1}, men forslaget har ${lines.length} linjer.`,
            o.year,
          );
        }
        const key = `${o.line}\u0000${o.year}`;
        if (seen.has(key)) {
          add("bad_override", `${who}: linje ${o.line + 1} er ændret to gange i ${o.year}.`, o.year);
        }
        seen.add(key);
      }
      const schedule = normalizeScheduleNumber(item.proposal.schedule) ?? item.proposal.schedule.trim();
      const first = schedules.get(schedule);
      if (first) {
        add(
          "proposal_adopted_twice",
          `Skema ${schedule} er vedtaget to gange: i »${first.label}« og i »${item.label}«.`,
        );
      } else {
        schedules.set(schedule, item);
      }
    }

    if (item.kind === "pool" && index) {
      if (financeProblem !== undefined) {
        add("no_finance_committee", `${who}: ${financeProblem}.`);
      } else if (finance !== undefined && node !== undefined) {
        let j = node;
        while (j >= 0 && j !== finance) j = index.parent[j] as number;
        if (j !== finance) {
          const committee = ancestorOfKind(index, node, "committee");
          const under = committee === undefined ? "" : `, men hører under ${committee.name}`;
          const financeName = index.nodes[finance]?.name ?? "";
          add(
            "pool_outside_finance_committee",
            `${who}: en demografipulje skal ligge under ${financeName}${under}.`,
          );
        }
      }
    }
  }
  return problems;
}

function ancestorOfKind(index: OrgIndex, from: number, kind: NodeKind): AgreementOrgNode | undefined {
  for (let j = from; j >= 0; j = index.parent[j] as number) {
    const n = index.nodes[j];
    if (n?.kind === kind) return n;
  }
  return undefined;
}

/**
 * The agreement's problems, in Danish: an unknown area or one that is not an appropriation
 * area, years outside B … B+3, a proposal adopted twice, duplicate ids, overrides of lines that
 * do not exist, DUT years that "og fremefter" already covers, pools outside the finance
 * committee. Without `org`, only what can be checked without it. Throws if `org` is not a tree.
 *
 * Not errors: a "fra … og frem" that starts before the period (it is clamped to the period, as
 * expandPattern does), and a 0 that a proposal's table prints for a year outside the period.
 */
export function validateAgreement(
  agreement: Agreement,
  org?: readonly AgreementOrgNode[],
  opts: AgreementOptions = {},
): AgreementProblem[] {
  return validateWith(agreement, org ? indexOrg(org) : undefined, opts);
}

// ---------------------------------------------------------------------------------------------
// The effect

/** One item's share of a node's amount in one year. */
export interface Contribution {
  itemId: string;
  label: string;
  kind: AgreementItemKind;
  category: SpendingCategory;
  amount: bigint;
}

export interface EffectRow {
  nodeId: number;
  parentId: number | null;
  code: string;
  name: string;
  kind: NodeKind;
  /** 0 for the municipality. */
  depth: number;
  /** The effect on the node's whole subtree, one value per year of `years`. */
  values: bigint[];
  /** The part of `values` in the service category. */
  service: bigint[];
  /** The part of `values` placed on the node itself; values = direct + Σ children's values. */
  direct: bigint[];
}

export interface AgreementEffect {
  name: string;
  budgetYear: number;
  /** B … B+3; every bigint[] below is indexed like this. */
  years: number[];
  /** The organisation in tree order (preorder, siblings by sortOrder and code): rows[0] is the municipality. */
  rows: EffectRow[];
  /** The municipality's total per year: rows[0].values. */
  total: bigint[];
  /** The change of total service spending per year, which the service frame is measured against. */
  serviceFrame: bigint[];
  byCategory: Record<SpendingCategory, bigint[]>;
  /**
   * nodeId → year → the items that contributed to the node's value in that year (its whole
   * subtree), in item order; their amounts sum to the row's value. Every (node, year) is present;
   * an item whose amount in a year is 0 does not contribute.
   */
  trace: Map<number, Map<number, Contribution[]>>;
}

function zeros(n: number): bigint[] {
  return new Array<bigint>(n).fill(0n);
}

function computeEffect(agreement: Agreement, index: OrgIndex): AgreementEffect {
  const period = agreementPeriod(agreement);
  const years = agreementYears(agreement);
  const count = index.nodes.length;
  const yearCount = years.length;
  const direct = Array.from({ length: count }, () => zeros(yearCount));
  const directService = Array.from({ length: count }, () => zeros(yearCount));
  const traces = Array.from({ length: count }, () =>
    Array.from({ length: yearCount }, (): Contribution[] => []),
  );
  const byCategory = Object.fromEntries(SPENDING_CATEGORIES.map((c) => [c, zeros(yearCount)])) as Record<
    SpendingCategory,
    bigint[]
  >;

  for (const item of agreement.items) {
    const node = index.byCode.get(item.area) as number;
    const category = item.category ?? "service";
    const categoryTotals = byCategory[category];
    for (const [year, amount] of itemAmounts(item, period)) {
      if (amount === 0n) continue;
      const y = year - period.firstYear;
      (direct[node] as bigint[])[y] = ((direct[node] as bigint[])[y] as bigint) + amount;
      if (category === "service") {
        (directService[node] as bigint[])[y] = ((directService[node] as bigint[])[y] as bigint) + amount;
      }
      categoryTotals[y] = (categoryTotals[y] as bigint) + amount;
      const c: Contribution = { itemId: item.id, label: item.label, kind: item.kind, category, amount };
      for (let j = node; j >= 0; j = index.parent[j] as number) {
        ((traces[j] as Contribution[][])[y] as Contribution[]).push(c);
      }
    }
  }

  // Preorder puts every parent before its children, so one backward pass rolls everything up.
  const values = direct.map((v) => [...v]);
  const service = directService.map((v) => [...v]);
  for (let i = count - 1; i > 0; i--) {
    const p = index.parent[i] as number;
    const pv = values[p] as bigint[];
    const ps = service[p] as bigint[];
    const cv = values[i] as bigint[];
    const cs = service[i] as bigint[];
    for (let y = 0; y < yearCount; y++) {
      pv[y] = (pv[y] as bigint) + (cv[y] as bigint);
      ps[y] = (ps[y] as bigint) + (cs[y] as bigint);
    }
  }

  const rows: EffectRow[] = [];
  const trace = new Map<number, Map<number, Contribution[]>>();
  index.nodes.forEach((n, i) => {
    rows.push({
      nodeId: n.id,
      parentId: n.parentId,
      code: n.code,
      name: n.name,
      kind: n.kind,
      depth: index.depth[i] as number,
      values: values[i] as bigint[],
      service: service[i] as bigint[],
      direct: direct[i] as bigint[],
    });
    const perYear = new Map<number, Contribution[]>();
    years.forEach((year, y) => {
      perYear.set(year, (traces[i] as Contribution[][])[y] as Contribution[]);
    });
    trace.set(n.id, perYear);
  });
  return {
    name: agreement.name,
    budgetYear: agreement.budgetYear,
    years,
    rows,
    total: [...(values[0] as bigint[])],
    serviceFrame: [...(service[0] as bigint[])],
    byCategory,
    trace,
  };
}

/**
 * The agreement's effect per year on every node of the organisation, rolled up the tree, with
 * the municipality total, the change of service spending and a trace per (node, year). Throws
 * an AgreementError (with every problem) when validateAgreement finds any.
 */
export function agreementEffect(
  agreement: Agreement,
  org: readonly AgreementOrgNode[],
  opts: AgreementOptions = {},
): AgreementEffect {
  const index = indexOrg(org);
  const problems = validateWith(agreement, index, opts);
  if (problems.length > 0) throw new AgreementError(problems);
  return computeEffect(agreement, index);
}

/** The row of a node code, or undefined. */
export function effectRow(effect: AgreementEffect, code: string): EffectRow | undefined {
  return effect.rows.find((r) => r.code === code);
}

// ---------------------------------------------------------------------------------------------
// Comparing scenarios

export interface ComparedValues {
  a: bigint[];
  b: bigint[];
  /** a − b. */
  difference: bigint[];
}

export interface ComparisonRow extends ComparedValues {
  nodeId: number;
  parentId: number | null;
  code: string;
  name: string;
  kind: NodeKind;
  depth: number;
}

export interface ScenarioComparison {
  a: { name: string; budgetYear: number };
  b: { name: string; budgetYear: number };
  /** The union of both periods; a scenario has 0 in a year outside its own period. */
  years: number[];
  rows: ComparisonRow[];
  total: ComparedValues;
  serviceFrame: ComparedValues;
}

function aligned(values: readonly bigint[], from: readonly number[], to: readonly number[]): bigint[] {
  return to.map((year) => {
    const i = from.indexOf(year);
    return i < 0 ? 0n : (values[i] as bigint);
  });
}

function compared(
  a: readonly bigint[],
  aYears: readonly number[],
  b: readonly bigint[],
  bYears: readonly number[],
  years: readonly number[],
): ComparedValues {
  const av = aligned(a, aYears, years);
  const bv = aligned(b, bYears, years);
  return { a: av, b: bv, difference: av.map((x, i) => x - (bv[i] as bigint)) };
}

/** Two scenarios side by side per node and year: a, b and a − b. Both must be valid. */
export function compareScenarios(
  a: Agreement,
  b: Agreement,
  org: readonly AgreementOrgNode[],
  opts: AgreementOptions = {},
): ScenarioComparison {
  const index = indexOrg(org);
  const effects = [a, b].map((s) => {
    const problems = validateWith(s, index, opts);
    if (problems.length > 0) throw new AgreementError(problems);
    return computeEffect(s, index);
  });
  const ea = effects[0] as AgreementEffect;
  const eb = effects[1] as AgreementEffect;
  const years = [...new Set([...ea.years, ...eb.years])].sort((x, y) => x - y);
  const rows = ea.rows.map((ra, i): ComparisonRow => {
    const rb = eb.rows[i] as EffectRow;
    return {
      nodeId: ra.nodeId,
      parentId: ra.parentId,
      code: ra.code,
      name: ra.name,
      kind: ra.kind,
      depth: ra.depth,
      ...compared(ra.values, ea.years, rb.values, eb.years, years),
    };
  });
  return {
    a: { name: a.name, budgetYear: a.budgetYear },
    b: { name: b.name, budgetYear: b.budgetYear },
    years,
    rows,
    total: compared(ea.total, ea.years, eb.total, eb.years, years),
    serviceFrame: compared(ea.serviceFrame, ea.years, eb.serviceFrame, eb.years, years),
  };
}

// ---------------------------------------------------------------------------------------------
// Applying the agreement to the base budget

/** One figure of the budget: node code, account (null: the node's own figure), year, øre. */
export interface BudgetFigure {
  node: string;
  accountId: number | null;
  year: number;
  amount: bigint;
}

export interface AdoptedFigure extends BudgetFigure {
  /** The base budget's amount (0 for a figure the agreement creates). */
  base: bigint;
  /** The items that changed the figure; amount = base + Σ changes. Empty when unchanged. */
  changes: Contribution[];
}

function figureKey(node: string, accountId: number | null, year: number): string {
  return `${node}\u0000${accountId ?? ""}\u0000${year}`;
}

/**
 * The adopted (original) budget: every base figure plus the agreement's amounts for it. An item
 * lands on (item.area, item.accountId ?? null, year): without an account, on the area's own
 * figure without account, which is created if the base lacks it. Base figures keep their order
 * and created figures follow in the order the items create them. Summing is exact. With `org`,
 * the agreement is validated against it as well; throws an AgreementError on any problem.
 */
export function applyAgreement(
  base: readonly BudgetFigure[],
  agreement: Agreement,
  org?: readonly AgreementOrgNode[],
  opts: AgreementOptions = {},
): AdoptedFigure[] {
  const problems = validateAgreement(agreement, org, opts);
  if (problems.length > 0) throw new AgreementError(problems);
  const out: AdoptedFigure[] = [];
  const byKey = new Map<string, AdoptedFigure>();
  for (const f of base) {
    const key = figureKey(f.node, f.accountId, f.year);
    if (byKey.has(key)) {
      const account = f.accountId === null ? "uden konto" : `konto ${f.accountId}`;
      throw new Error(`Grundbudgettet har to tal for »${f.node}«, ${account}, ${f.year}.`);
    }
    // Built field by field: object spread is an order of magnitude slower here (V8).
    const figure: AdoptedFigure = {
      node: f.node,
      accountId: f.accountId,
      year: f.year,
      amount: f.amount,
      base: f.amount,
      changes: [],
    };
    byKey.set(key, figure);
    out.push(figure);
  }
  const period = agreementPeriod(agreement);
  for (const item of agreement.items) {
    const accountId = item.accountId ?? null;
    const category = item.category ?? "service";
    for (const [year, amount] of itemAmounts(item, period)) {
      if (amount === 0n) continue;
      const key = figureKey(item.area, accountId, year);
      let figure = byKey.get(key);
      if (!figure) {
        figure = { node: item.area, accountId, year, amount: 0n, base: 0n, changes: [] };
        byKey.set(key, figure);
        out.push(figure);
      }
      figure.amount += amount;
      figure.changes.push({ itemId: item.id, label: item.label, kind: item.kind, category, amount });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Describing

export interface DescribeItemOptions {
  /** Names the estimate years: "i overslagsårene 2026–2028". */
  budgetYear?: number;
  /** How the amount is written; default "ledger" (a reduction is negative, as in seed 000). */
  signConvention?: AdjustmentSignConvention;
  /** Append the item's text (its reason) after the sentence. Default false. */
  reason?: boolean;
  /** How amounts are written; default "agreement" (see formatPatternAmount). */
  amountStyle?: AmountStyle;
}

function joinDanish(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} og ${items[items.length - 1]}`;
}

/** "2,0 mio. kr. årligt i 2025–2028" when every year has the same amount, else per year. */
function compactPattern(amounts: ReadonlyMap<number, bigint>): AmountPattern {
  const values = [...amounts.values()];
  const [first] = values;
  if (values.length >= 2 && first !== undefined && values.every((v) => v === first)) {
    return { kind: "each_year", amount: first, years: [...amounts.keys()] };
  }
  return { kind: "years", amounts: new Map([...amounts].sort(([a], [b]) => a - b)) };
}

function withReason(sentence: string, text: string | undefined, opts: DescribeItemOptions): string {
  const reason = text?.trim() ?? "";
  if (!opts.reason || reason === "") return sentence;
  const capital = reason.charAt(0).toLocaleUpperCase("da") + reason.slice(1);
  return `${sentence} ${/[.!?]$/u.test(capital) ? capital : `${capital}.`}`;
}

/**
 * The item as the remarks print it. Adjustments as seed 000's "Budgetaftalen 2025", with
 * describePattern (so parsePattern reads the amounts back): "Administration: -1,7 mio. kr.
 * årligt i overslagsårene 2026–2028." DUT as seed 001: "I forbindelse med tilførsel af
 * DUT-midler har Fagcenter Børn og Familie fået tildelt 1,8 mio. kr. i 2024, …, og 3,1 mio. kr.
 * i 2027 og fremefter." Amounts are written by formatPatternAmount: one decimal of a million
 * when exact, else three (seed 001's "0,04 mio. kr." prints as "0,040 mio. kr.").
 */
export function describeItem(
  item: AgreementItem,
  orgNames: ReadonlyMap<string, string>,
  opts: DescribeItemOptions = {},
): string {
  const area = orgNames.get(item.area) ?? item.area;
  const patternOpts = {
    area,
    ...(opts.budgetYear === undefined ? {} : { budgetYear: opts.budgetYear }),
    ...(opts.signConvention === undefined ? {} : { signConvention: opts.signConvention }),
    ...(opts.amountStyle === undefined ? {} : { amountStyle: opts.amountStyle }),
  };
  const written = (ore: bigint): string =>
    formatPatternAmount(opts.signConvention === "reduction_positive" ? -ore : ore, opts.amountStyle);
  switch (item.kind) {
    case "adjustment":
      return withReason(`${describePattern(item.pattern, patternOpts)}.`, item.text, opts);
    case "dut": {
      const parts = [...item.amounts]
        .sort(([a], [b]) => a - b)
        .map(([year, amount]) => `${written(amount)} i ${year}`);
      if (item.onwards) parts.push(`${written(item.onwards.amount)} i ${item.onwards.fromYear} og fremefter`);
      const what = parts.length === 0 ? "ingen beløb" : joinDanish(parts);
      return withReason(
        `I forbindelse med tilførsel af DUT-midler har ${area} fået tildelt ${what}.`,
        item.text,
        opts,
      );
    }
    case "pool":
      return withReason(
        `${describePattern(compactPattern(item.amounts), patternOpts)} til demografipuljen.`,
        item.text,
        opts,
      );
    case "proposal": {
      const sums = new Map<number, bigint>();
      for (const line of adoptedLines(item)) {
        for (const [year, amount] of line.amounts) sums.set(year, (sums.get(year) ?? 0n) + amount);
      }
      const how = proposalItemStatus(item) === "adopted" ? "vedtages" : "vedtages med ændringer";
      const schedule = normalizeScheduleNumber(item.proposal.schedule) ?? item.proposal.schedule.trim();
      const amounts = describePattern(compactPattern(sums), {
        ...(opts.signConvention === undefined ? {} : { signConvention: opts.signConvention }),
        ...(opts.amountStyle === undefined ? {} : { amountStyle: opts.amountStyle }),
      });
      return `${area}: Skema ${schedule} »${item.proposal.title}« ${how}: ${amounts.charAt(0).toLowerCase()}${amounts.slice(1)}.`;
    }
  }
}
