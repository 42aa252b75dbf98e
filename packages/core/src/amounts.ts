/**
 * Amount series. Every stored amount is integer øre (bigint) for one node, optionally one
 * account, one fiscal year and one kind, at a stated price level (the year whose prices it is in).
 */
export type AmountKind = "actual" | "original" | "corrected" | "budget" | "estimate";
export const AMOUNT_KINDS: readonly AmountKind[] = ["actual", "original", "corrected", "budget", "estimate"];

/** Column headers as the municipalities print them (seed 000: "Regnskab", "Budget - oprindeligt"). */
export const AMOUNT_KIND_LABEL: Record<AmountKind, string> = {
  actual: "Regnskab",
  original: "Budget - oprindeligt",
  corrected: "Korrigeret budget",
  budget: "Budget",
  estimate: "Overslagsår",
};

/** Danish words accepted in mappings and on the command line, besides the English identifiers. */
const KIND_ALIASES: Record<string, AmountKind> = {
  regnskab: "actual",
  actual: "actual",
  oprindeligt: "original",
  "oprindeligt budget": "original",
  "budget - oprindeligt": "original",
  original: "original",
  korrigeret: "corrected",
  "korrigeret budget": "corrected",
  corrected: "corrected",
  budget: "budget",
  budgetår: "budget",
  overslag: "estimate",
  overslagsår: "estimate",
  estimate: "estimate",
};

export function parseAmountKind(s: string): AmountKind | undefined {
  return KIND_ALIASES[s.trim().toLowerCase()];
}

export interface Column {
  year: number;
  kind: AmountKind;
}

export function columnLabel(c: Column): string {
  return AMOUNT_KIND_LABEL[c.kind];
}

/**
 * The standard six columns of a budget overview around budget year B (seed 000 for B = 2025):
 * Regnskab B-2, Budget - oprindeligt B-1, Budget B, and the three overslagsår.
 */
export function standardColumns(budgetYear: number): Column[] {
  return [
    { year: budgetYear - 2, kind: "actual" },
    { year: budgetYear - 1, kind: "original" },
    { year: budgetYear, kind: "budget" },
    { year: budgetYear + 1, kind: "estimate" },
    { year: budgetYear + 2, kind: "estimate" },
    { year: budgetYear + 3, kind: "estimate" },
  ];
}

/** Parses "2025:budget" / "2023:regnskab" as used by the CLI and the query string. */
export function parseColumn(s: string): Column | undefined {
  const m = /^(\d{4}):(.+)$/.exec(s.trim());
  if (!m) return undefined;
  const kind = parseAmountKind(m[2] as string);
  return kind ? { year: Number(m[1]), kind } : undefined;
}

export function formatColumn(c: Column): string {
  return `${c.year}:${c.kind}`;
}
