import { type Kysely, sql } from "kysely";

/**
 * Sign-in and permissions: users with a role (and units for a budgetansvarlig), sessions and API
 * tokens stored only as SHA-256 hashes of their secrets, failed sign-ins for the attempt limit,
 * and pending OpenID Connect sign-ins. Plus a version on everything that is edited in place
 * (figures, mappings, municipality settings, users), for optimistic concurrency: a change names
 * the version it was based on and is refused with 409 when another change came first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // PGlite speaks the extended protocol only, which takes one statement per query.
  for (const statement of DDL) await sql.raw(statement).execute(db);
}

const ROLE_CHECK =
  "check (role in ('administrator', 'okonomi', 'budgetansvarlig', 'sekretariat', 'politiker'))";

const DDL = [
  `create table app_user (
    id serial primary key,
    username text not null check (username ~ '^[a-z0-9._@-]{2,100}$'),
    display_name text not null,
    role text not null ${ROLE_CHECK},
    password_hash text,
    must_change_password boolean not null default false,
    oidc_issuer text,
    oidc_subject text,
    disabled boolean not null default false,
    version int not null default 1,
    created_at timestamptz not null default now(),
    last_sign_in_at timestamptz,
    unique (username),
    unique (oidc_issuer, oidc_subject)
  )`,
  `create table user_unit (
    user_id int not null references app_user(id) on delete cascade,
    node_id int not null references org_node(id) on delete cascade,
    primary key (user_id, node_id)
  )`,
  `create table session (
    token_hash text primary key,
    user_id int not null references app_user(id) on delete cascade,
    csrf_token text not null,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null
  )`,
  "create index session_by_user on session(user_id)",
  `create table api_token (
    id serial primary key,
    name text not null,
    prefix text not null,
    token_hash text not null unique,
    role text not null ${ROLE_CHECK},
    created_by text not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `create table api_token_unit (
    token_id int not null references api_token(id) on delete cascade,
    node_id int not null references org_node(id) on delete cascade,
    primary key (token_id, node_id)
  )`,
  `create table sign_in_failure (
    id bigserial primary key,
    username text not null,
    ip text not null,
    at timestamptz not null default now()
  )`,
  "create index sign_in_failure_username on sign_in_failure(username, at)",
  "create index sign_in_failure_ip on sign_in_failure(ip, at)",
  `create table oidc_pending (
    state_hash text primary key,
    nonce text not null,
    code_verifier text not null,
    return_to text not null,
    created_at timestamptz not null default now()
  )`,
  "alter table amount add column version int not null default 1",
  "alter table import_mapping add column version int not null default 1",
  "alter table municipality add column version int not null default 1",
];
