/**
 * Signing in and roles over HTTP: session cookies and their attributes, the failed-attempt limit,
 * signing out, CSRF, the user's own password and the forced change of a one-time password, the
 * administration of users and API tokens, who the audit trail names, that no secret reaches the
 * log, and sign-in through the municipality's identity provider (a real OpenID Connect provider
 * on 127.0.0.1, see support/oidc-provider.ts).
 */
import { randomBytes } from "node:crypto";
import { type Role, SYSTEM_ACTOR } from "@bevilling/core";
import { type DatabaseHandle, findMunicipality, findNodeByCode, historyOf, verifyAudit } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import {
  BadRequest,
  createUser,
  FAILURE_WINDOW_MS,
  loadDemo,
  MAX_FAILURES_PER_IP,
  MAX_FAILURES_PER_USER,
  PASSWORD_CHANGE_REQUIRED,
  principalOfSession,
  SESSION_IDLE_MS,
  SESSION_MAX_MS,
  sha256,
  UNKNOWN_EXTERNAL_USER,
  updateUser,
  WRONG_CREDENTIALS,
} from "@bevilling/services";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/index.ts";
import { OidcClient } from "../src/oidc.ts";
import { type BrowserSession, sessionOf, signInAs, tokenHeaders } from "./support/auth.ts";
import { startOidcProvider, type TestOidcProvider } from "./support/oidc-provider.ts";

const CLIENT_ID = "bevilling-auth-test";
const CLIENT_SECRET = "klienthemmelighed-til-auth-testen-0123456789";
const REDIRECT_URI = "http://127.0.0.1/api/auth/oidc/callback";

interface Issue {
  field: string;
  reason: string;
}
interface SessionAnswer {
  user: {
    id: number;
    username: string;
    displayName: string;
    role: Role;
    units: { id: number; municipalityCode: string; name: string }[];
    mustChangePassword: boolean;
  } | null;
  csrfToken: string | null;
  oidc: { enabled: boolean; label: string };
}
interface UserJson {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  units: { id: number; municipalityCode: string; name: string }[];
  disabled: boolean;
  mustChangePassword: boolean;
  hasPassword: boolean;
  oidcLinked: boolean;
  version: number;
}
interface TokenJson {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface EntryJson {
  actor: { kind: string; id?: string; name: string };
  entityType: string;
  entityId: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

function setCookies(r: LightMyRequestResponse): string[] {
  const v = r.headers["set-cookie"];
  return Array.isArray(v) ? v : v ? [v] : [];
}

function cookieNamed(r: LightMyRequestResponse, name: string): string | undefined {
  return setCookies(r).find((c) => c.startsWith(`${name}=`));
}

/** "Path=/", "HttpOnly", ... of a Set-Cookie line. */
function attributesOf(setCookie: string): string[] {
  return setCookie
    .split(";")
    .slice(1)
    .map((a) => a.trim());
}

/** The value of "name=value" (the cookie header a browser sends back). */
const cookieValue = (cookie: string) => decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));

const issuesOf = (r: LightMyRequestResponse) => (r.json() as { issues?: Issue[] }).issues ?? [];

describe.each(testEngines())("signing in and roles on %s", (engine) => {
  let h: DatabaseHandle;
  let app: FastifyInstance;
  let job: number;
  /** A bearer token of an administrator, for reading what a test needs without a session. */
  let adminToken: { authorization: string };
  let admin: { id: number; username: string; password: string; displayName: string };
  let adminSession: BrowserSession;
  let counter = 0;

  /** A user with a known password that need not be changed (unless asked). */
  async function makeUser(
    role: Role,
    opts: { username?: string; unitIds?: number[]; mustChangePassword?: boolean } = {},
  ) {
    counter++;
    const username = opts.username ?? `auth-${role}-${counter}`;
    const password = `Kodeord-${counter}-${randomBytes(6).toString("hex")}`;
    const { user } = await createUser(
      h.db,
      { username, displayName: `Auth ${role} ${counter}`, role, unitIds: opts.unitIds ?? [] },
      SYSTEM_ACTOR,
      { password, mustChangePassword: opts.mustChangePassword ?? false },
    );
    return { id: user.id, username, password, displayName: user.displayName };
  }

  const signIn = (a: FastifyInstance, username: string, password: string, remoteAddress?: string) =>
    a.inject({
      method: "POST",
      url: "/api/session",
      payload: { username, password },
      ...(remoteAddress ? { remoteAddress } : {}),
    });
  const sessionAnswer = async (cookie: string, a: FastifyInstance = app) => {
    const r = await a.inject({ url: "/api/session", headers: { cookie } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as SessionAnswer;
  };
  const send = (headers: Record<string, string>, opts: InjectOptions) =>
    app.inject({ ...opts, headers: { ...headers, ...(opts.headers as Record<string, string> | undefined) } });
  const userJson = async (id: number) => {
    const list = (await send(adminToken, { url: "/api/users" })).json() as UserJson[];
    const u = list.find((x) => x.id === id);
    if (!u) throw new Error(`brugeren ${id} findes ikke`);
    return u;
  };
  const sessionRows = async (userId: number) =>
    (
      await sql<{ token_hash: string }>`select token_hash from session where user_id = ${userId}`.execute(
        h.db,
      )
    ).rows;
  /** A valid edit of Jobcenter's 2024 budget: the current version, the amount changed by `delta` øre. */
  const jobEdit = async (delta = 100n) => {
    const r = await send(adminToken, { url: `/api/nodes/${job}/figures?year=2024` });
    expect(r.statusCode, r.body).toBe(200);
    const f = (
      r.json() as { figures: { accountId: number | null; kind: string; amount: string; version: number }[] }
    ).figures.find((x) => x.accountId === null && x.kind === "budget");
    if (!f) throw new Error("Jobcenterets budget 2024 mangler");
    return {
      accountId: null,
      year: 2024,
      kind: "budget",
      amount: String(BigInt(f.amount) + delta),
      version: f.version,
      reason: "Test af adgang",
    };
  };
  const putJob = async (headers: Record<string, string>, delta = 100n) =>
    send(headers, { method: "PUT", url: `/api/nodes/${job}/figures`, payload: await jobEdit(delta) });

  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    app = await buildApp({ db: h.db });
    const m = await findMunicipality(h.db, "326");
    const node = m ? await findNodeByCode(h.db, m.id, "JOB") : undefined;
    if (!node) throw new Error("Kalundborgs Jobcenter mangler");
    job = node.id;
    adminToken = await tokenHeaders(h.db, "administrator");
    admin = await makeUser("administrator");
    adminSession = await signInAs(app, admin.username, admin.password);
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  describe("signing in", () => {
    let secureApp: FastifyInstance;
    beforeAll(async () => {
      secureApp = await buildApp({ db: h.db, auth: { secureCookies: true } });
    });
    afterAll(async () => {
      await secureApp?.close();
    });

    it("sets an HttpOnly, SameSite=Lax session cookie for / on the right password, not Secure by default", async () => {
      const u = await makeUser("okonomi");
      const r = await signIn(app, u.username, u.password);
      expect(r.statusCode, r.body).toBe(200);
      const line = cookieNamed(r, "bevilling_session");
      if (!line) throw new Error("ingen sessionscookie");
      const attrs = attributesOf(line);
      expect(attrs).toContain("HttpOnly");
      expect(attrs).toContain("SameSite=Lax");
      expect(attrs).toContain("Path=/");
      expect(attrs).not.toContain("Secure");
      // The cookie outlives the 8 hours of idle time: the server ends an idle session, and an
      // active one lasts until the 24-hour limit.
      expect(attrs).toContain(`Max-Age=${SESSION_MAX_MS / 1000}`);
      expect(r.headers["strict-transport-security"]).toBeUndefined();

      const body = r.json() as SessionAnswer;
      expect(body.user).toMatchObject({
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        role: "okonomi",
        units: [],
        mustChangePassword: false,
      });
      expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{32}$/);

      const s = sessionOf(r);
      const me = await sessionAnswer(s.cookie);
      expect(me.user).toMatchObject({ id: u.id, username: u.username, role: "okonomi" });
      expect(me.csrfToken).toBe(body.csrfToken);
      // The database keeps the SHA-256 of the cookie, never the cookie.
      const secret = cookieValue(s.cookie);
      expect(await sessionRows(u.id)).toEqual([{ token_hash: sha256(secret) }]);
      const all = JSON.stringify((await sql`select * from session`.execute(h.db)).rows);
      expect(all).not.toContain(secret);
      // Nobody signed in: no user, no CSRF token.
      expect((await app.inject({ url: "/api/session" })).json()).toMatchObject({
        user: null,
        csrfToken: null,
      });
    });

    it("takes the username in any case and with spaces around it", async () => {
      const u = await makeUser("politiker");
      const r = await signIn(app, `  ${u.username.toUpperCase()} `, u.password);
      expect(r.statusCode, r.body).toBe(200);
      expect((r.json() as SessionAnswer).user?.username).toBe(u.username);
    });

    it("marks the cookie Secure and sends HSTS with secureCookies", async () => {
      const u = await makeUser("sekretariat");
      const r = await signIn(secureApp, u.username, u.password);
      expect(r.statusCode, r.body).toBe(200);
      expect(attributesOf(cookieNamed(r, "bevilling_session") ?? "")).toContain("Secure");
      expect(r.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      expect((await secureApp.inject({ url: "/api/health" })).headers["strict-transport-security"]).toContain(
        "max-age=31536000",
      );
      const out = await secureApp.inject({
        method: "DELETE",
        url: "/api/session",
        headers: sessionOf(r).headers,
      });
      expect(out.statusCode).toBe(204);
      expect(attributesOf(cookieNamed(out, "bevilling_session") ?? "")).toContain("Secure");
    });

    it("answers a wrong password, an unknown username and a disabled user alike: 401, no cookie", async () => {
      const u = await makeUser("okonomi");
      const off = await makeUser("okonomi");
      await updateUser(h.db, off.id, { version: 1, disabled: true }, SYSTEM_ACTOR);

      const wrong = await signIn(app, u.username, `${u.password}x`);
      const unknown = await signIn(app, "findes-ikke-her", u.password);
      const disabled = await signIn(app, off.username, off.password);
      for (const r of [wrong, unknown, disabled]) {
        expect(r.statusCode).toBe(401);
        expect(r.json()).toEqual({ error: WRONG_CREDENTIALS, code: "unauthenticated" });
        expect(cookieNamed(r, "bevilling_session")).toBeUndefined();
      }
      expect(unknown.body).toBe(wrong.body);
      expect(disabled.body).toBe(wrong.body);
      // An empty or missing field is a validation error, not a failed sign-in.
      const empty = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { username: u.username },
      });
      expect(empty.statusCode).toBe(400);
      expect(issuesOf(empty).map((i) => i.field)).toEqual(["body.password"]);
    });

    it("ends the browser's previous session when it signs in again", async () => {
      const u = await makeUser("okonomi");
      const first = await signInAs(app, u.username, u.password);
      const again = await app.inject({
        method: "POST",
        url: "/api/session",
        headers: first.headers,
        payload: { username: u.username, password: u.password },
      });
      expect(again.statusCode, again.body).toBe(200);
      const second = sessionOf(again);
      expect(second.cookie).not.toBe(first.cookie);
      expect((await sessionAnswer(first.cookie)).user).toBeNull();
      expect((await sessionAnswer(second.cookie)).user?.id).toBe(u.id);
      expect(await sessionRows(u.id)).toEqual([{ token_hash: sha256(cookieValue(second.cookie)) }]);
    });
  });

  describe("the failed-attempt limit", () => {
    it(`refuses the ${MAX_FAILURES_PER_USER + 1}th attempt for a username with 429, even with the right password`, async () => {
      const u = await makeUser("okonomi");
      const other = await makeUser("okonomi");
      const ip = "10.20.0.1";
      for (let i = 0; i < MAX_FAILURES_PER_USER; i++) {
        expect((await signIn(app, u.username, `forkert-${i}-kodeord`, ip)).statusCode).toBe(401);
      }
      const blocked = await signIn(app, u.username, u.password, ip);
      expect(blocked.statusCode, blocked.body).toBe(429);
      const body = blocked.json() as { error: string; retryAfterSeconds: number };
      expect(body.retryAfterSeconds).toBeGreaterThan(0);
      expect(body.retryAfterSeconds).toBeLessThanOrEqual(FAILURE_WINDOW_MS / 1000);
      expect(blocked.headers["retry-after"]).toBe(String(body.retryAfterSeconds));
      expect(body.error).toMatch(/For mange mislykkede forsøg/);
      expect(cookieNamed(blocked, "bevilling_session")).toBeUndefined();
      // The limit is the username's, however it is typed and wherever the attempt comes from.
      expect((await signIn(app, ` ${u.username.toUpperCase()}`, u.password, "10.20.0.2")).statusCode).toBe(
        429,
      );
      // Another username from the same address is unaffected.
      expect((await signIn(app, other.username, other.password, ip)).statusCode).toBe(200);
    });

    it("counts guesses sent at the same moment against each other", async () => {
      const u = await makeUser("okonomi");
      const ip = "10.20.4.1";
      const guesses = await Promise.all(
        Array.from({ length: 4 * MAX_FAILURES_PER_USER }, (_, i) =>
          signIn(app, u.username, `samtidigt-gaet-${i}`, ip),
        ),
      );
      const statuses = guesses.map((r) => r.statusCode);
      expect(
        statuses.every((s) => s === 401 || s === 429),
        statuses.join(","),
      ).toBe(true);
      // At most the limit's worth of passwords were checked; the rest were refused unchecked.
      const checked = statuses.filter((s) => s === 401).length;
      expect(checked, statuses.join(",")).toBeLessThanOrEqual(MAX_FAILURES_PER_USER);
      const recorded = await sql<{ n: string }>`
        select count(*)::text as n from sign_in_failure where username = ${u.username}`.execute(h.db);
      expect(Number(recorded.rows[0]?.n)).toBe(checked);
      // What is left of the limit still holds afterwards.
      for (let i = checked; i < MAX_FAILURES_PER_USER; i++) {
        expect((await signIn(app, u.username, "endnu-et-gaet", ip)).statusCode).toBe(401);
      }
      expect((await signIn(app, u.username, u.password, ip)).statusCode).toBe(429);
    });

    it("counts only failures within the last 15 minutes, and tells how long to wait", async () => {
      const u = await makeUser("okonomi");
      const insertFailures = async (minutesAgo: number, n: number) => {
        for (let i = 0; i < n; i++) {
          await sql`insert into sign_in_failure (username, ip, at)
                    values (${u.username}, '10.20.1.1', ${new Date(Date.now() - minutesAgo * 60_000)})`.execute(
            h.db,
          );
        }
      };
      await insertFailures(16, MAX_FAILURES_PER_USER + 3);
      expect((await signIn(app, u.username, u.password, "10.20.1.2")).statusCode).toBe(200);

      await insertFailures(14, MAX_FAILURES_PER_USER);
      const blocked = await signIn(app, u.username, u.password, "10.20.1.2");
      expect(blocked.statusCode).toBe(429);
      // The oldest failure leaves the window in about one minute.
      const wait = (blocked.json() as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(wait).toBeGreaterThanOrEqual(50);
      expect(wait).toBeLessThanOrEqual(61);
    });

    it("starts counting afresh after a successful sign-in", async () => {
      const u = await makeUser("okonomi");
      const ip = "10.20.2.1";
      for (let i = 0; i < MAX_FAILURES_PER_USER - 1; i++) {
        expect((await signIn(app, u.username, "forkert-kodeord", ip)).statusCode).toBe(401);
      }
      expect((await signIn(app, u.username, u.password, ip)).statusCode).toBe(200);
      for (let i = 0; i < MAX_FAILURES_PER_USER - 1; i++) {
        expect((await signIn(app, u.username, "forkert-kodeord", ip)).statusCode).toBe(401);
      }
      expect((await signIn(app, u.username, u.password, ip)).statusCode).toBe(200);
    });

    it(`refuses an address after ${MAX_FAILURES_PER_IP} failures on any usernames`, async () => {
      const u = await makeUser("okonomi");
      const ip = "10.20.3.1";
      for (let i = 0; i < MAX_FAILURES_PER_IP; i++) {
        expect((await signIn(app, `gaet-${i}`, "forkert-kodeord", ip)).statusCode).toBe(401);
      }
      expect((await signIn(app, u.username, u.password, ip)).statusCode).toBe(429);
      expect((await signIn(app, u.username, u.password, "10.20.3.2")).statusCode).toBe(200);
    });
  });

  describe("sessions", () => {
    it("signs out: 204, the cookie cleared, and the old cookie no longer works", async () => {
      const u = await makeUser("sekretariat");
      const s = await signInAs(app, u.username, u.password);
      expect((await send({ cookie: s.cookie }, { url: "/api/municipalities/326" })).statusCode).toBe(200);

      const out = await send(s.headers, { method: "DELETE", url: "/api/session" });
      expect(out.statusCode).toBe(204);
      const cleared = cookieNamed(out, "bevilling_session");
      expect(cleared?.startsWith("bevilling_session=;")).toBe(true);
      expect(attributesOf(cleared ?? "")).toEqual(
        expect.arrayContaining(["Max-Age=0", "Path=/", "HttpOnly"]),
      );

      expect(await sessionAnswer(s.cookie)).toMatchObject({ user: null, csrfToken: null });
      expect(await sessionRows(u.id)).toEqual([]);
      // Kalundborg is unpublished: with the old cookie the caller is nobody.
      expect((await send({ cookie: s.cookie }, { url: "/api/municipalities/326" })).statusCode).toBe(401);
      expect((await send(s.headers, { method: "DELETE", url: "/api/session" })).statusCode).toBe(401);
    });

    it("ends a session after 8 idle hours, slides while used, and ends it 24 hours after sign-in", async () => {
      const u = await makeUser("politiker");
      const idle = cookieValue((await signInAs(app, u.username, u.password)).cookie);
      const t0 = Date.now();
      expect(await principalOfSession(h.db, idle, new Date(t0 + SESSION_IDLE_MS - 60_000))).toBeDefined();
      const idleCookie = cookieValue((await signInAs(app, u.username, u.password)).cookie);
      expect(
        await principalOfSession(h.db, idleCookie, new Date(t0 + SESSION_IDLE_MS + 60_000)),
      ).toBeUndefined();

      const busy = cookieValue((await signInAs(app, u.username, u.password)).cookie);
      for (const hours of [7, 14, 21]) {
        const p = await principalOfSession(h.db, busy, new Date(t0 + hours * 3_600_000));
        expect(p, `${hours} timer`).toMatchObject({ kind: "user", userId: u.id });
      }
      expect(await principalOfSession(h.db, busy, new Date(t0 + SESSION_MAX_MS + 60_000))).toBeUndefined();
      // An ended session is deleted, so it cannot come back.
      expect(await principalOfSession(h.db, busy, new Date(t0))).toBeUndefined();
    });
  });

  describe("CSRF", () => {
    let s: BrowserSession;
    beforeAll(async () => {
      const u = await makeUser("okonomi");
      s = await signInAs(app, u.username, u.password);
    });

    it("refuses a signed-in change without the session's CSRF token", async () => {
      const none = await putJob({ cookie: s.cookie });
      expect(none.statusCode).toBe(403);
      expect(none.json()).toMatchObject({ code: "csrf" });
      const wrong = await putJob({ cookie: s.cookie, "x-csrf-token": `${s.csrfToken.slice(1)}x` });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json()).toMatchObject({ code: "csrf" });
      // Another session's token does not do for this one.
      const otherSession = await signInAs(app, admin.username, admin.password);
      const foreign = await putJob({ cookie: s.cookie, "x-csrf-token": otherSession.csrfToken });
      expect(foreign.statusCode).toBe(403);
      // POST, PATCH and DELETE alike.
      const password = await send(
        { cookie: s.cookie },
        { method: "POST", url: "/api/session/password", payload: { currentPassword: "x", newPassword: "y" } },
      );
      expect(password.json()).toMatchObject({ code: "csrf" });
      const out = await send({ cookie: s.cookie }, { method: "DELETE", url: "/api/session" });
      expect(out.json()).toMatchObject({ code: "csrf" });
      expect((await sessionAnswer(s.cookie)).user).not.toBeNull();
    });

    it("refuses a request from another site even with the right token", async () => {
      const host = "bevilling.kommune.test";
      for (const origin of ["https://evil.example", "http://bevilling.kommune.test.evil.example", "null"]) {
        const r = await putJob({ ...s.headers, host, origin });
        expect(r.statusCode, origin).toBe(403);
        expect(r.json()).toMatchObject({ code: "csrf" });
      }
      const same = await putJob({ ...s.headers, host, origin: `http://${host}` });
      expect(same.statusCode, same.body).toBe(200);
    });

    it("lets the right token through, and reads need none", async () => {
      const r = await putJob(s.headers);
      expect(r.statusCode, r.body).toBe(200);
      expect((await send({ cookie: s.cookie }, { url: `/api/nodes/${job}/figures` })).statusCode).toBe(200);
    });

    it("asks a bearer token for no CSRF token", async () => {
      const token = await tokenHeaders(h.db, "okonomi");
      const r = await putJob(token);
      expect(r.statusCode, r.body).toBe(200);
      // A cookie next to the token does not make the request a browser's.
      const both = await putJob({ ...token, cookie: s.cookie });
      expect(both.statusCode, both.body).toBe(200);
    });
  });

  describe("the user's own password", () => {
    it("checks the current password and the policy, then signs out the user's other sessions", async () => {
      const u = await makeUser("okonomi");
      const here = await signInAs(app, u.username, u.password);
      const elsewhere = await signInAs(app, u.username, u.password);
      const change = (currentPassword: string, newPassword: string) =>
        send(here.headers, {
          method: "POST",
          url: "/api/session/password",
          payload: { currentPassword, newPassword },
        });

      const wrongCurrent = await change(`${u.password}x`, "et-helt-nyt-kodeord");
      expect(wrongCurrent.statusCode).toBe(400);
      expect(issuesOf(wrongCurrent)).toEqual([{ field: "body.currentPassword", reason: "er forkert" }]);

      const short = await change(u.password, "kort-7");
      expect(short.statusCode).toBe(400);
      expect(issuesOf(short)).toEqual([{ field: "body.newPassword", reason: "skal have mindst 10 tegn" }]);

      const withName = await change(u.password, `mit-${u.username.toUpperCase()}-kodeord`);
      expect(withName.statusCode).toBe(400);
      expect(issuesOf(withName)).toEqual([
        { field: "body.newPassword", reason: "må ikke indeholde brugernavnet" },
      ]);

      const same = await change(u.password, u.password);
      expect(issuesOf(same).map((i) => i.field)).toEqual(["body.newPassword"]);
      // Nothing changed so far: both sessions and the old password still work.
      expect((await sessionAnswer(elsewhere.cookie)).user?.id).toBe(u.id);

      const newPassword = "rødgrød-med-fløde-2025";
      const ok = await change(u.password, newPassword);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({
        user: { id: u.id, mustChangePassword: false },
        csrfToken: here.csrfToken,
      });

      expect((await sessionAnswer(here.cookie)).user?.id).toBe(u.id);
      expect((await sessionAnswer(elsewhere.cookie)).user).toBeNull();
      expect(await sessionRows(u.id)).toEqual([{ token_hash: sha256(cookieValue(here.cookie)) }]);
      expect((await signIn(app, u.username, u.password)).statusCode).toBe(401);
      expect((await signIn(app, u.username, newPassword)).statusCode).toBe(200);

      // Stored as a scrypt hash; the trail says a password was changed, not what it is.
      const row = await sql<{
        password_hash: string;
      }>`select password_hash from app_user where id = ${u.id}`.execute(h.db);
      expect(row.rows[0]?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
      const trail = JSON.stringify(await historyOf(h.db, "user", u.id));
      expect(trail).toContain("password_change");
      expect(trail).not.toContain(newPassword);
      expect(trail).not.toContain("scrypt$");
    });

    it("is for browser sessions only: a token gets 401, nobody gets 401", async () => {
      const token = await tokenHeaders(h.db, "administrator");
      const body = { currentPassword: "noget-langt-nok", newPassword: "noget-andet-langt" };
      const r = await send(token, { method: "POST", url: "/api/session/password", payload: body });
      expect(r.statusCode).toBe(401);
      expect(
        (await app.inject({ method: "POST", url: "/api/session/password", payload: body })).statusCode,
      ).toBe(401);
    });
  });

  describe("a one-time password", () => {
    it("signs in, but every route beyond the own session answers 403 password_change_required until it is changed", async () => {
      const created = await send(adminSession.headers, {
        method: "POST",
        url: "/api/users",
        payload: { username: "ny-okonomi", displayName: "Ny Økonomi", role: "okonomi" },
      });
      expect(created.statusCode, created.body).toBe(201);
      const { user, oneTimePassword } = created.json() as { user: UserJson; oneTimePassword: string };
      expect(user).toMatchObject({ username: "ny-okonomi", mustChangePassword: true, hasPassword: true });
      expect(oneTimePassword).toMatch(/^[a-zA-Z2-9]{16}$/);

      const r = await signIn(app, "ny-okonomi", oneTimePassword);
      expect(r.statusCode, r.body).toBe(200);
      expect((r.json() as SessionAnswer).user?.mustChangePassword).toBe(true);
      const s = sessionOf(r);

      const refused = [
        await send(s.headers, { url: "/api/municipalities/326" }),
        await send(s.headers, { url: "/api/municipalities" }),
        // Even what anyone may read without signing in (Sorø is published).
        await send(s.headers, { url: "/api/municipalities/340/organisation" }),
        await send(s.headers, { url: `/api/nodes/${job}/figures` }),
        await putJob(s.headers),
      ];
      for (const x of refused) {
        expect(x.statusCode, x.body).toBe(403);
        expect(x.json()).toEqual({ error: PASSWORD_CHANGE_REQUIRED, code: "password_change_required" });
      }
      // The own session and the public routes still answer.
      expect((await sessionAnswer(s.cookie)).user?.username).toBe("ny-okonomi");
      expect((await send(s.headers, { url: "/api/health" })).statusCode).toBe(200);

      const changed = await send(s.headers, {
        method: "POST",
        url: "/api/session/password",
        payload: { currentPassword: oneTimePassword, newPassword: "mit-eget-gode-kodeord" },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect((changed.json() as SessionAnswer).user?.mustChangePassword).toBe(false);
      expect((await send(s.headers, { url: "/api/municipalities/326" })).statusCode).toBe(200);
      expect((await putJob(s.headers)).statusCode).toBe(200);
      expect((await signIn(app, "ny-okonomi", oneTimePassword)).statusCode).toBe(401);
    });

    it("keeps a new administrator out of the user list until the password is changed", async () => {
      const created = await send(adminSession.headers, {
        method: "POST",
        url: "/api/users",
        payload: { username: "ny-admin", displayName: "Ny Administrator", role: "administrator" },
      });
      const { oneTimePassword } = created.json() as { oneTimePassword: string };
      const s = await signInAs(app, "ny-admin", oneTimePassword);
      const users = await send(s.headers, { url: "/api/users" });
      expect(users.statusCode).toBe(403);
      expect(users.json()).toMatchObject({ code: "password_change_required" });
      const create = await send(s.headers, {
        method: "POST",
        url: "/api/users",
        payload: { username: "smuttet-ind", displayName: "X", role: "administrator" },
      });
      expect(create.statusCode).toBe(403);
      expect(create.json()).toMatchObject({ code: "password_change_required" });
      await send(s.headers, {
        method: "POST",
        url: "/api/session/password",
        payload: { currentPassword: oneTimePassword, newPassword: "administratorens-kodeord" },
      });
      expect((await send(s.headers, { url: "/api/users" })).statusCode).toBe(200);
    });
  });

  describe("administering users", () => {
    const post = (payload: Record<string, unknown>, headers = adminSession.headers) =>
      send(headers, { method: "POST", url: "/api/users", payload });
    const patch = (id: number, payload: Record<string, unknown>, headers = adminSession.headers) =>
      send(headers, { method: "PATCH", url: `/api/users/${id}`, payload });

    it("creates a user with a one-time password, 201, and refuses a taken username with 409", async () => {
      const r = await post({ username: "Karen.Hansen", displayName: " Karen Hansen ", role: "sekretariat" });
      expect(r.statusCode, r.body).toBe(201);
      const { user, oneTimePassword } = r.json() as { user: UserJson; oneTimePassword: string };
      expect(user).toMatchObject({
        username: "karen.hansen",
        displayName: "Karen Hansen",
        role: "sekretariat",
        units: [],
        disabled: false,
        mustChangePassword: true,
        hasPassword: true,
        oidcLinked: false,
        version: 1,
      });
      expect(oneTimePassword).toHaveLength(16);
      expect(r.body).not.toContain("scrypt");
      expect(r.body).not.toContain("passwordHash");

      for (const username of ["karen.hansen", "KAREN.HANSEN"]) {
        const dup = await post({ username, displayName: "En anden Karen", role: "politiker" });
        expect(dup.statusCode, username).toBe(409);
        expect(dup.json()).toMatchObject({ code: "conflict" });
      }
      const list = await send(adminSession.headers, { url: "/api/users" });
      expect((list.json() as UserJson[]).filter((u) => u.username === "karen.hansen")).toHaveLength(1);
      expect(list.body).not.toContain("scrypt$");
    });

    it("gives a budgetansvarlig units, and every other role none", async () => {
      const none = await post({ username: "ba-uden", displayName: "Uden enheder", role: "budgetansvarlig" });
      expect(none.statusCode).toBe(400);
      expect(issuesOf(none)).toEqual([{ field: "body.unitIds", reason: "vælg mindst én enhed" }]);
      const unknown = await post({
        username: "ba-ukendt",
        displayName: "Ukendt enhed",
        role: "budgetansvarlig",
        unitIds: [987_654],
      });
      expect(unknown.statusCode).toBe(400);
      expect(issuesOf(unknown).map((i) => i.field)).toEqual(["body.unitIds"]);
      const okonomi = await post({
        username: "ok-med",
        displayName: "Med enheder",
        role: "okonomi",
        unitIds: [job],
      });
      expect(okonomi.statusCode).toBe(400);
      expect(issuesOf(okonomi)).toEqual([{ field: "body.unitIds", reason: "skal være tom for denne rolle" }]);

      const ok = await post({
        username: "ba-job",
        displayName: "Jobcenterchef",
        role: "budgetansvarlig",
        unitIds: [job],
      });
      expect(ok.statusCode, ok.body).toBe(201);
      expect((ok.json() as { user: UserJson }).user.units).toEqual([
        { id: job, municipalityCode: "326", name: "Jobcenter" },
      ]);
      // Nothing was created by the refused attempts.
      const names = ((await send(adminToken, { url: "/api/users" })).json() as UserJson[]).map(
        (u) => u.username,
      );
      expect(names).not.toContain("ba-uden");
      expect(names).not.toContain("ok-med");
    });

    it("is for administrators: 403 for other roles, 401 for nobody", async () => {
      const u = await makeUser("okonomi");
      const s = await signInAs(app, u.username, u.password);
      const payload = { username: "ikke-tilladt", displayName: "X", role: "administrator" };
      const byOkonomi = await post(payload, s.headers);
      expect(byOkonomi.statusCode).toBe(403);
      expect(byOkonomi.json()).toMatchObject({ code: "forbidden" });
      expect((await send(s.headers, { url: "/api/users" })).statusCode).toBe(403);
      expect((await send(await tokenHeaders(h.db, "okonomi"), { url: "/api/tokens" })).statusCode).toBe(403);
      expect((await app.inject({ method: "POST", url: "/api/users", payload })).statusCode).toBe(401);
      expect((await app.inject({ url: "/api/users" })).statusCode).toBe(401);
    });

    it("changes a user on the right version, and refuses a stale one with 409 and the current user", async () => {
      const u = await makeUser("politiker");
      const v = (await userJson(u.id)).version;
      const ok = await patch(u.id, { version: v, displayName: "Borgmester" });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ displayName: "Borgmester", version: v + 1 });

      const stale = await patch(u.id, { version: v, displayName: "Viceborgmester" });
      expect(stale.statusCode).toBe(409);
      expect(stale.json()).toMatchObject({
        code: "conflict",
        current: { id: u.id, displayName: "Borgmester", version: v + 1 },
      });
      expect((await userJson(u.id)).displayName).toBe("Borgmester");
      expect((await patch(987_654, { version: 1, displayName: "X" })).statusCode).toBe(404);
      expect((await patch(u.id, { displayName: "uden version" })).statusCode).toBe(400);
    });

    it("signs a disabled user out everywhere and keeps them out until enabled", async () => {
      const u = await makeUser("okonomi");
      const s = await signInAs(app, u.username, u.password);
      const off = await patch(u.id, { version: (await userJson(u.id)).version, disabled: true });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json()).toMatchObject({ disabled: true });
      expect(await sessionRows(u.id)).toEqual([]);
      expect((await sessionAnswer(s.cookie)).user).toBeNull();
      expect((await signIn(app, u.username, u.password)).statusCode).toBe(401);

      const on = await patch(u.id, { version: (await userJson(u.id)).version, disabled: false });
      expect(on.statusCode).toBe(200);
      expect((await signIn(app, u.username, u.password)).statusCode).toBe(200);
    });

    it("signs a user out when their role changes", async () => {
      const u = await makeUser("okonomi");
      const s = await signInAs(app, u.username, u.password);
      const r = await patch(u.id, { version: (await userJson(u.id)).version, role: "politiker" });
      expect(r.statusCode, r.body).toBe(200);
      expect((await sessionAnswer(s.cookie)).user).toBeNull();
      const again = await signInAs(app, u.username, u.password);
      expect((await sessionAnswer(again.cookie)).user?.role).toBe("politiker");
      expect((await putJob(again.headers)).statusCode).toBe(403);
    });

    it("gives a new one-time password and ends the user's sessions on a reset", async () => {
      const u = await makeUser("sekretariat");
      const s = await signInAs(app, u.username, u.password);
      const r = await send(adminSession.headers, {
        method: "POST",
        url: `/api/users/${u.id}/password-reset`,
      });
      expect(r.statusCode, r.body).toBe(200);
      const { oneTimePassword } = r.json() as { oneTimePassword: string };
      expect(oneTimePassword).toMatch(/^[a-zA-Z2-9]{16}$/);
      expect((await sessionAnswer(s.cookie)).user).toBeNull();
      expect((await signIn(app, u.username, u.password)).statusCode).toBe(401);
      const fresh = await signIn(app, u.username, oneTimePassword);
      expect(fresh.statusCode).toBe(200);
      expect((fresh.json() as SessionAnswer).user?.mustChangePassword).toBe(true);
      expect((await userJson(u.id)).mustChangePassword).toBe(true);
      // Without the CSRF token a browser cannot reset anybody's password.
      const forged = await send(
        { cookie: adminSession.cookie },
        { method: "POST", url: `/api/users/${u.id}/password-reset` },
      );
      expect(forged.statusCode).toBe(403);
    });

    it("shows a user's history without a password, a hash or a one-time password", async () => {
      const created = await post({ username: "historik", displayName: "Historik", role: "okonomi" });
      const { user, oneTimePassword } = created.json() as { user: UserJson; oneTimePassword: string };
      await patch(user.id, { version: 1, role: "sekretariat", displayName: "Historik Hansen" });
      const reset = await send(adminSession.headers, {
        method: "POST",
        url: `/api/users/${user.id}/password-reset`,
      });
      const secondPassword = (reset.json() as { oneTimePassword: string }).oneTimePassword;
      const s = await signInAs(app, "historik", secondPassword);
      const changed = await send(s.headers, {
        method: "POST",
        url: "/api/session/password",
        payload: { currentPassword: secondPassword, newPassword: "et-godt-nyt-kodeord-42" },
      });
      expect(changed.statusCode, changed.body).toBe(200);

      const r = await send(adminSession.headers, { url: `/api/users/${user.id}/history` });
      expect(r.statusCode, r.body).toBe(200);
      const entries = r.json() as EntryJson[];
      expect(entries.map((e) => e.action)).toEqual(["create", "update", "password_reset", "password_change"]);
      expect(entries[0]).toMatchObject({
        entityType: "user",
        entityId: String(user.id),
        actor: { kind: "user", id: String(admin.id), name: admin.displayName },
        before: null,
        after: { username: "historik", role: "okonomi", disabled: false, passwordSet: true },
      });
      expect(entries[1]).toMatchObject({
        before: { role: "okonomi", displayName: "Historik" },
        after: { role: "sekretariat", displayName: "Historik Hansen" },
      });
      for (const secret of [
        "scrypt$",
        oneTimePassword,
        secondPassword,
        "et-godt-nyt-kodeord-42",
        "password_hash",
      ]) {
        expect(r.body, secret).not.toContain(secret);
      }
      expect((await send(adminSession.headers, { url: "/api/users/987654/history" })).statusCode).toBe(404);
    });
  });

  describe("API tokens", () => {
    it("shows the secret once, lists and stores only its hash, and works with the token's role until revoked", async () => {
      const created = await send(adminSession.headers, {
        method: "POST",
        url: "/api/tokens",
        payload: { name: "Politikerportalen", role: "politiker" },
      });
      expect(created.statusCode, created.body).toBe(201);
      const { token, secret } = created.json() as { token: TokenJson; secret: string };
      expect(secret).toMatch(/^bvl_[A-Za-z0-9_-]{43}$/);
      expect(token).toMatchObject({
        name: "Politikerportalen",
        role: "politiker",
        createdBy: admin.displayName,
      });
      expect(token.prefix).toBe(secret.slice(0, 10));
      expect(token.revokedAt).toBeNull();

      const list = await send(adminSession.headers, { url: "/api/tokens" });
      expect(list.statusCode).toBe(200);
      expect((list.json() as TokenJson[]).some((t) => t.id === token.id)).toBe(true);
      expect(list.body).not.toContain(secret);
      expect(list.body).not.toContain(sha256(secret));

      const rows = (
        await sql<Record<string, unknown>>`select * from api_token where id = ${token.id}`.execute(h.db)
      ).rows;
      expect(rows).toHaveLength(1);
      expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]?.token_hash).toBe(sha256(secret));
      expect(JSON.stringify(rows)).not.toContain(secret);

      const bearer = { authorization: `Bearer ${secret}` };
      const read = await send(bearer, { url: `/api/nodes/${job}/figures?year=2024` });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json()).toMatchObject({ editable: false });
      expect((await send(bearer, { url: "/api/municipalities/326" })).statusCode).toBe(200);
      const write = await putJob(bearer);
      expect(write.statusCode).toBe(403);
      expect(write.json()).toMatchObject({ code: "forbidden" });
      expect((await send(bearer, { url: "/api/users" })).statusCode).toBe(403);
      const used = (await send(adminToken, { url: "/api/tokens" })).json() as TokenJson[];
      expect(used.find((t) => t.id === token.id)?.lastUsedAt).not.toBeNull();

      const revoked = await send(adminSession.headers, { method: "DELETE", url: `/api/tokens/${token.id}` });
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect((revoked.json() as TokenJson).revokedAt).not.toBeNull();
      const after = await send(bearer, { url: "/api/municipalities/326" });
      expect(after.statusCode).toBe(401);
      expect(after.json()).toMatchObject({ code: "unauthenticated" });
      // Published data is public, but a revoked token is refused, not treated as nobody.
      expect((await send(bearer, { url: "/api/municipalities/340" })).statusCode).toBe(401);
      expect(
        (await send(adminSession.headers, { method: "DELETE", url: "/api/tokens/987654" })).statusCode,
      ).toBe(404);
    });

    it("refuses a garbage bearer with 401 instead of answering as nobody", async () => {
      expect((await app.inject({ url: "/api/municipalities/340" })).statusCode).toBe(200);
      for (const authorization of [
        "Bearer bvl_detteerikkeennoegle",
        `Bearer bvl_${"A".repeat(43)}`,
        "Bearer noget-helt-andet",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer",
      ]) {
        const r = await app.inject({ url: "/api/municipalities/340", headers: { authorization } });
        expect(r.statusCode, authorization).toBe(401);
        expect(r.json()).toMatchObject({ code: "unauthenticated" });
      }
    });

    it("gives a budgetansvarlig token units, and writes only inside them", async () => {
      const none = await send(adminSession.headers, {
        method: "POST",
        url: "/api/tokens",
        payload: { name: "Uden enheder", role: "budgetansvarlig" },
      });
      expect(none.statusCode).toBe(400);
      expect(issuesOf(none).map((i) => i.field)).toEqual(["body.unitIds"]);
      const r = await send(adminSession.headers, {
        method: "POST",
        url: "/api/tokens",
        payload: { name: "Jobcenterets integration", role: "budgetansvarlig", unitIds: [job] },
      });
      expect(r.statusCode, r.body).toBe(201);
      const bearer = { authorization: `Bearer ${(r.json() as { secret: string }).secret}` };
      expect((await putJob(bearer)).statusCode).toBe(200);
      const soroe = await findMunicipality(h.db, "340");
      const adm = soroe ? await findNodeByCode(h.db, soroe.id, "ADM") : undefined;
      expect((await send(bearer, { url: `/api/nodes/${adm?.id}/figures` })).statusCode).toBe(403);
    });
  });

  describe("the audit trail", () => {
    it("names the signed-in user, or the token, as the author of a change", async () => {
      const byUser = await putJob(adminSession.headers, 200n);
      expect(byUser.statusCode, byUser.body).toBe(200);
      const tokenMade = await send(adminSession.headers, {
        method: "POST",
        url: "/api/tokens",
        payload: { name: "Økonomisystemet", role: "okonomi" },
      });
      const { token, secret } = tokenMade.json() as { token: TokenJson; secret: string };
      const byToken = await putJob({ authorization: `Bearer ${secret}` }, 300n);
      expect(byToken.statusCode, byToken.body).toBe(200);

      const history = (
        await send(adminToken, { url: `/api/nodes/${job}/history?year=2024&kind=budget` })
      ).json() as {
        actor: EntryJson["actor"];
      }[];
      expect(history.at(-2)?.actor).toEqual({ kind: "user", id: String(admin.id), name: admin.displayName });
      expect(history.at(-1)?.actor).toEqual({ kind: "token", id: String(token.id), name: "Økonomisystemet" });

      const userMade = await send(
        { authorization: `Bearer ${secret}` },
        {
          method: "POST",
          url: "/api/users",
          payload: { username: "af-noeglen", displayName: "X", role: "politiker" },
        },
      );
      expect(userMade.statusCode).toBe(403);
      const adminMade = await send(adminToken, {
        method: "POST",
        url: "/api/users",
        payload: { username: "af-admin-noeglen", displayName: "Af nøglen", role: "politiker" },
      });
      const id = (adminMade.json() as { user: UserJson }).user.id;
      const [record] = await historyOf(h.db, "user", id);
      expect(record?.actor).toMatchObject({ kind: "token" });
      expect(record?.actor.name).toMatch(/^test-administrator-/);
      const [tokenRecord] = await historyOf(h.db, "api_token", token.id);
      expect(tokenRecord).toMatchObject({
        action: "create",
        actor: { kind: "user", id: String(admin.id), name: admin.displayName },
      });
      expect(JSON.stringify(tokenRecord)).not.toContain(secret);
    });
  });

  describe("the last administrator", () => {
    let db: DatabaseHandle;
    let own: FastifyInstance;
    beforeAll(async () => {
      db = await openTestDatabase(engine);
      own = await buildApp({ db: db.db });
    });
    afterAll(async () => {
      await own?.close();
      await db?.close();
    });

    it("cannot be disabled or demoted, and two administrators cannot disable each other at once", async () => {
      const make = async (username: string) => {
        const password = `${username}-kodeord-123`;
        const { user } = await createUser(
          db.db,
          { username, displayName: username, role: "administrator", unitIds: [] },
          SYSTEM_ACTOR,
          { password, mustChangePassword: false },
        );
        return { id: user.id, session: await signInAs(own, username, password), password, username };
      };
      const a = await make("admin-a");
      const b = await make("admin-b");
      const versionOf = async (id: number) =>
        (await sql<{ version: number }>`select version from app_user where id = ${id}`.execute(db.db)).rows[0]
          ?.version ?? 0;
      const patchAs = async (who: BrowserSession, id: number, body: Record<string, unknown>) =>
        own.inject({
          method: "PATCH",
          url: `/api/users/${id}`,
          headers: who.headers,
          payload: { version: await versionOf(id), ...body },
        });

      expect((await patchAs(a.session, b.id, { disabled: true })).statusCode).toBe(200);
      const versionBefore = await versionOf(a.id);
      for (const change of [{ disabled: true }, { role: "okonomi" }]) {
        const r = await patchAs(a.session, a.id, change);
        expect(r.statusCode, JSON.stringify(change)).toBe(400);
        expect(r.json()).toEqual({ error: "Der skal være mindst én aktiv administrator" });
      }
      expect(await versionOf(a.id)).toBe(versionBefore);
      // Other changes to the last administrator are fine.
      expect((await patchAs(a.session, a.id, { displayName: "Eneste administrator" })).statusCode).toBe(200);

      // Two active administrators, each disabling the other at the same moment: one must lose.
      expect((await patchAs(a.session, b.id, { disabled: false })).statusCode).toBe(200);
      for (let round = 0; round < 3; round++) {
        const [versionA, versionB] = [await versionOf(a.id), await versionOf(b.id)];
        const results = await Promise.allSettled([
          updateUser(
            db.db,
            b.id,
            { version: versionB, disabled: true },
            { kind: "user", id: String(a.id), name: "A" },
          ),
          updateUser(
            db.db,
            a.id,
            { version: versionA, disabled: true },
            { kind: "user", id: String(b.id), name: "B" },
          ),
        ]);
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        const lost = results.find((r) => r.status === "rejected");
        expect((lost as PromiseRejectedResult | undefined)?.reason).toBeInstanceOf(BadRequest);
        const active = await sql<{ id: number }>`
          select id from app_user where role = 'administrator' and not disabled`.execute(db.db);
        expect(active.rows).toHaveLength(1);
        // Enable the other one again for the next round.
        const disabled = results[0]?.status === "fulfilled" ? b.id : a.id;
        await updateUser(
          db.db,
          disabled,
          { version: await versionOf(disabled), disabled: false },
          SYSTEM_ACTOR,
        );
      }
    });
  });

  describe("sign-in through the municipality's identity provider", () => {
    let provider: TestOidcProvider;
    let oidcApp: FastifyInstance;
    const log: string[] = [];
    /** Everything secret that passed through the logged app: none of it may be in the log. */
    const secrets: string[] = [];

    beforeAll(async () => {
      provider = await startOidcProvider({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [REDIRECT_URI],
        accounts: {
          "sub-anna": { preferred_username: "oidc-anna", email: "anna@kalundborg.test", name: "Anna" },
          "sub-ny": { preferred_username: "oidc-ny" },
          "sub-ukendt": { preferred_username: "ingen-saadan-bruger" },
          "sub-spaerret": { preferred_username: "oidc-spaerret" },
          "sub-log": { preferred_username: "oidc-log" },
          "sub-egen": { preferred_username: "oidc-egen-kode" },
        },
      });
      const client = await OidcClient.create({
        issuer: provider.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: REDIRECT_URI,
        scopes: "openid profile email",
        usernameClaim: "preferred_username",
        label: "Log ind med testudbyderen",
        allowHttp: true,
      });
      oidcApp = await buildApp({
        db: h.db,
        logger: {
          level: "info",
          stream: {
            write: (line: string) => {
              log.push(line);
            },
          },
        },
        auth: { secureCookies: false, oidc: client },
      });
      // Made by an administrator for the identity provider: a one-time password never used.
      await makeUser("okonomi", { username: "oidc-anna", mustChangePassword: true });
      await makeUser("okonomi", { username: "oidc-log", mustChangePassword: true });
      await makeUser("okonomi", { username: "oidc-egen-kode" });
      const off = await makeUser("okonomi", { username: "oidc-spaerret", mustChangePassword: true });
      await updateUser(h.db, off.id, { version: 1, disabled: true }, SYSTEM_ACTOR);
    });
    afterAll(async () => {
      await oidcApp?.close();
      await provider?.close();
    });

    async function start(returnTo?: string) {
      const url =
        returnTo === undefined
          ? "/api/auth/oidc/start"
          : `/api/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`;
      const r = await oidcApp.inject({ url });
      expect(r.statusCode, r.body).toBe(303);
      const line = cookieNamed(r, "bevilling_oidc");
      if (!line) throw new Error("ingen bevilling_oidc-cookie");
      const cookie = line.split(";")[0] as string;
      const location = String(r.headers.location);
      secrets.push(cookieValue(cookie));
      return { location, cookie, line };
    }
    async function callback(url: string, cookie?: string) {
      const u = new URL(url);
      expect(`${u.origin}${u.pathname}`).toBe(REDIRECT_URI);
      const code = u.searchParams.get("code");
      if (code) secrets.push(code);
      const r = await oidcApp.inject({ url: `${u.pathname}${u.search}`, headers: cookie ? { cookie } : {} });
      const session = cookieNamed(r, "bevilling_session");
      if (session) secrets.push(cookieValue(session.split(";")[0] as string));
      return r;
    }
    async function signInThrough(accountId: string, returnTo?: string) {
      const s = await start(returnTo);
      return callback(await provider.signIn(s.location, accountId), s.cookie);
    }
    function loginError(r: LightMyRequestResponse): string {
      expect(r.statusCode, r.body).toBe(303);
      const to = new URL(String(r.headers.location), "http://bevilling.test");
      expect(to.pathname).toBe("/log-ind");
      expect(cookieNamed(r, "bevilling_session")).toBeUndefined();
      return to.searchParams.get("fejl") ?? "";
    }

    it("sends the browser to the provider with a cookie that ties the answer to this browser", async () => {
      const s = await start("/kommune/340");
      const to = new URL(s.location);
      expect(`${to.origin}/`).toBe(`${provider.issuer}/`);
      expect(to.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
      expect(to.searchParams.get("code_challenge_method")).toBe("S256");
      const state = to.searchParams.get("state");
      expect(cookieValue(s.cookie)).toBe(state);
      expect(attributesOf(s.line)).toEqual(["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=600"]);
      // Only the state's hash is kept while the browser is away.
      const pending = await sql<{ state_hash: string; return_to: string }>`
        select state_hash, return_to from oidc_pending where state_hash = ${sha256(state ?? "")}`.execute(
        h.db,
      );
      expect(pending.rows).toEqual([{ state_hash: sha256(state ?? ""), return_to: "/kommune/340" }]);
      const all = JSON.stringify((await sql`select * from oidc_pending`.execute(h.db)).rows);
      expect(all).not.toContain(state);
    });

    it("signs in a user of the same username and returns to where sign-in started", async () => {
      const r = await signInThrough("sub-anna", "/kommune/340");
      expect(r.statusCode, r.body).toBe(303);
      expect(r.headers.location).toBe("/kommune/340");
      const session = cookieNamed(r, "bevilling_session");
      expect(attributesOf(session ?? "")).toEqual(
        expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/"]),
      );
      expect(attributesOf(cookieNamed(r, "bevilling_oidc") ?? "")).toContain("Max-Age=0");
      const cookie = (session ?? "").split(";")[0] as string;
      const me = await sessionAnswer(cookie, oidcApp);
      expect(me.user).toMatchObject({ username: "oidc-anna", role: "okonomi", mustChangePassword: false });
      expect(me.oidc).toEqual({ enabled: true, label: "Log ind med testudbyderen" });

      // The provider's subject is linked: it alone identifies the user from now on.
      const linked = await sql<{ oidc_issuer: string; oidc_subject: string }>`
        select oidc_issuer, oidc_subject from app_user where username = 'oidc-anna'`.execute(h.db);
      expect(linked.rows).toEqual([{ oidc_issuer: provider.issuer, oidc_subject: "sub-anna" }]);
      const again = await signInThrough("sub-anna");
      expect(again.headers.location).toBe("/");
      expect(cookieNamed(again, "bevilling_session")).toBeDefined();
    });

    it("refuses a callback in a browser that did not start the sign-in", async () => {
      const s = await start();
      const url = await provider.signIn(s.location, "sub-anna");
      expect(loginError(await callback(url))).toMatch(/start forfra/);
      // The attempt is spent: the right browser cannot finish it afterwards either.
      expect(loginError(await callback(url, s.cookie))).toMatch(/start forfra/);
      // Nor does another sign-in's cookie fit.
      const other = await start();
      const mine = await start();
      const url2 = await provider.signIn(mine.location, "sub-anna");
      expect(loginError(await callback(url2, other.cookie))).toMatch(/start forfra/);
    });

    it("refuses the same callback twice", async () => {
      const s = await start("/kommune/326");
      const url = await provider.signIn(s.location, "sub-anna");
      const first = await callback(url, s.cookie);
      expect(first.headers.location).toBe("/kommune/326");
      expect(loginError(await callback(url, s.cookie))).not.toBe("");
    });

    it("turns away an account without a Bevilling user, and a disabled user", async () => {
      expect(loginError(await signInThrough("sub-ukendt"))).toBe(UNKNOWN_EXTERNAL_USER);
      // A user who has chosen a password of their own is not taken over by a provider account of the same name.
      expect(loginError(await signInThrough("sub-egen"))).toBe(UNKNOWN_EXTERNAL_USER);
      expect(UNKNOWN_EXTERNAL_USER).toContain("ingen bruger");
      expect(loginError(await signInThrough("sub-spaerret"))).toBe(UNKNOWN_EXTERNAL_USER);
      const users = await sql<{ username: string }>`
        select username from app_user where username = 'ingen-saadan-bruger'`.execute(h.db);
      expect(users.rows).toEqual([]);
    });

    it("returns only to addresses inside Bevilling", async () => {
      for (const returnTo of [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "evil.example",
      ]) {
        const r = await signInThrough("sub-anna", returnTo);
        expect(r.statusCode, JSON.stringify(returnTo)).toBe(303);
        expect(r.headers.location, JSON.stringify(returnTo)).toBe("/");
      }
      const inside = await signInThrough("sub-anna", "/kommune/340/oversigt?aar=2025");
      expect(inside.headers.location).toBe("/kommune/340/oversigt?aar=2025");
    });

    it("reports a sign-in the user declined at the provider", async () => {
      const s = await start();
      const url = await provider.deny(s.location);
      expect(new URL(url).searchParams.get("error")).toBe("access_denied");
      expect(loginError(await callback(url, s.cookie))).toMatch(/adgang blev nægtet/);
    });

    it("lets a user with a one-time password in and voids the one-time password", async () => {
      const created = await send(adminSession.headers, {
        method: "POST",
        url: "/api/users",
        payload: { username: "oidc-ny", displayName: "Ny via udbyderen", role: "sekretariat" },
      });
      const { oneTimePassword } = created.json() as { oneTimePassword: string };
      const r = await signInThrough("sub-ny", "/kommune/326");
      expect(r.headers.location).toBe("/kommune/326");
      const cookie = (cookieNamed(r, "bevilling_session") ?? "").split(";")[0] as string;
      expect((await sessionAnswer(cookie, oidcApp)).user?.mustChangePassword).toBe(false);
      expect((await oidcApp.inject({ url: "/api/municipalities/326", headers: { cookie } })).statusCode).toBe(
        200,
      );
      // The administrator saw the one-time password; it must not become a lasting password.
      expect((await signIn(app, "oidc-ny", oneTimePassword)).statusCode).toBe(401);
      const user = ((await send(adminToken, { url: "/api/users" })).json() as UserJson[]).find(
        (u) => u.username === "oidc-ny",
      );
      expect(user).toMatchObject({ oidcLinked: true, hasPassword: false, mustChangePassword: false });
    });

    it("says so when no identity provider is configured", async () => {
      expect(loginError(await app.inject({ url: "/api/auth/oidc/start" }))).toMatch(/ikke sat op/);
      expect(loginError(await app.inject({ url: "/api/auth/oidc/callback?code=x&state=y" }))).toMatch(
        /ikke sat op/,
      );
      expect(((await app.inject({ url: "/api/session" })).json() as SessionAnswer).oidc.enabled).toBe(false);
    });

    it("writes no password, cookie, token, code or state to the log", async () => {
      const u = await makeUser("okonomi");
      secrets.push(u.password);
      const signedIn = await signIn(oidcApp, u.username, u.password);
      expect(signedIn.statusCode).toBe(200);
      const s = sessionOf(signedIn);
      secrets.push(cookieValue(s.cookie), s.csrfToken);

      const wrong = `${u.password}-forkert`;
      secrets.push(wrong);
      expect((await signIn(oidcApp, u.username, wrong)).statusCode).toBe(401);

      const newPassword = "et-nyt-hemmeligt-kodeord";
      secrets.push(newPassword);
      const changed = await oidcApp.inject({
        method: "POST",
        url: "/api/session/password",
        headers: s.headers,
        payload: { currentPassword: u.password, newPassword },
      });
      expect(changed.statusCode).toBe(200);

      const bearer = await tokenHeaders(h.db, "okonomi");
      secrets.push(bearer.authorization.slice("Bearer ".length));
      expect((await oidcApp.inject({ url: "/api/municipalities/326", headers: bearer })).statusCode).toBe(
        200,
      );
      const revoked = `bvl_${randomBytes(32).toString("base64url")}`;
      secrets.push(revoked);
      expect(
        (
          await oidcApp.inject({
            url: "/api/municipalities/326",
            headers: { authorization: `Bearer ${revoked}` },
          })
        ).statusCode,
      ).toBe(401);

      const r = await signInThrough("sub-log", "/kommune/340");
      expect(r.headers.location).toBe("/kommune/340");
      const failed = await start();
      const declined = await provider.deny(failed.location);
      loginError(await callback(declined, failed.cookie));

      const text = log.join("");
      // The log is there and names the requests...
      expect(text).toContain("logget ind");
      expect(text).toContain("logget ind via identitetsudbyder");
      expect(text).toContain('"url":"/api/auth/oidc/callback"');
      expect(text).toContain('"url":"/api/session/password"');
      // ...but none of the secrets that travelled with them.
      expect(secrets.length).toBeGreaterThan(10);
      for (const secret of new Set(secrets)) {
        expect(secret.length).toBeGreaterThanOrEqual(10);
        expect(text.includes(secret), `hemmeligheden ${secret.slice(0, 4)}… står i loggen`).toBe(false);
        expect(text.includes(encodeURIComponent(secret)), "URL-kodet").toBe(false);
      }
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain("scrypt$");
      expect(text).not.toMatch(/[?&]code=/);
    });
  });

  it("leaves an audit chain that verifies", async () => {
    const v = await verifyAudit(h.db);
    expect(v.ok, JSON.stringify(v)).toBe(true);
  });
});
