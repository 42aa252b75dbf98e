import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserSuite, danishNumber, SEED_000, type TestPage, tableRows } from "./support/app.ts";

const suite = browserSuite();
let t: TestPage;
let page: Page;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bevilling-e2e-download-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openOeu(query = ""): Promise<void> {
  t = await suite.open();
  page = t.page;
  await page.goto("/kommune/340");
  await page.locator("table.overview").getByRole("link", { name: "Økonomiudvalget" }).click();
  await expect.poll(() => page.locator("h1").textContent()).toBe("Økonomiudvalget");
  if (query !== "") await page.goto(`${new URL(page.url()).pathname}${query}`);
  await page.locator("table.overview").waitFor();
}

async function download(name: string): Promise<{ file: string; download: Download }> {
  const [d] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  const file = join(dir, d.suggestedFilename());
  await d.saveAs(file);
  return { file, download: d };
}

/** The sheet's cells as plain values, row by row. */
async function readSheet(file: string): Promise<(string | number | null)[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet("Oversigt");
  if (!ws) throw new Error(`arket "Oversigt" mangler i ${file}`);
  const rows: (string | number | null)[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const values: (string | number | null)[] = [];
    for (let c = 1; c <= ws.columnCount; c++) {
      const v = row.getCell(c).value;
      values.push(typeof v === "number" || typeof v === "string" ? v : v === null ? null : String(v));
    }
    rows.push(values);
  });
  return rows;
}

describe("eksport", () => {
  it("henter tabellen som Excel fra siden, med seed 000's tal", async () => {
    await openOeu();
    const { file, download: d } = await download("Hent som Excel (XLSX)");
    expect(d.suggestedFilename()).toBe("oversigt-soroe-oekonomiudvalget.xlsx");
    const rows = await readSheet(file);
    expect(rows[0]).toEqual([
      "(1.000 kr.)",
      "2023 Regnskab",
      "2024 Budget - oprindeligt",
      "2025 Budget",
      "2026 Overslagsår",
      "2027 Overslagsår",
      "2028 Overslagsår",
    ]);
    expect(rows.slice(1, 8)).toEqual(
      SEED_000.map(([label, ...cells]) => [label, ...cells.map(danishNumber)]),
    );
    expect(rows.some((r) => r[0] === "Note: Alle tal er i 2025-priser.")).toBe(true);
  });

  it("eksporterer netop den tabel, der står på skærmen (prisniveau, enhed), som Excel og CSV", async () => {
    await openOeu("?pris=2026&enhed=mio");
    await expect.poll(() => page.locator("p.note").textContent()).toBe("Note: Alle tal er i 2026-priser.");
    const screen = await tableRows(page, "table.overview");
    const xlsx = await readSheet((await download("Hent som Excel (XLSX)")).file);
    expect(xlsx[0]?.[0]).toBe("(mio. kr.)");
    expect(xlsx.slice(1, screen.length - 1)).toEqual(
      screen.slice(2).map(([label, ...cells]) => [label, ...cells.map(danishNumber)]),
    );
    expect(xlsx.some((r) => r[0] === "Note: Alle tal er i 2026-priser.")).toBe(true);

    const csv = readFileSync((await download("Hent som CSV")).file, "utf8").replace(/^\uFEFF/, "");
    const lines = csv.trim().split(/\r?\n/);
    expect(lines.slice(0, screen.length)).toEqual(screen.map((r) => r.join(";")));
    expect(lines.at(-1)).toBe("Note: Alle tal er i 2026-priser.");
  });
});
