/**
 * The proposals catalogue in the browser: seed 003's eight schedules with their tables, the
 * consistency checks pointing at schedule 08, a status change saved with its version, and the
 * generated documents downloaded from the page and read back.
 */
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  axeViolations,
  launchBrowser,
  openPage,
  type RunningApp,
  screenshot,
  signInAs,
  startApp,
  type TestPage,
  tableRows,
} from "./support/app.ts";

let app: RunningApp;
let browser: Browser;
let t: TestPage;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

afterEach(async () => {
  const problems = t?.problems ?? [];
  await t?.context.close();
  expect(problems, "fejl i browserkonsollen").toEqual([]);
});

describe("forslagskataloget", () => {
  it("viser seed 003's skemaer med tabeller og advarslerne for skema 08", async () => {
    t = await openPage(browser, app);
    await signInAs(t, "demo-okonomi");
    const page = t.page;
    await page.goto("/kommune/330/forslag");
    await page.getByTestId("proposals-page").waitFor();
    await expect.poll(() => page.getByTestId("proposal").count()).toBe(8);
    const p05 = page.locator('[data-testid=proposal][data-schedule="2.1.2. 05"]');
    const rows = await tableRows(page, '[data-schedule="2.1.2. 05"] [data-testid=proposal-table]');
    expect(rows.slice(-3)).toEqual([
      ["2 direktører", "3.000", "3.000", "3.000", "3.000", "12.000"],
      ["1 direktør", "1.500", "1.500", "1.500", "1.500", "6.000"],
      ["I alt", "4.500", "4.500", "4.500", "4.500", "18.000"],
    ]);
    expect(await p05.textContent()).toContain("Etablering af direktion");
    const warnings = page.getByTestId("proposals-warnings");
    expect(await warnings.textContent()).toContain("5.700 t.kr.");
    expect(await warnings.textContent()).toContain("63");
    expect(
      await page.locator('[data-schedule="2.1.2. 08"] [data-testid=proposal-warning]').count(),
    ).toBeGreaterThan(0);
    expect(await page.locator('[data-schedule="2.1.2. 03"] [data-testid=proposal-warning]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "forslagskatalog-slagelse");
  });

  it("gemmer en ændret status og henter kataloget som PDF og Excel fra siden", async () => {
    t = await openPage(browser, app);
    await signInAs(t, "demo-okonomi");
    const page = t.page;
    await page.goto("/kommune/330/forslag");
    const p01 = page.locator('[data-testid=proposal][data-schedule="2.1.2. 01"]');
    await p01.getByTestId("proposal-edit-button").click();
    await p01.getByTestId("proposal-status-select").selectOption("adopted");
    await p01.getByTestId("proposal-reason").fill("Vedtaget i budgetaftalen");
    await p01.getByTestId("proposal-save").click();
    await expect.poll(() => p01.getByTestId("proposal-status").textContent()).toContain("Vedtaget");

    const [pdfDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("proposals-document-pdf").click(),
    ]);
    const pdf = await getDocumentProxy(new Uint8Array(readFileSync((await pdfDownload.path()) as string)));
    const { text } = await extractText(pdf, { mergePages: true });
    expect(text).toContain("Skema 2.1.2. 05");
    expect(text).toContain("-13.200");
    const [xlsx] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("proposals-document-xlsx").click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
  });

  it("viser det genererede HTML-dokument, som det vil se ud", async () => {
    t = await openPage(browser, app);
    await signInAs(t, "demo-okonomi");
    const r = await t.context.request.get("/api/municipalities/330/proposals/document?format=html");
    const page = t.page;
    await page.setContent(await r.text());
    expect(await page.locator("table").count()).toBe(8);
    expect(await page.locator("h1").count()).toBe(1);
    await screenshot(page, "forslagskatalog-dokument-html");
  });
});
