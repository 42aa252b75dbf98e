/**
 * The pure parts of the appropriations page: the API's shapes (øre as decimal strings), the form
 * read back to the request body (kroner typed the Danish way to øre exactly, with BigInt), the
 * page's address, and the words for kinds and dates.
 */
import { type MessageKey, t } from "../i18n/da.ts";
import { parseKroner } from "./kroner.ts";
import { municipalityHref } from "./paths.ts";

export type AppropriationKind = "supplementary" | "carry_over";

export const APPROPRIATION_KINDS: readonly AppropriationKind[] = ["supplementary", "carry_over"];

/** GET /api/municipalities/:m/appropriations (one of them). */
export interface Appropriation {
  id: number;
  municipalityId: number;
  nodeId: number;
  accountId: number | null;
  year: number;
  kind: AppropriationKind;
  /** Øre. */
  amount: string;
  /** YYYY-MM-DD. */
  decidedOn: string;
  reason: string;
  createdAt: string;
  version: number;
}

/** POST …/appropriations: the appropriation and its figure's corrected budget (øre). */
export interface AppropriationResult {
  appropriation: Appropriation;
  corrected: string;
}

/** GET /api/nodes/:id/corrected (one account's row; øre). */
export interface CorrectedFigure {
  accountId: number | null;
  accountCode: string | null;
  accountName: string | null;
  original: string | null;
  supplementary: string;
  carryOver: string;
  corrected: string;
  stored: string | null;
}

/** GET /api/nodes/:id/carry-over. */
export interface CarryOverAnswer {
  nodeId: number;
  area: { nodeId: number; code: string; name: string; kind: string; carryOverAllowed: boolean } | null;
}

export function kindText(kind: AppropriationKind): string {
  return t(`appropriations.kind.${kind}`);
}

/** "2025-03-21" as "21.03.2025" (left as it is when it is not such a date). */
export function dateText(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/** Today as YYYY-MM-DD in the browser's own time zone (a decision is dated the day it is typed in). */
export function todayIso(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function sumOre(values: Iterable<string | null>): string {
  let sum = 0n;
  for (const v of values) if (v !== null) sum += BigInt(v);
  return sum.toString();
}

/** The negative of an amount in øre: what corrects an appropriation. */
export function negateOre(ore: string): string {
  return (-BigInt(ore)).toString();
}

// ---------------------------------------------------------------------------------------------
// The form

export interface AppropriationForm {
  /** The node's id as a string ("" when none is chosen). */
  nodeId: string;
  /** "" for no account. */
  accountId: string;
  year: string;
  kind: AppropriationKind;
  /** Kroner, typed the Danish way. */
  amount: string;
  /** YYYY-MM-DD (a date field). */
  decidedOn: string;
  reason: string;
}

export type AppropriationField = Exclude<keyof AppropriationForm, never>;

export const APPROPRIATION_FIELDS: readonly AppropriationField[] = [
  "nodeId",
  "accountId",
  "year",
  "kind",
  "amount",
  "decidedOn",
  "reason",
];

export interface AppropriationBody {
  nodeId: number;
  accountId: number | null;
  year: number;
  kind: AppropriationKind;
  amount: string;
  decidedOn: string;
  reason: string;
}

export const MAX_APPROPRIATION_REASON = 500;

/** The form as the request's body, or what is wrong by field (the server checks the rest). */
export function readAppropriationForm(
  form: AppropriationForm,
):
  | { ok: true; body: AppropriationBody }
  | { ok: false; problems: Partial<Record<AppropriationField, MessageKey>> } {
  const problems: Partial<Record<AppropriationField, MessageKey>> = {};
  if (!/^[1-9]\d{0,8}$/.test(form.nodeId)) problems.nodeId = "appropriations.needNode";
  if (!/^\d{4}$/.test(form.year)) problems.year = "appropriations.needYear";
  let amount = "";
  if (form.amount.trim() === "") problems.amount = "appropriations.needAmount";
  else {
    const parsed = parseKroner(form.amount);
    if (!parsed.ok) problems.amount = parsed.error;
    else if (BigInt(parsed.ore) === 0n) problems.amount = "appropriations.zeroAmount";
    else amount = parsed.ore;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.decidedOn)) problems.decidedOn = "appropriations.needDate";
  const reason = form.reason.trim();
  if (reason === "") problems.reason = "appropriations.needReason";
  else if ([...reason].length > MAX_APPROPRIATION_REASON) problems.reason = "appropriations.reasonTooLong";
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return {
    ok: true,
    body: {
      nodeId: Number(form.nodeId),
      accountId: form.accountId === "" ? null : Number(form.accountId),
      year: Number(form.year),
      kind: form.kind,
      amount,
      decidedOn: form.decidedOn,
      reason,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The address: /kommune/:code/bevillinger?aar=2025&enhed=17

export function appropriationsHref(
  code: string,
  opts: { year?: number | null; node?: number | null } = {},
): string {
  const q = new URLSearchParams();
  if (opts.year !== undefined && opts.year !== null) q.set("aar", String(opts.year));
  if (opts.node !== undefined && opts.node !== null) q.set("enhed", String(opts.node));
  const search = q.toString();
  return `${municipalityHref(code)}/bevillinger${search === "" ? "" : `?${search}`}`;
}

/** The page's query: the year (four digits) and the unit (a positive whole number), else null. */
export function parseAppropriationsQuery(query: URLSearchParams): {
  year: number | null;
  node: number | null;
} {
  const year = query.get("aar") ?? "";
  const node = query.get("enhed") ?? "";
  return {
    year: /^\d{4}$/.test(year) ? Number(year) : null,
    node: /^[1-9]\d{0,8}$/.test(node) ? Number(node) : null,
  };
}
