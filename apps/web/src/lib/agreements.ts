/**
 * The budget agreement (budgetaftale) in the browser: the HTTP contract's shapes (a mirror of
 * the server's, never imported from it), and the pure parts of the editor: an item as the form
 * holds it (amounts typed in 1.000 kr., the Danish way) and back to what the server takes, the
 * server's answers placed on the items and fields they concern, and the effect table's rows.
 */
import { type MessageKey, t } from "../i18n/da.ts";
import { formatOreThousands, thousandDecimals } from "./format.ts";
import { oreToThousandInput, parseThousandKroner } from "./kroner.ts";
import type { OrgNode } from "./types.ts";

// ---------------------------------------------------------------------------------------------
// The contract

/** Øre as a decimal string. */
export type Money = string;
export type Category = "service" | "transfer" | "capital" | "financing";
export const CATEGORIES: readonly Category[] = ["service", "transfer", "capital", "financing"];

export type AgreementStatus = "scenario" | "adopted";
export type AdoptMode = "apply" | "record";

export interface AgreementSummary {
  id: number;
  municipality: string;
  name: string;
  /** B: the period is B..B+3. */
  budgetYear: number;
  status: AgreementStatus;
  adoptedAt: string | null;
  adoptedMode: AdoptMode | null;
  version: number;
  itemCount: number;
  updatedAt: string;
}

export type ItemKind = "proposal" | "adjustment" | "dut" | "pool";
export const ITEM_KINDS: readonly ItemKind[] = ["proposal", "adjustment", "dut", "pool"];

export interface YearMoney {
  year: number;
  amount: Money;
}

export interface ItemCommon {
  /** Stable per item within an agreement: [a-z0-9-], 1..40 characters. */
  key: string;
  label: string;
  /** Org node code: an appropriation area or a unit below one. */
  area: string;
  category?: Category;
  accountId?: number | null;
  text?: string;
}

export interface ProposalOverrideInput {
  line: number;
  year: number;
  amount: Money;
}

export type ItemInput =
  | (ItemCommon & { kind: "adjustment"; pattern: string })
  | (ItemCommon & { kind: "proposal"; proposalId: number; overrides?: ProposalOverrideInput[] })
  | (ItemCommon & {
      kind: "dut";
      amounts: YearMoney[];
      onwards?: { fromYear: number; amount: Money } | null;
    })
  | (ItemCommon & { kind: "pool"; amounts: YearMoney[] });

export interface ItemProposal {
  id: number;
  schedule: string;
  title: string;
  status: string;
  lines: { name: string; amounts: YearMoney[] }[];
}

/** An item as the server answers it: the input and what follows from it. */
export type Item = ItemInput & {
  areaName: string;
  /** The Danish sentence the remarks print. */
  sentence: string;
  /** Every year of B..B+3. */
  amounts: YearMoney[];
  total: Money;
  proposal?: ItemProposal;
  /**
   * DUT-midler and Demografipulje as the server answers them: `amounts` above is expanded over
   * the period, so the years the item names itself (what the form edits) come here.
   */
  namedAmounts?: YearMoney[];
};

export interface Problem {
  code: string;
  itemKey?: string;
  year?: number;
  message: string;
}

export type NodeKindName = "municipality" | "committee" | "area" | "unit";

export interface EffectRow {
  nodeId: number;
  parentId: number | null;
  code: string;
  name: string;
  kind: NodeKindName;
  depth: number;
  values: Money[];
  service: Money[];
}

export interface Contribution {
  code: string;
  year: number;
  items: { key: string; label: string; amount: Money }[];
}

export interface Effect {
  years: number[];
  rows: EffectRow[];
  total: Money[];
  serviceFrame: Money[];
  contributions: Contribution[];
}

export interface AgreementDetail extends AgreementSummary {
  items: Item[];
}

export interface AgreementAnswer {
  agreement: AgreementDetail;
  /** null exactly when problems is non-empty. */
  effect: Effect | null;
  problems: Problem[];
}

export interface PreviewAnswer {
  items: Item[];
  effect: Effect | null;
  problems: Problem[];
}

export interface ComparedValues {
  a: Money[];
  b: Money[];
  difference: Money[];
}

export interface Comparison {
  a: { id: number; name: string; budgetYear: number };
  b: { id: number; name: string; budgetYear: number };
  years: number[];
  rows: ({ code: string; name: string; kind: string; depth: number } & ComparedValues)[];
  total: ComparedValues;
  serviceFrame: ComparedValues;
  problems: { a: Problem[]; b: Problem[] };
}

export interface AdoptedFigure {
  node: string;
  nodeName: string;
  accountId: number | null;
  year: number;
  kind: "budget" | "estimate";
  base: Money;
  adopted: Money;
  changes: { key: string; label: string; kind: string; amount: Money }[];
}

export interface AdoptAnswer {
  agreement: AgreementDetail;
  changedFigures: number;
}

export function agreementsUrl(code: string): string {
  return `/api/municipalities/${encodeURIComponent(code)}/agreements`;
}

export function agreementUrl(code: string, id: number): string {
  return `${agreementsUrl(code)}/${id}`;
}

/** B..B+3. */
export function agreementYears(budgetYear: number): number[] {
  return [budgetYear, budgetYear + 1, budgetYear + 2, budgetYear + 3];
}

export function kindText(kind: string): string {
  return (ITEM_KINDS as readonly string[]).includes(kind) ? t(`agreements.kind.${kind as ItemKind}`) : kind;
}

export function categoryText(category: Category): string {
  return t(`agreements.category.${category}`);
}

export function statusText(status: AgreementStatus): string {
  return t(`agreements.status.${status}`);
}

// ---------------------------------------------------------------------------------------------
// Errors of the API: the contract's { error, message, issues: [{ path, message }] } and the
// server's { error: message, code, issues: [{ field, reason }] } are both understood.

export interface ErrorLike {
  status: number;
  message: string;
  body: Record<string, unknown>;
}

/** The refusal's kind: "conflict", "adopted", "already_adopted", "invalid", … */
export function errorCode(errorBody: object): string | undefined {
  const body = errorBody as Record<string, unknown>;
  if (typeof body.code === "string") return body.code;
  // The contract's form: error is the code and message the text.
  if (typeof body.message === "string" && typeof body.error === "string") return body.error;
  return undefined;
}

/** The Danish text of a refusal. */
export function errorMessage(errorBody: object, fallback: string): string {
  const body = errorBody as Record<string, unknown>;
  if (typeof body.message === "string" && body.message.trim() !== "") return body.message;
  if (typeof body.error === "string" && body.error.trim() !== "") return body.error;
  return fallback;
}

export interface FieldIssue {
  /** "items.3.pattern" without a leading "body.". */
  path: string;
  message: string;
}

export function issuesOf(body: object): FieldIssue[] {
  const raw = (body as Record<string, unknown>).issues;
  if (!Array.isArray(raw)) return [];
  const out: FieldIssue[] = [];
  for (const i of raw) {
    if (typeof i !== "object" || i === null) continue;
    const r = i as Record<string, unknown>;
    const path = typeof r.path === "string" ? r.path : typeof r.field === "string" ? r.field : "";
    const message = typeof r.message === "string" ? r.message : typeof r.reason === "string" ? r.reason : "";
    if (message !== "") out.push({ path: path.replace(/^body\./, ""), message });
  }
  return out;
}

/** "items.3.pattern" → { index: 3, field: "pattern" }; anything else → undefined. */
export function itemIssue(path: string): { index: number; field: string } | undefined {
  const m = /^items\.(\d+)(?:\.(.*))?$/.exec(path);
  if (!m?.[1]) return undefined;
  return { index: Number(m[1]), field: m[2] ?? "" };
}

/** Which field of the form a problem or issue is about: area, pattern, proposal, amounts or the item. */
export type ItemField = "label" | "area" | "pattern" | "proposal" | "amounts" | "text" | "item";

export function fieldOfIssue(field: string): ItemField {
  const head = field.split(".")[0] ?? "";
  if (head === "label" || head === "area" || head === "pattern" || head === "text") return head;
  if (head === "proposalId") return "proposal";
  if (head === "amounts" || head === "onwards" || head === "overrides") return "amounts";
  return "item";
}

export function fieldOfProblem(code: string): ItemField {
  if (/pattern/.test(code)) return "pattern";
  if (/area/.test(code)) return "area";
  if (/proposal/.test(code)) return "proposal";
  if (/year|override|dut|amount/.test(code)) return "amounts";
  return "item";
}

// ---------------------------------------------------------------------------------------------
// An item as the form holds it

export interface ItemForm {
  key: string;
  kind: ItemKind;
  label: string;
  area: string;
  category: Category;
  /** Kept as it came; the form does not choose accounts. */
  accountId: number | null;
  text: string;
  /** Regulering: the Danish phrase. */
  pattern: string;
  /** Forslag: the proposal's id ("" none chosen). */
  proposalId: string;
  /** Forslag: typed amounts in 1.000 kr. by overrideKey(line, year); absent: the proposal's own. */
  overrides: Record<string, string>;
  /** DUT-midler and Demografipulje: the amount of each year in 1.000 kr. ("" none). */
  amounts: Record<number, string>;
  /** DUT-midler "og fremefter": from this year ("" none) with this amount. */
  onwardsFrom: string;
  onwardsAmount: string;
}

export function overrideKey(line: number, year: number): string {
  return `${line}:${year}`;
}

/** A key no item of the agreement has: "item-1", "item-2", … */
export function newItemKey(existing: readonly string[]): string {
  const taken = new Set(existing);
  let n = existing.length + 1;
  for (const k of existing) {
    const m = /^item-(\d+)$/.exec(k);
    if (m?.[1]) n = Math.max(n, Number(m[1]) + 1);
  }
  while (taken.has(`item-${n}`)) n++;
  return `item-${n}`;
}

export function emptyItem(kind: ItemKind, key: string): ItemForm {
  return {
    key,
    kind,
    label: "",
    area: "",
    category: "service",
    accountId: null,
    text: "",
    pattern: "",
    proposalId: "",
    overrides: {},
    amounts: {},
    onwardsFrom: "",
    onwardsAmount: "",
  };
}

/** The years a DUT or pool item names itself: the server's namedAmounts where it sends them. */
function namedAmounts(item: ItemInput & { namedAmounts?: unknown }): YearMoney[] {
  if (Array.isArray(item.namedAmounts)) return item.namedAmounts as YearMoney[];
  return item.kind === "dut" || item.kind === "pool" ? item.amounts : [];
}

/** An item the server answered (or sent) as the form holds it. */
export function formOfItem(item: ItemInput & { namedAmounts?: unknown }): ItemForm {
  const form = emptyItem(item.kind, item.key);
  form.label = item.label;
  form.area = item.area;
  form.category = item.category ?? "service";
  form.accountId = item.accountId ?? null;
  form.text = item.text ?? "";
  switch (item.kind) {
    case "adjustment":
      form.pattern = item.pattern;
      break;
    case "proposal":
      form.proposalId = String(item.proposalId);
      for (const o of item.overrides ?? []) {
        form.overrides[overrideKey(o.line, o.year)] = oreToThousandInput(o.amount);
      }
      break;
    case "dut":
      for (const a of namedAmounts(item)) form.amounts[a.year] = oreToThousandInput(a.amount);
      if (item.onwards) {
        form.onwardsFrom = String(item.onwards.fromYear);
        form.onwardsAmount = oreToThousandInput(item.onwards.amount);
      }
      break;
    case "pool":
      for (const a of namedAmounts(item)) form.amounts[a.year] = oreToThousandInput(a.amount);
      break;
  }
  return form;
}

/** A proposal's lines as the override fields need them: line → year → øre. */
export type ProposalLines = readonly { name: string; amounts: readonly YearMoney[] }[];

export interface ItemProblems {
  /** Required fields left empty (shown after an attempt to save). */
  required: Partial<Record<"label" | "area" | "pattern" | "proposal", MessageKey>>;
  /** Amounts that cannot be read, by "year", overrideKey or "onwards" (shown at once). */
  amounts: Record<string, MessageKey>;
}

export type ReadItem =
  | { ok: true; input: ItemInput; problems: ItemProblems }
  | { ok: false; problems: ItemProblems };

function hasProblems(p: ItemProblems): boolean {
  return Object.keys(p.required).length > 0 || Object.keys(p.amounts).length > 0;
}

function readAmount(text: string, where: string, problems: ItemProblems): Money | null | undefined {
  if (text.trim() === "") return null;
  const r = parseThousandKroner(text);
  if (r.ok) return r.ore;
  problems.amounts[where] = r.error;
  return undefined;
}

function sameMoney(a: Money, b: Money | undefined): boolean {
  return b !== undefined && BigInt(a) === BigInt(b);
}

/**
 * The form read back to what the server takes. For a preview (`forPreview`) an item without a
 * label is sent under its kind's name, so the effect follows the amounts before the label is
 * written; an item missing its area, phrase or proposal, or with an amount that cannot be read,
 * is not sent at all (its problems say why). An override equal to the proposal's own amount is
 * no override.
 */
export function readItem(
  form: ItemForm,
  years: readonly number[],
  opts: { forPreview?: boolean; proposalLines?: ProposalLines | undefined } = {},
): ReadItem {
  const problems: ItemProblems = { required: {}, amounts: {} };
  const label = form.label.trim();
  if (label === "" && !opts.forPreview) problems.required.label = "agreements.needLabel";
  if (form.area === "") problems.required.area = "agreements.needArea";
  const common: ItemCommon = {
    key: form.key,
    label: label === "" ? kindText(form.kind) : label.slice(0, 200),
    area: form.area,
    category: form.category,
    ...(form.accountId === null ? {} : { accountId: form.accountId }),
    text: form.text.trim(),
  };
  let input: ItemInput | undefined;
  switch (form.kind) {
    case "adjustment": {
      const pattern = form.pattern.trim();
      if (pattern === "") problems.required.pattern = "agreements.needPattern";
      input = { ...common, kind: "adjustment", pattern };
      break;
    }
    case "proposal": {
      if (!/^[1-9]\d{0,8}$/.test(form.proposalId)) {
        problems.required.proposal = "agreements.needProposal";
        break;
      }
      const overrides: ProposalOverrideInput[] = [];
      for (const [k, text] of Object.entries(form.overrides)) {
        const [line, year] = k.split(":").map(Number);
        if (line === undefined || year === undefined || !years.includes(year)) continue;
        const own = opts.proposalLines?.[line]?.amounts.find((a) => a.year === year)?.amount;
        // An emptied field means the proposal's own amount again.
        const amount = text.trim() === "" ? null : readAmount(text, k, problems);
        if (amount === null || amount === undefined || sameMoney(amount, own)) continue;
        overrides.push({ line, year, amount });
      }
      overrides.sort((a, b) => a.line - b.line || a.year - b.year);
      input = {
        ...common,
        kind: "proposal",
        proposalId: Number(form.proposalId),
        ...(overrides.length > 0 ? { overrides } : {}),
      };
      break;
    }
    case "dut":
    case "pool": {
      const amounts: YearMoney[] = [];
      for (const year of years) {
        const amount = readAmount(form.amounts[year] ?? "", String(year), problems);
        if (amount !== null && amount !== undefined) amounts.push({ year, amount });
      }
      if (form.kind === "pool") {
        input = { ...common, kind: "pool", amounts };
        break;
      }
      let onwards: { fromYear: number; amount: Money } | null = null;
      if (form.onwardsFrom !== "") {
        const amount = readAmount(form.onwardsAmount, "onwards", problems);
        if (amount === null) problems.amounts.onwards = "agreements.needOnwardsAmount";
        else if (amount !== undefined) onwards = { fromYear: Number(form.onwardsFrom), amount };
      }
      input = { ...common, kind: "dut", amounts, ...(onwards ? { onwards } : {}) };
      break;
    }
  }
  if (input === undefined || hasProblems(problems)) return { ok: false, problems };
  return { ok: true, input, problems };
}

/** The items as the form read them for saving: every item, or the problems of those that fail. */
export function readItems(
  forms: readonly ItemForm[],
  years: readonly number[],
  linesOf: (proposalId: string) => ProposalLines | undefined,
): { ok: true; items: ItemInput[] } | { ok: false; problems: Map<string, ItemProblems> } {
  const items: ItemInput[] = [];
  const problems = new Map<string, ItemProblems>();
  for (const f of forms) {
    const r = readItem(f, years, { proposalLines: linesOf(f.proposalId) });
    if (r.ok) items.push(r.input);
    else problems.set(f.key, r.problems);
  }
  return problems.size === 0 ? { ok: true, items } : { ok: false, problems };
}

/** The proposal's own amount of a line and year as the override field shows it. */
export function proposalAmountText(lines: ProposalLines | undefined, line: number, year: number): string {
  const own = lines?.[line]?.amounts.find((a) => a.year === year)?.amount;
  return own === undefined ? "" : oreToThousandInput(own);
}

// ---------------------------------------------------------------------------------------------
// Areas to choose from

export interface AreaOption {
  code: string;
  /** "Administration" or "Administration › Sekretariatet" for a unit. */
  label: string;
  depth: number;
}

/**
 * The appropriation areas valid in the budget year and the units below them, grouped by
 * committee in the organisation's order: the nodes an item may land on.
 */
export function areaOptions(
  nodes: readonly OrgNode[],
  budgetYear: number,
): { committee: string; options: AreaOption[] }[] {
  const valid = (n: OrgNode) => n.validFrom <= budgetYear && (n.validTo === null || budgetYear <= n.validTo);
  const children = new Map<number | null, OrgNode[]>();
  for (const n of nodes) {
    if (!valid(n)) continue;
    const list = children.get(n.parentId) ?? [];
    list.push(n);
    children.set(n.parentId, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id);
  const groups: { committee: string; options: AreaOption[] }[] = [];
  const below = (n: OrgNode, path: string, depth: number, out: AreaOption[]) => {
    for (const c of children.get(n.id) ?? []) {
      const label = `${path} › ${c.name}`;
      out.push({ code: c.code, label, depth });
      below(c, label, depth + 1, out);
    }
  };
  const visit = (n: OrgNode) => {
    if (n.kind === "committee") {
      const options: AreaOption[] = [];
      for (const a of children.get(n.id) ?? []) {
        if (a.kind !== "area") continue;
        options.push({ code: a.code, label: a.name, depth: 0 });
        below(a, a.name, 1, options);
      }
      if (options.length > 0) groups.push({ committee: n.name, options });
      return;
    }
    for (const c of children.get(n.id) ?? []) visit(c);
  };
  for (const root of children.get(null) ?? []) visit(root);
  return groups;
}

// ---------------------------------------------------------------------------------------------
// The effect table

/** The decimals every amount prints exactly with in 1.000 kr. (0 for whole thousands). */
export function moneyDecimals(values: Iterable<Money>): number {
  return thousandDecimals(values, 3);
}

export function thousands(ore: Money, decimals: number): string {
  return formatOreThousands(ore, decimals);
}

export function isZero(values: readonly Money[]): boolean {
  return values.every((v) => BigInt(v) === 0n);
}

/**
 * The rows the effect table shows, without the municipality (the total row stands for it):
 * every committee and area, and a unit only where the agreement changes something.
 */
export function effectRows(effect: Effect): EffectRow[] {
  return effect.rows.filter((r) => r.kind !== "municipality" && (r.kind !== "unit" || !isZero(r.values)));
}

export function contributionOf(effect: Effect, code: string, year: number): Contribution | undefined {
  return effect.contributions.find((c) => c.code === code && c.year === year);
}

export function allEffectMoney(effect: Effect): Money[] {
  return [...effect.rows.flatMap((r) => r.values), ...effect.total, ...effect.serviceFrame];
}

export function differenceOf(a: Money, b: Money): Money {
  return (BigInt(b) - BigInt(a)).toString();
}

export function sumMoney(values: Iterable<Money>): Money {
  let s = 0n;
  for (const v of values) s += BigInt(v);
  return s.toString();
}

/** The element id of an item's row in the editor (problems and contributions link to it). */
export function itemAnchor(key: string): string {
  return `aftalepunkt-${key}`;
}

// ---------------------------------------------------------------------------------------------
// The live effect

/** A problem placed on an item: `field` is the request field a 400 named ("pattern"). */
export type ItemProblem = Problem & { field?: string };

export interface Computed {
  /** The server's reading of each item it was sent, by key. */
  items: Map<string, Item>;
  /** The effect of the items without problems; null when it cannot be computed at all. */
  effect: Effect | null;
  problems: ItemProblem[];
  /** Items left out of the effect because of their problems. */
  excluded: string[];
  /** The preview failed as a whole (no effect, the reason). */
  error?: string;
}

export type PreviewSend = (body: {
  budgetYear: number;
  items: ItemInput[];
}) => Promise<
  { ok: true; answer: PreviewAnswer } | { ok: false; status: number; body: Record<string, unknown> }
>;

/** Where an item's problem belongs in its form. */
export function problemField(p: ItemProblem): ItemField {
  return p.field !== undefined ? fieldOfIssue(p.field) : fieldOfProblem(p.code);
}

/**
 * The effect as the editor shows it while the user types. Effect is null whenever the agreement
 * has a problem, and a phrase that cannot be read refuses the whole request (400 at
 * items.N.pattern); so the items with problems are put aside and the rest asked for again, at
 * most twice, and every problem is kept for its item. The result says which items were left out.
 */
export async function computeEffect(
  budgetYear: number,
  items: readonly ItemInput[],
  send: PreviewSend,
): Promise<Computed> {
  const byKey = new Map<string, Item>();
  const problems = new Map<string, ItemProblem>();
  const addProblem = (p: ItemProblem) =>
    problems.set(`${p.itemKey ?? ""}|${p.field ?? ""}|${p.code}|${p.message}`, p);
  const excluded: string[] = [];
  let sent = [...items];
  const done = (effect: Effect | null, error?: string): Computed => ({
    items: byKey,
    effect,
    problems: [...problems.values()],
    excluded,
    ...(error === undefined ? {} : { error }),
  });
  for (let round = 0; ; round++) {
    const r = await send({ budgetYear, items: sent });
    const bad = new Set<string>();
    let whole = false;
    if (!r.ok) {
      const issues = issuesOf(r.body);
      for (const issue of issues) {
        const at = itemIssue(issue.path);
        const item = at ? sent[at.index] : undefined;
        if (!at || !item) {
          whole = true;
          continue;
        }
        bad.add(item.key);
        // The server names the item (»label«: …); next to the item that says it twice.
        const message = issue.message.startsWith(`»${item.label}«: `)
          ? issue.message.slice(item.label.length + 4)
          : issue.message;
        addProblem({ code: "invalid", itemKey: item.key, field: at.field, message });
      }
      if (r.status !== 400 || whole || bad.size === 0 || round >= 2) {
        return done(null, errorMessage(r.body, ""));
      }
    } else {
      const a = r.answer;
      for (const it of a.items) byKey.set(it.key, it);
      for (const p of a.problems) addProblem(p);
      if (a.effect !== null) return done(a.effect);
      const keys = new Set(sent.map((i) => i.key));
      for (const p of a.problems) {
        if (p.itemKey !== undefined && keys.has(p.itemKey)) bad.add(p.itemKey);
        else whole = true;
      }
      if (whole || bad.size === 0 || round >= 2) return done(null);
    }
    excluded.push(...bad);
    sent = sent.filter((i) => !bad.has(i.key));
  }
}
