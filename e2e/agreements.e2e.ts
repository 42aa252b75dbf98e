/**
 * The budget agreement in the browser: a new scenario in Sorø with a Regulering whose effect on
 * Administration, Økonomiudvalget and the total follows the typing before anything is saved; a
 * phrase that cannot be read shown at its field; saving and reading it back; which items make
 * up a figure; two scenarios compared; adoption behind its dialog and the trace it leaves; and
 * the roles: a politician reads without changing, a budgetansvarlig cannot open the page.
 * The tests run in order on one server: the later ones use the scenarios the first one made.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations, browserSuite, danishNumber, screenshot, signInAs, tableRows } from "./support/app.ts";

const suite = browserSuite();

/** The effect table's figure for a row (by its name) and year, as printed. */
async function effectFigure(page: Page, row: string, year: number): Promise<string | undefined> {
  const rows = await tableRows(page, "[data-testid=effect-table]");
  const column = rows[0]?.indexOf(String(year)) ?? -1;
  return rows.find((r) => r[0] === row)?.[column];
}

/** The figures of a row for every year of the table. */
async function effectRow(page: Page, row: string): Promise<string[] | undefined> {
  const rows = await tableRows(page, "[data-testid=effect-table]");
  return rows.find((r) => r[0] === row)?.slice(1);
}

/** Creates a scenario from the list page and waits for its editor. */
async function createScenario(page: Page, name: string, copyFrom?: string): Promise<number> {
  await page.goto("/kommune/340/budgetaftale");
  await page.getByTestId("agreement-create").waitFor();
  await page.getByTestId("agreement-create-name").fill(name);
  await page.getByTestId("agreement-create-year").fill("2025");
  if (copyFrom) await page.getByTestId("agreement-create-copy").selectOption({ label: `${copyFrom} (2025)` });
  await page.getByTestId("agreement-create-submit").click();
  await page.waitForURL(/\/kommune\/340\/budgetaftale\/\d+$/);
  await expect.poll(() => page.getByTestId("agreement-title").textContent()).toBe(name);
  return Number(new URL(page.url()).pathname.split("/").pop());
}

let scenarioA = 0;
let scenarioB = 0;

describe("budgetaftalen", () => {
  it("viser effekten af en regulering, mens der skrives, og gemmer den", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const page = t.page;
    await page.goto("/kommune/340");
    await page.getByTestId("nav-agreements").click();
    await page.getByTestId("agreements-page").waitFor();
    await page.getByTestId("agreements-table").waitFor();
    // The demo's adopted agreement is listed with its status.
    expect(await page.getByTestId("agreements-table").textContent()).toContain("Budgetaftalen 2025");
    expect(await page.getByTestId("agreements-table").textContent()).toContain("Vedtaget");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "budgetaftale-liste-soroe");

    scenarioA = await createScenario(page, "Scenarie A");
    await page.getByTestId("items-empty").waitFor();
    await page.getByTestId("item-new-kind").selectOption("adjustment");
    await page.getByTestId("item-add").click();
    const editor = page.getByTestId("item-editor");
    await editor.waitFor();
    // The new item's editor takes focus.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("LEGEND");
    await editor.getByTestId("item-label").fill("Planområdet styrkes");
    await editor.getByTestId("item-area").selectOption({ label: "Administration" });
    await editor.getByTestId("item-pattern").fill("1,750 mio. kr. i 2025");

    await expect.poll(() => effectFigure(page, "Administration", 2025)).toBe("1.750");
    expect(await effectFigure(page, "Økonomiudvalget", 2025)).toBe("1.750");
    expect(await effectFigure(page, "I alt", 2025)).toBe("1.750");
    expect(await effectFigure(page, "Servicerammen", 2025)).toBe("1.750");
    expect(await effectRow(page, "Administration")).toEqual(["1.750", "0", "0", "0"]);
    await expect
      .poll(() => page.getByTestId("item-sentence").textContent())
      .toContain("1,750 mio. kr. i 2025");
    expect(await page.getByTestId("agreement-dirty").textContent()).toContain("ikke er gemt");

    // Changed: the numbers follow without saving.
    await editor.getByTestId("item-pattern").fill("2 mio. kr. årligt i 2025 og 2026");
    await expect.poll(() => effectRow(page, "Administration")).toEqual(["2.000", "2.000", "0", "0"]);
    expect(await effectRow(page, "I alt")).toEqual(["2.000", "2.000", "0", "0"]);
    const stored = await t.context.request.get(`/api/municipalities/340/agreements/${scenarioA}`);
    expect(((await stored.json()) as { agreement: { items: unknown[] } }).agreement.items).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "budgetaftale-redigering");

    // A phrase that cannot be read: the server's reason at the field, the item left out of the effect.
    await editor.getByTestId("item-pattern").fill("to millioner");
    const patternError = editor.locator(".field-invalid .field-error");
    await patternError.waitFor();
    const reason = (await patternError.textContent()) ?? "";
    expect(reason.length).toBeGreaterThan(10);
    await expect.poll(() => effectFigure(page, "Administration", 2025)).toBe("0");
    await page.getByTestId("effect-excluded").waitFor();
    expect(await page.getByTestId("agreement-problem").count()).toBe(1);
    // The same reason in the list of problems, which links to the item.
    expect(await page.getByTestId("agreement-problem").textContent()).toContain(reason);
    expect(await page.getByTestId("agreement-problem").getByRole("link").textContent()).toBe(
      "Punkt 1 (Planområdet styrkes)",
    );
    expect(await editor.getByTestId("item-pattern").getAttribute("aria-invalid")).toBe("true");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "budgetaftale-fejl-i-beloeb");

    await editor.getByTestId("item-pattern").fill("1,750 mio. kr. i 2025");
    await expect.poll(() => effectFigure(page, "Administration", 2025)).toBe("1.750");
    expect(await page.getByTestId("agreement-problem").count()).toBe(0);
    await page.getByTestId("agreement-save").click();
    await expect.poll(() => page.getByTestId("agreement-save-status").textContent()).toContain("er gemt");
    expect(await page.getByTestId("agreement-dirty").textContent()).toBe("Alt er gemt.");

    await page.reload();
    await page.getByTestId("items-table").waitFor();
    expect(await page.getByTestId("item-label-text").textContent()).toBe("Planområdet styrkes");
    expect(await page.getByTestId("item-sentence").textContent()).toContain("1,750 mio. kr. i 2025");
    expect(await effectFigure(page, "Administration", 2025)).toBe("1.750");
    // Which items make up the figure.
    await page.locator('[data-testid=effect-table] button[data-year="2025"]').first().click();
    const contributions = page.getByTestId("effect-contributions");
    await contributions.waitFor();
    expect(await contributions.getByTestId("effect-contribution").allTextContents()).toEqual([
      "Planområdet styrkes: 1.750",
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "budgetaftale-gemt-med-bidrag");
  });

  it("sammenligner to scenarier side om side", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const page = t.page;
    scenarioB = await createScenario(page, "Scenarie B", "Scenarie A");
    await page.getByTestId("items-table").waitFor();
    await page.getByTestId("item-edit").click();
    await page.getByTestId("item-pattern").fill("2 mio. kr. i 2025");
    await expect.poll(() => effectFigure(page, "Administration", 2025)).toBe("2.000");
    await page.getByTestId("agreement-save").click();
    await expect.poll(() => page.getByTestId("agreement-save-status").textContent()).toContain("er gemt");

    await page.goto("/kommune/340/budgetaftale");
    await page.getByTestId("agreements-compare-form").waitFor();
    await page
      .getByTestId("agreements-compare-form")
      .getByTestId("compare-a")
      .selectOption(String(scenarioA));
    await page
      .getByTestId("agreements-compare-form")
      .getByTestId("compare-b")
      .selectOption(String(scenarioB));
    await page.getByTestId("agreements-compare-go").click();
    await page.waitForURL(`**/budgetaftale/sammenlign?a=${scenarioA}&b=${scenarioB}`);
    await page.getByTestId("compare-table").waitFor();
    const rows = await tableRows(page, "[data-testid=compare-table]");
    // A, B and A − B for 2025, then 2026.
    expect(rows.find((r) => r[0] === "Administration")?.slice(1, 7)).toEqual([
      "1.750",
      "2.000",
      "-250",
      "0",
      "0",
      "0",
    ]);
    expect(rows.find((r) => r[0] === "I alt")?.slice(1, 4)).toEqual(["1.750", "2.000", "-250"]);
    expect(rows.find((r) => r[0] === "Servicerammen")?.slice(1, 4)).toEqual(["1.750", "2.000", "-250"]);
    expect(await axeViolations(page)).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "budgetaftale-sammenligning");
  });

  it("kører under serverens CSP med redigering, bidrag og sammenligning", async () => {
    const t = await suite.open({ bypassCSP: false });
    await signInAs(t, "demo-okonomi");
    const page = t.page;
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        const w = window as unknown as { cspViolations?: string[] };
        w.cspViolations = [...(w.cspViolations ?? []), `${e.violatedDirective} ${e.blockedURI}`];
      });
    });
    await page.goto(`/kommune/340/budgetaftale/${scenarioA}`);
    await page.getByTestId("item-edit").click();
    await page.getByTestId("item-editor").waitFor();
    await page.locator('[data-testid=effect-table] button[data-year="2025"]').first().click();
    await page.getByTestId("effect-contributions").waitFor();
    expect(await page.evaluate(() => (window as { cspViolations?: string[] }).cspViolations ?? [])).toEqual(
      [],
    );
    await page.goto(`/kommune/340/budgetaftale/sammenlign?a=${scenarioA}&b=${scenarioB}`);
    await page.getByTestId("compare-table").waitFor();
    expect(await page.evaluate(() => (window as { cspViolations?: string[] }).cspViolations ?? [])).toEqual(
      [],
    );
  });

  it("retter et forslags beløb og tilføjer og fjerner DUT-midler med »og fremefter«", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const page = t.page;
    // Slagelse's scenario: a proposal's amount changed in the editor moves the effect.
    await page.goto("/kommune/330/budgetaftale");
    await page.getByRole("link", { name: "Forslag til budgetaftale 2023" }).click();
    await page.getByTestId("items-table").waitFor();
    const proposalRow = page.locator("[data-testid=item-row]").filter({ hasText: "Forslag" }).first();
    await proposalRow.getByTestId("item-edit").click();
    const cell = page.locator('[data-testid=item-override][data-line="0"][data-year="2024"]');
    await cell.waitFor();
    const own = await cell.inputValue();
    const before = await effectFigure(page, "Administration", 2024);
    await cell.fill("0");
    await expect
      .poll(async () => danishNumber((await effectFigure(page, "Administration", 2024)) ?? ""))
      .toBe(danishNumber(before ?? "") - danishNumber(own));
    expect(await page.getByTestId("agreement-dirty").textContent()).toContain("ikke er gemt");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "budgetaftale-forslag-aendret");
    // Back to the proposal's own amount: nothing left to save.
    await cell.fill(own);
    await expect.poll(() => effectFigure(page, "Administration", 2024)).toBe(before);
    expect(await page.getByTestId("agreement-dirty").textContent()).toBe("Alt er gemt.");

    // Sorø: DUT money per year and onwards, then removed again.
    await page.goto(`/kommune/340/budgetaftale/${scenarioA}`);
    await page.getByTestId("item-new-kind").selectOption("dut");
    await page.getByTestId("item-add").click();
    const editor = page.getByTestId("item-editor");
    await editor.getByTestId("item-label").fill("Barnets Lov");
    await editor.getByTestId("item-area").selectOption({ label: "Borgerservice" });
    await editor.locator('[data-testid=item-amount][data-year="2025"]').fill("1.800");
    await editor.getByTestId("item-onwards-from").selectOption("2026");
    await editor.getByTestId("item-onwards-amount").fill("2.300");
    await expect.poll(() => effectRow(page, "Borgerservice")).toEqual(["1.800", "2.300", "2.300", "2.300"]);
    expect(await effectRow(page, "I alt")).toEqual(["3.550", "2.300", "2.300", "2.300"]);
    await expect
      .poll(() =>
        page.locator("[data-testid=item-row][data-key] [data-testid=item-sentence]").last().textContent(),
      )
      .toContain("og fremefter");
    // Saved and read back: still 1.800 in 2025 and 2.300 from 2026 on, without problems.
    await page.getByTestId("agreement-save").click();
    await expect.poll(() => page.getByTestId("agreement-save-status").textContent()).toContain("er gemt");
    await page.reload();
    await page.getByTestId("items-table").waitFor();
    expect(await effectRow(page, "Borgerservice")).toEqual(["1.800", "2.300", "2.300", "2.300"]);
    expect(await page.getByTestId("agreement-problems").count()).toBe(0);
    const dutRow = page.locator("[data-testid=item-row]").filter({ hasText: "Barnets Lov" });
    await dutRow.getByTestId("item-edit").click();
    expect(await editor.locator('[data-testid=item-amount][data-year="2026"]').inputValue()).toBe("");
    expect(await editor.getByTestId("item-onwards-amount").inputValue()).toBe("2.300");
    expect(await page.getByTestId("agreement-dirty").textContent()).toBe("Alt er gemt.");
    await editor.getByTestId("item-remove").click();
    await expect.poll(() => effectRow(page, "Borgerservice")).toEqual(["0", "0", "0", "0"]);
    expect(await page.getByTestId("agreement-dirty").textContent()).toContain("ikke er gemt");
    await page.getByTestId("agreement-save").click();
    await expect.poll(() => page.getByTestId("agreement-dirty").textContent()).toBe("Alt er gemt.");
  });

  it("viser en konflikt, når en anden har gemt imens, og gemmer min udgave på ønske", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const first = t.page;
    const second = await t.context.newPage();
    for (const p of [first, second]) {
      await p.goto(`/kommune/340/budgetaftale/${scenarioB}`);
      await p.getByTestId("items-table").waitFor();
    }
    await first.getByTestId("agreement-name").fill("Scenarie B (rettet)");
    await first.getByTestId("agreement-save").click();
    await expect.poll(() => first.getByTestId("agreement-save-status").textContent()).toContain("er gemt");

    await second.getByTestId("agreement-name").fill("Scenarie B (mit navn)");
    await second.getByTestId("agreement-save").click();
    const conflict = second.getByTestId("conflict");
    await conflict.waitFor();
    expect(await conflict.getByTestId("conflict-current").first().textContent()).toBe("Scenarie B (rettet)");
    expect(await conflict.getByTestId("conflict-mine").first().textContent()).toBe("Scenarie B (mit navn)");
    expect(await axeViolations(second)).toEqual([]);
    await screenshot(second, "budgetaftale-konflikt");
    await conflict.getByTestId("conflict-overwrite").click();
    await expect.poll(() => second.getByTestId("agreement-save-status").textContent()).toContain("er gemt");
    expect(await second.getByTestId("agreement-title").textContent()).toBe("Scenarie B (mit navn)");
    const stored = await t.context.request.get(`/api/municipalities/340/agreements/${scenarioB}`);
    expect(((await stored.json()) as { agreement: { name: string } }).agreement.name).toBe(
      "Scenarie B (mit navn)",
    );
    await second.close();
  });

  it("lader en politiker læse uden at rette og holder en budgetansvarlig ude", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-politiker");
    const page = t.page;
    await page.goto(`/kommune/340/budgetaftale/${scenarioA}`);
    await page.getByTestId("agreement-readonly").waitFor();
    await page.getByTestId("effect-table").waitFor();
    expect(await effectFigure(page, "Administration", 2025)).toBe("1.750");
    expect(await page.getByTestId("agreement-save").count()).toBe(0);
    expect(await page.getByTestId("item-edit").count()).toBe(0);
    expect(await page.getByTestId("agreement-adopt").count()).toBe(0);
    expect(
      await page.locator("[data-testid=agreement-page] input, [data-testid=agreement-page] select").count(),
    ).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "budgetaftale-politiker");
    // The demo's scenario in Slagelse reads the same way.
    await page.goto("/kommune/330/budgetaftale");
    await page.getByTestId("agreements-table").waitFor();
    expect(await page.getByTestId("agreement-create").count()).toBe(0);
    expect(await page.getByTestId("agreement-delete").count()).toBe(0);
    await page.getByRole("link", { name: "Forslag til budgetaftale 2023" }).click();
    await page.getByTestId("agreement-readonly").waitFor();
    expect(await page.getByTestId("item-row").count()).toBeGreaterThan(0);

    const b = await suite.open();
    await signInAs(b, "demo-budgetansvarlig");
    await b.page.goto("/kommune/326/budgetaftale");
    await b.page.getByTestId("no-access").waitFor();
    expect(await b.page.getByTestId("nav-agreements").count()).toBe(0);
    await b.page.goto("/kommune/326");
    await b.page.getByTestId("user-name").waitFor();
    expect(await b.page.getByTestId("nav-agreements").count()).toBe(0);
  });

  it("vedtager et scenarie efter en bekræftelse og viser, hvilke tal vedtagelsen ændrede", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const page = t.page;
    // Sorø's 2025 is adopted already: the dialog says so and nothing changes.
    await page.goto(`/kommune/340/budgetaftale/${scenarioA}`);
    await page.getByTestId("agreement-adopt").click();
    const dialog = page.getByTestId("adopt-dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("Vedtag: skriver det oprindelige budget");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "budgetaftale-vedtag-dialog");
    await dialog.getByTestId("adopt-confirm").click();
    await dialog.getByTestId("adopt-error").waitFor();
    expect(await dialog.getByTestId("adopt-error").textContent()).toContain("vedtaget");
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.getByTestId("agreement-status").textContent()).toBe("Scenarie");

    // Slagelse's scenario has no adopted agreement for 2023: adopting it writes the budget.
    await page.goto("/kommune/330/budgetaftale");
    await page.getByRole("link", { name: "Forslag til budgetaftale 2023" }).click();
    await page.getByTestId("agreement-adopt").click();
    await dialog.waitFor();
    await dialog.getByTestId("adopt-mode-apply").check();
    await dialog.getByTestId("adopt-confirm").click();
    await expect.poll(() => page.getByTestId("agreement-status").textContent()).toBe("Vedtaget");
    expect(await page.getByTestId("agreement-save-status").textContent()).toContain("er vedtaget");
    await page.getByTestId("adoption-table").waitFor();
    expect(await page.getByTestId("adoption-row").count()).toBeGreaterThan(0);
    // Read-only now, for økonomi too.
    expect(await page.getByTestId("item-edit").count()).toBe(0);
    expect(await page.getByTestId("agreement-save").count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "budgetaftale-vedtaget-spor");

    // A scenario can be deleted from the list; the adopted agreement cannot.
    await page.goto("/kommune/340/budgetaftale");
    const rowB = page.locator(`[data-testid=agreement-row][data-id="${scenarioB}"]`);
    await rowB.getByTestId("agreement-delete").click();
    await rowB.getByTestId("agreement-delete-yes").click();
    await expect.poll(() => page.getByTestId("agreements-status").textContent()).toContain("er slettet");
    await expect.poll(() => rowB.count()).toBe(0);
    const adopted = page.locator("[data-testid=agreement-row]").filter({ hasText: "Budgetaftalen 2025" });
    expect(await adopted.getByTestId("agreement-delete").count()).toBe(0);
  });
});
