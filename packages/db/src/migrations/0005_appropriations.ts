import { type Kysely, sql } from "kysely";

/**
 * The corrected budget: supplementary appropriations (tillægsbevillinger) and carry-overs
 * (overførsler) from the previous year, each dated with the council's decision and reasoned.
 * The corrected figure of (node, account, year) is the original figure plus the sum of its
 * appropriations; it is kept as an ordinary amount row of kind 'corrected'.
 *
 * Whether an area may carry an underspend over is an area setting on org_node.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // PGlite speaks the extended protocol only, which takes one statement per query.
  for (const statement of DDL) await sql.raw(statement).execute(db);
}

const DDL = [
  `create table appropriation (
    id serial primary key,
    municipality_id int not null references municipality(id) on delete cascade,
    node_id int not null references org_node(id) on delete cascade,
    account_id int references account(id) on delete cascade,
    year int not null,
    kind text not null check (kind in ('supplementary', 'carry_over')),
    amount bigint not null,
    decided_on date not null,
    reason text not null check (length(btrim(reason)) > 0),
    created_at timestamptz not null default now(),
    version int not null default 1
  )`,
  `create index appropriation_figure on appropriation (node_id, account_id, year)`,
  `create index appropriation_municipality on appropriation (municipality_id, year)`,
  `alter table org_node add column carry_over_allowed boolean not null default false`,
];
