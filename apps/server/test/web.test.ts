import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseHandle } from "@bevilling/db";
import { openTestDatabase } from "@bevilling/db/testing";
import { writeXlsx } from "@bevilling/io";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/index.ts";
import { WEB_CSP } from "../src/web.ts";
import { tokenHeaders } from "./support/auth.ts";

describe("the web application and the file inspection", () => {
  const root = mkdtempSync(join(tmpdir(), "bevilling-web-"));
  let h: DatabaseHandle;
  let app: FastifyInstance;
  let auth: { authorization: string };
  beforeAll(async () => {
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), '<!doctype html><html lang="da"><title>Bevilling</title>');
    writeFileSync(join(root, "assets", "main-abc123.js"), "console.log(1)");
    h = await openTestDatabase("pglite");
    app = await buildApp({ db: h.db, webRoot: root });
    auth = await tokenHeaders(h.db, "okonomi");
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("serves the application at / and every view path, with the web policy", async () => {
    for (const url of ["/", "/kommune/340", "/kommune/340/enhed/7?pris=2025"]) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers["content-type"]).toContain("text/html");
      expect(r.body).toContain('lang="da"');
      expect(r.headers["content-security-policy"]).toBe(WEB_CSP);
      expect(r.headers["x-frame-options"]).toBe("DENY");
      expect(r.headers["cache-control"]).toBe("no-cache");
    }
  });

  it("serves hashed assets as immutable and answers 404 for missing files and unknown API routes", async () => {
    const js = await app.inject({ url: "/assets/main-abc123.js" });
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toContain("text/javascript");
    expect(js.headers["cache-control"]).toContain("immutable");
    expect((await app.inject({ url: "/assets/missing.js" })).statusCode).toBe(404);
    expect((await app.inject({ url: "/../../etc/passwd" })).body).not.toContain("root:");
    const api = await app.inject({ url: "/api/no-such-route" });
    expect(api.statusCode).toBe(404);
    expect(api.headers["content-security-policy"]).toContain("default-src 'none'");
  });

  it("inspects a CSV and an XLSX: header, first rows, row count; a bad file is a 400 naming it", async () => {
    const csv = "Udvalg;Område;Budget 2025\nOEU;ADM;259.178\nOEU;PUL;80.496\n";
    const r = await app.inject({
      method: "POST",
      url: "/api/files/inspect",
      headers: auth,
      payload: { fileName: "budget.csv", content: Buffer.from(`\uFEFF${csv}`).toString("base64") },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      header: ["Udvalg", "Område", "Budget 2025"],
      rows: [
        ["OEU", "ADM", "259.178"],
        ["OEU", "PUL", "80.496"],
      ],
      rowCount: 2,
      separator: ";",
    });
    const xlsx = await writeXlsx([
      { name: "Ark", columns: [{ header: "Område" }, { header: "Beløb" }], rows: [["ADM", 1234.5]] },
    ]);
    const x = await app.inject({
      method: "POST",
      url: "/api/files/inspect",
      headers: auth,
      payload: { fileName: "b.xlsx", content: Buffer.from(xlsx).toString("base64") },
    });
    expect(x.statusCode, x.body).toBe(200);
    expect(x.json()).toMatchObject({ header: ["Område", "Beløb"], rows: [["ADM", 1234.5]], rowCount: 1 });
    const bad = await app.inject({
      method: "POST",
      url: "/api/files/inspect",
      headers: auth,
      payload: { fileName: "u16.csv", content: Buffer.from([0xff, 0xfe, 0x41, 0x00]).toString("base64") },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain("u16.csv");
  });
});
