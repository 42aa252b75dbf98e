import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  browserSuite,
  type FocusInfo,
  focused,
  signInAs,
  type TestPage,
  tableRows,
  tabTo,
} from "./support/app.ts";

const suite = browserSuite();
let t: TestPage;
let page: Page;

/** A focus ring one can see: a solid outline of at least 2 px. */
function expectVisibleFocus(f: FocusInfo): void {
  expect(f.visible, `${f.tag} "${f.text}" er synligt`).toBe(true);
  const [style, width] = f.outline.split(" ");
  expect(style, `fokusring på ${f.tag} "${f.text || f.label}"`).toBe("solid");
  expect(Number.parseFloat(width ?? "0")).toBeGreaterThanOrEqual(2);
}

const link = (name: string) => (f: FocusInfo) => f.tag === "a" && f.text === name;

describe("tastatur", () => {
  it("klarer hovedhandlingerne uden mus: navigation, prisniveau, enhed, graf, tabel bag grafen, drill-down, eksport", async () => {
    t = await suite.open();
    page = t.page;
    await page.goto("/");
    await page.getByRole("link", { name: "Sorø", exact: true }).waitFor();

    // The first Tab shows the skip link; Enter moves focus to the main content.
    await page.keyboard.press("Tab");
    const skip = await focused(page);
    expect(skip.text).toBe("Spring til indhold");
    expectVisibleFocus(skip);
    await page.keyboard.press("Enter");
    expect((await focused(page)).id).toBe("main");

    expectVisibleFocus(await tabTo(page, link("Sorø")));
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/kommune\/340$/);
    await page.locator("table.overview").waitFor();
    // After a page change focus starts at the main content, not at the top of the document.
    expect((await focused(page)).id).toBe("main");

    await tabTo(page, link("Økonomiudvalget"));
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/enhed\/\d+$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Økonomiudvalget");

    // Price level: arrow keys on the focused select change it, and focus stays on it.
    const price = await tabTo(page, (f) => f.id === "overview-price");
    expectVisibleFocus(price);
    await page.keyboard.press("ArrowDown");
    await page.waitForURL(/pris=2026/);
    await expect.poll(() => page.locator("p.note").textContent()).toBe("Note: Alle tal er i 2026-priser.");
    expect((await focused(page)).id).toBe("overview-price");

    await tabTo(page, (f) => f.id === "overview-unit");
    await page.keyboard.press("ArrowDown");
    await page.waitForURL(/enhed=mio/);
    await expect.poll(async () => (await tableRows(page, "table.overview"))[1]?.[0]).toBe("(mio. kr.)");

    // "Vis som" is a radio group: Tab reaches the chosen one, arrows choose another.
    const view = await tabTo(page, (f) => f.tag === "input" && f.label.includes("Tabel"));
    expectVisibleFocus(view);
    await page.keyboard.press("ArrowRight");
    await page.waitForURL(/visning=graf/);
    await page.locator("svg[role=img]").first().waitFor();

    // The table behind the first chart opens with Enter on its summary.
    await tabTo(page, (f) => f.tag === "summary");
    await page.keyboard.press("Enter");
    expect(await page.locator("section.chart details").first().getAttribute("open")).toBe("");

    // The composition chart's column select works the same way.
    await tabTo(page, (f) => f.tag === "select" && f.label === "Kolonne");
    await page.keyboard.press("ArrowUp");
    await page.waitForURL(/aar=2024/);

    // Back to the table with Shift+Tab and the arrow keys.
    for (let i = 0; i < 40 && !(await focused(page)).label.includes("Grafer"); i++) {
      await page.keyboard.press("Shift+Tab");
    }
    await page.keyboard.press("ArrowLeft");
    await page.locator("table.overview").waitFor();
    expect(page.url()).not.toContain("visning=graf");

    // Export with the keyboard: Enter on the link downloads the file.
    const xlsx = await tabTo(page, link("Hent som Excel (XLSX)"));
    expectVisibleFocus(xlsx);
    const [d] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
    expect(d.suggestedFilename()).toBe("oversigt-soroe-oekonomiudvalget.xlsx");

    // Drill down into an area and up again through the breadcrumb.
    await tabTo(page, (f) => f.tag === "a" && f.text === "Borgerservice" && f.visible);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Borgerservice");
    expect(page.url()).toContain("enhed=mio");
    await tabTo(page, link("Økonomiudvalget"));
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Økonomiudvalget");
  });

  it("når importen med tastaturet: vælg fil, forhåndsvis, og resultatet får fokus", async () => {
    t = await suite.open();
    await signInAs(t, "demo-okonomi");
    page = t.page;
    await page.goto("/kommune/340");
    await page.locator("table.overview").waitFor();
    await tabTo(page, link("Importér data"));
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Importér data");
    // The page loads the saved mappings after it appears; a re-render while Space is pressed would
    // take the focus from the file input, so the page settles first.
    await page.waitForLoadState("networkidle");

    const input = await tabTo(page, (f) => f.tag === "input" && f.label === "Fil (CSV eller Excel)");
    expectVisibleFocus(input);
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Space")]);
    await chooser.setFiles({
      name: "budget.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("Udvalg;Budget 2025\r\nOEU;1.000\r\n", "utf8"),
    });
    await page.locator("table.compact").waitFor();

    // The mapping's first column select, chosen by typing, then straight to "Forhåndsvis".
    const code = await tabTo(page, (f) => f.tag === "select" && f.label === "Kolonne med kode");
    expectVisibleFocus(code);
    await page.keyboard.press("ArrowDown");
    await tabTo(page, (f) => f.tag === "button" && f.text === "Foreslå ud fra overskrifterne");
    await page.keyboard.press("Enter");
    await tabTo(page, (f) => f.tag === "button" && f.text === "Forhåndsvis");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Sådan læses filen" }).waitFor();
    const result = await focused(page);
    expect(result.text).toBe("Sådan læses filen");
    expect(await tableRows(page, "table.preview")).toEqual([
      ["Linje", "Enhed", "2025 Budget"],
      ["2", "Økonomiudvalget", "1.000"],
    ]);
  });
});
