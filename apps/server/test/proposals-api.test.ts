import type { DatabaseHandle } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { loadDemo } from "@bevilling/services";
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import JSZip from "jszip";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/index.ts";
import { type BrowserSession, userSession } from "./support/auth.ts";

interface ProposalJson {
  id: number;
  schedule: string;
  version: number;
  total: string;
  totals: { year: number; amount: string }[];
  warnings: { code: string; severity: string }[];
}

describe.each(testEngines())("the proposals API on %s", (engine) => {
  let h: DatabaseHandle;
  let app: FastifyInstance;
  let finance: BrowserSession;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    app = await buildApp({ db: h.db });
    finance = await userSession(app, h.db, "okonomi");
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it("lists Slagelse's catalogue with totals as øre strings and schedule 08's warnings", async () => {
    const r = await app.inject({ url: "/api/municipalities/330/proposals", headers: finance.headers });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as { catalogue: string; proposals: ProposalJson[] };
    expect(body.catalogue).toBe("Budget 2023-2026");
    const p08 = body.proposals.find((p) => p.schedule === "2.1.2. 08");
    expect(p08?.total).toBe("-1320000000");
    expect(p08?.totals[0]).toEqual({ year: 2023, amount: "-330000000" });
    expect(
      p08?.warnings
        .filter((w) => w.severity === "warning")
        .map((w) => w.code)
        .sort(),
    ).toEqual(["text_amount_mismatch", "text_count_mismatch"]);
  });

  it("changes a proposal with its version, answers 409 with the current one to a stale change, and keeps the history", async () => {
    const list = (
      await app.inject({ url: "/api/municipalities/330/proposals", headers: finance.headers })
    ).json() as { proposals: ProposalJson[] };
    const p = list.proposals[0] as ProposalJson;
    const url = `/api/municipalities/330/proposals/${p.id}`;
    const ok = await app.inject({
      method: "PATCH",
      url,
      headers: finance.headers,
      payload: { version: p.version, status: "adopted", reason: "Vedtaget" },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ version: p.version + 1, statusLabel: "Vedtaget" });
    const stale = await app.inject({
      method: "PATCH",
      url,
      headers: finance.headers,
      payload: { version: p.version, title: "Min titel" },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: "conflict", current: { version: p.version + 1 } });
    const bad = await app.inject({
      method: "PATCH",
      url,
      headers: finance.headers,
      payload: { version: p.version + 1, lines: [{ name: "x", amounts: [{ year: 2024, amount: "1,5" }] }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain("body.lines.0.amounts.0.amount");
    const history = (await app.inject({ url: `${url}/history`, headers: finance.headers })).json() as {
      action: string;
      reason: string | null;
    }[];
    expect(history.map((e) => [e.action, e.reason])).toEqual([
      ["create", "Indlæst fra slagelse-forslagskatalog-2023-2026.txt"],
      ["update", "Vedtaget"],
    ]);
  });

  it("generates the catalogue as DOCX, PDF, HTML and XLSX from the stored proposals, with seed 003's figures", async () => {
    const get = (format: string) =>
      app.inject({
        url: `/api/municipalities/330/proposals/document?format=${format}`,
        headers: finance.headers,
      });
    const html = await get("html");
    expect(html.statusCode).toBe(200);
    expect(html.headers["content-disposition"]).toContain("forslagskatalog-330-budget-2023-2026.html");
    for (const s of [
      "Skema 2.1.2. 05",
      "Etablering af direktion",
      "18.000",
      "-13.200",
      "20.054",
      "Økonomiudvalget",
    ]) {
      expect(html.body).toContain(s);
    }
    const docx = await JSZip.loadAsync((await get("docx")).rawPayload);
    const xml = (await docx.file("word/document.xml")?.async("string")) ?? "";
    for (const s of ["Etablering af direktion", "4.500", "-5.300", "-13.200"]) expect(xml).toContain(s);
    const pdf = await getDocumentProxy(new Uint8Array((await get("pdf")).rawPayload));
    const { text } = await extractText(pdf, { mergePages: true });
    for (const s of ["Skema 2.1.2. 08", "-21.200", "20.054", "Side 1 af"]) expect(text).toContain(s);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get("xlsx")).rawPayload as unknown as ArrayBuffer);
    const values = wb.worksheets.flatMap((ws) => {
      const out: unknown[] = [];
      ws.eachRow((row) => row.eachCell((c) => out.push(c.value)));
      return out;
    });
    expect(values).toContain(-13200);
    expect(values).toContain(20054);
    expect((await get("odt")).statusCode).toBe(400);
  });

  it("refuses a catalogue text it cannot read with each error's file, line and field", async () => {
    const text = [
      "BUDGET 2023-2026",
      "Driftsforslag",
      "Skema 2.1.2. 01",
      "Økonomiudvalget - Administration",
      "Medarbejderkommunikation",
      "Beløb i 1.000 kr.",
      "Budgetoverslag\t2023\t2024\tI alt",
      "\t600\tmange\t1.800",
      "I alt\t600\t1.200\t1.800",
    ].join("\n");
    const r = await app.inject({
      method: "POST",
      url: "/api/municipalities/330/proposals/import",
      headers: finance.headers,
      payload: { fileName: "katalog.txt", content: Buffer.from(text, "utf8").toString("base64") },
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json()).toMatchObject({
      errors: [
        {
          file: "katalog.txt",
          line: 8,
          field: "2024",
          reason: "Skema 2.1.2. 01: »mange« i 2024 er ikke et beløb.",
        },
      ],
    });
  });

  it("creates a proposal (201), sets its references, refuses a stale or versionless deletion and deletes it (204)", async () => {
    const base = "/api/municipalities/330/proposals";
    const created = await app.inject({
      method: "POST",
      url: base,
      headers: finance.headers,
      payload: {
        catalogue: "Budget 2023-2026",
        schedule: "2.1.2. 20",
        kind: "reduktion",
        title: "Færre konsulenter",
        committee: "Økonomiudvalget",
        area: "Administration",
        lines: [{ name: "Konsulenter", amounts: [{ year: 2024, amount: "-50000000" }] }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json() as ProposalJson & { status: string };
    expect(p).toMatchObject({ schedule: "2.1.2. 20", status: "draft", total: "-50000000", version: 1 });
    const url = `${base}/${p.id}`;
    const refs = await app.inject({
      method: "PATCH",
      url,
      headers: finance.headers,
      payload: { version: 1, references: [{ schedule: "2.1.2. 08", relation: "alternative_to" }] },
    });
    expect(refs.statusCode, refs.body).toBe(200);
    expect(refs.json()).toMatchObject({
      version: 2,
      references: [{ schedule: "2.1.2. 08", relation: "alternative_to" }],
    });
    const badRelation = await app.inject({
      method: "PATCH",
      url,
      headers: finance.headers,
      payload: { version: 2, references: [{ schedule: "2.1.2. 08", relation: "modsat" }] },
    });
    expect(badRelation.statusCode).toBe(400);
    expect(JSON.stringify(badRelation.json())).toContain("body.references.0.relation");
    const duplicate = await app.inject({
      method: "POST",
      url: base,
      headers: finance.headers,
      payload: {
        catalogue: "Budget 2023-2026",
        schedule: "2.1.2.20",
        kind: "drift",
        title: "x",
        committee: "x",
        area: "x",
      },
    });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json().issues).toEqual([
      { field: "body.schedule", reason: "skema 2.1.2. 20 findes allerede i kataloget" },
    ]);
    expect((await app.inject({ method: "DELETE", url, headers: finance.headers })).statusCode).toBe(400);
    const stale = await app.inject({ method: "DELETE", url: `${url}?version=1`, headers: finance.headers });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: "conflict", current: { version: 2 } });
    const gone = await app.inject({
      method: "DELETE",
      url: `${url}?version=2&reason=${encodeURIComponent("Trukket tilbage")}`,
      headers: finance.headers,
    });
    expect(gone.statusCode, gone.body).toBe(204);
    expect((await app.inject({ url, headers: finance.headers })).statusCode).toBe(404);
    const history = (
      await app.inject({
        url: `/api/audit/history?entityType=proposal&entityId=${p.id}`,
        headers: finance.headers,
      })
    ).json() as { action: string; reason: string | null }[];
    expect(history.map((e) => [e.action, e.reason])).toEqual([
      ["create", null],
      ["update", null],
      ["delete", "Trukket tilbage"],
    ]);
  });

  it("reads its Excel export back through the import route, and names sheet, row and column of a bad one", async () => {
    const xlsx = await app.inject({
      url: "/api/municipalities/330/proposals/document?format=xlsx",
      headers: finance.headers,
    });
    const post = (content: Buffer) =>
      app.inject({
        method: "POST",
        url: "/api/municipalities/330/proposals/import",
        headers: finance.headers,
        payload: { fileName: "katalog.xlsx", content: content.toString("base64") },
      });
    const same = await post(xlsx.rawPayload);
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toMatchObject({
      catalogue: "Budget 2023-2026",
      created: 0,
      updated: 0,
      unchanged: 8,
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet("Skema 2.1.2. 02");
    if (!sheet) throw new Error("arket mangler");
    sheet.getCell("C3").value = "hundrede";
    const bad = await post(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      {
        file: "katalog.xlsx",
        sheet: "Skema 2.1.2. 02",
        line: 3,
        column: "2024",
        reason: '"hundrede" er ikke et tal; beløbene er i 1.000 kr.',
      },
    ]);
  });
});
