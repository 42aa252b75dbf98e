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
});
