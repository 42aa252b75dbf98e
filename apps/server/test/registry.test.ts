import { Writable } from "node:stream";
import type { Database } from "@bevilling/db";
import Fastify from "fastify";
import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../src/api/index.ts";
import { ACCESS_LEVELS, buildApp, listRoutes } from "../src/index.ts";
import { registerRoute, requireAccess } from "../src/routes.ts";

describe("route registry", () => {
  it("gives every route a permission, a Danish summary and a tag", () => {
    expect(ROUTES.length).toBeGreaterThan(15);
    for (const r of ROUTES) {
      const name = `${r.method} ${r.url}`;
      expect(ACCESS_LEVELS, name).toContain(r.access);
      expect(r.summary.length, name).toBeGreaterThan(3);
      expect(r.tags.length, name).toBeGreaterThan(0);
      expect(r.response.description.length, name).toBeGreaterThan(3);
    }
    expect(new Set(ROUTES.map((r) => `${r.method} ${r.url}`)).size).toBe(ROUTES.length);
  });

  it("lists the routes with the permission each needs", () => {
    const byRoute = Object.fromEntries(listRoutes().map((r) => [`${r.method} ${r.url}`, r.access]));
    expect(byRoute).toMatchObject({
      "GET /api/health": "public",
      "GET /api/openapi.json": "public",
      "POST /api/session": "public",
      "DELETE /api/session": "signedIn",
      "GET /api/municipalities": "published",
      "POST /api/municipalities": "admin",
      "GET /api/nodes/:id/overview": "published",
      "PUT /api/nodes/:id/figures": "unitWrite",
      "POST /api/municipalities/:m/imports": "write",
      "PUT /api/municipalities/:m/mappings/:name": "write",
      "POST /api/municipalities/:m/price-indexes": "write",
      "GET /api/municipalities/:m/export": "read",
      "GET /api/municipalities/:m/audit": "admin",
      "GET /api/audit/history": "write",
      "GET /api/nodes/:id/history": "read",
      "GET /api/users": "admin",
      "POST /api/tokens": "admin",
    });
    // Every change goes through a permission above reading, except signing in and out.
    const selfService = ["POST /api/session", "DELETE /api/session", "POST /api/session/password"];
    // A POST that only computes (its body is too large for a query string) and stores nothing.
    const computeOnly = ["POST /api/municipalities/:m/agreements/preview"];
    for (const r of listRoutes()) {
      if (r.method === "GET" || selfService.includes(`${r.method} ${r.url}`)) continue;
      if (computeOnly.includes(`${r.method} ${r.url}`)) continue;
      expect(["unitWrite", "write", "admin"], `${r.method} ${r.url}`).toContain(r.access);
    }
  });

  it("makes every route about a municipality or a unit declare its scope, so unit limits apply", () => {
    for (const r of ROUTES) {
      const aboutPart = r.url.includes("/:m") || r.url.startsWith("/api/nodes/:id");
      // Administrators reach everything; for them a scope would change nothing.
      if (aboutPart && r.access !== "admin") expect(r.scope, `${r.method} ${r.url}`).toBeDefined();
    }
  });

  it("refuses to register a route that does not declare its access", async () => {
    const app = Fastify();
    app.addHook("onRoute", requireAccess);
    expect(() => app.get("/api/uden-adgang", async () => "x")).toThrow(/mangler en gyldig adgang/);
    expect(() =>
      app.route({
        method: "GET",
        url: "/api/forkert",
        config: { access: "alle" as never },
        handler: async () => "x",
      }),
    ).toThrow(/mangler en gyldig adgang/);
    expect(() =>
      app.route({ method: "GET", url: "/api/ok", config: { access: "read" }, handler: async () => "x" }),
    ).not.toThrow();
    await app.close();
  });

  it("registers exactly the routes of the registry, each with its access in the route config", async () => {
    const seen: { method: string; url: string; access: unknown }[] = [];
    const probe = Fastify();
    probe.addHook("onRoute", (r) => {
      seen.push({ method: String(r.method), url: r.url, access: r.config?.access });
    });
    // buildApp registers through the same wrapper; replay it on a probe to read the configs.
    for (const r of ROUTES)
      registerRoute(
        probe,
        { db: {} as Kysely<Database>, auth: { secureCookies: false, oidc: null }, openapi: () => ({}) },
        r,
      );
    const gets = seen.filter((s) => s.method !== "HEAD");
    expect(gets.map((s) => [s.method, s.url, s.access])).toEqual(
      ROUTES.map((r) => [r.method, r.url, r.access]),
    );
    await probe.close();
    const app = await buildApp({ db: {} as Kysely<Database> });
    for (const r of ROUTES) expect(app.hasRoute({ method: r.method, url: r.url }), r.url).toBe(true);
    await app.close();
  });

  it("answers an unexpected failure with 500 and a Danish message, logging it without the request body", async () => {
    const log: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        log.push(String(chunk));
        done();
      },
    });
    // A database object without methods makes every query throw a TypeError deep inside a route.
    const app = await buildApp({ db: {} as Kysely<Database>, logger: { level: "error", stream } });
    const secret = Buffer.from("Hemmelig;Linje\n1;2\n").toString("base64");
    const r = await app.inject({
      method: "POST",
      url: "/api/municipalities/340/imports",
      // Looking the token up is the first query, and it throws.
      headers: { authorization: "Bearer bvl_hemmelig-noegle-0123456789" },
      payload: { fileName: "løn.csv", content: secret, mappingName: "standard-beloeb" },
    });
    await app.close();
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({ error: "Der opstod en intern fejl" });
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    const text = log.join("");
    expect(text).toContain("uventet fejl");
    expect(text).toContain("TypeError");
    expect(text).not.toContain(secret);
    expect(text).not.toContain("løn.csv");
    expect(text).not.toContain("hemmelig-noegle");
  });
});
