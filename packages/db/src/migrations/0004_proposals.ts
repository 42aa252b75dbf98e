import { type Kysely, sql } from "kysely";

/**
 * The proposals catalogue: proposals with their named lines of amounts per year (øre, bigint),
 * what the source printed as totals (kept to check against, never used as data), and references
 * between proposals. A catalogue is named ("Budget 2023-2026") within a municipality, and a
 * schedule number is unique within its catalogue.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of DDL) await sql.raw(statement).execute(db);
}

const DDL = [
  `create table proposal (
    id serial primary key,
    municipality_id int not null references municipality(id) on delete cascade,
    catalogue text not null,
    first_year int not null,
    last_year int not null,
    schedule text not null,
    internal_number text,
    kind text not null check (kind in ('drift', 'anlaeg', 'udvidelse', 'reduktion', 'investering')),
    title text not null,
    body text not null,
    committee text not null,
    area text not null,
    status text not null check (status in ('draft', 'submitted', 'adopted', 'adopted_changed', 'rejected')),
    printed_total bigint,
    position int not null,
    version int not null default 1,
    updated_at timestamptz not null default now(),
    unique (municipality_id, catalogue, schedule),
    check (first_year <= last_year)
  )`,
  `create table proposal_line (
    proposal_id int not null references proposal(id) on delete cascade,
    position int not null,
    name text not null,
    printed_total bigint,
    primary key (proposal_id, position)
  )`,
  `create table proposal_amount (
    proposal_id int not null,
    position int not null,
    year int not null,
    amount bigint not null,
    primary key (proposal_id, position, year),
    foreign key (proposal_id, position) references proposal_line(proposal_id, position) on delete cascade
  )`,
  `create table proposal_printed_year (
    proposal_id int not null references proposal(id) on delete cascade,
    year int not null,
    amount bigint not null,
    primary key (proposal_id, year)
  )`,
  `create table proposal_reference (
    proposal_id int not null references proposal(id) on delete cascade,
    schedule text not null,
    relation text not null check (relation in ('alternative_to', 'related')),
    primary key (proposal_id, schedule)
  )`,
];
