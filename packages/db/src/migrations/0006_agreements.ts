import { type Kysely, sql } from "kysely";

/**
 * Budget agreements (budgetaftaler): a named scenario per municipality and budget year with its
 * items (adopted proposals, adjustments written as Danish phrases, DUT money, demography pools)
 * and their amounts in øre. An agreement is a scenario until it is adopted; at most one per
 * municipality and budget year is adopted. Adopting it onto the base budget records every changed
 * figure with its base and adopted amount and the items that changed it (the adoption trace).
 *
 * An item names its area by org_node code, not id: a scenario is a draft and may name an area
 * that does not exist (the service lists it as a problem), and codes are stable in a municipality.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // PGlite speaks the extended protocol only, which takes one statement per query.
  for (const statement of DDL) await sql.raw(statement).execute(db);
}

const DDL = [
  `create table agreement (
    id serial primary key,
    municipality_id int not null references municipality(id) on delete cascade,
    budget_year int not null check (budget_year between 1900 and 2196),
    name text not null check (length(btrim(name)) > 0),
    status text not null default 'scenario' check (status in ('scenario', 'adopted')),
    adopted_at timestamptz,
    adopted_mode text check (adopted_mode in ('apply', 'record')),
    version int not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((status = 'adopted') = (adopted_at is not null and adopted_mode is not null))
  )`,
  `create index agreement_municipality on agreement (municipality_id, budget_year)`,
  // One adopted budget per municipality and year; scenarios are as many as anyone likes.
  `create unique index agreement_adopted_once on agreement (municipality_id, budget_year)
    where status = 'adopted'`,
  `create table agreement_item (
    id serial primary key,
    agreement_id int not null references agreement(id) on delete cascade,
    position int not null,
    key text not null check (key ~ '^[a-z0-9-]{1,40}$'),
    kind text not null check (kind in ('proposal', 'adjustment', 'dut', 'pool')),
    label text not null,
    area text not null,
    account_id int references account(id) on delete cascade,
    category text not null default 'service' check (category in ('service', 'transfer', 'capital', 'financing')),
    text text not null default '',
    pattern text,
    proposal_id int references proposal(id),
    onwards_from int,
    onwards_amount bigint,
    unique (agreement_id, key),
    unique (agreement_id, position),
    check ((kind = 'adjustment') = (pattern is not null)),
    check ((kind = 'proposal') = (proposal_id is not null)),
    check ((onwards_from is null) = (onwards_amount is null)),
    check (onwards_from is null or kind = 'dut')
  )`,
  `create index agreement_item_proposal on agreement_item (proposal_id) where proposal_id is not null`,
  // DUT and pool items: an amount per year (line null). Proposal items: the adopted amounts that
  // replace the proposal's own (line = 0-based line of the proposal).
  `create table agreement_item_amount (
    item_id int not null references agreement_item(id) on delete cascade,
    line int check (line >= 0),
    year int not null,
    amount bigint not null
  )`,
  `create unique index agreement_item_amount_key on agreement_item_amount (item_id, coalesce(line, -1), year)`,
  `create table agreement_adopted_figure (
    id serial primary key,
    agreement_id int not null references agreement(id) on delete cascade,
    node_id int not null references org_node(id) on delete cascade,
    account_id int references account(id) on delete cascade,
    year int not null,
    kind text not null check (kind in ('budget', 'estimate')),
    base bigint not null,
    adopted bigint not null
  )`,
  `create index agreement_adopted_figure_agreement on agreement_adopted_figure (agreement_id)`,
  `create table agreement_adopted_change (
    figure_id int not null references agreement_adopted_figure(id) on delete cascade,
    position int not null,
    item_key text not null,
    label text not null,
    kind text not null,
    amount bigint not null,
    primary key (figure_id, position)
  )`,
];
