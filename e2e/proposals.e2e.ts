/**
 * The proposals catalogue in the browser: seed 003's eight schedules with their tables, the
 * consistency checks pointing at schedule 08, a status change saved with its version, and the
 * generated documents downloaded from the page and read back.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { axeViolations, browserSuite, ROOT, screenshot, signInAs, tableRows } from "./support/app.ts";

const suite = browserSuite();

describe("forslagskataloget", () => {
  it("viser seed 003's skemaer med tabeller og advarslerne for skema 08", async () => {
    const t = await suite.open();
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
    const t = await suite.open();
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

  it("opretter et forslag med to linjer og en henvisning, og sletter det igen", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const page = t.page;
    await page.goto("/kommune/330/forslag");
    await expect.poll(() => page.getByTestId("proposal").count()).toBe(8);
    await page.getByTestId("proposal-create-button").click();
    const form = page.getByTestId("proposal-form");
    expect(await form.getByTestId("proposal-catalogue").inputValue()).toBe("Budget 2023-2026");
    await form.getByTestId("proposal-schedule").fill("2.1.2.09");
    await form.getByTestId("proposal-title").fill("Flere ungeguides");
    await form.getByTestId("proposal-kind").selectOption("udvidelse");
    await form.getByLabel("Udvalg", { exact: true }).fill("Økonomiudvalget");
    await form.getByLabel("Område", { exact: true }).fill("Administration");
    await form.getByTestId("proposal-text").fill("Et billigere alternativ til skema 08.");
    for (const [name, amounts] of [
      ["2 ungeguides", ["1.000", "1.000", "1.000", "1.000"]],
      ["30 færre unge på uddannelseshjælp", ["", "-2.650", "-2.650", "-2.650"]],
    ] as const) {
      await form.getByTestId("proposal-add-line").click();
      const line = form.getByTestId("proposal-line").last();
      await line.getByTestId("proposal-line-name").fill(name);
      for (const [i, amount] of amounts.entries()) {
        if (amount !== "") await line.locator(`[data-year="${2023 + i}"]`).fill(amount);
      }
    }
    await form.getByTestId("proposal-add-reference").click();
    const ref = form.getByTestId("proposal-reference").last();
    await ref.getByTestId("proposal-reference-relation").selectOption("alternative_to");
    await ref.getByTestId("proposal-reference-schedule").fill("2.1.2. 08");
    await form.screenshot({ path: join(ROOT, "test-results/screenshots/forslag-nyt.png") });
    await form.getByTestId("proposal-save").click();

    const p09 = page.locator('[data-testid=proposal][data-schedule="2.1.2. 09"]');
    await p09.waitFor();
    expect(await page.getByTestId("proposals-notice").textContent()).toBe(
      "Skema 2.1.2. 09 er oprettet (Kladde).",
    );
    expect(await tableRows(page, '[data-schedule="2.1.2. 09"] [data-testid=proposal-table]')).toEqual([
      ["Budgetoverslag", "2023", "2024", "2025", "2026", "I alt"],
      ["2 ungeguides", "1.000", "1.000", "1.000", "1.000", "4.000"],
      ["30 færre unge på uddannelseshjælp", "", "-2.650", "-2.650", "-2.650", "-7.950"],
      ["I alt", "1.000", "-1.650", "-1.650", "-1.650", "-3.950"],
    ]);
    expect(await p09.locator(".proposal-refs").textContent()).toBe("Alternativ til skema 2.1.2. 08");
    expect(await p09.getByTestId("proposal-status").textContent()).toContain("Kladde");
    await p09.scrollIntoViewIfNeeded();
    expect(await axeViolations(page)).toEqual([]);
    // The page is long: the proposal itself is what the picture is of.
    await p09.screenshot({ path: join(ROOT, "test-results/screenshots/forslag-oprettet.png") });

    // The reference is edited in the same form: now it only refers to schedule 05.
    await p09.getByTestId("proposal-edit-button").click();
    const edit = p09.getByTestId("proposal-form");
    await edit.getByTestId("proposal-reference-relation").selectOption("related");
    await edit.getByTestId("proposal-reference-schedule").fill("2.1.2. 05");
    await edit.getByTestId("proposal-save").click();
    await expect.poll(() => p09.locator(".proposal-refs").textContent()).toBe("Henviser til skema 2.1.2. 05");

    await p09.getByTestId("proposal-delete-button").click();
    await p09.getByTestId("proposal-delete-reason").fill("Trukket tilbage af direktionen");
    expect(await axeViolations(page)).toEqual([]);
    await p09.screenshot({ path: join(ROOT, "test-results/screenshots/forslag-slet.png") });
    await p09.getByTestId("proposal-delete-confirm").click();
    await expect
      .poll(() => page.getByTestId("proposals-notice").textContent())
      .toBe("Skema 2.1.2. 09 er slettet.");
    await expect.poll(() => page.getByTestId("proposal").count()).toBe(8);
  });

  it("læser kataloget ind igen fra den Excel-fil, siden henter, uden ændringer", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const page = t.page;
    const xlsx = await t.context.request.get("/api/municipalities/330/proposals/document?format=xlsx");
    await page.goto("/kommune/330/forslag");
    await page.getByTestId("catalogue-import-file").setInputFiles({
      name: "katalog.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: await xlsx.body(),
    });
    await page.getByTestId("catalogue-import-submit").click();
    const result = page.getByTestId("catalogue-import-result");
    await result.waitFor();
    expect(await result.textContent()).toContain("Budget 2023-2026 er allerede indlæst; intet er ændret");
    expect(await result.textContent()).toContain("Nye forslag: 0. Ændrede: 0. Uændrede: 8.");
  });

  it("viser det genererede HTML-dokument, som det vil se ud", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const r = await t.context.request.get("/api/municipalities/330/proposals/document?format=html");
    const page = t.page;
    await page.setContent(await r.text());
    expect(await page.locator("table").count()).toBe(8);
    expect(await page.locator("h1").count()).toBe(1);
    await screenshot(page, "forslagskatalog-dokument-html");
  });
});
