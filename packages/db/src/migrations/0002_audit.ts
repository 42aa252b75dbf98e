import { type Kysely, sql } from "kysely";

/**
 * The audit trail: audit_log is a hash chain (each record's hash covers the previous record's
 * hash and its own content, see core/src/audit.ts and repo/audit.ts), and amount_history keeps
 * the old and new value of every budget figure an import changed, covered by the import
 * record's after.changesSha256. Both tables are append-only in the database itself: a trigger
 * refuses UPDATE, DELETE and TRUNCATE. Neither refers to municipality or org_node, so the trail
 * outlives what it describes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // PGlite speaks the extended protocol only, which takes one statement per query.
  for (const statement of DDL) await sql.raw(statement).execute(db);
}

const DDL = [
  `create table audit_log (
    id bigserial primary key,
    at timestamptz not null default now(),
    actor_kind text not null check (actor_kind in ('user', 'token', 'cli', 'system')),
    actor_id text,
    actor_name text not null,
    municipality_id int,
    entity_type text not null,
    entity_id text not null,
    action text not null,
    before jsonb,
    after jsonb,
    reason text,
    prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
    hash text not null unique check (hash ~ '^[0-9a-f]{64}$'),
    -- One successor per record: two writers can never fork the chain, whatever their isolation.
    constraint audit_log_prev_hash_key unique (prev_hash)
  )`,
  "create index audit_log_entity on audit_log(entity_type, entity_id)",
  "create index audit_log_municipality on audit_log(municipality_id, id)",
  `create table amount_history (
    audit_id bigint not null references audit_log(id),
    node_id int not null,
    account_id int,
    year int not null,
    kind text not null,
    old_amount bigint,
    new_amount bigint,
    old_price_year int,
    new_price_year int
  )`,
  "create index amount_history_figure on amount_history(node_id, account_id, year, kind)",
  "create index amount_history_audit on amount_history(audit_id)",
  `create function audit_append_only() returns trigger language plpgsql as $$
  begin
    raise exception 'Revisionssporet kan kun udvides: % på % er ikke tilladt', tg_op, tg_table_name
      using errcode = '42501';
  end
  $$`,
  `create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_append_only()`,
  `create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_append_only()`,
  `create trigger amount_history_append_only before update or delete on amount_history
    for each row execute function audit_append_only()`,
  `create trigger amount_history_no_truncate before truncate on amount_history
    for each statement execute function audit_append_only()`,
];
