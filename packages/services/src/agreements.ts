/**
 * Budget agreements (budgetaftaler): scenarios that are saved, previewed while edited, compared,
 * and finally adopted onto the base budget. The computation is core's (agreement.ts): this file
 * reads and validates the bodies of the HTTP contract (docs: the agreements contract), converts
 * between stored rows, the core model and the answers, and does the adoption in one transaction.
 *
 * Rules:
 * - A scenario may be saved with problems (an unknown area, a proposal adopted twice, …): it is a
 *   draft, and the answer lists them. What cannot be stored at all is refused as a 400 naming the
 *   field: a wrong shape, a phrase that parsePattern cannot read, a duplicate key, a proposal or
 *   account that is not the municipality's.
 * - Adopted agreements are read-only; one per municipality and budget year.
 * - "apply" adoption: the base budget (kind budget in B, estimate in B+1 … B+3, all in B's prices)
 *   plus the agreement gives the adopted budget; it is written as budget/estimate, year B also as
 *   the original budget of every figure, the corrected budget of B is recomputed as original +
 *   appropriations, every changed figure is traced to its items, and adopted proposals get their
 *   status. "record" registers an agreement adopted outside Bevilling: status only.
 */
import {
  type Actor,
  type AdoptedFigure,
  type AdoptedProposal,
  type Agreement,
  type AgreementEffect,
  AgreementError,
  type AgreementItem,
  type AgreementProblem,
  type AmountChange,
  agreementEffect,
  agreementPeriod,
  agreementYears,
  applyAgreement,
  canonicalJson,
  compareScenarios,
  describeItem,
  itemAmounts,
  type Municipality,
  type OrgNode,
  orgNameMap,
  parsePattern,
  proposalItemStatus,
  type SpendingCategory,
  toJsonValue,
  validateAgreement,
} from "@bevilling/core";
import {
  type AgreementProposal,
  type AuditEntry,
  type AuditLogEntry,
  amountChangesSha256,
  appendAudits,
  applyAmounts,
  correctedBasis,
  type Database,
  deleteAgreementRow,
  findAdoptedAgreementRow,
  findAgreement,
  historyOf,
  insertAdoptionTrace,
  insertAgreement,
  insertAmountHistory,
  listAgreements as listAgreementRows,
  loadAdoptionTrace,
  loadAgreementItems,
  loadAgreementProposals,
  loadBaseBudget,
  loadOrgCompact,
  lockMunicipalityWrites,
  markAgreementAdopted,
  municipalityAccountIds,
  refreshTotals,
  replaceAgreementItems,
  type StoredAgreement,
  type StoredAgreementItem,
  setProposalStatus,
  touchAgreement,
} from "@bevilling/db";
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { BadRequest, Conflict, NotFound } from "./errors.ts";

type Db = Kysely<Database> | Transaction<Database>;

// ---------------------------------------------------------------------------------------------
// The answers (the contract's types; money is bigint here and a decimal string in JSON)

export type AgreementStatus = "scenario" | "adopted";
export type AdoptionMode = "apply" | "record";

export interface AgreementSummary {
  id: number;
  /** The municipality's code. */
  municipality: string;
  name: string;
  /** B: the period is B … B+3. */
  budgetYear: number;
  status: AgreementStatus;
  adoptedAt: Date | null;
  adoptedMode: AdoptionMode | null;
  version: number;
  itemCount: number;
  updatedAt: Date;
}

interface ItemCommonView {
  key: string;
  label: string;
  area: string;
  category: SpendingCategory;
  accountId: number | null;
  text: string;
  /** The area's name (its code when the area does not exist). */
  areaName: string;
  /** core describeItem with the budget year and the reason. */
  sentence: string;
  /** The item's amount in every year of B … B+3 (0 where it has none). */
  amounts: { year: number; amount: bigint }[];
  total: bigint;
}

export type AgreementItemView =
  | (ItemCommonView & { kind: "adjustment"; pattern: string })
  | (ItemCommonView & {
      kind: "proposal";
      proposalId: number;
      overrides: { line: number; year: number; amount: bigint }[];
      proposal: {
        id: number;
        schedule: string;
        title: string;
        status: string;
        lines: { name: string; amounts: { year: number; amount: bigint }[] }[];
      };
    })
  | (ItemCommonView & {
      kind: "dut";
      onwards: { fromYear: number; amount: bigint } | null;
      /** The years named for themselves, as stored (amounts above is expanded over the period). */
      namedAmounts: { year: number; amount: bigint }[];
    })
  | (ItemCommonView & {
      kind: "pool";
      namedAmounts: { year: number; amount: bigint }[];
    });

export interface ProblemView {
  code: string;
  itemKey?: string;
  year?: number;
  message: string;
}

export interface EffectRowView {
  nodeId: number;
  parentId: number | null;
  code: string;
  name: string;
  kind: "municipality" | "committee" | "area" | "unit";
  depth: number;
  values: bigint[];
  service: bigint[];
}

export interface EffectView {
  years: number[];
  rows: EffectRowView[];
  total: bigint[];
  serviceFrame: bigint[];
  contributions: {
    code: string;
    year: number;
    items: { key: string; label: string; amount: bigint }[];
  }[];
}

export interface AgreementDetail extends AgreementSummary {
  items: AgreementItemView[];
}

export interface AgreementAnswer {
  agreement: AgreementDetail;
  /** null exactly when problems is non-empty. */
  effect: EffectView | null;
  problems: ProblemView[];
}

export interface PreviewAnswer {
  items: AgreementItemView[];
  effect: EffectView | null;
  problems: ProblemView[];
}

interface ComparedView {
  a: bigint[];
  b: bigint[];
  difference: bigint[];
}

export interface ComparisonView {
  a: { id: number; name: string; budgetYear: number };
  b: { id: number; name: string; budgetYear: number };
  years: number[];
  rows: ({ code: string; name: string; kind: string; depth: number } & ComparedView)[];
  total: ComparedView;
  serviceFrame: ComparedView;
  problems: { a: ProblemView[]; b: ProblemView[] };
}

export interface AdoptedFigureView {
  node: string;
  nodeName: string;
  accountId: number | null;
  year: number;
  kind: "budget" | "estimate";
  base: bigint;
  adopted: bigint;
  changes: { key: string; label: string; kind: string; amount: bigint }[];
}

/**
 * An agreement in the core model with what describing it needs: `names` maps every org node code
 * of the municipality to its name (for describeItem).
 */
export interface LoadedAgreement {
  summary: AgreementSummary;
  agreement: Agreement;
  names: Map<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Refusals in the contract's form: { error: code, message, issues? | problems? }

export interface BodyIssue {
  /** Where in the body, e.g. "items.3.pattern". */
  path: string;
  message: string;
  /** The same as the rest of the API writes it: "body.items.3.pattern". */
  field: string;
  reason: string;
}

/** A 400 with a code: "invalid_body" (issues), "invalid" (problems), "base_price_level". */
export class AgreementBadRequest extends BadRequest {
  constructor(
    readonly code: string,
    message: string,
    readonly extra: { issues?: BodyIssue[]; problems?: ProblemView[] } = {},
  ) {
    super(message, extra.issues);
    this.name = "AgreementBadRequest";
  }

  /** The answer's body as the contract writes it. */
  get body(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.extra };
  }
}

function conflict(code: string, message: string, current?: unknown, extra: Record<string, unknown> = {}) {
  // Conflict's extra fields go into the answer after error/code, so they set both to the code.
  return new Conflict(message, current, { error: code, code, message, ...extra });
}

function issue(path: (string | number)[], message: string): BodyIssue {
  const p = path.map(String).join(".");
  return { path: p, message, field: p === "" ? "body" : `body.${p}`, reason: message };
}

// ---------------------------------------------------------------------------------------------
// Bodies

const daLocale = z.locales.da().localeError;
/** zod's Danish messages, except that a missing value says so plainly. */
const danishErrors: z.core.$ZodErrorMap = (i) => {
  if (i.code === "invalid_type" && i.input === undefined) return "mangler";
  return daLocale(i);
};

export const AGREEMENT_KEY_PATTERN = /^[a-z0-9-]{1,40}$/;
const CATEGORIES = [
  "service",
  "transfer",
  "capital",
  "financing",
] as const satisfies readonly SpendingCategory[];

const moneySchema = z
  .string({ error: 'skal være et helt antal øre som tekst, fx "-32300000"' })
  .regex(/^-?\d{1,17}$/, 'skal være et helt antal øre som tekst, fx "-32300000" for -323.000 kr.');
const yearSchema = z
  .number({ error: "skal være et årstal" })
  .int("skal være et årstal")
  .min(1900, "skal være et årstal")
  .max(2196, "skal være et årstal");
const yearAmountSchema = z.object({ year: yearSchema, amount: moneySchema });

const itemCommon = {
  key: z
    .string({ error: "mangler" })
    .regex(AGREEMENT_KEY_PATTERN, "skal være 1-40 tegn: små bogstaver a-z, tal og bindestreg"),
  label: z
    .string({ error: "mangler" })
    .trim()
    .min(1, "skriv en overskrift")
    .max(200, "må højst have 200 tegn"),
  area: z.string({ error: "vælg et område" }).trim().min(1, "vælg et område").max(100, "er for langt"),
  category: z
    .enum(CATEGORIES, { error: 'skal være "service", "transfer", "capital" eller "financing"' })
    .optional(),
  accountId: z.number().int().positive().nullable().optional(),
  text: z.string().max(5000, "må højst have 5.000 tegn").optional(),
};

function uniqueYears(
  list: readonly { year: number }[],
  ctx: z.core.$RefinementCtx,
  at: string,
  what: string,
): void {
  const seen = new Set<number>();
  list.forEach((a, i) => {
    if (seen.has(a.year))
      ctx.addIssue({ code: "custom", path: [at, i, "year"], message: `${a.year} står to gange ${what}` });
    seen.add(a.year);
  });
}

const adjustmentSchema = z
  .object({
    ...itemCommon,
    kind: z.literal("adjustment"),
    pattern: z.string({ error: "mangler" }).trim().max(500),
  })
  .superRefine((v, ctx) => {
    const r = parsePattern(v.pattern);
    if (!r.ok) ctx.addIssue({ code: "custom", path: ["pattern"], message: `»${v.label}«: ${r.error}` });
  });

const proposalItemSchema = z
  .object({
    ...itemCommon,
    kind: z.literal("proposal"),
    proposalId: z.number({ error: "vælg et forslag" }).int().positive(),
    overrides: z
      .array(
        z.object({
          line: z.number().int().min(0, "er linjens nummer fra 0").max(199),
          year: yearSchema,
          amount: moneySchema,
        }),
      )
      .max(400)
      .optional(),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    (v.overrides ?? []).forEach((o, i) => {
      const k = `${o.line}:${o.year}`;
      if (seen.has(k)) {
        ctx.addIssue({
          code: "custom",
          path: ["overrides", i],
          message: `»${v.label}«: linje ${o.line + 1} er ændret to gange i ${o.year}`,
        });
      }
      seen.add(k);
    });
  });

const dutSchema = z
  .object({
    ...itemCommon,
    kind: z.literal("dut"),
    amounts: z.array(yearAmountSchema).max(50),
    onwards: z.object({ fromYear: yearSchema, amount: moneySchema }).nullable().optional(),
  })
  .superRefine((v, ctx) => uniqueYears(v.amounts, ctx, "amounts", "i DUT-beløbene"));

const poolSchema = z
  .object({ ...itemCommon, kind: z.literal("pool"), amounts: z.array(yearAmountSchema).max(50) })
  .superRefine((v, ctx) => uniqueYears(v.amounts, ctx, "amounts", "i puljens beløb"));

export const agreementItemSchema = z.discriminatedUnion(
  "kind",
  [adjustmentSchema, proposalItemSchema, dutSchema, poolSchema],
  { error: 'kind skal være "adjustment", "proposal", "dut" eller "pool"' },
);

export const agreementItemsSchema = z
  .array(agreementItemSchema)
  .max(2000, "højst 2.000 punkter")
  .superRefine((items, ctx) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const first = seen.get(item.key);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [i, "key"],
          message: `»${item.label}« har samme nøgle »${item.key}« som punkt ${first + 1}`,
        });
      } else seen.set(item.key, i);
    });
  });

const nameSchema = z
  .string({ error: "skriv et navn" })
  .trim()
  .min(1, "skriv et navn")
  .max(200, "må højst have 200 tegn");
const versionSchema = z.number({ error: "mangler" }).int().positive();

export const agreementCreateSchema = z.object({
  name: nameSchema,
  budgetYear: yearSchema,
  copyFrom: z.number().int().positive().optional(),
  /** An extension of the contract: the items to start with (not together with copyFrom). */
  items: agreementItemsSchema.optional(),
});
export const agreementSaveSchema = z.object({
  version: versionSchema,
  name: nameSchema,
  items: agreementItemsSchema,
});
export const agreementPreviewSchema = z.object({ budgetYear: yearSchema, items: agreementItemsSchema });
export const agreementAdoptSchema = z.object({
  version: versionSchema,
  mode: z.enum(["apply", "record"], { error: 'skal være "apply" eller "record"' }),
  reason: z.string().trim().max(500, "højst 500 tegn").optional(),
});

export type AgreementItemInput = z.input<typeof agreementItemSchema>;
export type AgreementCreateInput = z.input<typeof agreementCreateSchema>;
export type AgreementSaveInput = z.input<typeof agreementSaveSchema>;
export type AgreementPreviewInput = z.input<typeof agreementPreviewSchema>;
export type AgreementAdoptInput = z.input<typeof agreementAdoptSchema>;
type ParsedItem = z.output<typeof agreementItemSchema>;

function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const r = schema.safeParse(body, { error: danishErrors });
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => issue(i.path as (string | number)[], i.message));
  const shown = issues
    .slice(0, 3)
    .map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`))
    .join("; ");
  const more = issues.length > 3 ? ` (og ${issues.length - 3} fejl mere)` : "";
  throw new AgreementBadRequest("invalid_body", `${what} er ikke udfyldt korrekt: ${shown}${more}`, {
    issues,
  });
}

/**
 * The item as stored. Amounts of 0 are dropped (they change nothing), and so is a DUT year that
 * "og fremefter" covers with the same amount: an answer's `amounts` is expanded over the period,
 * and sending it back must give the same item, not an overlap.
 */
function toStoredItem(i: ParsedItem): StoredAgreementItem {
  const base: StoredAgreementItem = {
    key: i.key,
    kind: i.kind,
    label: i.label,
    area: i.area,
    accountId: i.accountId ?? null,
    category: i.category ?? "service",
    text: i.text ?? "",
    pattern: null,
    proposalId: null,
    amounts: [],
    onwards: null,
    overrides: [],
  };
  switch (i.kind) {
    case "adjustment":
      return { ...base, pattern: i.pattern };
    case "proposal":
      return {
        ...base,
        proposalId: i.proposalId,
        overrides: (i.overrides ?? [])
          .map((o) => ({ line: o.line, year: o.year, amount: BigInt(o.amount) }))
          .sort((a, b) => a.line - b.line || a.year - b.year),
      };
    case "dut": {
      const onwards = i.onwards ? { fromYear: i.onwards.fromYear, amount: BigInt(i.onwards.amount) } : null;
      const amounts = i.amounts
        .map((a) => ({ year: a.year, amount: BigInt(a.amount) }))
        .filter(
          (a) => a.amount !== 0n && !(onwards && a.year >= onwards.fromYear && a.amount === onwards.amount),
        )
        .sort((a, b) => a.year - b.year);
      return { ...base, amounts, onwards };
    }
    case "pool":
      return {
        ...base,
        amounts: i.amounts
          .map((a) => ({ year: a.year, amount: BigInt(a.amount) }))
          .filter((a) => a.amount !== 0n)
          .sort((a, b) => a.year - b.year),
      };
  }
}

// ---------------------------------------------------------------------------------------------
// From stored rows to the core model

interface Context {
  m: Pick<Municipality, "id" | "code" | "name">;
  org: OrgNode[];
  names: Map<string, string>;
  proposals: Map<number, AgreementProposal>;
}

/**
 * Loads what the items refer to. A proposal or account that is not the municipality's is a
 * 400 naming the item (`items.N.proposalId`), as the body could not be stored.
 */
async function loadContext(
  db: Db,
  m: Pick<Municipality, "id" | "code" | "name">,
  items: readonly StoredAgreementItem[],
): Promise<Context> {
  const org = await loadOrgCompact(db, m.id);
  const proposalIds = [...new Set(items.map((i) => i.proposalId).filter((p): p is number => p !== null))];
  const proposals = await loadAgreementProposals(db, m.id, proposalIds);
  const accountIds = [...new Set(items.map((i) => i.accountId).filter((a): a is number => a !== null))];
  const accounts = await municipalityAccountIds(db, m.id, accountIds);
  const issues: BodyIssue[] = [];
  items.forEach((i, n) => {
    if (i.proposalId !== null && !proposals.has(i.proposalId)) {
      issues.push(
        issue(
          ["items", n, "proposalId"],
          `»${i.label}«: forslaget ${i.proposalId} findes ikke i ${m.name} Kommune`,
        ),
      );
    }
    if (i.accountId !== null && !accounts.has(i.accountId)) {
      issues.push(
        issue(
          ["items", n, "accountId"],
          `»${i.label}«: kontoen ${i.accountId} findes ikke i ${m.name} Kommune`,
        ),
      );
    }
  });
  if (issues.length > 0) {
    throw new AgreementBadRequest("invalid_body", issues.map((i) => i.message).join("; "), { issues });
  }
  return { m, org, names: orgNameMap(org), proposals };
}

function adoptedProposal(p: AgreementProposal): AdoptedProposal {
  return { id: p.id, schedule: p.schedule, title: p.title, lines: p.lines };
}

function toCoreItem(s: StoredAgreementItem, ctx: Context): AgreementItem {
  const base = {
    id: s.key,
    label: s.label,
    area: s.area,
    category: s.category,
    ...(s.accountId !== null ? { accountId: s.accountId } : {}),
  };
  switch (s.kind) {
    case "adjustment": {
      const r = parsePattern(s.pattern ?? "");
      // Refused when saved; a stored phrase that no longer reads is a fault, not the user's.
      if (!r.ok) throw new Error(`Punktet »${s.label}« har en beløbstekst, der ikke kan læses: ${r.error}`);
      return { ...base, kind: "adjustment", pattern: r.pattern, text: s.text };
    }
    case "proposal": {
      const sp = ctx.proposals.get(s.proposalId as number) as AgreementProposal;
      return {
        ...base,
        kind: "proposal",
        proposal: adoptedProposal(sp),
        ...(s.overrides.length > 0 ? { overrides: s.overrides } : {}),
      };
    }
    case "dut":
      return {
        ...base,
        kind: "dut",
        amounts: new Map(s.amounts.map((a) => [a.year, a.amount])),
        ...(s.onwards
          ? {
              onwards: { kind: "from_year" as const, amount: s.onwards.amount, fromYear: s.onwards.fromYear },
            }
          : {}),
        text: s.text,
      };
    case "pool":
      return {
        ...base,
        kind: "pool",
        amounts: new Map(s.amounts.map((a) => [a.year, a.amount])),
        text: s.text,
      };
  }
}

function toCoreAgreement(
  name: string,
  budgetYear: number,
  items: readonly StoredAgreementItem[],
  ctx: Context,
): Agreement {
  return { name, budgetYear, items: items.map((i) => toCoreItem(i, ctx)) };
}

// ---------------------------------------------------------------------------------------------
// From the core results to the answers

function problemView(p: AgreementProblem): ProblemView {
  return {
    code: p.code,
    ...(p.itemId !== undefined ? { itemKey: p.itemId } : {}),
    ...(p.year !== undefined ? { year: p.year } : {}),
    message: p.message,
  };
}

function itemView(
  s: StoredAgreementItem,
  core: AgreementItem,
  budgetYear: number,
  ctx: Context,
): AgreementItemView {
  const period = agreementPeriod({ budgetYear });
  const perYear = itemAmounts(core, period);
  const amounts = agreementYears({ budgetYear }).map((year) => ({ year, amount: perYear.get(year) ?? 0n }));
  const common: ItemCommonView = {
    key: s.key,
    label: s.label,
    area: s.area,
    category: s.category,
    accountId: s.accountId,
    text: s.text,
    areaName: ctx.names.get(s.area) ?? s.area,
    sentence: describeItem(core, ctx.names, { budgetYear, reason: true }),
    amounts,
    total: amounts.reduce((t, a) => t + a.amount, 0n),
  };
  switch (s.kind) {
    case "adjustment":
      return { ...common, kind: "adjustment", pattern: s.pattern ?? "" };
    case "proposal": {
      const sp = ctx.proposals.get(s.proposalId as number) as AgreementProposal;
      return {
        ...common,
        kind: "proposal",
        proposalId: sp.id,
        overrides: s.overrides,
        proposal: {
          id: sp.id,
          schedule: sp.schedule,
          title: sp.title,
          status: sp.status,
          lines: sp.lines.map((l) => ({
            name: l.name,
            amounts: [...l.amounts].map(([year, amount]) => ({ year, amount })),
          })),
        },
      };
    }
    case "dut":
      return { ...common, kind: "dut", onwards: s.onwards, namedAmounts: s.amounts };
    case "pool":
      return { ...common, kind: "pool", namedAmounts: s.amounts };
  }
}

function validIn(n: OrgNode, year: number): boolean {
  return n.validFrom <= year && (n.validTo === null || year <= n.validTo);
}

/**
 * Whether a row belongs in a table over `years`: its node is valid in one of them, or it carries
 * an amount. A row left out while its amounts stay in its parent would break "adds up as printed".
 */
function shown(n: OrgNode | undefined, years: readonly number[], values: readonly bigint[]): boolean {
  if (n === undefined) return false;
  return years.some((y) => validIn(n, y)) || values.some((v) => v !== 0n);
}

function effectView(e: AgreementEffect, org: readonly OrgNode[]): EffectView {
  const byId = new Map(org.map((n) => [n.id, n]));
  const kept = e.rows.filter((r) => shown(byId.get(r.nodeId), e.years, r.values));
  const contributions: EffectView["contributions"] = [];
  for (const r of kept) {
    e.years.forEach((year) => {
      const trace = e.trace.get(r.nodeId)?.get(year) ?? [];
      if (trace.length === 0) return;
      contributions.push({
        code: r.code,
        year,
        items: trace.map((c) => ({ key: c.itemId, label: c.label, amount: c.amount })),
      });
    });
  }
  return {
    years: e.years,
    rows: kept.map((r) => ({
      nodeId: r.nodeId,
      parentId: r.parentId,
      code: r.code,
      name: r.name,
      kind: r.kind,
      depth: r.depth,
      values: r.values,
      service: r.service,
    })),
    total: e.total,
    serviceFrame: e.serviceFrame,
    contributions,
  };
}

interface Computed {
  agreement: Agreement;
  items: AgreementItemView[];
  effect: EffectView | null;
  problems: ProblemView[];
}

function compute(
  name: string,
  budgetYear: number,
  items: readonly StoredAgreementItem[],
  ctx: Context,
): Computed {
  const agreement = toCoreAgreement(name, budgetYear, items, ctx);
  const views = items.map((s, i) => itemView(s, agreement.items[i] as AgreementItem, budgetYear, ctx));
  // agreementEffect validates first and throws every problem: one validation, not two.
  try {
    return {
      agreement,
      items: views,
      effect: effectView(agreementEffect(agreement, ctx.org), ctx.org),
      problems: [],
    };
  } catch (e) {
    if (!(e instanceof AgreementError)) throw e;
    return { agreement, items: views, effect: null, problems: e.problems.map(problemView) };
  }
}

function summaryView(a: StoredAgreement, m: Pick<Municipality, "code">): AgreementSummary {
  return {
    id: a.id,
    municipality: m.code,
    name: a.name,
    budgetYear: a.budgetYear,
    status: a.status,
    adoptedAt: a.adoptedAt,
    adoptedMode: a.adoptedMode,
    version: a.version,
    itemCount: a.itemCount,
    updatedAt: a.updatedAt,
  };
}

async function requireAgreement(
  db: Db,
  m: Pick<Municipality, "id" | "name">,
  id: number,
  opts: { forUpdate?: boolean } = {},
): Promise<StoredAgreement> {
  const a = await findAgreement(db, m.id, id, opts);
  if (!a) throw new NotFound(`Budgetaftalen ${id} findes ikke i ${m.name} Kommune`);
  return a;
}

async function answerOf(db: Db, m: Municipality, a: StoredAgreement): Promise<AgreementAnswer> {
  const items = await loadAgreementItems(db, a.id);
  const ctx = await loadContext(db, m, items);
  const c = compute(a.name, a.budgetYear, items, ctx);
  return { agreement: { ...summaryView(a, m), items: c.items }, effect: c.effect, problems: c.problems };
}

/** What the audit trail keeps of an agreement's content: the items as stored (øre as strings). */
function auditContent(name: string, budgetYear: number, items: readonly StoredAgreementItem[]) {
  return toJsonValue({
    name,
    budgetYear,
    items: items.map((i) => ({
      key: i.key,
      kind: i.kind,
      label: i.label,
      area: i.area,
      category: i.category,
      accountId: i.accountId,
      text: i.text,
      ...(i.pattern !== null ? { pattern: i.pattern } : {}),
      ...(i.proposalId !== null ? { proposalId: i.proposalId } : {}),
      ...(i.amounts.length > 0 ? { amounts: i.amounts } : {}),
      ...(i.onwards !== null ? { onwards: i.onwards } : {}),
      ...(i.overrides.length > 0 ? { overrides: i.overrides } : {}),
    })),
  });
}

function adoptedRefusal(a: StoredAgreement): Conflict {
  return conflict(
    "adopted",
    `Budgetaftalen »${a.name}« er vedtaget og kan ikke ændres eller slettes`,
    undefined,
  );
}

// ---------------------------------------------------------------------------------------------
// Use-cases

/** The municipality's agreements, newest budget year first, then by name. */
export async function listAgreements(
  db: Kysely<Database>,
  m: Municipality,
  budgetYear?: number,
): Promise<{ agreements: AgreementSummary[] }> {
  return { agreements: (await listAgreementRows(db, m.id, budgetYear)).map((a) => summaryView(a, m)) };
}

export async function getAgreement(
  db: Kysely<Database>,
  m: Municipality,
  id: number,
): Promise<AgreementAnswer> {
  return answerOf(db, m, await requireAgreement(db, m, id));
}

/**
 * Creates a scenario, empty, with the items of another agreement of the municipality (copyFrom),
 * or with the items given (an extension of the contract, used by the demo).
 */
export async function createAgreement(
  db: Kysely<Database>,
  m: Municipality,
  input: AgreementCreateInput,
  actor: Actor,
): Promise<AgreementAnswer> {
  const body = parseBody(agreementCreateSchema, input, "Budgetaftalen");
  if (body.copyFrom !== undefined && body.items !== undefined) {
    throw new AgreementBadRequest("invalid_body", "Angiv enten copyFrom eller items, ikke begge", {
      issues: [issue(["items"], "kan ikke angives sammen med copyFrom")],
    });
  }
  let items = (body.items ?? []).map(toStoredItem);
  let copied: StoredAgreement | undefined;
  if (body.copyFrom !== undefined) {
    copied = await findAgreement(db, m.id, body.copyFrom);
    if (!copied) {
      throw new AgreementBadRequest(
        "invalid_body",
        `Budgetaftalen ${body.copyFrom} findes ikke i ${m.name} Kommune`,
        {
          issues: [issue(["copyFrom"], `budgetaftalen ${body.copyFrom} findes ikke i ${m.name} Kommune`)],
        },
      );
    }
    items = await loadAgreementItems(db, copied.id);
  }
  const id = await db.transaction().execute(async (trx) => {
    // Under the lock that deleting a proposal takes, so a proposal checked here stays.
    await lockMunicipalityWrites(trx, m.id);
    if (!copied) await loadContext(trx, m, items);
    const id = await insertAgreement(trx, {
      municipalityId: m.id,
      budgetYear: body.budgetYear,
      name: body.name,
    });
    await replaceAgreementItems(trx, id, items);
    await appendAudits(trx, [
      {
        actor,
        municipalityId: m.id,
        entityType: "agreement",
        entityId: id,
        action: "create",
        after: auditContent(body.name, body.budgetYear, items),
        reason: copied ? `Kopi af »${copied.name}« (${copied.id})` : null,
      },
    ]);
    return id;
  });
  return getAgreement(db, m, id);
}

/**
 * Saves a scenario's name and items. `version` is the version the user edited; a stale one is
 * refused with the agreement as it is now. Saving what is already stored changes nothing.
 */
export async function saveAgreement(
  db: Kysely<Database>,
  m: Municipality,
  id: number,
  input: AgreementSaveInput,
  actor: Actor,
): Promise<AgreementAnswer> {
  const body = parseBody(agreementSaveSchema, input, "Budgetaftalen");
  const items = body.items.map(toStoredItem);
  const stale = await db.transaction().execute(async (trx) => {
    // Under the lock that deleting a proposal takes, so a proposal checked here stays.
    await lockMunicipalityWrites(trx, m.id);
    await loadContext(trx, m, items);
    const a = await requireAgreement(trx, m, id, { forUpdate: true });
    if (a.status === "adopted") throw adoptedRefusal(a);
    if (a.version !== body.version) return true;
    const stored = await loadAgreementItems(trx, id);
    const before = auditContent(a.name, a.budgetYear, stored);
    const after = auditContent(body.name, a.budgetYear, items);
    if (canonicalJson(before) === canonicalJson(after)) return false;
    await replaceAgreementItems(trx, id, items);
    await touchAgreement(trx, id, { name: body.name });
    await appendAudits(trx, [
      { actor, municipalityId: m.id, entityType: "agreement", entityId: id, action: "update", before, after },
    ]);
    return false;
  });
  const now = await getAgreement(db, m, id);
  if (stale) {
    throw conflict("conflict", "Budgetaftalen er ændret af en anden, efter du hentede den", now);
  }
  return now;
}

/** Deletes a scenario (never an adopted agreement), naming the version it was read at. */
export async function deleteAgreement(
  db: Kysely<Database>,
  m: Municipality,
  id: number,
  version: number,
  actor: Actor,
): Promise<void> {
  const stale = await db.transaction().execute(async (trx) => {
    const a = await requireAgreement(trx, m, id, { forUpdate: true });
    if (a.status === "adopted") throw adoptedRefusal(a);
    if (a.version !== version) return true;
    const items = await loadAgreementItems(trx, id);
    await deleteAgreementRow(trx, id);
    await appendAudits(trx, [
      {
        actor,
        municipalityId: m.id,
        entityType: "agreement",
        entityId: id,
        action: "delete",
        before: auditContent(a.name, a.budgetYear, items),
      },
    ]);
    return false;
  });
  if (stale) {
    throw conflict(
      "conflict",
      "Budgetaftalen er ændret af en anden, efter du hentede den",
      await getAgreement(db, m, id),
    );
  }
}

/** The items, effect and problems of an unsaved scenario, as the editor shows them while typing. */
export async function previewAgreement(
  db: Kysely<Database>,
  m: Municipality,
  input: AgreementPreviewInput,
): Promise<PreviewAnswer> {
  const body = parseBody(agreementPreviewSchema, input, "Budgetaftalen");
  const items = body.items.map(toStoredItem);
  const ctx = await loadContext(db, m, items);
  const c = compute("Forhåndsvisning", body.budgetYear, items, ctx);
  return { items: c.items, effect: c.effect, problems: c.problems };
}

/** Two agreements of the municipality side by side; nothing but the problems when either has any. */
export async function compareAgreements(
  db: Kysely<Database>,
  m: Municipality,
  aId: number,
  bId: number,
): Promise<ComparisonView> {
  const [a, b] = [await requireAgreement(db, m, aId), await requireAgreement(db, m, bId)];
  const itemsA = await loadAgreementItems(db, a.id);
  const itemsB = await loadAgreementItems(db, b.id);
  const ctx = await loadContext(db, m, [...itemsA, ...itemsB]);
  const coreA = toCoreAgreement(a.name, a.budgetYear, itemsA, ctx);
  const coreB = toCoreAgreement(b.name, b.budgetYear, itemsB, ctx);
  const problems = {
    a: validateAgreement(coreA, ctx.org).map(problemView),
    b: validateAgreement(coreB, ctx.org).map(problemView),
  };
  const head = {
    a: { id: a.id, name: a.name, budgetYear: a.budgetYear },
    b: { id: b.id, name: b.name, budgetYear: b.budgetYear },
  };
  if (problems.a.length > 0 || problems.b.length > 0) {
    const none = { a: [], b: [], difference: [] };
    return { ...head, years: [], rows: [], total: none, serviceFrame: none, problems };
  }
  const c = compareScenarios(coreA, coreB, ctx.org);
  const byId = new Map(ctx.org.map((n) => [n.id, n]));
  const rows = c.rows
    .filter((r) => shown(byId.get(r.nodeId), c.years, [...r.a, ...r.b]))
    .map((r) => ({
      code: r.code,
      name: r.name,
      kind: r.kind,
      depth: r.depth,
      a: r.a,
      b: r.b,
      difference: r.difference,
    }));
  return { ...head, years: c.years, rows, total: c.total, serviceFrame: c.serviceFrame, problems };
}

function figureText(f: { code: string; name: string; accountId: number | null; year: number; kind: string }) {
  const account = f.accountId === null ? "uden konto" : `konto ${f.accountId}`;
  const kind = f.kind === "budget" ? "budget" : "overslag";
  return `»${f.name}« (${f.code}), ${account}, ${kind} ${f.year}`;
}

/**
 * Adopts an agreement ("apply": onto the base budget, see the file's comment; "record": status
 * only), all in one transaction under the municipality's write lock.
 */
export async function adoptAgreement(
  db: Kysely<Database>,
  m: Municipality,
  id: number,
  input: AgreementAdoptInput,
  actor: Actor,
): Promise<{ agreement: AgreementDetail; changedFigures: number }> {
  const body = parseBody(agreementAdoptSchema, input, "Vedtagelsen");
  const outcome = await db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, m.id);
    const a = await requireAgreement(trx, m, id, { forUpdate: true });
    if (a.status === "adopted") {
      throw conflict("already_adopted", `Budgetaftalen »${a.name}« er allerede vedtaget`, undefined, {
        adoptedId: a.id,
      });
    }
    if (a.version !== body.version) return { stale: true as const };
    const other = await findAdoptedAgreementRow(trx, m.id, a.budgetYear);
    if (other) {
      throw conflict(
        "already_adopted",
        `Budgettet for ${a.budgetYear} er allerede vedtaget med »${other.name}«; der kan kun vedtages én budgetaftale pr. år`,
        undefined,
        { adoptedId: other.id },
      );
    }
    const items = await loadAgreementItems(trx, id);
    const ctx = await loadContext(trx, m, items);
    const agreement = toCoreAgreement(a.name, a.budgetYear, items, ctx);
    const problems = validateAgreement(agreement, ctx.org).map(problemView);
    if (problems.length > 0) {
      const rest = problems.length - 1;
      const more = rest > 0 ? ` (og ${rest} ${rest === 1 ? "problem" : "problemer"} mere)` : "";
      throw new AgreementBadRequest(
        "invalid",
        `Budgetaftalen »${a.name}« kan ikke vedtages: ${problems[0]?.message ?? ""}${more}`,
        { problems },
      );
    }

    const B = a.budgetYear;
    let changedFigures = 0;
    let changes: AmountChange[] = [];
    if (body.mode === "apply") {
      const base = await loadBaseBudget(trx, m.id, B);
      const wrong = base.find((f) => f.priceYear !== B);
      if (wrong) {
        throw new AgreementBadRequest(
          "base_price_level",
          `Grundbudgettets tal for ${figureText(wrong)} er i ${wrong.priceYear}-priser; budgetaftalen for ${B} ` +
            `lægges på et grundbudget i ${B}-priser. Indlæs grundbudgettet i ${B}-priser, og vedtag derefter aftalen.`,
        );
      }
      const adopted = applyAgreement(
        base.map((f) => ({ node: f.code, accountId: f.accountId, year: f.year, amount: f.amount })),
        agreement,
        ctx.org,
      );
      const nodeId = new Map(ctx.org.map((n) => [n.code, n.id]));
      const kindOf = (year: number) => (year === B ? ("budget" as const) : ("estimate" as const));
      const changed = adopted.filter((f) => f.changes.length > 0);
      changedFigures = changed.length;
      const upserts = [
        ...changed.map((f) => ({
          nodeId: nodeId.get(f.node) as number,
          accountId: f.accountId,
          year: f.year,
          kind: kindOf(f.year),
          priceYear: B,
          amount: f.amount,
        })),
        // The whole budget of year B is adopted, changed or not.
        ...adopted
          .filter((f: AdoptedFigure) => f.year === B)
          .map((f) => ({
            nodeId: nodeId.get(f.node) as number,
            accountId: f.accountId,
            year: B,
            kind: "original" as const,
            priceYear: B,
            amount: f.amount,
          })),
      ];
      changes = await applyAmounts(trx, m.id, upserts);
      // corrected = original + appropriations, for every figure of B that keeps a corrected budget.
      const corrected = (await correctedBasis(trx, m.id, B))
        .map((c) => ({
          nodeId: c.nodeId,
          accountId: c.accountId,
          year: B,
          kind: "corrected" as const,
          priceYear: c.original?.priceYear ?? B,
          amount: (c.original?.amount ?? 0n) + c.appropriations,
          stored: c.corrected,
        }))
        .filter((c) => c.amount !== c.stored)
        .map(({ stored: _stored, ...c }) => c);
      changes = [...changes, ...(await applyAmounts(trx, m.id, corrected))];
      await refreshTotals(trx, m.id);
      await insertAdoptionTrace(
        trx,
        id,
        changed.map((f) => ({
          nodeId: nodeId.get(f.node) as number,
          accountId: f.accountId,
          year: f.year,
          kind: kindOf(f.year),
          base: f.base,
          adopted: f.amount,
          changes: f.changes.map((c) => ({ key: c.itemId, label: c.label, kind: c.kind, amount: c.amount })),
        })),
      );
    }

    const audits: AuditEntry[] = [
      {
        actor,
        municipalityId: m.id,
        entityType: "agreement",
        entityId: id,
        action: "adopt",
        before: { status: a.status, version: a.version },
        after: toJsonValue({
          name: a.name,
          budgetYear: B,
          mode: body.mode,
          changedFigures,
          amountChanges: changes.length,
          changesSha256: amountChangesSha256(changes),
          text:
            body.mode === "apply"
              ? `Vedtaget på grundbudgettet: ${changedFigures} budgettal ændret`
              : "Registreret som vedtaget uden for Bevilling; budgettallene er uændrede",
        }),
        reason: body.reason ?? null,
      },
    ];
    for (const item of agreement.items) {
      if (item.kind !== "proposal" || item.proposal.id === undefined) continue;
      const status = proposalItemStatus(item);
      const before = await setProposalStatus(trx, item.proposal.id, status);
      if (before !== undefined && before !== status) {
        audits.push({
          actor,
          municipalityId: m.id,
          entityType: "proposal",
          entityId: item.proposal.id,
          action: "update",
          before: { status: before },
          after: { status },
          reason: `Vedtaget med budgetaftalen »${a.name}«`,
        });
      }
    }
    await markAgreementAdopted(trx, id, body.mode);
    const [record] = await appendAudits(trx, audits);
    if (record && changes.length > 0) await insertAmountHistory(trx, record.id, changes);
    return { stale: false as const, changedFigures };
  });
  const now = await getAgreement(db, m, id);
  if (outcome.stale)
    throw conflict("conflict", "Budgetaftalen er ændret af en anden, efter du hentede den", now);
  return { agreement: now.agreement, changedFigures: outcome.changedFigures };
}

/** The figures an "apply" adoption changed, each with base, adopted and the items that changed it. */
export async function agreementAdoption(
  db: Kysely<Database>,
  m: Municipality,
  id: number,
): Promise<{ figures: AdoptedFigureView[] }> {
  await requireAgreement(db, m, id);
  const trace = await loadAdoptionTrace(db, id);
  return {
    figures: trace.map((f) => ({
      node: f.code,
      nodeName: f.name,
      accountId: f.accountId,
      year: f.year,
      kind: f.kind,
      base: f.base,
      adopted: f.adopted,
      changes: f.changes,
    })),
  };
}

/** The agreement's audit records, oldest first. */
export async function agreementHistory(
  db: Kysely<Database>,
  m: Municipality,
  id: number,
): Promise<AuditLogEntry[]> {
  await requireAgreement(db, m, id);
  return historyOf(db, "agreement", id);
}

async function loaded(db: Db, m: Pick<Municipality, "id" | "code" | "name">, a: StoredAgreement) {
  const items = await loadAgreementItems(db, a.id);
  const ctx = await loadContext(db, m, items);
  return {
    summary: summaryView(a, m),
    agreement: toCoreAgreement(a.name, a.budgetYear, items, ctx),
    names: ctx.names,
  } satisfies LoadedAgreement;
}

/** An agreement of the municipality in the core model (NotFound when it has none by that id). */
export async function loadAgreement(
  db: Kysely<Database>,
  municipality: Pick<Municipality, "id" | "code" | "name">,
  id: number,
): Promise<LoadedAgreement> {
  return loaded(db, municipality, await requireAgreement(db, municipality, id));
}

/**
 * The adopted agreement of a municipality and budget year, for documents that describe it
 * ("Budgetaftalen 2025", the DUT sentences): its summary, the agreement in the core model
 * (describeItem(item, names, …) writes each item), and `names`, every org node code → name.
 * Undefined when no agreement of that year is adopted.
 */
export async function findAdoptedAgreement(
  db: Kysely<Database>,
  municipality: Pick<Municipality, "id" | "code" | "name">,
  budgetYear: number,
): Promise<LoadedAgreement | undefined> {
  const a = await findAdoptedAgreementRow(db, municipality.id, budgetYear);
  return a ? loaded(db, municipality, a) : undefined;
}
