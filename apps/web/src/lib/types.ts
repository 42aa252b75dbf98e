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
  /** Published municipalities are open to anonymous visitors; older servers leave it out. */
  published?: boolean;
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
  /**
   * false: an ancestor of the units a budgetansvarlig may read, listed only to place them in the
   * tree (shown as plain text). Missing (older servers) counts as readable.
   */
  readable?: boolean;
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
  /** Saved (non-standard) mappings carry a version, sent back when saving over them. */
  version?: number;
}

/** PUT /api/municipalities/:m/mappings/:name answers with the saved mapping. */
export interface StoredMapping {
  name: string;
  standard?: boolean;
  mapping: MappingSpec;
  version: number;
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

/**
 * The body of every 4xx/5xx answer: a Danish message, and the details a user can act on. code
 * says which kind of refusal (401 "unauthenticated"; 403 "forbidden", "password_change_required",
 * "csrf"; 409 "conflict" with the thing's current state in current).
 */
export interface ErrorBody {
  error: string;
  code?: string;
  errors?: FileError[];
  omitted?: number;
  issues?: Issue[];
  current?: unknown;
  changedBy?: string;
  changedAt?: string;
  retryAfterSeconds?: number;
}

export type Role = "administrator" | "okonomi" | "budgetansvarlig" | "sekretariat" | "politiker";

export interface UnitRef {
  id: number;
  municipalityCode: string;
  name: string;
}

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  units: UnitRef[];
  mustChangePassword: boolean;
}

/** GET/POST /api/session (and POST /api/session/password). */
export interface SessionAnswer {
  user: SessionUser | null;
  csrfToken: string | null;
  oidc: { enabled: boolean; label: string };
}

export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  units: UnitRef[];
  disabled: boolean;
  mustChangePassword: boolean;
  hasPassword: boolean;
  oidcLinked: boolean;
  lastSignInAt: string | null;
  createdAt: string;
  version: number;
}

export interface CreatedUser {
  user: UserView;
  oneTimePassword: string;
}

export interface TokenView {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  units: UnitRef[];
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedToken {
  token: TokenView;
  secret: string;
}

export interface Account {
  id: number;
  code: string;
  name: string | null;
}

/** The kinds of figure a user may type in; the others come from the accounting system. */
export type EditableKind = "budget" | "estimate";

export interface Figure {
  accountId: number | null;
  accountCode: string | null;
  accountName: string | null;
  kind: AmountKind;
  year: number;
  /** Øre, as a decimal string. */
  amount: string;
  priceYear: number;
  version: number;
}

export interface NodeFigures {
  nodeId: number;
  editable: boolean;
  figures: Figure[];
}

export interface Actor {
  kind: string;
  id?: string | null;
  name: string;
}

export interface FigureChange {
  auditId: number;
  at: string;
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  fileName: string | null;
  reason: string | null;
  oldAmount: string | null;
  newAmount: string | null;
  oldPriceYear: number | null;
  newPriceYear: number | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: Actor;
  municipalityId: number | null;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  prevHash: string | null;
  hash: string;
}

export type ProposalKind = "drift" | "anlaeg" | "udvidelse" | "reduktion" | "investering";
export type ProposalStatus = "draft" | "submitted" | "adopted" | "adopted_changed" | "rejected";

/** A finding of the catalogue's consistency checks; message is Danish and shown as it is. */
export interface ProposalWarning {
  schedule: string;
  severity: "warning" | "info";
  code: string;
  message: string;
  /** The line concerned, as printed ("" for a line without a name). */
  line?: string;
  year?: number;
  expected?: string;
  found?: string;
}

/** An amount of one year: øre as a decimal string. */
export interface YearAmount {
  year: number;
  amount: string;
}

export interface ProposalLineView {
  name: string;
  /** The years with an amount (an empty cell is absent; a printed 0 is "0"). */
  amounts: YearAmount[];
  total: string;
}

export interface ProposalView {
  id: number;
  catalogue: string;
  period: { firstYear: number; lastYear: number };
  version: number;
  updatedAt: string;
  /** Canonical schedule number, e.g. "2.1.2. 05". */
  schedule: string;
  internalNumber: string | null;
  kind: ProposalKind;
  kindLabel: string;
  title: string;
  /** Paragraphs separated by blank lines. */
  text: string;
  committee: string;
  area: string;
  status: ProposalStatus;
  statusLabel: string;
  lines: ProposalLineView[];
  /** The sum of the lines for every year of the period. */
  totals: YearAmount[];
  total: string;
  references: { schedule: string; relation: "alternative_to" | "related" }[];
  warnings: ProposalWarning[];
}

export interface CatalogueSummary {
  catalogue: string;
  firstYear: number;
  lastYear: number;
  count: number;
}

/** GET /api/municipalities/:m/proposals. */
export interface ProposalCatalogue {
  catalogues: CatalogueSummary[];
  catalogue: string | null;
  proposals: ProposalView[];
  warnings: ProposalWarning[];
}

/** POST /api/municipalities/:m/proposals/import. */
export interface CatalogueImportResult {
  catalogue: string;
  period: { firstYear: number; lastYear: number };
  created: number;
  updated: number;
  unchanged: number;
  warnings: ProposalWarning[];
}
