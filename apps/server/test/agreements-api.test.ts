/**
 * The budget agreements API as the contract writes it: shapes (money as øre strings, ISO
 * timestamps), 400 with issue paths like "items.0.pattern", 409 conflict with the current
 * agreement, 409 adopted / already_adopted, 400 invalid with the problems, 204 on delete, and
 * nothing for anonymous callers even in a published municipality.
 */
import { type DatabaseHandle, findMunicipality, findNodeByCode } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { loadDemo } from "@bevilling/services";
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/index.ts";
import { type BrowserSession, userSession } from "./support/auth.ts";

interface Summary {
  id: number;
  municipality: string;
  name: string;
  budgetYear: number;
  status: string;
  adoptedAt: string | null;
  adoptedMode: string | null;
  version: number;
  itemCount: number;
  updatedAt: string;
}
interface Item {
  key: string;
  kind: string;
  label: string;
  area: string;
  areaName: string;
  sentence: string;
  amounts: { year: number; amount: string }[];
  total: string;
  proposal?: { id: number; schedule: string; title: string; status: string };
}
interface Effect {
  years: number[];
  rows: { code: string; kind: string; depth: number; values: string[]; service: string[] }[];
  total: string[];
  serviceFrame: string[];
  contributions: { code: string; year: number; items: { key: string; label: string; amount: string }[] }[];
}
interface Answer {
  agreement: Summary & { items: Item[] };
  effect: Effect | null;
  problems: { code: string; itemKey?: string; message: string }[];
}

describe.each(testEngines())("the budget agreements API on %s", (engine) => {
  let h: DatabaseHandle;
  let app: FastifyInstance;
  let finance: BrowserSession;
  let politician: BrowserSession;
  const call = (session: BrowserSession, opts: InjectOptions) =>
    app.inject({ ...opts, headers: { ...session.headers, ...(opts.headers as object | undefined) } });
  const list = async (m: string) =>
    (await call(finance, { url: `/api/municipalities/${m}/agreements` })).json() as { agreements: Summary[] };

  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    app = await buildApp({ db: h.db });
    finance = await userSession(app, h.db, "okonomi");
    politician = await userSession(app, h.db, "politiker");
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it("lists and shows Sorø's adopted Budgetaftalen 2025 with its effect, money as øre strings", async () => {
    const { agreements } = await list("340");
    expect(agreements).toHaveLength(1);
    const [a] = agreements as [Summary];
    expect(a).toMatchObject({
      municipality: "340",
      name: "Budgetaftalen 2025",
      budgetYear: 2025,
      status: "adopted",
      adoptedMode: "apply",
      itemCount: 10,
    });
    expect(new Date(a.adoptedAt as string).toISOString()).toBe(a.adoptedAt);
    expect(typeof a.updatedAt).toBe("string");

    const r = await call(politician, { url: `/api/municipalities/340/agreements/${a.id}` });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as Answer;
    expect(body.problems).toEqual([]);
    const plan = body.agreement.items.find((i) => i.key === "plan");
    expect(plan).toMatchObject({
      kind: "adjustment",
      area: "ADM",
      areaName: "Administration",
      pattern: "1,750 mio. kr. i 2025",
      category: "service",
      accountId: null,
      total: "175000000",
      amounts: [
        { year: 2025, amount: "175000000" },
        { year: 2026, amount: "0" },
        { year: 2027, amount: "0" },
        { year: 2028, amount: "0" },
      ],
    });
    expect(plan?.sentence).toMatch(/^Administration: 1,750 mio\. kr\. i 2025\. For at imødekomme/);
    const effect = body.effect as Effect;
    expect(effect.years).toEqual([2025, 2026, 2027, 2028]);
    expect(effect.rows.map((row) => row.code)).toEqual([
      "340",
      "OEU",
      "PUL",
      "ADM",
      "BOL",
      "BOR",
      "LOK",
      "BER",
    ]);
    // 2,61 + 3,78 − 0,18 − 0,2 mio. kr. in 2025, all in the service frame.
    expect(effect.total[0]).toBe("601000000");
    expect(effect.serviceFrame).toEqual(effect.total);
    expect(effect.rows.find((row) => row.code === "ADM")?.values).toEqual([
      "261000000",
      "-62300000",
      "137700000",
      "137700000",
    ]);
    const adm2026 = effect.contributions.find((c) => c.code === "ADM" && c.year === 2026);
    expect(adm2026?.items).toEqual([
      {
        key: "chromebooks",
        label: "Chromebooks fjernes fra de yngste klasser",
        amount: "-32300000",
      },
      {
        key: "leder",
        label: "Nedlæggelse af en lederstilling i fagcenter Arbejdsmarked og Borgerservice",
        amount: "-30000000",
      },
    ]);

    const adoption = (
      await call(finance, { url: `/api/municipalities/340/agreements/${a.id}/adoption` })
    ).json() as {
      figures: {
        node: string;
        nodeName: string;
        year: number;
        kind: string;
        base: string;
        adopted: string;
      }[];
    };
    expect(adoption.figures).toHaveLength(16);
    expect(adoption.figures.find((f) => f.node === "BER" && f.year === 2027)).toMatchObject({
      nodeName: "Beredskab",
      kind: "estimate",
      base: "937700000",
      adopted: "919700000",
      changes: [{ key: "beredskab", kind: "adjustment", amount: "-18000000" }],
    });
    const history = (
      await call(finance, { url: `/api/municipalities/340/agreements/${a.id}/history` })
    ).json() as {
      entries: { action: string; actor: { name: string }; after: { changedFigures?: number } }[];
    };
    expect(history.entries.map((e) => e.action)).toEqual(["create", "adopt"]);
    expect(history.entries[1]?.after.changedFigures).toBe(16);
  });

  it("keeps agreements from anonymous callers in published Sorø and from a budgetansvarlig", async () => {
    expect((await app.inject({ url: "/api/municipalities/340/agreements" })).statusCode).toBe(401);
    expect((await app.inject({ url: "/api/municipalities/340/agreements/1" })).statusCode).toBe(401);
    const job = await findNodeByCode(h.db, (await findMunicipality(h.db, "326"))?.id as number, "JOB");
    const unitManager = await userSession(app, h.db, "budgetansvarlig", [job?.id as number]);
    expect((await call(unitManager, { url: "/api/municipalities/340/agreements" })).statusCode).toBe(403);
    const missing = await call(finance, { url: "/api/municipalities/340/agreements/999999" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ message: "Budgetaftalen 999999 findes ikke i Sorø Kommune" });
  });

  it("creates, saves with its version, answers 409 with the current one to a stale save, and 400 with paths", async () => {
    const created = await call(finance, {
      method: "POST",
      url: "/api/municipalities/340/agreements",
      payload: { name: "Alternativ 2025", budgetYear: 2025, copyFrom: 1 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const a = (created.json() as Answer).agreement;
    expect(a).toMatchObject({ name: "Alternativ 2025", status: "scenario", version: 1, itemCount: 10 });

    const items = a.items.slice(0, 2).map((i) => ({ ...i, key: `${i.key}-2` }));
    const saved = await call(finance, {
      method: "PUT",
      url: `/api/municipalities/340/agreements/${a.id}`,
      payload: { version: 1, name: "Alternativ 2025", items },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((saved.json() as Answer).agreement).toMatchObject({ version: 2, itemCount: 2 });

    const stale = await call(finance, {
      method: "PUT",
      url: `/api/municipalities/340/agreements/${a.id}`,
      payload: { version: 1, name: "Gammel", items: [] },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: "conflict",
      message: "Budgetaftalen er ændret af en anden, efter du hentede den",
      current: { agreement: { id: a.id, version: 2, name: "Alternativ 2025" }, problems: [] },
    });

    const bad = await call(finance, {
      method: "PUT",
      url: `/api/municipalities/340/agreements/${a.id}`,
      payload: {
        version: 2,
        name: "Alternativ 2025",
        items: [
          {
            kind: "adjustment",
            key: "a",
            label: "Tvetydig",
            area: "ADM",
            pattern: "2 mio. kr. i 2027 og 2028",
          },
          { kind: "dut", key: "b", label: "DUT", area: "ADM", amounts: [{ year: 2025, amount: 12 }] },
          { kind: "tilskud", key: "c", label: "?", area: "ADM" },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    const refusal = bad.json() as {
      error: string;
      message: string;
      issues: { path: string; message: string }[];
    };
    expect(refusal.error).toBe("invalid_body");
    expect(refusal.issues.map((i) => i.path)).toEqual([
      "items.0.pattern",
      "items.1.amounts.0.amount",
      "items.2.kind",
    ]);
    expect(refusal.issues[0]?.message).toMatch(/^»Tvetydig«: Tvetydigt/);
    expect(refusal.message).toContain("items.0.pattern");
    expect((await call(finance, { url: `/api/municipalities/340/agreements/${a.id}` })).json()).toMatchObject(
      {
        agreement: { version: 2 },
      },
    );

    // A draft with problems is saved; its effect is null.
    const draft = await call(finance, {
      method: "PUT",
      url: `/api/municipalities/340/agreements/${a.id}`,
      payload: {
        version: 2,
        name: "Alternativ 2025",
        items: [
          { kind: "adjustment", key: "x", label: "Et sted", area: "XYZ", pattern: "1 mio. kr. i 2025" },
        ],
      },
    });
    expect(draft.statusCode).toBe(200);
    expect(draft.json()).toMatchObject({
      effect: null,
      problems: [{ code: "unknown_area", itemKey: "x" }],
      agreement: { version: 3 },
    });
    // An agreement with problems is not adopted (2026: the year has no adopted agreement yet).
    const next = (
      await call(finance, {
        method: "POST",
        url: "/api/municipalities/340/agreements",
        payload: { name: "Budget 2026", budgetYear: 2026, copyFrom: a.id },
      })
    ).json() as Answer;
    const invalid = await call(finance, {
      method: "POST",
      url: `/api/municipalities/340/agreements/${next.agreement.id}/adopt`,
      payload: { version: 1, mode: "apply" },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({
      error: "invalid",
      message: expect.stringContaining("»Et sted«: området »XYZ« findes ikke"),
      // …and 1 mio. kr. "i 2025" lies outside 2026–2029.
      problems: [
        { code: "unknown_area", itemKey: "x" },
        { code: "year_outside_period", itemKey: "x", year: 2025 },
      ],
    });
    expect(
      (
        await call(finance, {
          method: "DELETE",
          url: `/api/municipalities/340/agreements/${next.agreement.id}?version=1`,
        })
      ).statusCode,
    ).toBe(204);

    // Sorø's year is adopted already: a second agreement for 2025 cannot be.
    await call(finance, {
      method: "PUT",
      url: `/api/municipalities/340/agreements/${a.id}`,
      payload: { version: 3, name: "Alternativ 2025", items: [] },
    });
    const second = await call(finance, {
      method: "POST",
      url: `/api/municipalities/340/agreements/${a.id}/adopt`,
      payload: { version: 4, mode: "apply" },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({
      error: "already_adopted",
      message: expect.stringContaining("2025"),
    });

    // Only scenarios are deleted, and only on their version.
    const adopted = await call(finance, {
      method: "PUT",
      url: "/api/municipalities/340/agreements/1",
      payload: { version: 2, name: "X", items: [] },
    });
    expect(adopted.statusCode).toBe(409);
    expect(adopted.json()).toMatchObject({ error: "adopted" });
    expect(
      (
        await call(finance, { method: "DELETE", url: "/api/municipalities/340/agreements/1?version=2" })
      ).json(),
    ).toMatchObject({
      error: "adopted",
    });
    const wrongVersion = await call(finance, {
      method: "DELETE",
      url: `/api/municipalities/340/agreements/${a.id}?version=1`,
    });
    expect(wrongVersion.statusCode).toBe(409);
    expect(wrongVersion.json()).toMatchObject({ error: "conflict", current: { agreement: { version: 4 } } });
    const gone = await call(finance, {
      method: "DELETE",
      url: `/api/municipalities/340/agreements/${a.id}?version=4`,
    });
    expect(gone.statusCode).toBe(204);
    expect((await list("340")).agreements).toHaveLength(1);
  });

  it("previews an unsaved scenario and compares two saved ones", async () => {
    const preview = await call(politician, {
      method: "POST",
      url: "/api/municipalities/330/agreements/preview",
      payload: {
        budgetYear: 2023,
        items: [
          {
            kind: "adjustment",
            key: "a",
            label: "Lønpulje",
            area: "ADM",
            pattern: "-0,5 mio. kr. årligt fra 2024 og frem",
          },
        ],
      },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json() as { items: Item[]; effect: Effect; problems: unknown[] };
    expect(p.problems).toEqual([]);
    expect(p.effect.total).toEqual(["0", "-50000000", "-50000000", "-50000000"]);
    expect(p.items[0]?.sentence).toBe("Administration: -0,5 mio. kr. årligt fra 2024 og frem.");
    expect((await list("330")).agreements).toHaveLength(1);

    const [scenario] = (await list("330")).agreements as [Summary];
    const other = (
      await call(finance, {
        method: "POST",
        url: "/api/municipalities/330/agreements",
        payload: { name: "Uden forslag", budgetYear: 2023 },
      })
    ).json() as Answer;
    const r = await call(politician, {
      url: `/api/municipalities/330/agreements/compare?a=${scenario.id}&b=${other.agreement.id}`,
    });
    expect(r.statusCode, r.body).toBe(200);
    const c = r.json() as {
      a: { id: number; name: string };
      years: number[];
      rows: { code: string; a: string[]; b: string[]; difference: string[] }[];
      total: { a: string[]; b: string[]; difference: string[] };
      problems: { a: unknown[]; b: unknown[] };
    };
    expect(c.a).toEqual({ id: scenario.id, name: "Forslag til budgetaftale 2023", budgetYear: 2023 });
    expect(c.years).toEqual([2023, 2024, 2025, 2026]);
    expect(c.total).toEqual({
      a: ["700000000", "600000000", "600000000", "600000000"],
      b: ["0", "0", "0", "0"],
      difference: ["700000000", "600000000", "600000000", "600000000"],
    });
    expect(c.rows.map((row) => row.code)).toEqual(["330", "OEU", "ADM"]);
    expect(c.problems).toEqual({ a: [], b: [] });
    const missing = await call(politician, { url: "/api/municipalities/330/agreements/compare?a=x&b=1" });
    expect(missing.statusCode).toBe(400);
  });

  it("adopts Slagelse's scenario onto its (empty) base budget and sets the proposals' status", async () => {
    const [scenario] = (await list("330")).agreements.filter(
      (a) => a.name === "Forslag til budgetaftale 2023",
    ) as [Summary];
    const refused = await call(politician, {
      method: "POST",
      url: `/api/municipalities/330/agreements/${scenario.id}/adopt`,
      payload: { version: scenario.version, mode: "apply" },
    });
    expect(refused.statusCode).toBe(403);
    const r = await call(finance, {
      method: "POST",
      url: `/api/municipalities/330/agreements/${scenario.id}/adopt`,
      payload: { version: scenario.version, mode: "apply" },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      changedFigures: 4,
      agreement: { status: "adopted", adoptedMode: "apply", version: scenario.version + 1 },
    });
    const again = await call(finance, {
      method: "POST",
      url: `/api/municipalities/330/agreements/${scenario.id}/adopt`,
      payload: { version: scenario.version + 1, mode: "apply" },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: "already_adopted" });
    const catalogue = (await call(finance, { url: "/api/municipalities/330/proposals" })).json() as {
      proposals: { schedule: string; status: string }[];
    };
    expect(Object.fromEntries(catalogue.proposals.map((p) => [p.schedule, p.status]))).toMatchObject({
      "2.1.2. 05": "adopted_changed",
      "2.1.2. 06": "adopted",
      "2.1.2. 07": "adopted",
      "2.1.2. 08": "submitted",
    });
    const adm = (
      (await call(finance, { url: "/api/municipalities/330/organisation" })).json() as {
        id: number;
        code: string;
      }[]
    ).find((n) => n.code === "ADM");
    const { figures } = (await call(finance, { url: `/api/nodes/${adm?.id}/figures?year=2023` })).json() as {
      figures: { kind: string; amount: string }[];
    };
    expect(figures.map((f) => [f.kind, f.amount]).sort()).toEqual([
      ["budget", "700000000"],
      ["original", "700000000"],
    ]);
  });
});
