/**
 * The shapes the HTTP API answers with (see GET /api/openapi.json). Amounts in øre and rounded
 * figures are bigints on the server and arrive as decimal strings.
 */
export type Unit = "kr" | "tkr" | "mio";
export type NodeKind = "municipality" | "committee" | "area" | "unit";
export type AmountKind = "actual" | "original" | "corrected" | "budget" | "estimate";
export type MappingKind = "organisation" | "accounts" | "amounts" | "monthly";

export interface MunicipalitySettings {
  budgetYear: number;
  firstYear: number;
  lastYear: number;
  defaultPriceYear: number;
  signConvention: string;
  priceIndexRule: string;
}

export interface Municipality {
  id: number;
  code: string;
  name: string;
  settings: MunicipalitySettings;
}

export interface OrgNode {
  id: number;
  parentId: number | null;
  kind: NodeKind;
  code: string;
  name: string;
  validFrom: number;
  validTo: number | null;
  sortOrder: number;
}

export interface RowRef {
  id: number;
  code: string;
  name: string;
  kind: NodeKind | "account";
}

export interface OverviewRow {
  ref: RowRef | null;
  label: string;
  exact: string[];
  printed: string[];
  text: string[];
}

export interface OverviewColumn {
  year: number;
  kind: AmountKind;
  label: string;
}

export interface Overview {
  node: RowRef;
  columns: OverviewColumn[];
  unit: Unit;
  unitLabel: string;
  priceYear: number | null;
  note: string;
  total: OverviewRow;
  rows: OverviewRow[];
  municipality: { id: number; code: string; name: string };
  path: RowRef[];
  index: { name: string; isExample: boolean };
  drillable: number[];
}

export interface LevelSpec {
  kind: "committee" | "area" | "unit";
  code: string;
  name?: string;
}

export interface AmountColumnSpec {
  column: string;
  year: number;
  kind: AmountKind;
}

export interface AccountColumnsSpec {
  code?: string;
  funktion?: string;
  dranst?: string;
  art?: string;
  gruppering?: string;
  costCentre?: string;
  project?: string;
  name?: string;
  category?: string;
}

export interface MappingSpec {
  kind: MappingKind;
  format?: {
    separator?: ";" | "," | "\t" | "auto";
    encoding?: "auto" | "utf-8" | "windows-1252";
    sheet?: string | number;
    numberFormat?: "auto" | "da" | "plain";
  };
  levels?: LevelSpec[];
  node?: string;
  validFrom?: string;
  validTo?: string;
  account?: AccountColumnsSpec;
  amounts?: AmountColumnSpec[];
  monthly?: { year?: string; month?: string; date?: string; amount: string };
  unit?: Unit;
  priceYear?: number;
  // Standard mappings use further fields (tree, long); they are passed through untouched.
  [other: string]: unknown;
}

export interface SavedMapping {
  name: string;
  standard: boolean;
  mapping: MappingSpec;
  updatedAt?: string;
}

export type Cell = string | number | null;

export interface InspectedFile {
  header: string[];
  rows: Cell[][];
  rowCount?: number;
  encoding?: string | null;
  separator?: string | null;
  sheet?: string | null;
}

export interface PreviewRow {
  line: number;
  path: string[];
  account: string | null;
  values: { label: string; ore: string | null }[];
}

export interface ImportResult {
  fileName: string;
  kind: MappingKind;
  rows: number;
  changed: { nodes: number; accounts: number; amounts: number; months: number };
  unchanged: boolean;
  dryRun: boolean;
  preview?: PreviewRow[];
  savedMapping?: string;
}

export interface FileError {
  file: string;
  line?: number;
  column?: string;
  field?: string;
  reason: string;
}

export interface Issue {
  field: string;
  reason: string;
}

/** The body of every 4xx/5xx answer: a Danish message, and the details a user can act on. */
export interface ErrorBody {
  error: string;
  errors?: FileError[];
  omitted?: number;
  issues?: Issue[];
}
