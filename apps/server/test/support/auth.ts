/**
 * Signing in for server tests: an API token with a role (and units) for tests about something
 * else than sign-in, and a real browser-style session (cookie + CSRF token) for the rest.
 */
import { type Role, SYSTEM_ACTOR } from "@bevilling/core";
import type { Database } from "@bevilling/db";
import { createToken, createUser } from "@bevilling/services";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Kysely } from "kysely";

let counter = 0;

/** Authorization headers of a fresh API token with the role. */
export async function tokenHeaders(
  db: Kysely<Database>,
  role: Role,
  unitIds: number[] = [],
): Promise<{ authorization: string }> {
  counter++;
  const { secret } = await createToken(db, { name: `test-${role}-${counter}`, role, unitIds }, SYSTEM_ACTOR);
  return { authorization: `Bearer ${secret}` };
}

export interface BrowserSession {
  cookie: string;
  csrfToken: string;
  /** Headers for a state-changing request from this browser. */
  headers: { cookie: string; "x-csrf-token": string };
}

export function sessionOf(r: LightMyRequestResponse): BrowserSession {
  const setCookie = r.headers["set-cookie"];
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const session = all.find((c) => c.startsWith("bevilling_session="));
  if (!session) throw new Error(`Ingen sessionscookie i svaret (${r.statusCode}: ${r.body})`);
  const cookie = session.split(";")[0] as string;
  const csrfToken = (r.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrfToken, headers: { cookie, "x-csrf-token": csrfToken } };
}

export async function signInAs(
  app: FastifyInstance,
  username: string,
  password: string,
): Promise<BrowserSession> {
  const r = await app.inject({ method: "POST", url: "/api/session", payload: { username, password } });
  if (r.statusCode !== 200) throw new Error(`Login som ${username} mislykkedes: ${r.statusCode} ${r.body}`);
  return sessionOf(r);
}

/** Creates a user with a known password (no change required) and signs in as them. */
export async function userSession(
  app: FastifyInstance,
  db: Kysely<Database>,
  role: Role,
  unitIds: number[] = [],
): Promise<BrowserSession> {
  counter++;
  const username = `bruger-${role}-${counter}`;
  const password = `hemmelig-kode-${counter}-xyz`;
  await createUser(db, { username, displayName: `Test ${role}`, role, unitIds }, SYSTEM_ACTOR, {
    password,
    mustChangePassword: false,
  });
  return signInAs(app, username, password);
}
