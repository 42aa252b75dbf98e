/**
 * The route-by-role matrix: every route of the server is called as every role (and as nobody),
 * and the answer must be the expected allowance or refusal. The expectations are written out
 * here by hand, independently of the policy table in core/access.ts, so a change to either
 * shows up as a failure to be looked at. A unit manager reaching for another unit's data by id
 * is among the cases, in an unpublished municipality (Kalundborg) and a published one (Sorø).
 *
 * "ok" means the call got past the permission check: any answer but 401 and 403 (a 400 for a
 * deliberately incomplete body proves it, and changes nothing).
 */

import { SYSTEM_ACTOR } from "@bevilling/core";
import type { DatabaseHandle } from "@bevilling/db";
import { findMunicipality, findNodeByCode } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { createToken, createUser, loadDemo } from "@bevilling/services";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../src/api/index.ts";
import { buildApp } from "../src/index.ts";
import { type BrowserSession, userSession } from "./support/auth.ts";

const WHO = ["anonym", "administrator", "okonomi", "budgetansvarlig", "sekretariat", "politiker"] as const;
type Who = (typeof WHO)[number];
type Outcome = "ok" | 401 | 403;
type Expect = Record<Who, Outcome>;

/** Compact expectations, in the order of WHO. */
function e(...o: [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]): Expect {
  return Object.fromEntries(WHO.map((w, i) => [w, o[i]])) as Expect;
}

const EVERYONE = e("ok", "ok", "ok", "ok", "ok", "ok");
const SIGNED_IN = e(401, "ok", "ok", "ok", "ok", "ok");
/** Reading a municipality-wide thing, which a budgetansvarlig may not. */
const READ_ALL = e(401, "ok", "ok", 403, "ok", "ok");
/** Reading inside the budgetansvarlig's own unit. */
const READ_OWN = SIGNED_IN;
const WRITE = e(401, "ok", "ok", 403, 403, 403);
const UNIT_WRITE_OWN = e(401, "ok", "ok", "ok", 403, 403);
const ADMIN = e(401, "ok", 403, 403, 403, 403);

interface Case {
  route: string;
  url: string;
  body?: unknown;
  expect: Expect;
}

describe.each(testEngines())("who may call which route on %s", (engine) => {
  let h: DatabaseHandle;
  let app: FastifyInstance;
  const sessions = new Map<Who, BrowserSession | null>();
  let cases: Case[];
  let job: number;

  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    app = await buildApp({ db: h.db });
    const kal = await findMunicipality(h.db, "326");
    const sor = await findMunicipality(h.db, "340");
    if (!kal || !sor) throw new Error("demodata mangler");
    const node = async (m: number, code: string) => {
      const n = await findNodeByCode(h.db, m, code);
      if (!n) throw new Error(`${code} mangler`);
      return n.id;
    };
    job = await node(kal.id, "JOB");
    const bs = await node(kal.id, "BS");
    const adm = await node(sor.id, "ADM");
    // Committees, for the remarks' committee document (Sorø's is published, Kalundborg's is not).
    const sorOeu = await node(sor.id, "OEU");
    const kalOeu = await node(kal.id, "OEU");
    sessions.set("anonym", null);
    for (const who of WHO) {
      if (who === "anonym") continue;
      sessions.set(who, await userSession(app, h.db, who, who === "budgetansvarlig" ? [job] : []));
    }
    // Things for the admin routes to act on, so they answer something real.
    const victim = await createUser(
      h.db,
      { username: "offer", displayName: "Offer", role: "politiker", unitIds: [] },
      SYSTEM_ACTOR,
    );
    const token = await createToken(h.db, { name: "offer", role: "politiker", unitIds: [] }, SYSTEM_ACTOR);
    const uid = victim.user.id;
    const tid = token.token.id;

    /** The same node route for a published unit, the budgetansvarlig's own and another unit. */
    const nodeCases = (
      route: string,
      path: (id: number) => string,
      expects: { published: Expect; own: Expect; other: Expect },
      body?: unknown,
    ): Case[] => [
      { route, url: path(adm), body, expect: expects.published },
      { route, url: path(job), body, expect: expects.own },
      { route, url: path(bs), body, expect: expects.other },
    ];
    /** A published municipality, the budgetansvarlig's unpublished one, and an unpublished one without their units. */
    const mCases = (
      route: string,
      path: (m: string) => string,
      expects: { published: Expect; own: Expect; other: Expect },
      body?: unknown,
    ): Case[] => [
      { route, url: path("340"), body, expect: expects.published },
      { route, url: path("326"), body, expect: expects.own },
      { route, url: path("330"), body, expect: expects.other },
    ];
    const published = (anonymousToo: boolean) => ({
      published: EVERYONE,
      own: anonymousToo ? SIGNED_IN : SIGNED_IN,
      other: e(401, "ok", "ok", 403, "ok", "ok"),
    });
    const readOnly = { published: READ_ALL, own: READ_ALL, other: READ_ALL };
    const writeOnly = { published: WRITE, own: WRITE, other: WRITE };
    const adminOnly = { published: ADMIN, own: ADMIN, other: ADMIN };
    const readUnit = { published: READ_ALL, own: READ_OWN, other: READ_ALL };
    const writeUnit = { published: WRITE, own: UNIT_WRITE_OWN, other: WRITE };

    cases = [
      { route: "GET /api/health", url: "/api/health", expect: EVERYONE },
      { route: "GET /api/openapi.json", url: "/api/openapi.json", expect: EVERYONE },
      { route: "GET /api/session", url: "/api/session", expect: EVERYONE },
      { route: "POST /api/session", url: "/api/session", body: { username: "x" }, expect: EVERYONE },
      { route: "DELETE /api/session", url: "/api/session", expect: SIGNED_IN },
      { route: "POST /api/session/password", url: "/api/session/password", body: {}, expect: SIGNED_IN },
      { route: "GET /api/auth/oidc/start", url: "/api/auth/oidc/start", expect: EVERYONE },
      { route: "GET /api/auth/oidc/callback", url: "/api/auth/oidc/callback?state=x", expect: EVERYONE },
      { route: "GET /api/users", url: "/api/users", expect: ADMIN },
      { route: "POST /api/users", url: "/api/users", body: {}, expect: ADMIN },
      { route: "PATCH /api/users/:id", url: `/api/users/${uid}`, body: {}, expect: ADMIN },
      { route: "POST /api/users/:id/password-reset", url: `/api/users/${uid}/password-reset`, expect: ADMIN },
      { route: "GET /api/users/:id/history", url: `/api/users/${uid}/history`, expect: ADMIN },
      { route: "GET /api/tokens", url: "/api/tokens", expect: ADMIN },
      { route: "POST /api/tokens", url: "/api/tokens", body: {}, expect: ADMIN },
      { route: "DELETE /api/tokens/:id", url: `/api/tokens/${tid}`, expect: ADMIN },
      { route: "GET /api/municipalities", url: "/api/municipalities", expect: EVERYONE },
      { route: "POST /api/municipalities", url: "/api/municipalities", body: {}, expect: ADMIN },
      ...mCases("GET /api/municipalities/:m", (m) => `/api/municipalities/${m}`, published(true)),
      ...mCases(
        "PATCH /api/municipalities/:m/settings",
        (m) => `/api/municipalities/${m}/settings`,
        adminOnly,
        { budgetYear: "x" },
      ),
      ...mCases(
        "GET /api/municipalities/:m/organisation",
        (m) => `/api/municipalities/${m}/organisation`,
        published(true),
      ),
      ...mCases(
        "GET /api/municipalities/:m/accounts",
        (m) => `/api/municipalities/${m}/accounts`,
        published(true),
      ),
      ...nodeCases("GET /api/nodes/:id", (id) => `/api/nodes/${id}`, published(true)),
      ...nodeCases("GET /api/nodes/:id/accounts", (id) => `/api/nodes/${id}/accounts`, published(true)),
      ...nodeCases("GET /api/nodes/:id/overview", (id) => `/api/nodes/${id}/overview`, published(true)),
      ...nodeCases("GET /api/nodes/:id/figures", (id) => `/api/nodes/${id}/figures`, readUnit),
      ...nodeCases("PUT /api/nodes/:id/figures", (id) => `/api/nodes/${id}/figures`, writeUnit, {}),
      ...nodeCases("GET /api/nodes/:id/changes", (id) => `/api/nodes/${id}/changes`, readUnit),
      ...nodeCases(
        "GET /api/nodes/:id/history",
        (id) => `/api/nodes/${id}/history?year=2024&kind=budget`,
        readUnit,
      ),
      { route: "POST /api/files/inspect", url: "/api/files/inspect", body: {}, expect: WRITE },
      ...mCases(
        "POST /api/municipalities/:m/imports",
        (m) => `/api/municipalities/${m}/imports`,
        writeOnly,
        {},
      ),
      ...mCases("GET /api/municipalities/:m/imports", (m) => `/api/municipalities/${m}/imports`, readOnly),
      ...mCases("GET /api/municipalities/:m/mappings", (m) => `/api/municipalities/${m}/mappings`, readOnly),
      ...mCases(
        "GET /api/municipalities/:m/mappings/:name",
        (m) => `/api/municipalities/${m}/mappings/standard-beloeb`,
        readOnly,
      ),
      ...mCases(
        "PUT /api/municipalities/:m/mappings/:name",
        (m) => `/api/municipalities/${m}/mappings/x`,
        writeOnly,
        {},
      ),
      ...mCases(
        "GET /api/municipalities/:m/mappings/:name/history",
        (m) => `/api/municipalities/${m}/mappings/x/history`,
        readOnly,
      ),
      ...mCases(
        "GET /api/municipalities/:m/price-indexes",
        (m) => `/api/municipalities/${m}/price-indexes`,
        readOnly,
      ),
      ...mCases(
        "POST /api/municipalities/:m/price-indexes",
        (m) => `/api/municipalities/${m}/price-indexes`,
        writeOnly,
        {},
      ),
      ...mCases(
        "GET /api/municipalities/:m/proposals",
        (m) => `/api/municipalities/${m}/proposals`,
        readOnly,
      ),
      ...mCases(
        "GET /api/municipalities/:m/proposals/document",
        (m) => `/api/municipalities/${m}/proposals/document?format=html`,
        readOnly,
      ),
      ...mCases(
        "POST /api/municipalities/:m/proposals/import",
        (m) => `/api/municipalities/${m}/proposals/import`,
        writeOnly,
        {},
      ),
      ...mCases(
        "POST /api/municipalities/:m/proposals",
        (m) => `/api/municipalities/${m}/proposals`,
        writeOnly,
        {},
      ),
      // Without ?version= the allowed roles get a 400: nothing is deleted.
      ...mCases(
        "DELETE /api/municipalities/:m/proposals/:id",
        (m) => `/api/municipalities/${m}/proposals/1`,
        writeOnly,
      ),
      ...mCases(
        "GET /api/municipalities/:m/proposals/:id",
        (m) => `/api/municipalities/${m}/proposals/1`,
        readOnly,
      ),
      ...mCases(
        "PATCH /api/municipalities/:m/proposals/:id",
        (m) => `/api/municipalities/${m}/proposals/1`,
        writeOnly,
        {},
      ),
      ...mCases(
        "GET /api/municipalities/:m/proposals/:id/history",
        (m) => `/api/municipalities/${m}/proposals/1/history`,
        readOnly,
      ),
      // Budget agreements are never public, not even in a published municipality (Sorø).
      ...mCases(
        "GET /api/municipalities/:m/agreements",
        (m) => `/api/municipalities/${m}/agreements`,
        readOnly,
      ),
      ...mCases(
        "POST /api/municipalities/:m/agreements",
        (m) => `/api/municipalities/${m}/agreements`,
        writeOnly,
        {},
      ),
      ...mCases(
        "POST /api/municipalities/:m/agreements/preview",
        (m) => `/api/municipalities/${m}/agreements/preview`,
        readOnly,
        {},
      ),
      ...mCases(
        "GET /api/municipalities/:m/agreements/compare",
        (m) => `/api/municipalities/${m}/agreements/compare?a=1&b=1`,
        readOnly,
      ),
      ...mCases(
        "GET /api/municipalities/:m/agreements/:id",
        (m) => `/api/municipalities/${m}/agreements/1`,
        readOnly,
      ),
      ...mCases(
        "PUT /api/municipalities/:m/agreements/:id",
        (m) => `/api/municipalities/${m}/agreements/1`,
        writeOnly,
        {},
      ),
      ...mCases(
        "DELETE /api/municipalities/:m/agreements/:id",
        (m) => `/api/municipalities/${m}/agreements/1?version=999999`,
        writeOnly,
      ),
      ...mCases(
        "POST /api/municipalities/:m/agreements/:id/adopt",
        (m) => `/api/municipalities/${m}/agreements/1/adopt`,
        writeOnly,
        {},
      ),
      ...mCases(
        "GET /api/municipalities/:m/agreements/:id/adoption",
        (m) => `/api/municipalities/${m}/agreements/1/adoption`,
        readOnly,
      ),
      ...mCases(
        "GET /api/municipalities/:m/agreements/:id/history",
        (m) => `/api/municipalities/${m}/agreements/1/history`,
        readOnly,
      ),
      ...mCases(
        "GET /api/municipalities/:m/appropriations",
        (m) => `/api/municipalities/${m}/appropriations`,
        readOnly,
      ),
      ...mCases(
        "POST /api/municipalities/:m/appropriations",
        (m) => `/api/municipalities/${m}/appropriations`,
        writeOnly,
        {},
      ),
      ...nodeCases("GET /api/nodes/:id/corrected", (id) => `/api/nodes/${id}/corrected?year=2024`, readUnit),
      ...nodeCases("GET /api/nodes/:id/carry-over", (id) => `/api/nodes/${id}/carry-over`, readUnit),
      ...nodeCases("PUT /api/nodes/:id/carry-over", (id) => `/api/nodes/${id}/carry-over`, writeOnly, {}),
      // The budget remarks: sections are read and written per node (a budgetansvarlig writes their
      // own area's); the documents are published with the budget.
      ...nodeCases("GET /api/nodes/:id/remarks", (id) => `/api/nodes/${id}/remarks`, readUnit),
      ...nodeCases("POST /api/nodes/:id/remarks", (id) => `/api/nodes/${id}/remarks`, writeUnit, {}),
      ...nodeCases(
        "PUT /api/nodes/:id/remarks/order",
        (id) => `/api/nodes/${id}/remarks/order`,
        writeUnit,
        {},
      ),
      ...nodeCases(
        "PATCH /api/nodes/:id/remarks/:section",
        (id) => `/api/nodes/${id}/remarks/1`,
        writeUnit,
        {},
      ),
      // A version no section has: the allowed roles get a 404 or 409, and nothing is deleted.
      ...nodeCases(
        "DELETE /api/nodes/:id/remarks/:section",
        (id) => `/api/nodes/${id}/remarks/1?version=999999`,
        writeUnit,
      ),
      ...nodeCases(
        "GET /api/nodes/:id/remarks/committee-document",
        (id) => `/api/nodes/${id}/remarks/committee-document?format=html`,
        published(true),
      ),
      {
        route: "GET /api/nodes/:id/remarks/committee-document",
        url: `/api/nodes/${sorOeu}/remarks/committee-document?format=html`,
        expect: EVERYONE,
      },
      {
        route: "GET /api/nodes/:id/remarks/committee-document",
        url: `/api/nodes/${kalOeu}/remarks/committee-document?format=html`,
        expect: e(401, "ok", "ok", 403, "ok", "ok"),
      },
      ...nodeCases(
        "GET /api/nodes/:id/remarks/areas-document",
        (id) => `/api/nodes/${id}/remarks/areas-document?format=html`,
        published(true),
      ),
      ...nodeCases(
        "PUT /api/nodes/:id/remarks/frame-budget",
        (id) => `/api/nodes/${id}/remarks/frame-budget`,
        writeOnly,
        {},
      ),
      ...mCases(
        "GET /api/municipalities/:m/remarks/settings",
        (m) => `/api/municipalities/${m}/remarks/settings`,
        readOnly,
      ),
      ...mCases(
        "PUT /api/municipalities/:m/remarks/settings",
        (m) => `/api/municipalities/${m}/remarks/settings`,
        writeOnly,
        {},
      ),
      ...mCases("GET /api/municipalities/:m/export", (m) => `/api/municipalities/${m}/export`, readOnly),
      ...mCases("GET /api/municipalities/:m/audit", (m) => `/api/municipalities/${m}/audit`, adminOnly),
      {
        route: "GET /api/audit/history",
        url: "/api/audit/history?entityType=org_node&entityId=1",
        expect: WRITE,
      },
      {
        // The history of users, tokens and municipalities is the administrator's alone.
        route: "GET /api/audit/history",
        url: "/api/audit/history?entityType=user&entityId=1",
        expect: ADMIN,
      },
    ];
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it("has a case for every route of the server, and no case for a route that does not exist", () => {
    const routes = ROUTES.map((r) => `${r.method} ${r.url}`).sort();
    expect([...new Set(cases.map((c) => c.route))].sort()).toEqual(routes);
  });

  it("answers every route as every role with the expected allowance or refusal", async () => {
    const wrong: string[] = [];
    for (const c of cases) {
      const [method] = c.route.split(" ") as [string, string];
      for (const who of WHO) {
        let session = sessions.get(who) ?? null;
        // Signing out would end the session the later cases use: sign out a fresh one.
        if (c.route === "DELETE /api/session" && session) {
          session = await userSession(
            app,
            h.db,
            who === "anonym" ? "politiker" : who,
            who === "budgetansvarlig" ? [job] : [],
          );
        }
        const r = await app.inject({
          method: method as "GET",
          url: c.url,
          headers: session ? session.headers : {},
          ...(c.body !== undefined ? { payload: c.body as object } : {}),
        });
        const got: Outcome = r.statusCode === 401 ? 401 : r.statusCode === 403 ? 403 : "ok";
        if (got !== c.expect[who]) {
          wrong.push(
            `${method} ${c.url} som ${who}: ${r.statusCode} (ventede ${c.expect[who]}) ${r.body.slice(0, 120)}`,
          );
        }
        if (r.statusCode >= 500) wrong.push(`${method} ${c.url} som ${who}: ${r.statusCode} ${r.body}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("narrows what a budgetansvarlig sees in an unpublished municipality to their units and the way up", async () => {
    const s = sessions.get("budgetansvarlig");
    const nodes = (
      await app.inject({ url: "/api/municipalities/326/organisation", headers: s?.headers ?? {} })
    ).json() as { code: string; readable: boolean }[];
    const readable = nodes.filter((n) => n.readable).map((n) => n.code);
    const onTheWay = nodes.filter((n) => !n.readable).map((n) => n.code);
    expect(readable).toEqual(["JOB"]);
    expect(onTheWay.sort()).toEqual(["326", "OEU"]);
    const list = (await app.inject({ url: "/api/municipalities", headers: s?.headers ?? {} })).json() as {
      code: string;
    }[];
    expect(list.map((m) => m.code).sort()).toEqual(["326", "340"]);
    const anonymous = (await app.inject({ url: "/api/municipalities" })).json() as { code: string }[];
    expect(anonymous.map((m) => m.code)).toEqual(["340"]);
  });

  it("refuses a caller before reading the body: no JSON error and no size error for nobody", async () => {
    for (const payload of ["{ikke json", "x".repeat(2 * 1024 * 1024)]) {
      const r = await app.inject({
        method: "POST",
        url: "/api/files/inspect",
        headers: { "content-type": "application/json" },
        payload,
      });
      expect(r.statusCode).toBe(401);
    }
    const politician = sessions.get("politiker");
    const r = await app.inject({
      method: "POST",
      url: "/api/users",
      headers: { ...politician?.headers, "content-type": "application/json" },
      payload: "{ikke json",
    });
    expect(r.statusCode).toBe(403);
  });

  it("lets nobody in without a session, whatever the address claims", async () => {
    // An id that does not exist is 404 for those who may look, and 401/403 for those who may not,
    // so a refused caller cannot tell existing units and municipalities from missing ones.
    expect((await app.inject({ url: "/api/nodes/999999/figures" })).statusCode).toBe(401);
    expect((await app.inject({ url: "/api/nodes/999999" })).statusCode).toBe(401);
    expect((await app.inject({ url: "/api/municipalities/999" })).statusCode).toBe(401);
    const unitManager = sessions.get("budgetansvarlig");
    for (const url of [
      "/api/nodes/999999",
      "/api/nodes/999999/figures",
      "/api/municipalities/999/organisation",
    ]) {
      expect((await app.inject({ url, headers: unitManager?.headers ?? {} })).statusCode, url).toBe(403);
    }
    const admin = sessions.get("administrator");
    expect(
      (await app.inject({ url: "/api/nodes/999999/figures", headers: admin?.headers ?? {} })).statusCode,
    ).toBe(404);
  });
});
