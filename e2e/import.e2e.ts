import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  browserSuite,
  SEED_000,
  screenshot,
  signInAs,
  type TestPage,
  tableRows,
} from "./support/app.ts";

const suite = browserSuite();
let t: TestPage;
let page: Page;

const HEADER = "Udvalg;Udvalgsnavn;Område;Områdenavn;Budget 2025;Overslag 2026";
const GOOD = {
  name: "budget-2025.csv",
  mimeType: "text/csv",
  buffer: Buffer.from(`${HEADER}\r\nOEU;Økonomiudvalget;DIG;Digitalisering;1.250;1.300\r\n`, "utf8"),
};
// Line 3 alone is fine (and would change Administration), lines 2 and 4 are not: nothing may be stored.
const BAD = {
  name: "budget-fejl.csv",
  mimeType: "text/csv",
  buffer: Buffer.from(
    [
      HEADER,
      "OEU;Økonomiudvalget;PUL;Puljer;12a;80.232",
      "OEU;Økonomiudvalget;ADM;Administration;999.999;1.000",
      "OEU;Økonomiudvalget;BER;Beredskab;9.196;ni tusind",
      "",
    ].join("\r\n"),
    "utf8",
  ),
};

/** Importing is finance staff's work: every test here signs in as demo-okonomi. */
async function fresh(): Promise<void> {
  t = await suite.open();
  await signInAs(t, "demo-okonomi");
  page = t.page;
}

async function openImport(): Promise<void> {
  await page.goto("/kommune/340/import");
  await expect.poll(() => page.locator("h1").textContent()).toBe("Importér data");
}

async function chooseFile(file: typeof GOOD): Promise<void> {
  await page.getByLabel("Fil (CSV eller Excel)", { exact: true }).setInputFiles(file);
  await page.locator("caption", { hasText: `Første rækker af ${file.name}` }).waitFor();
}

/** The mapping for seed 000's layout, built in the form: committee and area, two amount columns. */
async function buildMapping(): Promise<void> {
  await page.getByRole("radio", { name: "Lav en ny opsætning" }).check();
  await page.getByLabel("Hvad indeholder filen?", { exact: true }).selectOption("amounts");
  await page.getByLabel("Beløbenes enhed", { exact: true }).selectOption("tkr");
  await page.getByLabel("Prisniveau (år)", { exact: true }).fill("2025");
  const level1 = page.getByRole("group", { name: "Niveau 1", exact: true });
  await level1.getByLabel("Type", { exact: true }).selectOption("committee");
  await level1.getByLabel("Kolonne med kode", { exact: true }).selectOption("Udvalg");
  await level1.getByLabel("Kolonne med navn", { exact: true }).selectOption("Udvalgsnavn");
  await page.getByRole("button", { name: "Tilføj niveau" }).click();
  const level2 = page.getByRole("group", { name: "Niveau 2", exact: true });
  expect(await level2.getByLabel("Type", { exact: true }).inputValue()).toBe("area");
  await level2.getByLabel("Kolonne med kode", { exact: true }).selectOption("Område");
  await level2.getByLabel("Kolonne med navn", { exact: true }).selectOption("Områdenavn");
  await page.getByRole("button", { name: "Foreslå ud fra overskrifterne" }).click();
  const amount = (n: number) => page.getByRole("group", { name: `Beløbskolonne ${n}`, exact: true });
  expect(await amount(1).getByLabel("Kolonne", { exact: true }).inputValue()).toBe("Budget 2025");
  expect(await amount(1).getByLabel("År", { exact: true }).inputValue()).toBe("2025");
  expect(await amount(1).getByLabel("Beløbsart", { exact: true }).inputValue()).toBe("budget");
  expect(await amount(2).getByLabel("Kolonne", { exact: true }).inputValue()).toBe("Overslag 2026");
  expect(await amount(2).getByLabel("Beløbsart", { exact: true }).inputValue()).toBe("estimate");
}

async function oeuTable(): Promise<string[][]> {
  await page.goto("/kommune/340");
  await page.locator("table.overview").getByRole("link", { name: "Økonomiudvalget" }).click();
  await expect.poll(() => page.locator("h1").textContent()).toBe("Økonomiudvalget");
  await page.locator("table.overview").waitFor();
  return (await tableRows(page, "table.overview")).slice(2);
}

describe("import", () => {
  it("læser en god fil: forhåndsvisning, import, gemt opsætning, og samme fil igen giver ingen ændringer", async () => {
    await fresh();
    await openImport();
    expect(await page.title()).toBe("Importér data – Sorø – Bevilling");
    expect(await axeViolations(page)).toEqual([]);

    await chooseFile(GOOD);
    expect(await tableRows(page, "table.compact")).toEqual([
      ["Linje", "Udvalg", "Udvalgsnavn", "Område", "Områdenavn", "Budget 2025", "Overslag 2026"],
      ["2", "OEU", "Økonomiudvalget", "DIG", "Digitalisering", "1.250", "1.300"],
    ]);
    expect(await page.getByText("Skilletegn: Semikolon (;)").count()).toBe(1);
    await buildMapping();

    await page.getByRole("button", { name: "Forhåndsvis" }).click();
    await page.getByRole("heading", { name: "Sådan læses filen" }).waitFor();
    expect(await page.getByText("Rækker, der kan importeres: 1.").count()).toBe(1);
    expect(await tableRows(page, "table.preview")).toEqual([
      ["Linje", "Enhed", "2025 Budget", "2026 Overslagsår"],
      ["2", "Økonomiudvalget › Digitalisering", "1.250.000", "1.300.000"],
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "import-forhaandsvisning");

    // A preview stores nothing.
    expect((await oeuTable()).map((r) => r[0])).not.toContain("Digitalisering");

    await openImport();
    await chooseFile(GOOD);
    await buildMapping();
    await page.getByLabel("Gem opsætningen, når importen lykkes", { exact: true }).check();
    await page.getByLabel("Opsætningens navn", { exact: true }).fill("min-budgetopsaetning");
    await page.getByRole("button", { name: "Importér", exact: true }).click();
    await page.getByRole("heading", { name: "Importen er gemt" }).waitFor();
    const success = await page.locator(".message-success").textContent();
    expect(success).toContain("Rækker læst: 1.");
    expect(success).toContain("enheder: 1, konti: 0, beløb: 2, månedsbeløb: 0");
    expect(success).toContain('Opsætningen er gemt som "min-budgetopsaetning"');

    // The overview and the navigation show the new area; the committee's total grew by it.
    await page.getByRole("link", { name: "Se oversigten for Sorø" }).click();
    await page.waitForURL(/\/kommune\/340$/);
    const rows = await oeuTable();
    expect(rows).toContainEqual(["Digitalisering", "0", "0", "1.250", "1.300", "0", "0"]);
    expect(rows[0]).toEqual([
      "Økonomiudvalget",
      "306.005",
      "351.608",
      "389.574",
      "385.573",
      "379.719",
      "381.305",
    ]);
    expect(await page.locator(".sidebar").getByRole("link", { name: "Digitalisering" }).count()).toBe(1);

    // The same file again with the saved mapping changes nothing.
    await page.locator(".sidebar").getByRole("link", { name: "Importér data" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Importér data");
    await chooseFile(GOOD);
    await page.getByRole("radio", { name: "Brug en gemt opsætning" }).check();
    const saved = page.getByLabel("Gemt opsætning", { exact: true });
    expect(await saved.locator("option").allTextContents()).toContain("standard-beloeb (standard)");
    await saved.selectOption("min-budgetopsaetning");
    await page.getByRole("button", { name: "Importér", exact: true }).click();
    await page.getByRole("heading", { name: "Ingen ændringer" }).waitFor();
    expect(await page.locator(".outcome").textContent()).toContain("intet er ændret");
  });

  it("afviser en dårlig fil, viser hver fejl med linje og kolonne, og oversigten er uændret", async () => {
    await fresh();
    const before = await oeuTable();
    expect(before).toContainEqual(SEED_000[2]);

    await openImport();
    await chooseFile(BAD);
    await buildMapping();
    await page.getByRole("button", { name: "Importér", exact: true }).click();
    await page.getByRole("heading", { name: "Importen blev afvist – intet er gemt" }).waitFor();
    expect(await page.getByRole("alert").textContent()).toContain(
      "Importen blev afvist: 2 fejl. Intet er gemt.",
    );
    const errors = await tableRows(page, "table.errors");
    expect(errors[0]).toEqual(["Linje", "Kolonne", "Felt", "Årsag"]);
    expect(errors.slice(1).map((r) => r.slice(0, 2))).toEqual([
      ["2", "Budget 2025"],
      ["4", "Overslag 2026"],
    ]);
    expect(errors[1]?.[3]).toContain('"12a" er ikke et tal');
    expect(errors[2]?.[3]).toContain("ni tusind");
    // Focus lands on the verdict, so a keyboard or screen-reader user hears it first.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      "Importen blev afvist – intet er gemt",
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "import-fejl");

    // A preview of the same file says the same.
    await page.getByRole("button", { name: "Forhåndsvis" }).click();
    await page.locator("table.errors").waitFor();
    expect((await tableRows(page, "table.errors")).length).toBe(3);

    // An incomplete mapping is refused by the server with its reason, also nothing stored.
    await page.getByRole("button", { name: "Fjern beløbskolonne 2" }).click();
    await page.getByRole("button", { name: "Fjern beløbskolonne 1" }).click();
    await page.getByRole("button", { name: "Importér", exact: true }).click();
    await page.getByRole("heading", { name: "Opsætningen er ikke gyldig – intet er gemt" }).waitFor();
    expect(await page.locator("table.errors").textContent()).toContain(
      "en beløbsimport kræver beløbskolonner",
    );

    expect(await oeuTable()).toEqual(before);
  });

  it("siger tydeligt, når en fil ikke kan læses", async () => {
    await fresh();
    await openImport();
    await page.getByLabel("Fil (CSV eller Excel)", { exact: true }).setInputFiles({
      name: "tom.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("", "utf8"),
    });
    await page.getByRole("heading", { name: "Filen kan ikke læses" }).waitFor();
    expect((await page.getByRole("alert").first().textContent())?.length).toBeGreaterThan(20);
    // Import without a file or mapping explains what is missing.
    await page.getByRole("radio", { name: "Brug en gemt opsætning" }).check();
    await page.getByRole("button", { name: "Importér", exact: true }).click();
    expect(await page.getByRole("alert").last().textContent()).toMatch(/Vælg/);
  });
});
