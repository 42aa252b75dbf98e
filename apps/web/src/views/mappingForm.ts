/**
 * The mapping form's state and its translation to the API's mapping schema (and back, so a
 * saved mapping can be adjusted). Kept apart from the page so it is plain data and functions.
 */
import type {
  AccountColumnsSpec,
  AmountKind,
  LevelSpec,
  MappingKind,
  MappingSpec,
  Unit,
} from "../lib/types.ts";

export type AccountField = keyof AccountColumnsSpec;
export const ACCOUNT_FIELDS: AccountField[] = [
  "code",
  "funktion",
  "dranst",
  "art",
  "gruppering",
  "costCentre",
  "project",
  "name",
  "category",
];

export type Placement = "levels" | "node" | "none";

export interface LevelRow {
  key: number;
  kind: LevelSpec["kind"];
  code: string;
  name: string;
}

export interface AmountRow {
  key: number;
  column: string;
  year: string;
  kind: AmountKind;
}

export interface MappingForm {
  kind: MappingKind;
  unit: Unit;
  priceYear: string;
  placement: Placement;
  levels: LevelRow[];
  node: string;
  validFrom: string;
  validTo: string;
  account: Record<AccountField, string>;
  amounts: AmountRow[];
  monthly: { date: string; year: string; month: string; amount: string };
}

export interface FileFormat {
  separator: "" | ";" | "," | "\t";
  encoding: "" | "utf-8" | "windows-1252";
  sheet: string;
}

let keys = 0;
export function nextKey(): number {
  keys += 1;
  return keys;
}

function emptyAccount(): Record<AccountField, string> {
  return {
    code: "",
    funktion: "",
    dranst: "",
    art: "",
    gruppering: "",
    costCentre: "",
    project: "",
    name: "",
    category: "",
  };
}

export function emptyForm(): MappingForm {
  return {
    kind: "amounts",
    unit: "kr",
    priceYear: "",
    placement: "levels",
    levels: [{ key: nextKey(), kind: "committee", code: "", name: "" }],
    node: "",
    validFrom: "",
    validTo: "",
    account: emptyAccount(),
    amounts: [],
    monthly: { date: "", year: "", month: "", amount: "" },
  };
}

const KIND_WORDS: [RegExp, AmountKind][] = [
  [/regnskab|forbrug|faktisk/i, "actual"],
  [/oprindelig/i, "original"],
  [/korrigeret/i, "corrected"],
  [/overslag/i, "estimate"],
  [/budget/i, "budget"],
];

/** Amount columns guessed from the header: every column whose name holds a year. */
export function suggestAmounts(header: readonly string[]): AmountRow[] {
  const out: AmountRow[] = [];
  for (const h of header) {
    const year = /(?:^|\D)((?:19|20|21)\d{2})(?!\d)/.exec(h)?.[1];
    if (year === undefined) continue;
    const kind = KIND_WORDS.find(([re]) => re.test(h))?.[1] ?? "budget";
    out.push({ key: nextKey(), column: h, year, kind });
  }
  return out;
}

function nonEmpty(s: string): string | undefined {
  const v = s.trim();
  return v === "" ? undefined : v;
}

function yearOf(s: string): number | undefined {
  const v = s.trim();
  return /^\d{4}$/.test(v) ? Number(v) : undefined;
}

/** The mapping as the API reads it; blank fields are left out so the server's own checks speak. */
export function toMapping(f: MappingForm, format: FileFormat): MappingSpec {
  const m: MappingSpec = { kind: f.kind };
  const fmt: NonNullable<MappingSpec["format"]> = {};
  if (format.separator !== "") fmt.separator = format.separator;
  if (format.encoding !== "") fmt.encoding = format.encoding;
  const sheet = nonEmpty(format.sheet);
  if (sheet !== undefined) fmt.sheet = /^\d+$/.test(sheet) ? Number(sheet) : sheet;
  if (Object.keys(fmt).length > 0) m.format = fmt;

  const placement = f.kind === "organisation" ? "levels" : f.placement;
  if (placement === "levels") {
    m.levels = f.levels.map((l) => {
      const level: LevelSpec = { kind: l.kind, code: l.code };
      const name = nonEmpty(l.name);
      if (name !== undefined) level.name = name;
      return level;
    });
  } else if (placement === "node") {
    m.node = f.node;
  }
  if (f.kind === "organisation") {
    const from = nonEmpty(f.validFrom);
    const to = nonEmpty(f.validTo);
    if (from !== undefined) m.validFrom = from;
    if (to !== undefined) m.validTo = to;
    return m;
  }
  const account: AccountColumnsSpec = {};
  for (const k of ACCOUNT_FIELDS) {
    const v = nonEmpty(f.account[k]);
    if (v !== undefined) account[k] = v;
  }
  if (Object.keys(account).length > 0 || f.kind === "accounts") m.account = account;
  if (f.kind === "accounts") return m;

  m.unit = f.unit;
  if (f.kind === "amounts") {
    const py = yearOf(f.priceYear);
    if (py !== undefined) m.priceYear = py;
    m.amounts = f.amounts.map((a) => ({
      column: a.column,
      year: yearOf(a.year) ?? Number(a.year),
      kind: a.kind,
    }));
  } else {
    const monthly: NonNullable<MappingSpec["monthly"]> = { amount: f.monthly.amount };
    for (const k of ["date", "year", "month"] as const) {
      const v = nonEmpty(f.monthly[k]);
      if (v !== undefined) monthly[k] = v;
    }
    m.monthly = monthly;
  }
  return m;
}

/** A saved mapping in the form, as far as the form can show it (standard mappings use more). */
export function fromMapping(m: MappingSpec): MappingForm {
  const f = emptyForm();
  f.kind = m.kind;
  if (m.unit) f.unit = m.unit;
  if (m.priceYear !== undefined) f.priceYear = String(m.priceYear);
  if (m.node !== undefined) {
    f.placement = "node";
    f.node = m.node;
  } else if (m.levels && m.levels.length > 0) {
    f.placement = "levels";
    f.levels = m.levels.map((l) => ({ key: nextKey(), kind: l.kind, code: l.code, name: l.name ?? "" }));
  } else if (m.kind === "accounts") {
    f.placement = "none";
  }
  f.validFrom = m.validFrom ?? "";
  f.validTo = m.validTo ?? "";
  for (const k of ACCOUNT_FIELDS) f.account[k] = m.account?.[k] ?? "";
  f.amounts = (m.amounts ?? []).map((a) => ({
    key: nextKey(),
    column: a.column,
    year: String(a.year),
    kind: a.kind,
  }));
  if (m.monthly) {
    f.monthly = {
      date: m.monthly.date ?? "",
      year: m.monthly.year ?? "",
      month: m.monthly.month ?? "",
      amount: m.monthly.amount,
    };
  }
  return f;
}
