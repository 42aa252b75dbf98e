/**
 * Signing in and who is asking. A request is made by a principal: nobody (anonymous), a user in
 * a browser session, or an API token. Secrets (passwords, session cookies, tokens) are checked
 * here and stored only as hashes: passwords with scrypt, sessions and tokens with SHA-256 (they
 * are 256 random bits, so a fast hash is enough and lookups stay indexable).
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import type { Actor, Role } from "@bevilling/core";
import {
  clearSignInFailures,
  type Database,
  deleteExpiredSessions,
  deleteSession,
  deleteSignInFailure,
  findSession,
  findToken,
  findUser,
  insertSession,
  markSignedIn,
  markTokenUsed,
  pruneSignInFailures,
  recordSignInFailure,
  signInFailures,
  touchSession,
  type UnitRef,
  type UserRecord,
} from "@bevilling/db";
import type { Kysely } from "kysely";
import { TooManyAttempts, Unauthenticated } from "./errors.ts";

export type Principal =
  | { kind: "anonymous" }
  | {
      kind: "user";
      userId: number;
      username: string;
      displayName: string;
      role: Role;
      units: UnitRef[];
      mustChangePassword: boolean;
      /** SHA-256 of the session secret: identifies the session without being it. */
      sessionHash: string;
      csrfToken: string;
    }
  | { kind: "token"; tokenId: number; name: string; role: Role; units: UnitRef[] };

export const ANONYMOUS: Principal = Object.freeze({ kind: "anonymous" });

/** How the audit trail names the principal. */
export function actorOfPrincipal(p: Principal): Actor {
  switch (p.kind) {
    case "user":
      return { kind: "user", id: String(p.userId), name: p.displayName };
    case "token":
      return { kind: "token", id: String(p.tokenId), name: p.name };
    default:
      return { kind: "system", name: "anonym" };
  }
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

// --- passwords ------------------------------------------------------------------------------

/** scrypt cost: N = 2^15, r = 8 (OWASP's recommendation); about 50–100 ms per hash here. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 };

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number, len: number) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, len, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** "scrypt$N$r$p$salt$hash", salt and hash in base64url: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLength);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 2 ** 20) return false;
  const expected = Buffer.from(parts[5] ?? "", "base64url");
  const key = await scryptAsync(password, Buffer.from(parts[4] ?? "", "base64url"), n, r, p, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, verified against when the user does not exist (same timing). */
let dummyHash: Promise<string> | undefined;

/** 16 characters without look-alikes (0/O, 1/l/I): about 90 bits, typed from a note. */
export function oneTimePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(32);
  let out = "";
  for (const b of bytes) {
    // Rejection sampling keeps every character equally likely.
    if (b >= 256 - (256 % alphabet.length)) continue;
    out += alphabet[b % alphabet.length];
    if (out.length === 16) break;
  }
  return out.length === 16 ? out : oneTimePassword();
}

// --- sessions -------------------------------------------------------------------------------

export const SESSION_COOKIE = "bevilling_session";
/** A session ends after 8 hours without a request, and at the latest 24 hours after sign-in. */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 24 * 60 * 60 * 1000;

/** Failed sign-ins counted over 15 minutes: 5 per username, 50 per address. */
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_USER = 5;
export const MAX_FAILURES_PER_IP = 50;

export const WRONG_CREDENTIALS = "Forkert brugernavn eller adgangskode";

export interface NewSession {
  /** The cookie's value: shown to the browser once, stored only as its hash. */
  secret: string;
  csrfToken: string;
  user: UserRecord;
}

export async function createSession(
  db: Kysely<Database>,
  user: UserRecord,
  now = new Date(),
): Promise<NewSession> {
  const secret = randomSecret();
  const csrfToken = randomSecret(24);
  await deleteExpiredSessions(db, now);
  await insertSession(db, {
    tokenHash: sha256(secret),
    userId: user.id,
    csrfToken,
    expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
  });
  await markSignedIn(db, user.id);
  return { secret, csrfToken, user };
}

/**
 * Signs in with username and password. Unknown users, wrong passwords and disabled accounts get
 * the same answer in about the same time, so the answer does not tell which usernames exist.
 * After too many failures for the username (or from the address) within the window, attempts
 * are refused without looking at the password until the oldest failure leaves the window.
 */
export async function signIn(
  db: Kysely<Database>,
  input: { username: string; password: string; ip: string },
  now = new Date(),
): Promise<NewSession> {
  const username = input.username.trim().toLowerCase();
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
  /** When the limit is reached, the oldest failure in the window; `own` rows are this attempt's. */
  const blockedSince = async (own: number): Promise<Date | null> => {
    const failures = await signInFailures(db, username, input.ip, since);
    if (failures.byUser - own >= MAX_FAILURES_PER_USER) return failures.oldestByUser;
    if (failures.byIp - own >= MAX_FAILURES_PER_IP) return failures.oldestByIp;
    return null;
  };
  const tooMany = (oldest: Date) =>
    new TooManyAttempts(Math.ceil((oldest.getTime() + FAILURE_WINDOW_MS - now.getTime()) / 1000));
  const before = await blockedSince(0);
  if (before) throw tooMany(before);
  // The attempt counts as a failure while its password is checked, and the limit is checked again
  // with it: attempts made at the same time then count each other. Otherwise any number of guesses
  // sent at once all pass the check above before the first failure is recorded.
  const attempt = await recordSignInFailure(db, username, input.ip);
  const during = await blockedSince(1);
  if (during) {
    await deleteSignInFailure(db, attempt);
    throw tooMany(during);
  }
  const user = await findUser(db, { username });
  dummyHash ??= hashPassword(randomSecret());
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash));
  if (!user || !ok || user.disabled || user.passwordHash === null) {
    await pruneSignInFailures(db, new Date(now.getTime() - 24 * 60 * 60 * 1000));
    throw new Unauthenticated(WRONG_CREDENTIALS);
  }
  await clearSignInFailures(db, username);
  return createSession(db, user, now);
}

/** Throws TooManyAttempts while the username or address has used up its failed attempts. */
export async function refuseWhileBlocked(
  db: Kysely<Database>,
  username: string,
  ip: string,
  now = new Date(),
): Promise<void> {
  const f = await signInFailures(db, username.toLowerCase(), ip, new Date(now.getTime() - FAILURE_WINDOW_MS));
  const oldest =
    f.byUser >= MAX_FAILURES_PER_USER ? f.oldestByUser : f.byIp >= MAX_FAILURES_PER_IP ? f.oldestByIp : null;
  if (oldest) {
    throw new TooManyAttempts(Math.ceil((oldest.getTime() + FAILURE_WINDOW_MS - now.getTime()) / 1000));
  }
}

export async function signOut(db: Kysely<Database>, secret: string): Promise<void> {
  await deleteSession(db, sha256(secret));
}

/** The user behind a session cookie, or undefined when it is unknown, expired or disabled. */
export async function principalOfSession(
  db: Kysely<Database>,
  secret: string,
  now = new Date(),
): Promise<Principal | undefined> {
  if (secret.length < 20 || secret.length > 100) return undefined;
  const hash = sha256(secret);
  const s = await findSession(db, hash);
  if (!s) return undefined;
  if (s.expiresAt <= now || now.getTime() - s.createdAt.getTime() > SESSION_MAX_MS) {
    await deleteSession(db, hash);
    return undefined;
  }
  const user = await findUser(db, { id: s.userId });
  if (!user || user.disabled) return undefined;
  // Sliding expiry, written at most once a minute so reading pages does not mean writing rows.
  if (now.getTime() - s.lastSeenAt.getTime() > 60_000) {
    await touchSession(db, hash, new Date(now.getTime() + SESSION_IDLE_MS));
  }
  return userPrincipal(user, hash, s.csrfToken);
}

export function userPrincipal(user: UserRecord, sessionHash: string, csrfToken: string): Principal {
  return {
    kind: "user",
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    units: user.units,
    mustChangePassword: user.mustChangePassword,
    sessionHash,
    csrfToken,
  };
}

// --- API tokens -----------------------------------------------------------------------------

export const TOKEN_PREFIX = "bvl_";

export function newTokenSecret(): { secret: string; prefix: string; hash: string } {
  const secret = TOKEN_PREFIX + randomSecret();
  return { secret, prefix: secret.slice(0, TOKEN_PREFIX.length + 6), hash: sha256(secret) };
}

/** The token behind an Authorization header's secret, or undefined when unknown or revoked. */
export async function principalOfToken(
  db: Kysely<Database>,
  secret: string,
  now = new Date(),
): Promise<Principal | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return undefined;
  const t = await findToken(db, { tokenHash: sha256(secret) });
  if (!t || t.revokedAt !== null) return undefined;
  if (t.lastUsedAt === null || now.getTime() - t.lastUsedAt.getTime() > 60_000) await markTokenUsed(db, t.id);
  return { kind: "token", tokenId: t.id, name: t.name, role: t.role, units: t.units };
}
