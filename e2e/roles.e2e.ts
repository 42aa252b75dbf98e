/**
 * Signing in as each demo role through the form, and seeing only what the role may see: the
 * public sees Sorø (published) only, a politician reads everything and changes nothing, finance
 * staff import and edit, a budgetansvarlig reaches Kalundborg's Jobcenter and nothing beside it,
 * an administrator manages users. Plus the first start's one-time password and the reload/merge
 * choice when two people change the same figure.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  browserSuite,
  DEMO_PASSWORD,
  firstAdminPassword,
  screenshot,
  signInAs,
  type TestPage,
} from "./support/app.ts";

const suite = browserSuite();

/** Signs in through the form, as a person would. */
async function signInWithForm(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/log-ind");
  await page.getByTestId("sign-in-username").fill(username);
  await page.getByTestId("sign-in-password").fill(password);
  await page.getByTestId("sign-in-submit").click();
  await page.getByTestId("user-name").waitFor();
}

async function municipalitiesOnHome(page: Page): Promise<string[]> {
  await page.goto("/");
  await page.locator(".card-list").waitFor();
  return (await page.locator(".card-list h2, .card-list h3").allTextContents()).map((s) => s.trim());
}

async function nodeId(t: TestPage, m: string, code: string): Promise<number> {
  const r = await t.context.request.get(`/api/municipalities/${m}/organisation`);
  const nodes = (await r.json()) as { id: number; code: string }[];
  const n = nodes.find((x) => x.code === code);
  if (!n) throw new Error(`${code} findes ikke i ${m}`);
  return n.id;
}

describe("roller", () => {
  it("offentligheden ser kun den offentliggjorte kommune og skal logge ind for resten", async () => {
    const { page } = await suite.open();
    const names = await municipalitiesOnHome(page);
    expect(names.join(" ")).toContain("Sorø");
    expect(names.join(" ")).not.toContain("Kalundborg");
    expect(names.join(" ")).not.toContain("Slagelse");
    expect(await page.getByTestId("sign-in-link").count()).toBe(1);
    await page.goto("/kommune/340");
    await page.locator("table.overview").waitFor();
    expect(await page.getByRole("link", { name: "Importér data" }).count()).toBe(0);
    await page.goto("/kommune/326");
    await page.getByTestId("sign-in-required").waitFor();
    expect(await page.locator("table.overview").count()).toBe(0);
    await page.goto("/log-ind");
    await page.getByTestId("sign-in-form").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "rolle-offentlig-log-ind");
  });

  it("afviser en forkert adgangskode med en tydelig besked", async () => {
    const { page } = await suite.open();
    await page.goto("/log-ind");
    await page.getByTestId("sign-in-username").fill("demo-politiker");
    await page.getByTestId("sign-in-password").fill("forkert-kode-123");
    await page.getByTestId("sign-in-submit").click();
    await expect.poll(() => page.getByTestId("sign-in-error").textContent()).toContain("Forkert brugernavn");
    expect(await page.getByTestId("user-name").count()).toBe(0);
  });

  it("politikeren læser alle kommuner, men kan hverken importere, rette tal eller administrere", async () => {
    const t = await suite.open();
    const { page } = t;
    await signInWithForm(page, "demo-politiker");
    expect(await page.getByTestId("user-name").textContent()).toContain("Demo Politiker");
    const names = (await municipalitiesOnHome(page)).join(" ");
    for (const n of ["Sorø", "Kalundborg", "Slagelse"]) expect(names).toContain(n);
    const job = await nodeId(t, "326", "JOB");
    await page.goto(`/kommune/326/enhed/${job}?visning=tal&aar=2024`);
    await page.getByTestId("figure-row").first().waitFor();
    expect(await page.getByTestId("figure-edit-button").count()).toBe(0);
    expect(await page.getByRole("link", { name: "Importér data" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Brugere" }).count()).toBe(0);
    await page.goto("/admin/brugere");
    await page.getByTestId("no-access").waitFor();
    await screenshot(page, "rolle-politiker");
  });

  it("sekretariatet læser, men kan ikke importere eller rette", async () => {
    const t = await suite.open();
    const { page } = t;
    await signInWithForm(page, "demo-sekretariat");
    await page.goto("/kommune/330/import");
    await page.getByTestId("no-access").waitFor();
    await page.goto(`/kommune/326/enhed/${await nodeId(t, "326", "JOB")}?visning=tal&aar=2024`);
    await page.getByTestId("figure-row").first().waitFor();
    expect(await page.getByTestId("figure-edit-button").count()).toBe(0);
  });

  it("den budgetansvarlige når sin egen enhed, retter dens tal med begrundelse og ser historikken, men intet ved siden af", async () => {
    const t = await suite.open();
    const { page } = t;
    await signInWithForm(page, "demo-budgetansvarlig");
    const names = (await municipalitiesOnHome(page)).join(" ");
    expect(names).toContain("Sorø");
    expect(names).toContain("Kalundborg");
    expect(names).not.toContain("Slagelse");
    // The budgetansvarlig's own organisation list holds only their unit and the way up; the ids come from finance.
    const finance = await suite.open();
    await signInAs(finance, "demo-okonomi");
    const job = await nodeId(finance, "326", "JOB");
    const bs = await nodeId(finance, "326", "BS");
    // Another unit of the same unpublished municipality, reached by its address.
    // Bevilling does not even tell which units exist beside theirs: the unit is not found for them.
    await page.goto(`/kommune/326/enhed/${bs}`);
    await page.getByRole("alert").waitFor();
    expect(await page.locator("table.overview").count()).toBe(0);
    expect(await page.locator("body").innerText()).not.toContain("81.205.800");
    expect(await page.locator("body").innerText()).not.toContain("Borgerservice");
    // The municipality's own page says what they may see instead.
    await page.goto("/kommune/326");
    await expect
      .poll(() => page.locator("main").innerText())
      .toContain("Du har ikke adgang til tallene for Kalundborg");
    expect(await page.locator("table.overview").count()).toBe(0);

    await page.goto(`/kommune/326/enhed/${job}?visning=tal&aar=2024`);
    const row = page.locator('[data-testid=figure-row][data-figure="-:2024:budget"]');
    await row.waitFor();
    expect(await row.textContent()).toContain("50.190.100");
    await row.getByTestId("figure-edit-button").click();
    await page.getByTestId("figure-amount").fill("50.250.100");
    await page.getByTestId("figure-reason").fill("Ekstra jobkonsulent");
    await page.getByTestId("figure-save").click();
    await expect.poll(() => row.textContent()).toContain("50.250.100");
    await row.getByTestId("figure-history-button").click();
    const history = page.getByTestId("figure-history");
    await expect.poll(() => history.textContent()).toContain("Ekstra jobkonsulent");
    expect(await history.textContent()).toContain("Demo Budgetansvarlig");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "rolle-budgetansvarlig-budgettal");
    expect(await page.getByRole("link", { name: "Importér data" }).count()).toBe(0);
  });

  it("økonomi importerer og retter, men administrerer ikke brugere", async () => {
    const { page } = await suite.open();
    await signInWithForm(page, "demo-okonomi");
    await page.goto("/kommune/340");
    await page.locator("table.overview").waitFor();
    expect(await page.getByRole("link", { name: "Importér data" }).count()).toBeGreaterThan(0);
    expect(await page.getByRole("link", { name: "Brugere" }).count()).toBe(0);
  });

  it("administratoren opretter en bruger med engangsadgangskode, som skal skiftes ved første login", async () => {
    const admin = await suite.open();
    await signInWithForm(admin.page, "demo-administrator");
    await admin.page.getByRole("link", { name: "Brugere" }).click();
    await admin.page.getByTestId("users-table").waitFor();
    await admin.page.getByTestId("create-user-username").fill("karen");
    await admin.page.getByTestId("create-user-display-name").fill("Karen Økonom");
    await admin.page.getByTestId("create-user-role").selectOption("okonomi");
    await admin.page.getByTestId("create-user-submit").click();
    const otp = admin.page.getByTestId("one-time-password");
    await otp.waitFor();
    const password = await otp.inputValue();
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(await axeViolations(admin.page)).toEqual([]);
    await screenshot(admin.page, "rolle-administrator-ny-bruger");

    const karen = await suite.open();
    await signInWithForm(karen.page, "karen", password);
    await karen.page.getByTestId("password-forced").waitFor();
    await karen.page.getByTestId("password-current").fill(password);
    await karen.page.getByTestId("password-new").fill("Nyt-kodeord-for-KØ-2025");
    await karen.page.getByTestId("password-repeat").fill("Nyt-kodeord-for-KØ-2025");
    await karen.page.getByTestId("password-submit").click();
    await expect.poll(() => new URL(karen.page.url()).pathname).not.toMatch(/^\/konto/);
    await karen.page.goto("/kommune/330");
    await expect.poll(() => karen.page.locator("h1").textContent()).toBe("Slagelse");
  });

  it("første start: administratoren logger ind med den udskrevne engangsadgangskode og vælger sin egen", async () => {
    const { page } = await suite.open();
    await signInWithForm(page, "admin", firstAdminPassword(suite.app));
    await page.getByTestId("password-forced").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "foerste-start-skift-adgangskode");
    await page.getByTestId("password-current").fill(firstAdminPassword(suite.app));
    await page.getByTestId("password-new").fill("min-nye-adgangskode-1");
    await page.getByTestId("password-repeat").fill("min-nye-adgangskode-1");
    await page.getByTestId("password-submit").click();
    await expect.poll(() => new URL(page.url()).pathname).not.toMatch(/^\/konto/);
    await page.goto("/admin/noegler");
    await page.getByTestId("create-token-form").waitFor();
  });

  it("to der retter samme tal: den sidste får valget mellem at genindlæse og at flette, og intet går tabt", async () => {
    const a = await suite.open();
    const b = await suite.open();
    await signInAs(a, "demo-okonomi");
    await signInAs(b, "demo-administrator");
    const job = await nodeId(a, "326", "JOB");
    const url = `/kommune/326/enhed/${job}?visning=tal&aar=2024`;
    const rowOf = (p: Page) => p.locator('[data-testid=figure-row][data-figure="-:2024:budget"]');
    for (const p of [a.page, b.page]) {
      await p.goto(url);
      await rowOf(p).getByTestId("figure-edit-button").click();
      await p.getByTestId("figure-amount").waitFor();
    }
    await a.page.getByTestId("figure-amount").fill("51.000.000");
    await a.page.getByTestId("figure-reason").fill("Økonomis rettelse");
    await a.page.getByTestId("figure-save").click();
    await expect.poll(() => rowOf(a.page).textContent()).toContain("51.000.000");

    await b.page.getByTestId("figure-amount").fill("52.000.000");
    await b.page.getByTestId("figure-reason").fill("Administratorens rettelse");
    await b.page.getByTestId("figure-save").click();
    const conflict = b.page.getByTestId("conflict");
    await conflict.waitFor();
    expect(await b.page.getByTestId("conflict-current").textContent()).toContain("51.000.000");
    expect(await b.page.getByTestId("conflict-mine").textContent()).toContain("52.000.000");
    expect(await axeViolations(b.page)).toEqual([]);
    await screenshot(b.page, "konflikt-budgettal");
    await b.page.getByTestId("conflict-merge").click();
    await expect.poll(() => rowOf(b.page).textContent()).toContain("52.000.000");

    // Both changes are in the figure's history, in order: nothing was overwritten unseen.
    await rowOf(b.page).getByTestId("figure-history-button").click();
    const history = b.page.getByTestId("figure-history");
    await expect.poll(() => history.textContent()).toContain("Administratorens rettelse");
    const text = (await history.textContent()) ?? "";
    expect(text.indexOf("Økonomis rettelse")).toBeGreaterThan(-1);
    expect(text.indexOf("Økonomis rettelse")).toBeLessThan(text.indexOf("Administratorens rettelse"));
  });
});
