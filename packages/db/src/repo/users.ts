/**
 * Users, their units, sessions, API tokens, failed sign-ins and pending OpenID Connect sign-ins.
 * Secrets never reach this layer: sessions and tokens are looked up by the SHA-256 of their
 * secret, and passwords arrive already hashed.
 */
import type { Role } from "@bevilling/core";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface UnitRef {
  id: number;
  municipalityId: number;
  municipalityCode: string;
  name: string;
}

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string | null;
  mustChangePassword: boolean;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  disabled: boolean;
  version: number;
  createdAt: Date;
  lastSignInAt: Date | null;
  units: UnitRef[];
}

const USER_COLUMNS = [
  "id",
  "username",
  "display_name",
  "role",
  "password_hash",
  "must_change_password",
  "oidc_issuer",
  "oidc_subject",
  "disabled",
  "version",
  "created_at",
  "last_sign_in_at",
] as const;

async function unitsOf(
  db: Db,
  table: "user_unit" | "api_token_unit",
  ownerIds: readonly number[],
): Promise<Map<number, UnitRef[]>> {
  const out = new Map<number, UnitRef[]>();
  if (ownerIds.length === 0) return out;
  const rows =
    table === "user_unit"
      ? await db
          .selectFrom("user_unit as u")
          .innerJoin("org_node as n", "n.id", "u.node_id")
          .innerJoin("municipality as m", "m.id", "n.municipality_id")
          .select(["u.user_id as owner", "n.id", "n.name", "m.id as municipality_id", "m.code"])
          .where("u.user_id", "in", [...ownerIds])
          .orderBy("m.code")
          .orderBy("n.name")
          .execute()
      : await db
          .selectFrom("api_token_unit as u")
          .innerJoin("org_node as n", "n.id", "u.node_id")
          .innerJoin("municipality as m", "m.id", "n.municipality_id")
          .select(["u.token_id as owner", "n.id", "n.name", "m.id as municipality_id", "m.code"])
          .where("u.token_id", "in", [...ownerIds])
          .orderBy("m.code")
          .orderBy("n.name")
          .execute();
  for (const r of rows) {
    const list = out.get(r.owner) ?? [];
    list.push({ id: r.id, municipalityId: r.municipality_id, municipalityCode: r.code, name: r.name });
    out.set(r.owner, list);
  }
  return out;
}

type UserRow = {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string | null;
  must_change_password: boolean;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  disabled: boolean;
  version: number;
  created_at: Date;
  last_sign_in_at: Date | null;
};

function toUser(r: UserRow, units: UnitRef[]): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    mustChangePassword: r.must_change_password,
    oidcIssuer: r.oidc_issuer,
    oidcSubject: r.oidc_subject,
    disabled: r.disabled,
    version: r.version,
    createdAt: r.created_at,
    lastSignInAt: r.last_sign_in_at,
    units,
  };
}

async function withUnits(db: Db, rows: UserRow[]): Promise<UserRecord[]> {
  const units = await unitsOf(
    db,
    "user_unit",
    rows.map((r) => r.id),
  );
  return rows.map((r) => toUser(r, units.get(r.id) ?? []));
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  const rows = await db.selectFrom("app_user").select(USER_COLUMNS).orderBy("username").execute();
  return withUnits(db, rows);
}

export async function countUsers(db: Db): Promise<number> {
  const r = await db
    .selectFrom("app_user")
    .select((eb) => eb.fn.countAll<string | number | bigint>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function findUser(
  db: Db,
  by: { id: number } | { username: string } | { oidcIssuer: string; oidcSubject: string },
  opts: { forUpdate?: boolean } = {},
): Promise<UserRecord | undefined> {
  let q = db.selectFrom("app_user").select(USER_COLUMNS);
  if ("id" in by) q = q.where("id", "=", by.id);
  else if ("username" in by) q = q.where("username", "=", by.username.toLowerCase());
  else q = q.where("oidc_issuer", "=", by.oidcIssuer).where("oidc_subject", "=", by.oidcSubject);
  if (opts.forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) return undefined;
  return (await withUnits(db, [r]))[0];
}

export async function insertUser(
  db: Db,
  u: {
    username: string;
    displayName: string;
    role: Role;
    passwordHash: string | null;
    mustChangePassword: boolean;
  },
): Promise<number> {
  const r = await db
    .insertInto("app_user")
    .values({
      username: u.username.toLowerCase(),
      display_name: u.displayName,
      role: u.role,
      password_hash: u.passwordHash,
      must_change_password: u.mustChangePassword,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Updates the given fields and raises the version; returns the new version. */
export async function updateUser(
  db: Db,
  id: number,
  patch: {
    displayName?: string;
    role?: Role;
    disabled?: boolean;
    passwordHash?: string | null;
    mustChangePassword?: boolean;
    oidcIssuer?: string | null;
    oidcSubject?: string | null;
  },
): Promise<number> {
  const r = await db
    .updateTable("app_user")
    .set((eb) => ({
      ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
      ...(patch.mustChangePassword !== undefined ? { must_change_password: patch.mustChangePassword } : {}),
      ...(patch.oidcIssuer !== undefined ? { oidc_issuer: patch.oidcIssuer } : {}),
      ...(patch.oidcSubject !== undefined ? { oidc_subject: patch.oidcSubject } : {}),
      version: eb("version", "+", 1),
    }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  return r.version;
}

export async function setUserUnits(db: Db, userId: number, nodeIds: readonly number[]): Promise<void> {
  await db.deleteFrom("user_unit").where("user_id", "=", userId).execute();
  if (nodeIds.length === 0) return;
  await db
    .insertInto("user_unit")
    .values([...new Set(nodeIds)].map((node_id) => ({ user_id: userId, node_id })))
    .execute();
}

export async function markSignedIn(db: Db, userId: number): Promise<void> {
  await db.updateTable("app_user").set({ last_sign_in_at: new Date() }).where("id", "=", userId).execute();
}

// --- sessions -------------------------------------------------------------------------------

export async function insertSession(
  db: Db,
  s: { tokenHash: string; userId: number; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("session")
    .values({ token_hash: s.tokenHash, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt })
    .execute();
}

export interface SessionRecord {
  tokenHash: string;
  userId: number;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export async function findSession(db: Db, tokenHash: string): Promise<SessionRecord | undefined> {
  const r = await db.selectFrom("session").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
  if (!r) return undefined;
  return {
    tokenHash: r.token_hash,
    userId: r.user_id,
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: new Date(r.expires_at),
  };
}

export async function touchSession(db: Db, tokenHash: string, expiresAt: Date): Promise<void> {
  await db
    .updateTable("session")
    .set({ last_seen_at: new Date(), expires_at: expiresAt })
    .where("token_hash", "=", tokenHash)
    .execute();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom("session").where("token_hash", "=", tokenHash).execute();
}

/** Signs a user out everywhere, except (optionally) the session that asked. */
export async function deleteSessionsOf(db: Db, userId: number, except?: string): Promise<void> {
  let q = db.deleteFrom("session").where("user_id", "=", userId);
  if (except !== undefined) q = q.where("token_hash", "<>", except);
  await q.execute();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.deleteFrom("session").where("expires_at", "<", now).execute();
}

// --- failed sign-ins ------------------------------------------------------------------------

/** Records a failed (or a still running) sign-in; returns the row's id. */
export async function recordSignInFailure(db: Db, username: string, ip: string): Promise<bigint> {
  const r = await db
    .insertInto("sign_in_failure")
    .values({ username: username.toLowerCase().slice(0, 200), ip })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function deleteSignInFailure(db: Db, id: bigint): Promise<void> {
  await db.deleteFrom("sign_in_failure").where("id", "=", id).execute();
}

/** Failures since `since`, for the username and for the address, and the oldest of each. */
export async function signInFailures(
  db: Db,
  username: string,
  ip: string,
  since: Date,
): Promise<{ byUser: number; byIp: number; oldestByUser: Date | null; oldestByIp: Date | null }> {
  const r = await sql<{
    by_user: string | number;
    by_ip: string | number;
    oldest_user: Date | null;
    oldest_ip: Date | null;
  }>`
    select count(*) filter (where username = ${username.toLowerCase().slice(0, 200)}) as by_user,
           count(*) filter (where ip = ${ip}) as by_ip,
           min(at) filter (where username = ${username.toLowerCase().slice(0, 200)}) as oldest_user,
           min(at) filter (where ip = ${ip}) as oldest_ip
    from sign_in_failure
    where at >= ${since} and (username = ${username.toLowerCase().slice(0, 200)} or ip = ${ip})`.execute(db);
  const row = r.rows[0];
  return {
    byUser: Number(row?.by_user ?? 0),
    byIp: Number(row?.by_ip ?? 0),
    oldestByUser: row?.oldest_user ? new Date(row.oldest_user) : null,
    oldestByIp: row?.oldest_ip ? new Date(row.oldest_ip) : null,
  };
}

export async function clearSignInFailures(db: Db, username: string): Promise<void> {
  await db.deleteFrom("sign_in_failure").where("username", "=", username.toLowerCase()).execute();
}

export async function pruneSignInFailures(db: Db, before: Date): Promise<void> {
  await db.deleteFrom("sign_in_failure").where("at", "<", before).execute();
}

// --- API tokens ------------------------------------------------------------------------------

export interface TokenRecord {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  units: UnitRef[];
}

type TokenRow = {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

const TOKEN_COLUMNS = [
  "id",
  "name",
  "prefix",
  "role",
  "created_by",
  "created_at",
  "last_used_at",
  "revoked_at",
] as const;

async function tokensWithUnits(db: Db, rows: TokenRow[]): Promise<TokenRecord[]> {
  const units = await unitsOf(
    db,
    "api_token_unit",
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: r.role,
    createdBy: r.created_by,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    units: units.get(r.id) ?? [],
  }));
}

export async function insertToken(
  db: Db,
  t: {
    name: string;
    prefix: string;
    tokenHash: string;
    role: Role;
    createdBy: string;
    unitIds: readonly number[];
  },
): Promise<number> {
  const r = await db
    .insertInto("api_token")
    .values({
      name: t.name,
      prefix: t.prefix,
      token_hash: t.tokenHash,
      role: t.role,
      created_by: t.createdBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (t.unitIds.length > 0) {
    await db
      .insertInto("api_token_unit")
      .values([...new Set(t.unitIds)].map((node_id) => ({ token_id: r.id, node_id })))
      .execute();
  }
  return r.id;
}

export async function listTokens(db: Db): Promise<TokenRecord[]> {
  const rows = await db.selectFrom("api_token").select(TOKEN_COLUMNS).orderBy("id").execute();
  return tokensWithUnits(db, rows);
}

export async function findToken(
  db: Db,
  by: { id: number } | { tokenHash: string },
): Promise<TokenRecord | undefined> {
  let q = db.selectFrom("api_token").select(TOKEN_COLUMNS);
  q = "id" in by ? q.where("id", "=", by.id) : q.where("token_hash", "=", by.tokenHash);
  const r = await q.executeTakeFirst();
  if (!r) return undefined;
  return (await tokensWithUnits(db, [r]))[0];
}

export async function revokeToken(db: Db, id: number): Promise<void> {
  await db
    .updateTable("api_token")
    .set({ revoked_at: new Date() })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .execute();
}

export async function markTokenUsed(db: Db, id: number): Promise<void> {
  await db.updateTable("api_token").set({ last_used_at: new Date() }).where("id", "=", id).execute();
}

// --- pending OpenID Connect sign-ins --------------------------------------------------------

/** Stores a pending sign-in; ones older than `expireBefore` go, so abandoned starts cannot pile up. */
export async function insertOidcPending(
  db: Db,
  p: { stateHash: string; nonce: string; codeVerifier: string; returnTo: string },
  expireBefore: Date,
): Promise<void> {
  await db.deleteFrom("oidc_pending").where("created_at", "<", expireBefore).execute();
  await db
    .insertInto("oidc_pending")
    .values({ state_hash: p.stateHash, nonce: p.nonce, code_verifier: p.codeVerifier, return_to: p.returnTo })
    .execute();
}

/** Takes a pending sign-in out (each state is used once); undefined when unknown or older than `since`. */
export async function takeOidcPending(
  db: Db,
  stateHash: string,
  since: Date,
): Promise<{ nonce: string; codeVerifier: string; returnTo: string } | undefined> {
  const r = await db
    .deleteFrom("oidc_pending")
    .where("state_hash", "=", stateHash)
    .returning(["nonce", "code_verifier", "return_to", "created_at"])
    .executeTakeFirst();
  await db.deleteFrom("oidc_pending").where("created_at", "<", since).execute();
  if (!r || new Date(r.created_at) < since) return undefined;
  return { nonce: r.nonce, codeVerifier: r.code_verifier, returnTo: r.return_to };
}

// --- unit scope -----------------------------------------------------------------------------

/** Whether the node lies in the subtree of one of the units (a unit is in its own subtree). */
export async function nodeWithinUnits(db: Db, nodeId: number, unitIds: readonly number[]): Promise<boolean> {
  if (unitIds.length === 0) return false;
  const r = await db
    .selectFrom("org_closure")
    .select("descendant_id")
    .where("descendant_id", "=", nodeId)
    .where("ancestor_id", "in", [...unitIds])
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** Every node in the units' subtrees. */
export async function nodesWithinUnits(db: Db, unitIds: readonly number[]): Promise<Set<number>> {
  if (unitIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("org_closure")
    .select("descendant_id")
    .where("ancestor_id", "in", [...unitIds])
    .execute();
  return new Set(rows.map((r) => r.descendant_id));
}

/** The municipality a node belongs to. */
export async function municipalityOfNode(db: Db, nodeId: number): Promise<number | undefined> {
  const r = await db
    .selectFrom("org_node")
    .select("municipality_id")
    .where("id", "=", nodeId)
    .executeTakeFirst();
  return r?.municipality_id;
}
