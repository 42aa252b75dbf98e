import type { DatabaseHandle } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { loadDemo } from "@bevilling/services";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, listRoutes } from "../src/index.ts";
import { tokenHeaders } from "./support/auth.ts";

/** Seed 000 as printed (see packages/services/test/demo-overview.test.ts: 351.608 is the sum of the areas). */
const SEED_000 = [
  ["Økonomiudvalget", "306.005", "351.608", "388.324", "384.273", "379.719", "381.305"],
  ["Puljer", "0", "0", "80.496", "80.232", "77.723", "79.709"],
  ["Administration", "259.092", "304.620", "259.178", "255.388", "253.341", "252.941"],
  ["Boligudvikling", "435", "782", "579", "579", "579", "579"],
  ["Borgerservice", "36.531", "35.785", "38.532", "38.533", "38.535", "38.535"],
  ["Lokaldemokrati", "368", "349", "343", "344", "344", "344"],
  ["Beredskab", "9.579", "10.072", "9.196", "9.197", "9.197", "9.197"],
];

interface Row {
  label: string;
  text: string[];
  exact: string[];
  printed: string[];
}

interface OverviewJson {
  columns: { year: number; kind: string; label: string }[];
  unitLabel: string;
  note: string;
  total: Row;
  rows: Row[];
  path: { code: string }[];
}

const b64 = (s: string) => Buffer.from(s, "utf-8").toString("base64");

const BUDGET_2025_BY_NODE = {
  kind: "amounts",
  node: "Område",
  unit: "tkr",
  priceYear: 2025,
  amounts: [{ column: "Budget 2025", year: 2025, kind: "budget" }],
};

const BUDGET_2025_BY_LEVELS = {
  kind: "amounts",
  levels: [
    { kind: "committee", code: "Udvalg", name: "Udvalgsnavn" },
    { kind: "area", code: "Område", name: "Områdenavn" },
  ],
  unit: "tkr",
  amounts: [{ column: "Budget 2025", year: 2025, kind: "budget" }],
};

const LEVELS_FILE = (amount: string) =>
  `Udvalg;Udvalgsnavn;Område;Områdenavn;Budget 2025\nOEU;Økonomiudvalget;ADM;Administration;${amount}\n`;

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** A stack frame ("at fn (file.ts:12:5)") or a path into the code base. */
const LEAK = /\bat .*:\d+:\d+|node_modules|\/work\/|\.ts:\d+|\bselect\b.+\bfrom\b/i;

describe.each(testEngines())("HTTP API on %s", (engine) => {
  let h: DatabaseHandle;
  let app: FastifyInstance;
  let oeu: number;
  const replies: { what: string; status: number; body: string }[] = [];

  /** Finance staff's token: these tests are about the API's answers, access-test.ts about who gets them. */
  let auth: { authorization: string };
  async function call(opts: InjectOptions): Promise<LightMyRequestResponse> {
    const r = await app.inject({ ...opts, headers: { ...auth, ...(opts.headers as object | undefined) } });
    replies.push({ what: `${opts.method ?? "GET"} ${String(opts.url)}`, status: r.statusCode, body: r.body });
    return r;
  }
  const get = (url: string) => call({ method: "GET", url });
  const issuesOf = (r: LightMyRequestResponse) =>
    (r.json() as { issues: { field: string; reason: string }[] }).issues;
  const overview = async (query = "") => {
    const r = await get(`/api/nodes/${oeu}/overview${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as OverviewJson;
  };
  const nodeId = async (m: string, code: string) => {
    const nodes = (await get(`/api/municipalities/${m}/organisation`)).json() as {
      id: number;
      code: string;
    }[];
    const n = nodes.find((x) => x.code === code);
    if (!n) throw new Error(`${code} findes ikke i ${m}`);
    return n.id;
  };
  const importFile = (m: string, body: Record<string, unknown>) =>
    call({ method: "POST", url: `/api/municipalities/${m}/imports`, payload: body });

  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    app = await buildApp({ db: h.db });
    auth = await tokenHeaders(h.db, "administrator");
    oeu = await nodeId("340", "OEU");
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it("answers health with status ok and security headers", async () => {
    const r = await get("/api/health");
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: "ok" });
    expect(r.headers).toMatchObject(SECURITY_HEADERS);
    expect(r.headers["content-security-policy"]).toContain("default-src 'none'");
  });

  it("serves an OpenAPI 3.1 document with every registered route and its access", async () => {
    const r = await get("/api/openapi.json");
    expect(r.statusCode).toBe(200);
    const doc = r.json() as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { "x-access"?: string; operationId: string; parameters: { name: string }[] }>
      >;
    };
    expect(doc.openapi).toBe("3.1.0");
    const routes = listRoutes();
    for (const route of routes) {
      const op = doc.paths[route.url.replace(/:(\w+)/g, "{$1}")]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.url}`).toBeDefined();
      expect(op?.["x-access"]).toBe(route.access);
    }
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));
    expect(operations).toHaveLength(routes.length);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(routes.length);
    const ov = doc.paths["/api/nodes/{id}/overview"]?.get;
    expect(ov?.parameters.map((p) => p.name)).toEqual([
      "id",
      "priceYear",
      "unit",
      "columns",
      "categories",
      "rows",
      "format",
    ]);
  });

  it("lists municipalities and finds one by code, name and id", async () => {
    const list = (await get("/api/municipalities")).json() as { id: number; code: string; name: string }[];
    expect(list.map((m) => m.code).sort()).toEqual(["326", "330", "340"]);
    const soroe = list.find((m) => m.code === "340");
    expect((await get("/api/municipalities/340")).json()).toMatchObject({
      name: "Sorø",
      settings: { budgetYear: 2025 },
    });
    expect((await get("/api/municipalities/sor%C3%B8")).json()).toMatchObject({ code: "340" });
    expect((await get(`/api/municipalities/${soroe?.id}`)).json()).toMatchObject({ code: "340" });
    const missing = await get("/api/municipalities/999");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'Kommunen "999" findes ikke' });
  });

  it("shows a node with its path from the root and its children", async () => {
    const r = await get(`/api/nodes/${oeu}`);
    expect(r.statusCode).toBe(200);
    const body = r.json() as {
      node: { code: string };
      path: { code: string }[];
      children: { name: string }[];
    };
    expect(body.node.code).toBe("OEU");
    expect(body.path.map((n) => n.code)).toEqual(["340", "OEU"]);
    expect(body.children.map((c) => c.name)).toEqual(SEED_000.slice(1).map((row) => row[0]));
    expect((await get("/api/nodes/987654")).statusCode).toBe(404);
  });

  it("prints seed 000's table for Sorø's finance committee as JSON, amounts as strings", async () => {
    const o = await overview("?priceYear=2025&unit=tkr");
    expect(o.columns.map((c) => `${c.year} ${c.label}`)).toEqual([
      "2023 Regnskab",
      "2024 Budget - oprindeligt",
      "2025 Budget",
      "2026 Overslagsår",
      "2027 Overslagsår",
      "2028 Overslagsår",
    ]);
    expect(o.note).toBe("Alle tal er i 2025-priser.");
    expect([[o.total.label, ...o.total.text], ...o.rows.map((r) => [r.label, ...r.text])]).toEqual(SEED_000);
    // bigints travel as decimal strings: the committee's 2024 cell is 351.608 t.kr., exact in øre.
    expect(o.total.printed[1]).toBe("351608");
    expect(o.rows.find((r) => r.label === "Administration")?.exact[2]).toBe("25917800000");
    expect(o.path.map((p) => p.code)).toEqual(["340", "OEU"]);
    // The defaults are the municipality's: tkr and its price year.
    expect(await overview()).toEqual(o);
  });

  it("downloads the same figures as CSV and as an Excel file", async () => {
    const r = await get(`/api/nodes/${oeu}/overview?format=csv&priceYear=2025`);
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toContain("text/csv");
    expect(r.headers["content-disposition"]).toContain(
      'attachment; filename="oversigt-soroe-oekonomiudvalget.csv"',
    );
    const lines = r.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r\n/);
    expect(lines[0]).toBe("År;2023;2024;2025;2026;2027;2028");
    expect(lines.slice(2, 9)).toEqual(SEED_000.map((row) => row.join(";")));
    expect(lines.at(-1)).toBe("Note: Alle tal er i 2025-priser.");
    const x = await get(`/api/nodes/${oeu}/overview?format=xlsx`);
    expect(x.statusCode).toBe(200);
    expect(x.headers["content-disposition"]).toContain(".xlsx");
    expect(x.rawPayload.subarray(0, 2).toString("latin1")).toBe("PK");
  });

  it("switches unit, price level, columns and categories", async () => {
    const admin = (o: OverviewJson) => o.rows.find((r) => r.label === "Administration");
    const mio = await overview("?unit=mio");
    expect(mio.unitLabel).toBe("mio. kr.");
    expect(admin(mio)?.text[2]).toBe("259,2");
    const kr = await overview("?unit=kr");
    expect(admin(kr)?.text[2]).toBe("259.178.000");

    const p2026 = await overview("?priceYear=2026");
    expect(p2026.note).toBe("Alle tal er i 2026-priser.");
    // The example index rises 3.0 % from 2025 to 2026.
    expect(admin(p2026)?.exact[2]).toBe(String((25_917_800_000n * 1030n) / 1000n));
    expect((await overview("?priceYear=current")).note).toBe("Alle tal er i løbende priser.");

    const two = await overview("?columns=2023:regnskab,2025:budget");
    expect(two.columns.map((c) => [c.year, c.kind])).toEqual([
      [2023, "actual"],
      [2025, "budget"],
    ]);
    expect(admin(two)?.text).toEqual(["259.092", "259.178"]);
    expect((await overview("?columns=2024:original")).total.text).toEqual(["351.608"]);

    // Demo amounts carry no account, so they count as service; none are capital.
    expect((await overview("?categories=capital")).total.text.every((t) => t === "0")).toBe(true);
    expect((await overview("?categories=service,anlæg")).total.text[2]).toBe("388.324");
  });

  it("refuses bad query values with 400 and names each field", async () => {
    for (const [query, field, word] of [
      ["unit=xyz", "query.unit", "tkr"],
      ["priceYear=abc", "query.priceYear", '"abc"'],
      ["columns=garbage", "query.columns", '"garbage"'],
      ["columns=2025:budget,1800:budget", "query.columns", '"1800:budget"'],
      ["categories=service,mad", "query.categories", '"mad"'],
      ["format=pdf", "query.format", "xlsx"],
    ] as const) {
      const r = await get(`/api/nodes/${oeu}/overview?${query}`);
      expect(r.statusCode, query).toBe(400);
      expect(r.json()).toMatchObject({ error: "Ugyldig forespørgsel" });
      const issues = issuesOf(r);
      expect(issues.map((i) => i.field)).toEqual([field]);
      expect(issues[0]?.reason).toContain(word);
    }
    const all = await get(`/api/nodes/abc/overview?unit=xyz&priceYear=abc`);
    expect(issuesOf(all).map((i) => i.field)).toEqual(["params.id", "query.priceYear", "query.unit"]);
    // Out of the 32-bit id range: refused as input, not passed to the database.
    expect((await get("/api/nodes/12345678901/overview")).statusCode).toBe(400);
  });

  it("answers 404 for an unknown node, and 400 for a price year the index does not cover", async () => {
    const r = await get("/api/nodes/987654/overview");
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: "Enheden 987654 findes ikke" });
    const old = await get(`/api/nodes/${oeu}/overview?priceYear=1950`);
    expect(old.statusCode).toBe(400);
    expect((old.json() as { error: string }).error).toMatch(/^Prisindekset mangler/);
    const nowhere = await get("/api/nope");
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.headers).toMatchObject(SECURITY_HEADERS);
  });

  it("rejects an import with a bad number and an unknown node, lists every bad line and stores nothing", async () => {
    const before = (await get(`/api/nodes/${oeu}/overview`)).body;
    const importsBefore = ((await get("/api/municipalities/340/imports")).json() as unknown[]).length;
    const r = await importFile("340", {
      fileName: "rettelser.csv",
      content: b64("Område;Budget 2025\nADM;1.000\nBOL;12x\nXYZ;5\nBOR;7\n"),
      mapping: BUDGET_2025_BY_NODE,
    });
    expect(r.statusCode).toBe(400);
    const body = r.json() as {
      error: string;
      omitted: number;
      errors: { file: string; line: number; column: string; reason: string }[];
    };
    expect(body.error).toContain("Intet er gemt");
    expect(body.omitted).toBe(0);
    expect(body.errors.map((e) => [e.file, e.line, e.column])).toEqual([
      ["rettelser.csv", 3, "Budget 2025"],
      ["rettelser.csv", 4, "Område"],
    ]);
    expect(body.errors[0]?.reason).toContain("12x");
    expect(body.errors[1]?.reason).toContain("XYZ");
    expect((await get(`/api/nodes/${oeu}/overview`)).body).toBe(before);
    expect(((await get("/api/municipalities/340/imports")).json() as unknown[]).length).toBe(importsBefore);
  });

  it("creates a municipality once (admin) and refuses the code again with 409", async () => {
    const r = await call({
      method: "POST",
      url: "/api/municipalities",
      payload: { code: "399", name: "Prøvekommune", budgetYear: 2025 },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ code: "399", name: "Prøvekommune", settings: { budgetYear: 2025 } });
    const again = await call({
      method: "POST",
      url: "/api/municipalities",
      payload: { code: "399", name: "Igen", budgetYear: 2025 },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: "Kommunekoden 399 findes allerede", code: "conflict" });
    const bad = await call({
      method: "POST",
      url: "/api/municipalities",
      payload: { code: "39", budgetYear: 2025, x: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(issuesOf(bad)).toEqual([
      { field: "body.code", reason: "kommunekoden er tre cifre (fx 340 for Sorø)" },
      { field: "body.name", reason: "mangler" },
      { field: "body.x", reason: "ukendt felt" },
    ]);
  });

  it("changes settings (admin), validated as a whole, and the overview follows the default price year", async () => {
    const r = await call({
      method: "PATCH",
      url: "/api/municipalities/330/settings",
      payload: { priceIndexRule: "total" },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ code: "330", settings: { priceIndexRule: "total", budgetYear: 2023 } });
    const bad = await call({
      method: "PATCH",
      url: "/api/municipalities/330/settings",
      payload: { budgetYear: 2050 },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain("budgetåret skal ligge mellem første og sidste år");
    const unknown = await call({
      method: "PATCH",
      url: "/api/municipalities/330/settings",
      payload: { colour: "red" },
    });
    expect(unknown.statusCode).toBe(400);
    const after = (await get("/api/municipalities/330")).json() as { settings: { budgetYear: number } };
    expect(after.settings.budgetYear).toBe(2023);
  });

  it("imports a good file, saves its mapping, and reports the same file again as unchanged", async () => {
    const first = await importFile("399", {
      fileName: "budget.csv",
      content: b64(LEVELS_FILE("1.234")),
      mapping: BUDGET_2025_BY_LEVELS,
      saveMappingAs: "budget-tkr",
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      rows: 1,
      unchanged: false,
      dryRun: false,
      savedMapping: "budget-tkr",
      changed: { nodes: 2, amounts: 1 },
    });
    const second = await importFile("399", {
      fileName: "budget.csv",
      content: b64(LEVELS_FILE("1.234")),
      mappingName: "budget-tkr",
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({
      unchanged: true,
      changed: { nodes: 0, accounts: 0, amounts: 0, months: 0 },
    });
    const o = (
      await get(`/api/nodes/${await nodeId("399", "OEU")}/overview?columns=2025:budget`)
    ).json() as OverviewJson;
    expect(o.total.text).toEqual(["1.234"]);
    const log = (await get("/api/municipalities/399/imports")).json() as {
      fileName: string;
      changedCount: number;
    }[];
    expect(log.map((l) => [l.fileName, l.changedCount])).toEqual([
      ["budget.csv", 0],
      ["budget.csv", 3],
    ]);
  });

  it("previews a dry run without storing anything", async () => {
    const r = await importFile("399", {
      fileName: "budget.csv",
      content: b64(LEVELS_FILE("2.000")),
      mappingName: "budget-tkr",
      dryRun: true,
      saveMappingAs: "aldrig-gemt",
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as { dryRun: boolean; savedMapping?: string; preview: unknown[] };
    expect(body.dryRun).toBe(true);
    expect(body.savedMapping).toBeUndefined();
    expect(body.preview).toEqual([
      {
        line: 2,
        path: ["Økonomiudvalget", "Administration"],
        account: null,
        values: [{ label: "2025 budget", ore: "200000000" }],
      },
    ]);
    const o = (
      await get(`/api/nodes/${await nodeId("399", "OEU")}/overview?columns=2025:budget`)
    ).json() as OverviewJson;
    expect(o.total.text).toEqual(["1.234"]);
    expect(((await get("/api/municipalities/399/imports")).json() as unknown[]).length).toBe(2);
    expect((await get("/api/municipalities/399/mappings/aldrig-gemt")).statusCode).toBe(404);
  });

  it("validates an import request: one mapping, a known name, a valid mapping", async () => {
    const content = b64(LEVELS_FILE("1"));
    const both = await importFile("399", {
      fileName: "a.csv",
      content,
      mapping: BUDGET_2025_BY_LEVELS,
      mappingName: "x",
    });
    expect(issuesOf(both).map((i) => i.field)).toEqual(["body.mapping"]);
    const neither = await importFile("399", { fileName: "a.csv", content });
    expect(issuesOf(neither).map((i) => i.field)).toEqual(["body.mapping"]);
    const unknown = await importFile("399", { fileName: "a.csv", content, mappingName: "findes-ikke" });
    expect(issuesOf(unknown)).toEqual([
      { field: "body.mappingName", reason: 'opsætningen "findes-ikke" findes ikke' },
    ]);
    const badMapping = await importFile("399", {
      fileName: "a.csv",
      content: "ikke base64!",
      mapping: { ...BUDGET_2025_BY_LEVELS, amounts: [{ column: "Budget 2025", year: 2025, kind: "gæt" }] },
    });
    expect(badMapping.statusCode).toBe(400);
    expect(issuesOf(badMapping).map((i) => i.field)).toEqual(["body.content", "body.mapping.amounts.0.kind"]);
  });

  it("saves, lists and refuses mappings", async () => {
    const put = await call({
      method: "PUT",
      url: "/api/municipalities/399/mappings/pr%C3%B8ve",
      payload: { mapping: BUDGET_2025_BY_NODE, version: null },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      name: "prøve",
      standard: false,
      mapping: { node: "Område", format: { separator: "auto" } },
      version: 1,
    });
    // Saving again from the same starting point (version null: "new") is a lost update: refused.
    const stale = await call({
      method: "PUT",
      url: "/api/municipalities/399/mappings/pr%C3%B8ve",
      payload: { mapping: { ...BUDGET_2025_BY_NODE, unit: "kr" }, version: null },
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json()).toMatchObject({
      code: "conflict",
      current: { version: 1, mapping: { unit: "tkr" } },
    });
    const next = await call({
      method: "PUT",
      url: "/api/municipalities/399/mappings/pr%C3%B8ve",
      payload: { mapping: { ...BUDGET_2025_BY_NODE, unit: "kr" }, version: 1 },
    });
    expect(next.json()).toMatchObject({ version: 2, mapping: { unit: "kr" } });
    const history = (await get("/api/municipalities/399/mappings/pr%C3%B8ve/history")).json() as {
      action: string;
    }[];
    expect(history.map((e) => e.action)).toEqual(["create", "update"]);
    const list = (await get("/api/municipalities/399/mappings")).json() as {
      name: string;
      standard: boolean;
    }[];
    expect(list.filter((m) => !m.standard).map((m) => m.name)).toEqual(["budget-tkr", "prøve"]);
    expect(list.filter((m) => m.standard).map((m) => m.name)).toContain("standard-beloeb");
    const std = await get("/api/municipalities/399/mappings/standard-beloeb");
    expect(std.json()).toMatchObject({ standard: true, mapping: { kind: "amounts" } });

    const incomplete = await call({
      method: "PUT",
      url: "/api/municipalities/399/mappings/x",
      payload: { mapping: { kind: "amounts" }, version: null },
    });
    expect(incomplete.statusCode).toBe(400);
    expect(issuesOf(incomplete).map((i) => i.reason)).toEqual([
      "en beløbsimport kræver beløbskolonner pr. år eller kolonner for år, beløbsart og beløb",
      "en beløbsimport kræver niveauer eller en enhedskolonne",
    ]);
    const wrongKind = await call({
      method: "PUT",
      url: "/api/municipalities/399/mappings/x",
      payload: { mapping: { kind: "alt" }, version: null },
    });
    expect(issuesOf(wrongKind).map((i) => i.field)).toEqual(["body.mapping.kind"]);
    const reserved = await call({
      method: "PUT",
      url: "/api/municipalities/399/mappings/standard-beloeb",
      payload: { mapping: BUDGET_2025_BY_NODE, version: null },
    });
    expect(issuesOf(reserved).map((i) => i.field)).toEqual(["params.name"]);
    expect((await get("/api/municipalities/399/mappings/x")).statusCode).toBe(404);
  });

  it("imports a price index, makes it active and restates with it", async () => {
    const r = await call({
      method: "POST",
      url: "/api/municipalities/399/price-indexes",
      payload: {
        name: "Prøveindeks",
        fileName: "pl.csv",
        content: b64("År;Samlet\n2024;97,1\n2025;100\n2026;110\n"),
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toEqual({ name: "Prøveindeks", points: 3 });
    const list = (await get("/api/municipalities/399/price-indexes")).json() as {
      name: string;
      active: boolean;
    }[];
    expect(list.filter((i) => i.active).map((i) => i.name)).toEqual(["Prøveindeks"]);
    const node = await nodeId("399", "OEU");
    const o = (
      await get(`/api/nodes/${node}/overview?columns=2025:budget&priceYear=2026`)
    ).json() as OverviewJson;
    expect(o.total.text).toEqual(["1.357"]);

    const bad = await call({
      method: "POST",
      url: "/api/municipalities/399/price-indexes",
      payload: { name: "Dårligt", fileName: "pl.csv", content: b64("År;Samlet\n2024;x\n20x5;100\n") },
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { errors: { line: number }[] }).errors.map((e) => e.line)).toEqual([2, 3]);
    expect(((await get("/api/municipalities/399/price-indexes")).json() as unknown[]).length).toBe(
      list.length,
    );
  });

  it("exports the municipality as a zipped workbook or one CSV data set", async () => {
    const x = await get("/api/municipalities/340/export");
    expect(x.statusCode).toBe(200);
    expect(x.headers["content-type"]).toContain("spreadsheetml");
    expect(x.headers["content-disposition"]).toContain('filename="bevilling-soroe.xlsx"');
    expect(x.rawPayload.subarray(0, 2).toString("latin1")).toBe("PK");
    const csv = await get("/api/municipalities/340/export?format=csv&sets=organisation");
    expect(csv.statusCode).toBe(200);
    expect(csv.body.replace(/^\uFEFF/, "").split(/\r\n/)[0]).toBe(
      "Kode;Navn;Type;Overordnet;Gyldig fra;Gyldig til",
    );
    // The root is written blank, so the file reads into a municipality with another code.
    expect(csv.body).toContain("OEU;Økonomiudvalget;udvalg;;1900;");
    const many = await get("/api/municipalities/340/export?format=csv");
    expect(issuesOf(many).map((i) => i.field)).toEqual(["query.sets"]);
    expect(issuesOf(await get("/api/municipalities/340/export?sets=alt")).map((i) => i.field)).toEqual([
      "query.sets",
    ]);
  });

  it("answers unreadable JSON and an oversized body in Danish, with the security headers", async () => {
    const broken = await call({
      method: "POST",
      url: "/api/municipalities",
      payload: '{"code": "1',
      headers: { "content-type": "application/json" },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ error: "Forespørgslens JSON kan ikke læses" });
    const huge = await call({
      method: "POST",
      url: "/api/municipalities/340/imports",
      payload: `{"fileName":"stor.csv","mappingName":"standard-beloeb","content":"${"A".repeat(61 * 1024 * 1024)}"}`,
      headers: { "content-type": "application/json" },
    });
    expect(huge.statusCode).toBe(413);
    expect((huge.json() as { error: string }).error).toMatch(/^Forespørgslen er for stor: højst 60 MB/);
    expect(huge.headers).toMatchObject(SECURITY_HEADERS);
  });

  it("never puts a stack trace, a file path or SQL in a reply", () => {
    const errors = replies.filter((r) => r.status >= 400);
    // The suite above provokes each kind of error answer; make sure they were all seen.
    expect(new Set(errors.map((r) => r.status))).toEqual(new Set([400, 404, 409, 413]));
    for (const r of errors) {
      expect(r.body, r.what).not.toMatch(LEAK);
      expect(Object.keys(JSON.parse(r.body) as object), r.what).not.toContain("stack");
    }
  });
});
