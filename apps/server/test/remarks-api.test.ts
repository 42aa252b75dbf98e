/**
 * The budget remarks over HTTP: the published documents for anyone (Sorø) and only for those who
 * may read (Kalundborg), a unit manager writing their own area's description but not the
 * committee's, versions and 409s, the order, the settings, and Danish errors naming the field.
 */
import type { DatabaseHandle } from "@bevilling/db";
import { findMunicipality, findNodeByCode } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { loadDemo } from "@bevilling/services";
import type { FastifyInstance } from "fastify";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/index.ts";
import { type BrowserSession, userSession } from "./support/auth.ts";

interface SectionJson {
  id: number;
  kind: string;
  heading: string;
  body: string;
  version: number;
}

describe.each(testEngines())("the remarks API on %s", (engine) => {
  let h: DatabaseHandle;
  let app: FastifyInstance;
  let finance: BrowserSession;
  let manager: BrowserSession;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    app = await buildApp({ db: h.db });
    for (const [m, code, key] of [
      ["340", "OEU", "sorOeu"],
      ["326", "OEU", "kalOeu"],
      ["326", "JOB", "job"],
      ["326", "BS", "bs"],
    ] as const) {
      const mm = await findMunicipality(h.db, m);
      const n = mm ? await findNodeByCode(h.db, mm.id, code) : undefined;
      if (!n) throw new Error(`${m}/${code} mangler`);
      ids[key] = n.id;
    }
    finance = await userSession(app, h.db, "okonomi");
    manager = await userSession(app, h.db, "budgetansvarlig", [ids.job as number]);
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it("gives anyone Sorø's published committee remarks as PDF, with seed 000's figures", async () => {
    const r = await app.inject({ url: `/api/nodes/${ids.sorOeu}/remarks/committee-document?format=pdf` });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers["content-type"]).toBe("application/pdf");
    expect(r.headers["content-disposition"]).toContain("bemaerkninger-340-oekonomiudvalget-2025.pdf");
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(r.rawPayload)), {
      mergePages: true,
    });
    const flat = text.replace(/\s+/gu, " ");
    expect(flat).toContain("Økonomiudvalget 306.005 351.608 388.324 384.273 379.719 381.305");
    expect(flat).toContain("Planområdet styrkes med 1,750 mio. kr. i 2025");
    // Next year's sections are drafts until that budget is adopted: the public cannot read them.
    const draft = await app.inject({
      method: "POST",
      url: `/api/nodes/${ids.sorOeu}/remarks`,
      headers: finance.headers,
      payload: { year: 2026, kind: "intro", heading: "", body: "Udkast til 2026, endnu ikke offentligt." },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const early = await app.inject({
      url: `/api/nodes/${ids.sorOeu}/remarks/committee-document?format=html&year=2026`,
    });
    expect(early.statusCode).toBe(401);
    expect(early.body).not.toContain("Udkast til 2026");
    expect(early.json().error).toContain("offentliggøres med det vedtagne budget");
    const signedIn = await app.inject({
      url: `/api/nodes/${ids.sorOeu}/remarks/committee-document?format=html&year=2026`,
      headers: finance.headers,
    });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.body).toContain("Udkast til 2026, endnu ikke offentligt.");
    // Kalundborg is not published: signed in only.
    const closed = await app.inject({ url: `/api/nodes/${ids.kalOeu}/remarks/areas-document?format=html` });
    expect(closed.statusCode).toBe(401);
    const open = await app.inject({
      url: `/api/nodes/${ids.kalOeu}/remarks/areas-document?format=html&year=2024`,
      headers: finance.headers,
    });
    expect(open.statusCode).toBe(200);
    expect(open.body).toContain("<p>Samlet nettobudget for området: 104.816.500 kr.</p>");
    const wrong = await app.inject({
      url: `/api/nodes/${ids.job}/remarks/committee-document?format=odt`,
      headers: finance.headers,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().issues[0].field).toBe("query.format");
    const notCommittee = await app.inject({
      url: `/api/nodes/${ids.job}/remarks/committee-document?format=html`,
      headers: finance.headers,
    });
    expect(notCommittee.statusCode).toBe(400);
    expect(notCommittee.json().error).toContain("ikke et udvalg");
  });

  it("lets a unit manager write their own area's description, with versions and 409s, but not elsewhere", async () => {
    const url = `/api/nodes/${ids.job}/remarks`;
    const list = await app.inject({ url, headers: manager.headers });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { generated: { netBudget: string } }).generated.netBudget).toBe(
      "Samlet nettobudget for området: 50.190.100 kr.",
    );
    const made = await app.inject({
      method: "POST",
      url,
      headers: manager.headers,
      payload: { year: 2024, kind: "description", heading: "Nyt", body: "Tekst fra jobcentret." },
    });
    expect(made.statusCode, made.body).toBe(201);
    const section = made.json() as SectionJson;
    const ok = await app.inject({
      method: "PATCH",
      url: `${url}/${section.id}`,
      headers: manager.headers,
      payload: { version: section.version, body: "Rettet tekst." },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as SectionJson).version).toBe(2);
    const stale = await app.inject({
      method: "PATCH",
      url: `${url}/${section.id}`,
      headers: finance.headers,
      payload: { version: 1, heading: "Gammel" },
    });
    expect(stale.statusCode).toBe(409);
    expect((stale.json() as { current: SectionJson }).current).toMatchObject({
      body: "Rettet tekst.",
      version: 2,
    });

    const elsewhere = await app.inject({
      method: "POST",
      url: `/api/nodes/${ids.bs}/remarks`,
      headers: manager.headers,
      payload: { year: 2024, kind: "description", body: "x" },
    });
    expect(elsewhere.statusCode).toBe(403);
    const bad = await app.inject({
      method: "POST",
      url,
      headers: manager.headers,
      payload: { year: 2024, kind: "kapitel", body: "x" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues.map((i: { field: string }) => i.field)).toEqual(["body.kind"]);

    const gone = await app.inject({
      method: "DELETE",
      url: `${url}/${section.id}?version=1`,
      headers: manager.headers,
    });
    expect(gone.statusCode).toBe(409);
    const deleted = await app.inject({
      method: "DELETE",
      url: `${url}/${section.id}?version=2&reason=${encodeURIComponent("Ikke brug for det")}`,
      headers: manager.headers,
    });
    expect(deleted.statusCode).toBe(204);
  });

  it("keeps a committee's sections to økonomi, even for a unit manager whose unit is the committee", async () => {
    const committeeManager = await userSession(app, h.db, "budgetansvarlig", [ids.kalOeu as number]);
    const refused = await app.inject({
      method: "POST",
      url: `/api/nodes/${ids.kalOeu}/remarks`,
      headers: committeeManager.headers,
      payload: { year: 2024, kind: "intro", body: "Udvalgets indledning." },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toContain("rettes af økonomi");
    // An area below the committee is theirs.
    const area = await app.inject({
      method: "POST",
      url: `/api/nodes/${ids.bs}/remarks`,
      headers: committeeManager.headers,
      payload: { year: 2024, kind: "development", body: "Fra udvalgets budgetansvarlige." },
    });
    expect(area.statusCode, area.body).toBe(201);
    const byFinance = await app.inject({
      method: "POST",
      url: `/api/nodes/${ids.kalOeu}/remarks`,
      headers: finance.headers,
      payload: { year: 2024, kind: "intro", body: "Udvalgets indledning." },
    });
    expect(byFinance.statusCode, byFinance.body).toBe(201);
    const doc = await app.inject({
      url: `/api/nodes/${ids.kalOeu}/remarks/committee-document?format=html`,
      headers: finance.headers,
    });
    expect(doc.body).toContain("<p>Udvalgets indledning.</p>");
  });

  it("moves sections with the versions seen, and 409 when they changed meanwhile", async () => {
    const url = `/api/nodes/${ids.sorOeu}/remarks`;
    const sections = (
      (await app.inject({ url: `${url}?year=2025`, headers: finance.headers })).json() as {
        sections: SectionJson[];
      }
    ).sections;
    expect(sections.map((s) => s.heading).slice(0, 3)).toEqual([
      "",
      "Administration",
      "IT og Digitalisering",
    ]);
    const order = [sections[1], sections[0], ...sections.slice(2)].map((s) => ({
      id: s?.id,
      version: s?.version,
    }));
    const moved = await app.inject({
      method: "PUT",
      url: `${url}/order`,
      headers: finance.headers,
      payload: { year: 2025, sections: order },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as SectionJson[]).map((s) => s.heading).slice(0, 2)).toEqual(["Administration", ""]);
    const again = await app.inject({
      method: "PUT",
      url: `${url}/order`,
      headers: finance.headers,
      payload: { year: 2025, sections: order },
    });
    expect(again.statusCode).toBe(409);
    expect((again.json() as { current: SectionJson[] }).current).toHaveLength(sections.length);
  });

  it("sets the frame sentence's settings (write), and the area's sentences follow", async () => {
    const put = await app.inject({
      method: "PUT",
      url: "/api/municipalities/326/remarks/settings",
      headers: finance.headers,
      payload: { priceBasis: null },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().priceBasis).toBeNull();
    const generated = (
      (await app.inject({ url: `/api/nodes/${ids.job}/remarks`, headers: finance.headers })).json() as {
        generated: { basis: string[] };
      }
    ).generated.basis;
    expect(generated[0]).toBe(
      "Budgettet er et rammebudget. Forudsætninger for budgettet er udarbejdet på baggrund af budgetoverslag for 2024.",
    );
    const frame = await app.inject({
      method: "PUT",
      url: `/api/nodes/${ids.job}/remarks/frame-budget`,
      headers: manager.headers,
      payload: { frameBudget: false },
    });
    expect(frame.statusCode).toBe(403);
    const off = await app.inject({
      method: "PUT",
      url: `/api/nodes/${ids.job}/remarks/frame-budget`,
      headers: finance.headers,
      payload: { frameBudget: "ja" },
    });
    expect(off.statusCode).toBe(400);
    expect(off.json().issues[0].field).toBe("body.frameBudget");
    const settings = await app.inject({
      url: "/api/municipalities/326/remarks/settings",
      headers: finance.headers,
    });
    expect((settings.json() as { frameBudgetAreas: { code: string }[] }).frameBudgetAreas).toHaveLength(14);
  });
});
