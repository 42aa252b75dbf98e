/**
 * The Kysely view of the database. Money columns are bigint and arrive as JS bigint on both
 * engines (connect.ts configures the parsers in one place).
 */
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type JsonOrNull = ColumnType<import("@bevilling/core").JsonValue | null, string | null, string | null>;

export interface MunicipalityTable {
  id: Generated<number>;
  code: string;
  name: string;
  settings: Json<import("@bevilling/core").MunicipalitySettings>;
  created_at: Timestamp;
  version: Generated<number>;
  /** What the price and wage adjustment follows, for the remarks ("KL's vejledning"); null: not stated. */
  price_basis: Generated<string | null>;
}

export interface OrgNodeTable {
  id: Generated<number>;
  municipality_id: number;
  parent_id: number | null;
  kind: import("@bevilling/core").NodeKind;
  code: string;
  name: string;
  valid_from: number;
  valid_to: number | null;
  sort_order: number;
  /** An area setting: whether the area may carry an underspend over to the next year. */
  carry_over_allowed: Generated<boolean>;
  /** An area setting: whether the area is governed by a frame budget (rammebudget), for the remarks. */
  frame_budget: Generated<boolean>;
}

export interface OrgClosureTable {
  ancestor_id: number;
  descendant_id: number;
  depth: number;
}

export interface AccountTable {
  id: Generated<number>;
  municipality_id: number;
  code: string;
  funktion: string;
  dranst: number;
  art: string;
  gruppering: string | null;
  cost_centre: string | null;
  project: string | null;
  name: string;
  category: import("@bevilling/core").SpendingCategory;
  index_group: import("@bevilling/core").IndexGroup;
}

export interface UnitAccountTable {
  node_id: number;
  account_id: number;
}

export interface AmountTable {
  municipality_id: number;
  node_id: number;
  account_id: number | null;
  year: number;
  kind: import("@bevilling/core").AmountKind;
  price_year: number;
  amount: bigint;
  version: Generated<number>;
}

export interface ActualMonthTable {
  municipality_id: number;
  node_id: number;
  account_id: number | null;
  year: number;
  month: number;
  amount: bigint;
}

export interface NodeTotalTable {
  municipality_id: number;
  node_id: number;
  year: number;
  kind: import("@bevilling/core").AmountKind;
  index_group: import("@bevilling/core").IndexGroup;
  price_year: number;
  category: import("@bevilling/core").SpendingCategory;
  amount: bigint;
}

export interface PriceIndexTable {
  id: Generated<number>;
  municipality_id: number;
  name: string;
  is_example: boolean;
  active: boolean;
}

export interface PriceIndexPointTable {
  index_id: number;
  index_group: import("@bevilling/core").IndexGroup;
  year: number;
  points: bigint;
}

export interface ImportMappingTable {
  id: Generated<number>;
  municipality_id: number;
  name: string;
  spec: Json<unknown>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ImportLogTable {
  id: Generated<number>;
  municipality_id: number;
  kind: string;
  file_name: string;
  sha256: string;
  row_count: number;
  changed_count: number;
  created_at: Timestamp;
}

export interface AuditLogTable {
  /** bigserial; appendAudit takes ids from the sequence under the chain's lock and inserts them. */
  id: ColumnType<bigint, number | undefined, never>;
  at: Timestamp;
  actor_kind: import("@bevilling/core").ActorKind;
  actor_id: string | null;
  actor_name: string;
  municipality_id: number | null;
  entity_type: string;
  entity_id: string;
  action: string;
  before: JsonOrNull;
  after: JsonOrNull;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

/** Old and new value of one budget figure changed by the import recorded in audit_id. */
export interface AmountHistoryTable {
  audit_id: bigint | number;
  node_id: number;
  account_id: number | null;
  year: number;
  kind: import("@bevilling/core").AmountKind;
  old_amount: bigint | null;
  new_amount: bigint | null;
  old_price_year: number | null;
  new_price_year: number | null;
}

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: import("@bevilling/core").Role;
  password_hash: string | null;
  must_change_password: Generated<boolean>;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  disabled: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  last_sign_in_at: Date | null;
}

export interface UserUnitTable {
  user_id: number;
  node_id: number;
}

/** A signed-in browser. Only the SHA-256 of the cookie's secret is kept. */
export interface SessionTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Date | string;
}

export interface ApiTokenTable {
  id: Generated<number>;
  name: string;
  /** The first characters of the secret, to recognise a token in a list; not enough to use it. */
  prefix: string;
  token_hash: string;
  role: import("@bevilling/core").Role;
  created_by: string;
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface ApiTokenUnitTable {
  token_id: number;
  node_id: number;
}

export interface SignInFailureTable {
  id: ColumnType<bigint, never, never>;
  username: string;
  ip: string;
  at: Timestamp;
}

export interface OidcPendingTable {
  state_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: Timestamp;
}

export interface ProposalTable {
  id: Generated<number>;
  municipality_id: number;
  catalogue: string;
  first_year: number;
  last_year: number;
  schedule: string;
  internal_number: string | null;
  kind: import("@bevilling/core").ProposalKind;
  title: string;
  body: string;
  committee: string;
  area: string;
  status: import("@bevilling/core").ProposalStatus;
  printed_total: bigint | null;
  position: number;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface ProposalLineTable {
  proposal_id: number;
  position: number;
  name: string;
  printed_total: bigint | null;
}

export interface ProposalAmountTable {
  proposal_id: number;
  position: number;
  year: number;
  amount: bigint;
}

export interface ProposalPrintedYearTable {
  proposal_id: number;
  year: number;
  amount: bigint;
}

export interface ProposalReferenceTable {
  proposal_id: number;
  schedule: string;
  relation: import("@bevilling/core").ProposalRelation;
}

export type AppropriationKind = "supplementary" | "carry_over";

/** A supplementary appropriation or a carry-over: one change to a figure's corrected budget. */
export interface AppropriationTable {
  id: Generated<number>;
  municipality_id: number;
  node_id: number;
  account_id: number | null;
  year: number;
  kind: AppropriationKind;
  /** Øre; positive is more money to spend. */
  amount: bigint;
  /** The council's decision date; written as 'YYYY-MM-DD', read back with to_char. */
  decided_on: ColumnType<Date | string, string, string>;
  reason: string;
  created_at: Timestamp;
  version: Generated<number>;
}

export type AgreementStatus = "scenario" | "adopted";
export type AgreementAdoptedMode = "apply" | "record";
export type AgreementItemKindColumn = "proposal" | "adjustment" | "dut" | "pool";

/** A budget agreement (budgetaftale): a scenario until adopted; one adopted per municipality and year. */
export interface AgreementTable {
  id: Generated<number>;
  municipality_id: number;
  budget_year: number;
  name: string;
  status: Generated<AgreementStatus>;
  adopted_at: Date | string | null;
  adopted_mode: AgreementAdoptedMode | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One item of an agreement; the area is an org_node code (a draft may name one that does not exist). */
export interface AgreementItemTable {
  id: Generated<number>;
  agreement_id: number;
  position: number;
  key: string;
  kind: AgreementItemKindColumn;
  label: string;
  area: string;
  account_id: number | null;
  category: import("@bevilling/core").SpendingCategory;
  text: string;
  /** Adjustments: the Danish phrase, read by core parsePattern. */
  pattern: string | null;
  proposal_id: number | null;
  /** DUT "og fremefter": from this year on, this amount (øre). */
  onwards_from: number | null;
  onwards_amount: bigint | null;
}

/** DUT/pool amounts per year (line null), or a proposal's adopted amount for (line, year). */
export interface AgreementItemAmountTable {
  item_id: number;
  line: number | null;
  year: number;
  amount: bigint;
}

/** A figure the adoption changed: base and adopted amount (øre). */
export interface AgreementAdoptedFigureTable {
  id: Generated<number>;
  agreement_id: number;
  node_id: number;
  account_id: number | null;
  year: number;
  kind: "budget" | "estimate";
  base: bigint;
  adopted: bigint;
}

/** One item's contribution to an adopted figure. */
export interface AgreementAdoptedChangeTable {
  figure_id: number;
  position: number;
  item_key: string;
  label: string;
  kind: AgreementItemKindColumn;
  amount: bigint;
}

export type RemarkSectionKindColumn =
  | "intro"
  | "section"
  | "subsection"
  | "description"
  | "development"
  | "basis";

/** A user-written section of the budget remarks of a node (committee or area) for a budget year. */
export interface RemarkSectionTable {
  id: Generated<number>;
  municipality_id: number;
  node_id: number;
  budget_year: number;
  kind: RemarkSectionKindColumn;
  heading: string;
  body: string;
  position: number;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface Database {
  municipality: MunicipalityTable;
  org_node: OrgNodeTable;
  org_closure: OrgClosureTable;
  account: AccountTable;
  unit_account: UnitAccountTable;
  amount: AmountTable;
  actual_month: ActualMonthTable;
  node_total: NodeTotalTable;
  price_index: PriceIndexTable;
  price_index_point: PriceIndexPointTable;
  import_mapping: ImportMappingTable;
  import_log: ImportLogTable;
  audit_log: AuditLogTable;
  amount_history: AmountHistoryTable;
  app_user: AppUserTable;
  user_unit: UserUnitTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  api_token_unit: ApiTokenUnitTable;
  sign_in_failure: SignInFailureTable;
  oidc_pending: OidcPendingTable;
  proposal: ProposalTable;
  proposal_line: ProposalLineTable;
  proposal_amount: ProposalAmountTable;
  proposal_printed_year: ProposalPrintedYearTable;
  proposal_reference: ProposalReferenceTable;
  appropriation: AppropriationTable;
  remark_section: RemarkSectionTable;
  agreement: AgreementTable;
  agreement_item: AgreementItemTable;
  agreement_item_amount: AgreementItemAmountTable;
  agreement_adopted_figure: AgreementAdoptedFigureTable;
  agreement_adopted_change: AgreementAdoptedChangeTable;
}

export type OrgNodeRow = Selectable<OrgNodeTable>;
export type AccountRow = Selectable<AccountTable>;
export type NewAmount = Insertable<AmountTable>;
