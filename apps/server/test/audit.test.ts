/**
 * The audit trail through the API: changes made over HTTP are recorded under the actor the
 * server names (actorOf), and the three read-only routes show a municipality's records, the
 * history of one entity and the history of one budget figure.
 */
import type { DatabaseHandle } from "@bevilling/db";
import { verifyAudit } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { loadDemo } from "@bevilling/services";
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/index.ts";
import { type BrowserSession, userSession } from "./support/auth.ts";

const b64 = (s: string) => Buffer.from(s, "utf-8").toString("base64");

const BUDGET_BY_AREA = {
  kind: "amounts",
  node: "Område",
  unit: "tkr",
  priceYear: 2025,
  amounts: [{ column: "Budget 2025", year: 2025, kind: "budget" }],
};

interface Entry {
  id: number;
  at: string;
  actor: { kind: string; name: string; id?: string };
  municipalityId: number | null;
  entityType: string;
  entityId: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
  hash: string;
  prevHash: string;
}

describe.each(testEngines())("the audit API on %s", (engine) => {
  let h: DatabaseHandle;
  let app: FastifyInstance;
  let adm: number;
  /** An administrator signed in through the browser's way: the audit trail must name them. */
  let admin: BrowserSession;
  const inject = (opts: InjectOptions) =>
    app.inject({ ...opts, headers: { ...admin.headers, ...(opts.headers as object | undefined) } });

  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    app = await buildApp({ db: h.db });
    admin = await userSession(app, h.db, "administrator");
    const nodes = (await inject({ url: "/api/municipalities/340/organisation" })).json() as {
      id: number;
      code: string;
    }[];
    adm = nodes.find((n) => n.code === "ADM")?.id as number;
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it("records settings changed over HTTP under the API's actor and lists them, newest first", async () => {
    const patch = await inject({
      method: "PATCH",
      url: "/api/municipalities/340/settings",
      payload: { budgetYear: 2026 },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const r = await inject({ url: "/api/municipalities/340/audit?limit=3" });
    expect(r.statusCode, r.body).toBe(200);
    const entries = r.json() as Entry[];
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({
      actor: { kind: "user", name: "Test administrator" },
      entityType: "municipality",
      action: "settings",
      before: { budgetYear: 2025 },
      after: { budgetYear: 2026 },
      reason: null,
    });
    expect(entries[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(entries[0]?.at as string).getTime()).not.toBeNaN();
    expect((entries[0]?.id as number) > (entries[1]?.id as number)).toBe(true);
    // Paging back and filtering.
    const older = (
      await inject({ url: `/api/municipalities/340/audit?before=${entries[0]?.id}&entityType=import` })
    ).json() as Entry[];
    expect(older.length).toBeGreaterThan(0);
    for (const e of older)
      expect(e).toMatchObject({ entityType: "import", municipalityId: entries[0]?.municipalityId });
  });

  it("shows the history of one budget figure after two imports over HTTP", async () => {
    for (const amount of ["304.620", "305.000"]) {
      const r = await inject({
        method: "POST",
        url: "/api/municipalities/340/imports",
        payload: {
          fileName: `budget-${amount}.csv`,
          content: b64(`Område;Budget 2025\nADM;${amount}\n`),
          mapping: BUDGET_BY_AREA,
        },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const r = await inject({ url: `/api/nodes/${adm}/history?year=2025&kind=budget` });
    expect(r.statusCode, r.body).toBe(200);
    const changes = r.json() as Record<string, unknown>[];
    // The demo imports the base budget and adopts "Budgetaftalen 2025" onto it (no file).
    expect(changes.map((c) => [c.fileName, c.oldAmount, c.newAmount])).toEqual([
      ["soroe-oekonomiudvalget-grundbudget.csv", null, "25656800000"],
      [null, "25656800000", "25917800000"],
      ["budget-304.620.csv", "25917800000", "30462000000"],
      ["budget-305.000.csv", "30462000000", "30500000000"],
    ]);
    expect(changes[1]).toMatchObject({ entityType: "agreement", action: "adopt" });
    expect(changes[3]).toMatchObject({
      actor: { kind: "user", name: "Test administrator" },
      newPriceYear: 2025,
    });
    // Danish words for the kind work too; an account the figure was never booked on has no history.
    expect((await inject({ url: `/api/nodes/${adm}/history?year=2023&kind=regnskab` })).json()).toHaveLength(
      1,
    );
    expect(
      (await inject({ url: `/api/nodes/${adm}/history?year=2025&kind=budget&accountId=999` })).json(),
    ).toEqual([]);
  });

  it("shows the records about one entity, oldest first", async () => {
    const saved = await inject({
      method: "PUT",
      url: "/api/municipalities/340/mappings/budget-omraade",
      payload: { mapping: BUDGET_BY_AREA, version: null },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const [rec] = (
      await inject({ url: "/api/municipalities/340/audit?entityType=import_mapping&limit=1" })
    ).json() as Entry[];
    expect(rec).toMatchObject({ action: "create", after: { name: "budget-omraade" } });
    const history = (
      await inject({ url: `/api/audit/history?entityType=import_mapping&entityId=${rec?.entityId}` })
    ).json() as Entry[];
    expect(history.map((e) => e.id)).toEqual([rec?.id]);
    const node = (
      await inject({ url: `/api/audit/history?entityType=org_node&entityId=${adm}` })
    ).json() as Entry[];
    expect(node).toMatchObject([{ action: "create", after: { code: "ADM", name: "Administration" } }]);
  });

  it("answers bad queries with 400 and the field, and an unknown node with 404", async () => {
    const bad = await inject({ url: `/api/nodes/${adm}/history?year=20x5&kind=furlongs` });
    expect(bad.statusCode).toBe(400);
    const fields = (bad.json() as { issues: { field: string }[] }).issues.map((i) => i.field).sort();
    expect(fields).toEqual(["query.kind", "query.year"]);
    expect((await inject({ url: `/api/nodes/${adm}/history?kind=budget` })).statusCode).toBe(400);
    expect((await inject({ url: "/api/nodes/999999/history?year=2025&kind=budget" })).statusCode).toBe(404);
    expect((await inject({ url: "/api/audit/history?entityType=import" })).statusCode).toBe(400);
    expect((await inject({ url: "/api/municipalities/340/audit?limit=0" })).statusCode).toBe(400);
    expect((await inject({ url: "/api/municipalities/999/audit" })).statusCode).toBe(404);
  });

  it("leaves a chain that verifies", async () => {
    expect((await verifyAudit(h.db)).ok).toBe(true);
  });
});
