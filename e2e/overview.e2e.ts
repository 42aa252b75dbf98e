import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  browserSuite,
  danishNumber,
  SEED_000,
  SEED_000_HEADER,
  screenshot,
  signInAs,
  type TestPage,
  tableRows,
} from "./support/app.ts";

const suite = browserSuite();
let t: TestPage;
let page: Page;
let oeuPath: string;

async function fresh(): Promise<void> {
  t = await suite.open();
  page = t.page;
}

const body = (rows: string[][]) => rows.slice(2);
const overviewTable = () => tableRows(page, "table.overview");
const note = () => page.locator("p.note").textContent();

/** Every column of the body adds up to the total row, as printed. */
function addsUp(rows: string[][]): void {
  const [total, ...children] = body(rows);
  for (let c = 1; c < (total?.length ?? 0); c++) {
    const sum = children.reduce((a, r) => a + danishNumber(r[c] ?? "0"), 0);
    expect(Math.round(sum * 10) / 10, `kolonne ${c}`).toBe(danishNumber(total?.[c] ?? ""));
  }
}

describe("oversigten", () => {
  it("viser seed 000's tabel for Sorøs økonomiudvalg, tal for tal, når man klikker sig frem fra forsiden", async () => {
    await fresh();
    await page.goto("/");
    await expect.poll(() => page.title()).toBe("Kommuner – Bevilling");
    expect(await page.locator("html").getAttribute("lang")).toBe("da");
    await page.getByRole("link", { name: "Sorø" }).click();
    await page.waitForURL(/\/kommune\/340$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Sorø");
    expect(await page.locator(".site-header").textContent()).toContain("Sorø");

    await page.locator("table.overview").getByRole("link", { name: "Økonomiudvalget" }).click();
    await page.waitForURL(/\/kommune\/340\/enhed\/\d+$/);
    oeuPath = new URL(page.url()).pathname;
    await expect.poll(() => page.locator("h1").textContent()).toBe("Økonomiudvalget");
    await page.locator("table.overview").waitFor();

    expect(await overviewTable()).toEqual([...SEED_000_HEADER, ...SEED_000]);
    expect(await note()).toBe("Note: Alle tal er i 2025-priser.");
    expect(await page.locator("p.info").textContent()).toContain("eksempel");
    expect(await page.title()).toBe("Økonomiudvalget – Sorø – Bevilling");
    expect(await page.locator("nav.breadcrumb li").allTextContents()).toEqual(["Sorø", "Økonomiudvalget"]);
    expect(await page.locator(".sidebar [aria-current=page]").textContent()).toBe("Økonomiudvalget");
    // Figures right-aligned in tabular digits; headers name their column and row.
    const cell = page.locator("table.overview tbody td").first();
    expect(await cell.evaluate((e) => getComputedStyle(e).textAlign)).toBe("right");
    expect(await cell.evaluate((e) => getComputedStyle(e).fontVariantNumeric)).toContain("tabular-nums");
    expect(await page.locator("table.overview thead th[scope=col]").count()).toBe(14);
    expect(await page.locator("table.overview tbody th[scope=row]").count()).toBe(7);
    // Six year columns fit at 1280 px: neither the table nor the page scrolls sideways.
    const overflow = await page.evaluate(() => {
      const wrap = document.querySelector(".table-wrap") as HTMLElement;
      return {
        table: wrap.scrollWidth - wrap.clientWidth,
        page: document.documentElement.scrollWidth - window.innerWidth,
      };
    });
    expect(overflow).toEqual({ table: 0, page: 0 });

    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "oversigt-oekonomiudvalget");
  });

  it("går ned i et område med et klik og tilbage med browserens tilbageknap", async () => {
    await fresh();
    await page.goto(oeuPath);
    await page.locator("table.overview").getByRole("link", { name: "Administration" }).click();
    await page.waitForURL(/\/enhed\/\d+$/);
    expect(new URL(page.url()).pathname).not.toBe(oeuPath);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Administration");
    await page.locator("table.overview").waitFor();
    const rows = await overviewTable();
    expect(body(rows)).toEqual([SEED_000[2]]);
    expect(await page.locator("nav.breadcrumb li").allTextContents()).toEqual([
      "Sorø",
      "Økonomiudvalget",
      "Administration",
    ]);
    // An area without units says so and offers its accounts.
    expect(await page.locator(".message").textContent()).toContain(
      "Administration har ingen underliggende enheder",
    );
    expect(await page.title()).toBe("Administration – Sorø – Bevilling");
    expect(await axeViolations(page)).toEqual([]);

    await page.goBack();
    await page.waitForURL((u) => u.pathname === oeuPath);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Økonomiudvalget");
    await expect.poll(async () => body(await overviewTable()).length).toBe(7);
    expect(body(await overviewTable())).toEqual(SEED_000);

    await page.goForward();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Administration");

    // The breadcrumb leads back up as well.
    await page.locator("nav.breadcrumb").getByRole("link", { name: "Sorø" }).click();
    await page.waitForURL(/\/kommune\/340$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Sorø");
  });

  it("skifter prisniveau og enhed, og tabellen summerer stadig som trykt", async () => {
    await fresh();
    await page.goto(oeuPath);
    await page.locator("table.overview").waitFor();

    await page.getByLabel("Prisniveau", { exact: true }).selectOption("2026");
    await page.waitForURL(/pris=2026/);
    await expect.poll(note).toBe("Note: Alle tal er i 2026-priser.");
    const restated = await overviewTable();
    expect(restated[1]?.[0]).toBe("(1.000 kr.)");
    const admin = body(restated).find((r) => r[0] === "Administration");
    // The example index rises 3,0 % from 2025 to 2026: 259.178 × 1,03 = 266.953,3.
    expect(admin?.[3]).toBe("266.953");
    expect(body(restated)[0]?.[3]).not.toBe("388.324");
    addsUp(restated);

    await page.getByLabel("Prisniveau", { exact: true }).selectOption("2025");
    await page.getByLabel("Enhed", { exact: true }).selectOption("mio");
    await page.waitForURL(/enhed=mio/);
    await expect.poll(async () => (await overviewTable())[1]?.[0]).toBe("(mio. kr.)");
    const mio = await overviewTable();
    expect(body(mio)[0]).toEqual(["Økonomiudvalget", "306,0", "351,6", "388,3", "384,3", "379,7", "381,3"]);
    addsUp(mio);

    await page.getByLabel("Enhed", { exact: true }).selectOption("kr");
    await expect.poll(async () => (await overviewTable())[1]?.[0]).toBe("(kr.)");
    expect(body(await overviewTable())[0]).toEqual([
      "Økonomiudvalget",
      "306.005.000",
      "351.608.000",
      "388.324.000",
      "384.273.000",
      "379.719.000",
      "381.305.000",
    ]);

    await page.getByLabel("Prisniveau", { exact: true }).selectOption("current");
    await page.waitForURL(/pris=loebende/);
    await expect.poll(note).toBe("Note: Alle tal er i løbende priser.");

    // The browser's back button undoes a choice, too.
    await page.goBack();
    await expect.poll(note).toBe("Note: Alle tal er i 2025-priser.");
    expect(await page.getByLabel("Enhed", { exact: true }).inputValue()).toBe("kr");
  });

  it("genindlæser et dybt link med graf-visningen, og graferne har tabeller bag sig", async () => {
    await fresh();
    await page.goto(`${oeuPath}?pris=2026&enhed=mio&visning=graf`);
    await page.locator("svg[role=img]").first().waitFor();
    await page.reload();
    await page.locator("svg[role=img]").first().waitFor();
    expect(await page.getByLabel("Prisniveau", { exact: true }).inputValue()).toBe("2026");
    expect(await page.getByLabel("Enhed", { exact: true }).inputValue()).toBe("mio");
    expect(await page.getByRole("radio", { name: "Grafer" }).isChecked()).toBe(true);
    await expect.poll(note).toBe("Note: Alle tal er i 2026-priser.");
    expect(await page.locator("table.overview").count()).toBe(0);

    const charts = page.locator("section.chart");
    expect(await charts.count()).toBe(2);
    expect(await page.locator("section.chart h2").allTextContents()).toEqual([
      "Økonomiudvalget pr. år (mio. kr.)",
      "Fordeling af Økonomiudvalget på underliggende enheder, 2025 Budget (mio. kr.)",
    ]);
    // Each chart is named and described for screen readers.
    for (const svg of await page.locator("svg[role=img]").all()) {
      const ids = (await svg.getAttribute("aria-labelledby"))?.split(" ") ?? [];
      expect(ids).toHaveLength(2);
      for (const id of ids)
        expect((await page.locator(`[id="${id}"]`).textContent())?.length).toBeGreaterThan(10);
    }
    expect(await page.locator("svg[role=img]").first().locator("rect").count()).toBe(6);
    expect(await page.locator("svg[role=img]").nth(1).locator("rect").count()).toBe(6);

    // "Vis tabel" opens a real table with the same figures as the bars.
    const perYear = charts.first();
    await perYear.getByText("Vis tabel").click();
    const rows = await tableRows(page, "section.chart >> nth=0 >> table");
    expect(rows[0]).toEqual(["Kolonne", "Beløb (mio. kr.)"]);
    expect(rows).toHaveLength(7);
    const labels = await perYear.locator("svg text.value").allTextContents();
    expect(rows.slice(1).map((r) => r[1])).toEqual(labels);
    expect(rows[1]?.[0]).toBe("2023 Regnskab");

    // The composition chart's column is part of the address as well.
    await page.getByLabel("Kolonne", { exact: true }).selectOption({ label: "2023 Regnskab" });
    await page.waitForURL(/aar=2023/);
    await expect.poll(() => page.locator("section.chart h2").nth(1).textContent()).toContain("2023 Regnskab");
    const composition = charts.nth(1);
    await composition.getByText("Vis tabel").click();
    const parts = await tableRows(page, "section.chart >> nth=1 >> table");
    expect(parts.slice(1).map((r) => r[0])).toEqual(SEED_000.slice(1).map((r) => r[0]));

    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "oversigt-grafer");
  });

  it("viser tomme enheder, ukendte adresser og fejl med en vej videre", async () => {
    await fresh();
    // Slagelse is not published: finance staff see it.
    await signInAs(t, "demo-okonomi");
    // A municipality without amounts explains what to do.
    await page.goto("/kommune/330");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Slagelse");
    expect(await page.locator(".message").first().textContent()).toContain(
      "Der er endnu ingen beløb for Slagelse",
    );
    expect(await page.getByRole("link", { name: "Gå til import" }).getAttribute("href")).toBe(
      "/kommune/330/import",
    );

    // An unknown node: the server's Danish message and a way back to the municipality.
    await page.goto("/kommune/340/enhed/99999");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Enheden 99999 findes ikke");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "fejl-ukendt-enhed");
    await alert.getByRole("link", { name: "Gå til Sorø" }).click();
    await page.waitForURL(/\/kommune\/340$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Sorø");

    // An unknown municipality and an unknown address.
    await page.goto("/kommune/999");
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/999/);
    expect(await page.getByRole("alert").getByRole("link", { name: "Gå til forsiden" }).count()).toBe(1);
    await page.goto("/findes/ikke");
    expect(await page.locator("h1").textContent()).toBe("Siden findes ikke");
    expect(await page.title()).toBe("Siden findes ikke – Bevilling");

    // While the server thinks, the page says "Henter…" and marks the region busy.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route("**/api/nodes/*/overview*", async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(oeuPath);
    await page.getByText("Henter…").first().waitFor();
    expect(await page.locator("[aria-busy=true]").count()).toBeGreaterThan(0);
    release();
    await page.locator("table.overview").waitFor();
    expect(await page.locator(".overview-body").getAttribute("aria-busy")).toBe("false");
    await page.unroute("**/api/nodes/*/overview*");

    // A failing server: a clear message, and "Prøv igen" recovers.
    let failures = 1;
    await page.route("**/api/nodes/*/overview*", async (route) => {
      if (failures-- > 0) {
        await route.fulfill({
          status: 500,
          contentType: "application/json",
          body: JSON.stringify({ error: "Der opstod en intern fejl" }),
        });
      } else await route.continue();
    });
    await page.goto(`${oeuPath}?enhed=kr`);
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("Der opstod en intern fejl");
    await page.getByRole("button", { name: "Prøv igen" }).click();
    await page.locator("table.overview").waitFor();
    expect(body(await overviewTable())[0]?.[1]).toBe("306.005.000");
  });
});
