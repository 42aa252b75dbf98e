import { type Kysely, sql } from "kysely";

/**
 * The foundation: organisation with validity years and a closure table, the chart of accounts,
 * amounts in øre with their price level, monthly actuals, and node_total, the pre-aggregated
 * subtree sums that every overview reads instead of scanning amounts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // PGlite speaks the extended protocol only, which takes one statement per query.
  for (const statement of DDL.split(/;\s*\n/).filter((s) => s.trim() !== "")) {
    await sql.raw(statement).execute(db);
  }
}

const DDL = String.raw`
    create table municipality (
      id serial primary key,
      code text not null unique,
      name text not null,
      settings jsonb not null,
      created_at timestamptz not null default now()
    );

    create table org_node (
      id serial primary key,
      municipality_id int not null references municipality(id) on delete cascade,
      parent_id int references org_node(id),
      kind text not null check (kind in ('municipality', 'committee', 'area', 'unit')),
      code text not null,
      name text not null,
      valid_from int not null,
      valid_to int,
      sort_order int not null default 0,
      unique (municipality_id, code),
      check (valid_to is null or valid_to >= valid_from)
    );
    create index org_node_parent on org_node(parent_id);

    create table org_closure (
      ancestor_id int not null references org_node(id) on delete cascade,
      descendant_id int not null references org_node(id) on delete cascade,
      depth int not null,
      primary key (ancestor_id, descendant_id)
    );
    create index org_closure_descendant on org_closure(descendant_id);

    create table account (
      id serial primary key,
      municipality_id int not null references municipality(id) on delete cascade,
      code text not null,
      funktion text not null check (funktion ~ '^[0-9]\.[0-9]{2}\.[0-9]{2}$'),
      dranst smallint not null check (dranst between 1 and 7),
      art text not null check (art ~ '^[0-9]\.[0-9]$'),
      gruppering text,
      cost_centre text,
      project text,
      name text not null default '',
      category text not null check (category in ('service', 'transfer', 'capital', 'financing')),
      index_group text not null,
      unique (municipality_id, code)
    );

    create table unit_account (
      node_id int not null references org_node(id) on delete cascade,
      account_id int not null references account(id) on delete cascade,
      primary key (node_id, account_id)
    );

    create table amount (
      municipality_id int not null references municipality(id) on delete cascade,
      node_id int not null references org_node(id),
      account_id int references account(id),
      year int not null,
      kind text not null check (kind in ('actual', 'original', 'corrected', 'budget', 'estimate')),
      price_year int not null,
      amount bigint not null,
      unique nulls not distinct (node_id, account_id, year, kind)
    );
    create index amount_municipality on amount(municipality_id);

    create table actual_month (
      municipality_id int not null references municipality(id) on delete cascade,
      node_id int not null references org_node(id),
      account_id int references account(id),
      year int not null,
      month smallint not null check (month between 1 and 12),
      amount bigint not null,
      unique nulls not distinct (node_id, account_id, year, month)
    );
    create index actual_month_municipality on actual_month(municipality_id);

    create table node_total (
      municipality_id int not null references municipality(id) on delete cascade,
      node_id int not null references org_node(id) on delete cascade,
      year int not null,
      kind text not null,
      index_group text not null,
      price_year int not null,
      category text not null,
      amount bigint not null,
      primary key (node_id, year, kind, index_group, price_year, category)
    );
    create index node_total_municipality on node_total(municipality_id);

    create table price_index (
      id serial primary key,
      municipality_id int not null references municipality(id) on delete cascade,
      name text not null,
      is_example boolean not null,
      active boolean not null default true,
      unique (municipality_id, name)
    );

    create table price_index_point (
      index_id int not null references price_index(id) on delete cascade,
      index_group text not null,
      year int not null,
      points bigint not null check (points > 0),
      primary key (index_id, index_group, year)
    );

    create table import_mapping (
      id serial primary key,
      municipality_id int not null references municipality(id) on delete cascade,
      name text not null,
      spec jsonb not null,
      updated_at timestamptz not null default now(),
      unique (municipality_id, name)
    );

    create table import_log (
      id serial primary key,
      municipality_id int not null references municipality(id) on delete cascade,
      kind text not null,
      file_name text not null,
      sha256 text not null,
      row_count int not null,
      changed_count int not null,
      created_at timestamptz not null default now()
    );
`;
