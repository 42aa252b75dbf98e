import { type Kysely, sql } from "kysely";

/**
 * The budget remarks (budgetbemærkninger): the narrative sections users write per municipality,
 * node (a committee or an area) and budget year, in the order they are printed, each with a
 * version for optimistic concurrency. The figures and the generated sentences are not stored:
 * they come from the budget and the adopted agreement whenever a document is made.
 *
 * What the "Budgetgrundlag" frame sentence needs from data (seed 001: "Budgettet er et
 * rammebudget. … pris- og lønfremskrevet i forhold til KL's vejledning."):
 * - org_node.frame_budget: an area setting, whether the area is governed by a frame budget
 *   (rammebudget); off by default, so nothing is claimed about an area before someone says so;
 * - municipality.price_basis: what the municipality's price and wage adjustment follows ("KL's
 *   vejledning"); null leaves the clause out of the sentence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // PGlite speaks the extended protocol only, which takes one statement per query.
  for (const statement of DDL) await sql.raw(statement).execute(db);
}

const DDL = [
  `create table remark_section (
    id serial primary key,
    municipality_id int not null references municipality(id) on delete cascade,
    node_id int not null references org_node(id) on delete cascade,
    budget_year int not null check (budget_year between 1900 and 2200),
    kind text not null check (kind in ('intro', 'section', 'subsection', 'description', 'development', 'basis')),
    heading text not null,
    body text not null,
    position int not null,
    version int not null default 1,
    updated_at timestamptz not null default now()
  )`,
  `create index remark_section_node on remark_section (node_id, budget_year, position)`,
  `alter table org_node add column frame_budget boolean not null default false`,
  `alter table municipality add column price_basis text`,
];
