/**
 * Managing users and API tokens. Every change is recorded in the audit trail in the same
 * transaction, with the user as it was and became: username, name, role, units, disabled. Never
 * a password or a hash: the trail says that a password was set, not what it was.
 */
import {
  type Actor,
  passwordProblems,
  ROLE_LABEL,
  type Role,
  roleTakesUnits,
  SYSTEM_ACTOR,
} from "@bevilling/core";
import {
  appendAudit,
  countUsers,
  type Database,
  deleteSessionsOf,
  findToken,
  findUser,
  insertToken,
  insertUser,
  listUsers,
  recordSignInFailure,
  revokeToken as revokeTokenRow,
  setUserUnits,
  type TokenRecord,
  type UnitRef,
  type UserRecord,
  updateUser as updateUserRow,
} from "@bevilling/db";
import { type Kysely, sql, type Transaction } from "kysely";
import { z } from "zod";
import {
  createSession,
  hashPassword,
  type NewSession,
  newTokenSecret,
  oneTimePassword,
  refuseWhileBlocked,
  verifyPassword,
} from "./auth.ts";
import { BadRequest, Conflict, NotFound } from "./errors.ts";

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._@-]{2,100}$/, "2–100 tegn: små bogstaver a–z, tal og . _ @ -");

const roleSchema = z.enum(["administrator", "okonomi", "budgetansvarlig", "sekretariat", "politiker"], {
  error: "skal være administrator, okonomi, budgetansvarlig, sekretariat eller politiker",
});

export const newUserSchema = z.object({
  username: usernameSchema,
  displayName: z.string().trim().min(1, "mangler").max(200, "højst 200 tegn"),
  role: roleSchema,
  unitIds: z.array(z.number().int().positive()).max(200).default([]),
});

export const userPatchSchema = z.object({
  version: z.number().int().positive(),
  displayName: z.string().trim().min(1, "mangler").max(200, "højst 200 tegn").optional(),
  role: roleSchema.optional(),
  unitIds: z.array(z.number().int().positive()).max(200).optional(),
  disabled: z.boolean().optional(),
});

export const newTokenSchema = z.object({
  name: z.string().trim().min(1, "mangler").max(100, "højst 100 tegn"),
  role: roleSchema,
  unitIds: z.array(z.number().int().positive()).max(200).default([]),
});

/** A user as the API and the audit trail show it: no hashes, no secrets. */
export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  units: Array<{ id: number; municipalityCode: string; name: string }>;
  disabled: boolean;
  mustChangePassword: boolean;
  hasPassword: boolean;
  oidcLinked: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
  version: number;
}

const unitView = (u: UnitRef) => ({ id: u.id, municipalityCode: u.municipalityCode, name: u.name });

export function userView(u: UserRecord): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    units: u.units.map(unitView),
    disabled: u.disabled,
    mustChangePassword: u.mustChangePassword,
    hasPassword: u.passwordHash !== null,
    oidcLinked: u.oidcSubject !== null,
    lastSignInAt: u.lastSignInAt,
    createdAt: u.createdAt,
    version: u.version,
  };
}

/** What the audit trail keeps of a user. */
function auditView(u: UserRecord) {
  return {
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    units: u.units.map((x) => ({ id: x.id, name: x.name, municipality: x.municipalityCode })),
    disabled: u.disabled,
  };
}

export interface TokenView {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  units: Array<{ id: number; municipalityCode: string; name: string }>;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function tokenView(t: TokenRecord): TokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    units: t.units.map(unitView),
    createdAt: t.createdAt,
    createdBy: t.createdBy,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}

async function checkUnits(trx: Transaction<Database>, role: Role, unitIds: readonly number[]): Promise<void> {
  if (roleTakesUnits(role) && unitIds.length === 0) {
    throw new BadRequest(`En ${ROLE_LABEL[role].toLowerCase()} skal have mindst én enhed`, [
      { field: "body.unitIds", reason: "vælg mindst én enhed" },
    ]);
  }
  if (!roleTakesUnits(role) && unitIds.length > 0) {
    throw new BadRequest(`Rollen ${ROLE_LABEL[role]} har adgang til alle enheder og tager ingen enheder`, [
      { field: "body.unitIds", reason: "skal være tom for denne rolle" },
    ]);
  }
  if (unitIds.length === 0) return;
  const found = await trx
    .selectFrom("org_node")
    .select("id")
    .where("id", "in", [...unitIds])
    .execute();
  const known = new Set(found.map((r) => r.id));
  const missing = unitIds.filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new BadRequest(`Enheden ${missing.join(", ")} findes ikke`, [
      { field: "body.unitIds", reason: `ukendt enhed ${missing.join(", ")}` },
    ]);
  }
}

async function requireUser(db: Kysely<Database> | Transaction<Database>, id: number, forUpdate = false) {
  const u = await findUser(db, { id }, { forUpdate });
  if (!u) throw new NotFound(`Brugeren ${id} findes ikke`);
  return u;
}

/** pg_advisory_xact_lock key serialising changes to users ("users" in ASCII). */
const USER_CHANGES_LOCK_KEY = 0x7573657273n;

/** Refuses a change that would leave no active administrator to manage the users. */
async function keepAnAdministrator(trx: Transaction<Database>, changedId: number): Promise<void> {
  const others = await trx
    .selectFrom("app_user")
    .select("id")
    .where("role", "=", "administrator")
    .where("disabled", "=", false)
    .where("id", "<>", changedId)
    .limit(1)
    .executeTakeFirst();
  if (!others) throw new BadRequest("Der skal være mindst én aktiv administrator");
}

export async function listUserViews(db: Kysely<Database>): Promise<UserView[]> {
  return (await listUsers(db)).map(userView);
}

export async function getUserView(db: Kysely<Database>, id: number): Promise<UserView> {
  return userView(await requireUser(db, id));
}

/**
 * Creates a user with a one-time password, which they must change at first sign-in. Users who
 * sign in through the municipality's identity provider simply never use it.
 */
export async function createUser(
  db: Kysely<Database>,
  input: z.input<typeof newUserSchema>,
  actor: Actor,
  opts: { password?: string; mustChangePassword?: boolean } = {},
): Promise<{ user: UserView; oneTimePassword: string }> {
  const parsed = newUserSchema.parse(input);
  const password = opts.password ?? oneTimePassword();
  const hash = await hashPassword(password);
  const user = await db.transaction().execute(async (trx) => {
    await checkUnits(trx, parsed.role, parsed.unitIds);
    if (await findUser(trx, { username: parsed.username })) {
      throw new Conflict(`Brugernavnet ${parsed.username} er optaget`);
    }
    const id = await insertUser(trx, {
      username: parsed.username,
      displayName: parsed.displayName,
      role: parsed.role,
      passwordHash: hash,
      mustChangePassword: opts.mustChangePassword ?? true,
    });
    await setUserUnits(trx, id, parsed.unitIds);
    const made = await requireUser(trx, id);
    await appendAudit(trx, {
      actor,
      municipalityId: null,
      entityType: "user",
      entityId: id,
      action: "create",
      after: { ...auditView(made), passwordSet: true },
    });
    return made;
  });
  return { user: userView(user), oneTimePassword: password };
}

/** Changes a user; `version` is the version the administrator edited (409 when stale). */
export async function updateUser(
  db: Kysely<Database>,
  id: number,
  patch: z.input<typeof userPatchSchema>,
  actor: Actor,
): Promise<UserView> {
  const p = userPatchSchema.parse(patch);
  const updated = await db.transaction().execute(async (trx) => {
    // Changes to users take turns: two administrators disabling (or demoting) each other at once
    // would each see the other as the remaining administrator and leave none.
    await sql`select pg_advisory_xact_lock(${USER_CHANGES_LOCK_KEY.toString()}::bigint)`.execute(trx);
    const before = await requireUser(trx, id, true);
    if (before.version !== p.version) {
      throw new Conflict(
        `Brugeren ${before.username} er ændret af en anden, efter du hentede den`,
        userView(before),
      );
    }
    const role = p.role ?? before.role;
    const unitIds = p.unitIds ?? (roleTakesUnits(role) ? before.units.map((u) => u.id) : []);
    await checkUnits(trx, role, unitIds);
    const losesAdmin = before.role === "administrator" && (role !== "administrator" || p.disabled === true);
    if (losesAdmin && !before.disabled) await keepAnAdministrator(trx, id);
    await updateUserRow(trx, id, {
      ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
      ...(p.role !== undefined ? { role: p.role } : {}),
      ...(p.disabled !== undefined ? { disabled: p.disabled } : {}),
    });
    await setUserUnits(trx, id, unitIds);
    // A disabled user, or one whose reach changed, signs in again under the new rules.
    if (p.disabled === true || role !== before.role) await deleteSessionsOf(trx, id);
    const after = await requireUser(trx, id);
    await appendAudit(trx, {
      actor,
      municipalityId: null,
      entityType: "user",
      entityId: id,
      action: "update",
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  });
  return userView(updated);
}

/** Gives a user a new one-time password and signs them out everywhere. */
export async function resetPassword(
  db: Kysely<Database>,
  id: number,
  actor: Actor,
): Promise<{ oneTimePassword: string }> {
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const u = await requireUser(trx, id, true);
    await updateUserRow(trx, id, { passwordHash: hash, mustChangePassword: true });
    await deleteSessionsOf(trx, id);
    await appendAudit(trx, {
      actor,
      municipalityId: null,
      entityType: "user",
      entityId: id,
      action: "password_reset",
      before: { username: u.username },
      after: { username: u.username, mustChangePassword: true },
    });
  });
  return { oneTimePassword: password };
}

/**
 * The user changes their own password: the current one must be given, the new one must pass the
 * policy. Every other session of the user ends; the one that asked stays signed in.
 */
export async function changeOwnPassword(
  db: Kysely<Database>,
  userId: number,
  input: { currentPassword: string; newPassword: string },
  keepSessionHash: string,
  actor: Actor,
  ip = "ukendt",
): Promise<UserRecord> {
  const u = await requireUser(db, userId);
  // Guessing the current password in a stolen session counts against the same limit as signing in.
  await refuseWhileBlocked(db, u.username, ip);
  if (u.passwordHash === null || !(await verifyPassword(input.currentPassword, u.passwordHash))) {
    await recordSignInFailure(db, u.username, ip);
    throw new BadRequest("Den nuværende adgangskode er forkert", [
      { field: "body.currentPassword", reason: "er forkert" },
    ]);
  }
  const problems = passwordProblems(input.newPassword, u.username);
  if (input.newPassword === input.currentPassword) problems.push("skal være forskellig fra den nuværende");
  if (problems.length > 0) {
    throw new BadRequest(
      `Den nye adgangskode ${problems.join(" og ")}`,
      problems.map((reason) => ({ field: "body.newPassword", reason })),
    );
  }
  const hash = await hashPassword(input.newPassword);
  return db.transaction().execute(async (trx) => {
    await updateUserRow(trx, userId, { passwordHash: hash, mustChangePassword: false });
    await deleteSessionsOf(trx, userId, keepSessionHash);
    await appendAudit(trx, {
      actor,
      municipalityId: null,
      entityType: "user",
      entityId: userId,
      action: "password_change",
      after: { username: u.username },
    });
    return requireUser(trx, userId);
  });
}

export const FIRST_ADMIN = "admin";

/**
 * On a database without users: creates the administrator "admin" with a one-time password for
 * the person installing Bevilling to print; they choose their own at first sign-in.
 */
export async function ensureFirstAdministrator(
  db: Kysely<Database>,
): Promise<{ username: string; oneTimePassword: string } | null> {
  if ((await countUsers(db)) > 0) return null;
  const made = await createUser(
    db,
    { username: FIRST_ADMIN, displayName: "Administrator", role: "administrator", unitIds: [] },
    SYSTEM_ACTOR,
  );
  return { username: made.user.username, oneTimePassword: made.oneTimePassword };
}

// --- API tokens -----------------------------------------------------------------------------

/** Creates a token; its secret is returned this once and stored only as a hash. */
export async function createToken(
  db: Kysely<Database>,
  input: z.input<typeof newTokenSchema>,
  actor: Actor,
): Promise<{ token: TokenView; secret: string }> {
  const p = newTokenSchema.parse(input);
  const { secret, prefix, hash } = newTokenSecret();
  const token = await db.transaction().execute(async (trx) => {
    await checkUnits(trx, p.role, p.unitIds);
    const id = await insertToken(trx, {
      name: p.name,
      prefix,
      tokenHash: hash,
      role: p.role,
      createdBy: actor.name,
      unitIds: p.unitIds,
    });
    const t = await findToken(trx, { id });
    if (!t) throw new NotFound(`Nøglen ${id} findes ikke`);
    await appendAudit(trx, {
      actor,
      municipalityId: null,
      entityType: "api_token",
      entityId: id,
      action: "create",
      after: { name: t.name, prefix: t.prefix, role: t.role, units: t.units.map((u) => u.id) },
    });
    return t;
  });
  return { token: tokenView(token), secret };
}

export async function revokeToken(db: Kysely<Database>, id: number, actor: Actor): Promise<TokenView> {
  return db.transaction().execute(async (trx) => {
    const t = await findToken(trx, { id });
    if (!t) throw new NotFound(`Nøglen ${id} findes ikke`);
    if (t.revokedAt !== null) return tokenView(t);
    await revokeTokenRow(trx, id);
    await appendAudit(trx, {
      actor,
      municipalityId: null,
      entityType: "api_token",
      entityId: id,
      action: "revoke",
      before: { name: t.name, prefix: t.prefix },
    });
    const after = await findToken(trx, { id });
    if (!after) throw new NotFound(`Nøglen ${id} findes ikke`);
    return tokenView(after);
  });
}

// --- sign-in through the municipality's identity provider --------------------------------------

export interface ExternalIdentity {
  issuer: string;
  subject: string;
  username: string | null;
}

export const UNKNOWN_EXTERNAL_USER =
  "Du er logget ind hos kommunens identitetsudbyder, men har ingen bruger i Bevilling. Kontakt en administrator.";

/**
 * Users are created and given roles by an administrator, never by the identity provider. The
 * first sign-in links the provider's subject to the user of the same username; from then on the
 * subject alone identifies the user, so a later change of username at the provider is harmless.
 */
export async function signInWithIdentity(
  db: Kysely<Database>,
  identity: ExternalIdentity,
): Promise<NewSession> {
  let user = await findUser(db, { oidcIssuer: identity.issuer, oidcSubject: identity.subject });
  if (!user && identity.username) {
    const candidate = await findUser(db, { username: identity.username.toLowerCase() });
    // An administrator is never linked by a name claim: if the provider lets people pick their
    // own username, that would hand over the installation. Administrators sign in with a password.
    // Nor a user who has chosen a password of their own: linking by name is for users an
    // administrator created for the identity provider, who have never signed in with a password.
    if (
      candidate &&
      candidate.oidcSubject === null &&
      candidate.role !== "administrator" &&
      (candidate.passwordHash === null || candidate.mustChangePassword)
    ) {
      await db.transaction().execute(async (trx) => {
        await updateUserRow(trx, candidate.id, {
          oidcIssuer: identity.issuer,
          oidcSubject: identity.subject,
        });
        await appendAudit(trx, {
          actor: { kind: "user", id: String(candidate.id), name: candidate.displayName },
          municipalityId: null,
          entityType: "user",
          entityId: candidate.id,
          action: "oidc_link",
          after: { username: candidate.username, issuer: identity.issuer },
        });
      });
      user = await findUser(db, { id: candidate.id });
    }
  }
  if (!user || user.disabled) throw new BadRequest(UNKNOWN_EXTERNAL_USER);
  // The identity provider has checked who they are; a one-time password no longer matters. It is
  // removed, not just no longer required to be changed: otherwise the one-time password, which an
  // administrator has seen, would go on working as an ordinary password for good.
  if (user.mustChangePassword) {
    await updateUserRow(db, user.id, { mustChangePassword: false, passwordHash: null });
    user = (await findUser(db, { id: user.id })) ?? user;
  }
  return createSession(db, user);
}
