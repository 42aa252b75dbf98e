import type { DatabaseHandle } from "@bevilling/db";
import { findMunicipality, findNodeByCode } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { loadDemo } from "@bevilling/services";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/index.ts";
import { type BrowserSession, userSession } from "./support/auth.ts";

describe.each(testEngines())("the appropriations API on %s", (engine) => {
  let h: DatabaseHandle;
  let app: FastifyInstance;
  let finance: BrowserSession;
  let job: number;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    app = await buildApp({ db: h.db });
    finance = await userSession(app, h.db, "okonomi");
    const m = await findMunicipality(h.db, "326");
    job = (await findNodeByCode(h.db, m?.id ?? 0, "JOB"))?.id ?? 0;
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it("gives a dated, reasoned supplementary appropriation that forms the corrected budget", async () => {
    const r = await app.inject({
      method: "POST",
      url: "/api/municipalities/326/appropriations",
      headers: finance.headers,
      payload: {
        nodeId: job,
        accountId: null,
        year: 2024,
        kind: "supplementary",
        amount: "150000000",
        decidedOn: "2024-03-21",
        reason: "Flere ledige i foråret",
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    const corrected = await app.inject({
      url: `/api/nodes/${job}/corrected?year=2024`,
      headers: finance.headers,
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(JSON.stringify(corrected.json())).toContain("150000000");
    const list = (
      await app.inject({ url: "/api/municipalities/326/appropriations?year=2024", headers: finance.headers })
    ).json() as { reason: string; decidedOn: string }[];
    expect(list.map((a) => [a.decidedOn, a.reason])).toEqual([["2024-03-21", "Flere ledige i foråret"]]);
  });

  it("refuses a carry-over into an area that may not carry over, naming why", async () => {
    const r = await app.inject({
      method: "POST",
      url: "/api/municipalities/326/appropriations",
      headers: finance.headers,
      payload: {
        nodeId: job,
        accountId: null,
        year: 2024,
        kind: "carry_over",
        amount: "100000",
        decidedOn: "2024-04-01",
        reason: "Overførsel fra 2023",
      },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/overfør/i);
  });

  it("tells which area's carry-over setting governs a unit, and that it changes when set", async () => {
    const setting = async (id: number) =>
      (await app.inject({ url: `/api/nodes/${id}/carry-over`, headers: finance.headers })).json() as {
        area: { code: string; carryOverAllowed: boolean } | null;
      };
    expect((await setting(job)).area).toMatchObject({ code: "JOB", carryOverAllowed: false });
    const put = await app.inject({
      method: "PUT",
      url: `/api/nodes/${job}/carry-over`,
      headers: finance.headers,
      payload: { allowed: true, reason: "Byrådets beslutning" },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await setting(job)).area).toMatchObject({ code: "JOB", carryOverAllowed: true });
    const m = await findMunicipality(h.db, "326");
    const oeu = (await findNodeByCode(h.db, m?.id ?? 0, "OEU"))?.id ?? 0;
    expect((await setting(oeu)).area).toBeNull();
  });
});
