/**
 * The corrected budget in the browser (Sorø, seed 000): økonomi gives Administration a
 * supplementary appropriation for 2025 and sees the corrected budget change; a carry-over is
 * refused at its field while the area may not carry over and while it exceeds last year's
 * underspend, and given once the area may; a politician sees it all but cannot give any.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  browserSuite,
  screenshot,
  signInAs,
  type TestPage,
  tableRows,
} from "./support/app.ts";

const suite = browserSuite();

/** Administration's node id, as the page's unit list has it. */
async function administration(page: Page): Promise<string> {
  const option = page.locator("[data-testid=appropriations-unit] option", { hasText: "Administration" });
  const value = await option.getAttribute("value");
  if (!value) throw new Error("Administration mangler i listen over enheder");
  return value;
}

async function openAdministration(t: TestPage): Promise<Page> {
  const page = t.page;
  await page.goto("/kommune/340/bevillinger?aar=2025");
  await page.getByTestId("appropriations-page").waitFor();
  const adm = await administration(page);
  await page.getByTestId("appropriations-unit").selectOption(adm);
  await expect
    .poll(() => page.getByTestId("corrected-budget").textContent())
    .toContain("Administration 2025");
  return page;
}

/** "259.178.000" or "1.250.000,50" (kr.) as øre; "—" and "" as 0. */
function ore(text: string): bigint {
  if (text === "—" || text === "") return 0n;
  const [kr = "0", oere = "00"] = text.replace(/\./g, "").split(",");
  const negative = kr.startsWith("-");
  const value = BigInt(kr.replace("-", "")) * 100n + BigInt(oere.padEnd(2, "0"));
  return negative ? -value : value;
}

/** Øre as the page prints kroner: 125000050n → "1.250.000,50". */
function kroner(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const kr = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const oere = abs % 100n;
  return `${negative ? "-" : ""}${kr}${oere === 0n ? "" : `,${oere.toString().padStart(2, "0")}`}`;
}

/** The corrected budget's row without an account: [original, supplementary, carry-overs, corrected]. */
async function correctedRow(page: Page): Promise<string[] | undefined> {
  if ((await page.getByTestId("corrected-table").count()) === 0) return undefined;
  const rows = await tableRows(page, "[data-testid=corrected-table]");
  return rows.find((r) => r[0] === "Uden konto")?.slice(1);
}

/** The form's field with this label: its error text (the field's own, not the form's). */
function fieldError(page: Page, testId: string) {
  return page.locator(".field", { has: page.getByTestId(testId) }).locator(".field-error");
}

describe("bevillinger", () => {
  it("giver Administration en tillægsbevilling for 2025, og det korrigerede budget følger med", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const page = await openAdministration(t);
    await page.locator("[data-testid=corrected-table], [data-testid=corrected-empty]").first().waitFor();
    const original = ore((await correctedRow(page))?.[0] ?? "—");

    const form = page.getByTestId("appropriation-form");
    await form.getByTestId("appropriation-kind").selectOption("supplementary");
    await form.getByTestId("appropriation-amount").fill("1.250.000,50");
    await form.getByTestId("appropriation-date").fill("2025-03-20");
    await form.getByTestId("appropriation-reason").fill("Flere sager om boligstøtte");
    await form.getByTestId("appropriation-save").click();
    await expect
      .poll(() => page.getByTestId("appropriation-status").textContent())
      .toBe(
        `Tillægsbevilling på 1.250.000,50 kr. til Administration i 2025 er givet. Korrigeret budget: ${kroner(original + 125_000_050n)} kr.`,
      );
    await page.getByTestId("corrected-table").waitFor();
    await expect
      .poll(() => correctedRow(page))
      .toEqual([
        original === 0n ? "—" : kroner(original),
        "1.250.000,50",
        "0",
        kroner(original + 125_000_050n),
      ]);
    await page.getByTestId("appropriation-table").waitFor();
    expect((await tableRows(page, "[data-testid=appropriation-table]")).slice(1)).toEqual([
      [
        "20.03.2025",
        "Administration",
        "Uden konto",
        "Tillægsbevilling",
        "1.250.000,50",
        "Flere sager om boligstøtte",
        expect.stringContaining("Ret"),
      ],
    ]);
    // A typing error is caught before anything is sent.
    await form.getByTestId("appropriation-amount").fill("1.5");
    await form.getByTestId("appropriation-save").click();
    await expect.poll(() => fieldError(page, "appropriation-amount").textContent()).toContain("komma");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "bevillinger-tillaeg");
  });

  it("afviser en overførsel ved det felt, der er galt, og giver den, når området må overføre", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const page = await openAdministration(t);
    const adm = await administration(page);
    // Seed 000 has no actuals for 2024: read Administration's in, 4.620.000 kr. under its 2024 budget.
    const budget2024 = (await (
      await t.context.request.get(`/api/nodes/${adm}/corrected?year=2024`)
    ).json()) as {
      accountId: number | null;
      original: string | null;
      stored: string | null;
    }[];
    const row2024 = budget2024.find((r) => r.accountId === null);
    const basis = BigInt(row2024?.stored ?? row2024?.original ?? "0");
    const actual = basis - 462_000_000n;
    const session = (await (await t.context.request.get("/api/session")).json()) as { csrfToken: string };
    const imported = await t.context.request.post("/api/municipalities/340/imports", {
      headers: { "x-csrf-token": session.csrfToken },
      data: {
        fileName: "regnskab-2024.csv",
        content: Buffer.from(`Område;Regnskab 2024\nADM;${kroner(actual)}\n`).toString("base64"),
        mapping: {
          kind: "amounts",
          node: "Område",
          unit: "kr",
          amounts: [{ column: "Regnskab 2024", year: 2024, kind: "actual" }],
        },
      },
    });
    expect(imported.status(), await imported.text()).toBe(200);
    await page.reload();
    await page.getByTestId("appropriation-form").waitFor();
    await page.locator("[data-testid=corrected-table], [data-testid=corrected-empty]").first().waitFor();
    const before = (await correctedRow(page)) ?? [];

    const form = page.getByTestId("appropriation-form");
    await form.getByTestId("appropriation-kind").selectOption("carry_over");
    await form.getByTestId("appropriation-amount").fill("500.000");
    await form.getByTestId("appropriation-date").fill("2025-04-24");
    await form.getByTestId("appropriation-reason").fill("Uforbrugte midler fra 2024");
    await form.getByTestId("appropriation-save").click();
    await expect
      .poll(() => fieldError(page, "appropriation-kind").textContent())
      .toBe("bevillingsområdet har ikke adgang til overførsel");

    const setting = page.getByTestId("carry-over");
    await setting.getByTestId("carry-over-allowed").check();
    await setting.getByTestId("carry-over-reason").fill("Økonomiudvalgets beslutning om overførselsadgang");
    await setting.getByTestId("carry-over-save").click();
    await expect
      .poll(() => setting.getByTestId("carry-over-status").textContent())
      .toBe("Administration må nu overføre uforbrugte midler.");

    await form.getByTestId("appropriation-amount").fill("5.000.000");
    await form.getByTestId("appropriation-save").click();
    await expect
      .poll(() => fieldError(page, "appropriation-amount").textContent())
      .toContain("større end mindreforbruget i 2024 på 4.620.000 kr.");

    await form.getByTestId("appropriation-amount").fill("500.000");
    await form.getByTestId("appropriation-save").click();
    await expect
      .poll(() => page.getByTestId("appropriation-status").textContent())
      .toContain("Overførsel på 500.000 kr. til Administration i 2025 er givet.");
    await expect
      .poll(() => correctedRow(page))
      .toEqual([before[0], before[1], "500.000", kroner(ore(before[3] ?? "0") + 50_000_000n)]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "bevillinger-overfoersel");
  });

  it("lader en politiker se bevillingerne og det korrigerede budget, men ikke give nogen", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-politiker");
    const page = t.page;
    await page.goto("/kommune/340");
    await page.getByTestId("nav-appropriations").click();
    await page.getByTestId("appropriations-page").waitFor();
    const adm = await administration(page);
    await page.getByTestId("appropriations-unit").selectOption(adm);
    await page.getByTestId("corrected-table").waitFor();
    await page.getByTestId("appropriation-table").waitFor();
    expect(
      (await tableRows(page, "[data-testid=appropriation-table]")).slice(1).map((r) => r.slice(3, 5)),
    ).toEqual([
      ["Tillægsbevilling", "1.250.000,50"],
      ["Overførsel", "500.000"],
    ]);
    expect(await page.getByTestId("appropriation-form").count()).toBe(0);
    expect(await page.getByTestId("appropriation-correct").count()).toBe(0);
    expect(await page.getByTestId("carry-over-allowed").count()).toBe(0);
    expect(await page.getByTestId("carry-over-text").textContent()).toBe(
      "Administration må overføre uforbrugte midler til næste år.",
    );
    await page.getByTestId("appropriations-read-only").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "bevillinger-politiker");
  });
});
