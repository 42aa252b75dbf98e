import { describe, expect, it } from "vitest";
import { browserSuite, screenshot, signInAs } from "./support/app.ts";

const suite = browserSuite();

const PAGES: { name: string; path: string; ready: string }[] = [
  { name: "forside", path: "/", ready: ".card-list" },
  { name: "kommune-soroe", path: "/kommune/340", ready: "table.overview" },
  { name: "oversigt-mio-loebende", path: "/kommune/340?enhed=mio&pris=loebende", ready: "table.overview" },
  { name: "grafer-soroe", path: "/kommune/340?visning=graf", ready: "svg[role=img]" },
  { name: "kalundborg-kr", path: "/kommune/326?enhed=kr", ready: "table.overview" },
  { name: "import", path: "/kommune/340/import", ready: "input[type=file]" },
  { name: "budgettal", path: "/kommune/340?visning=tal", ready: "[data-testid=figures-section]" },
  { name: "brugere", path: "/admin/brugere", ready: "[data-testid=users-table]" },
  { name: "api-noegler", path: "/admin/noegler", ready: "[data-testid=create-token-form]" },
  { name: "adgangskode", path: "/konto/adgangskode", ready: "[data-testid=password-form]" },
  { name: "log-ind", path: "/log-ind", ready: "[data-testid=sign-in-form]" },
  { name: "budgetaftaler", path: "/kommune/340/budgetaftale", ready: "[data-testid=agreements-table]" },
  { name: "budgetaftale-sammenlign", path: "/kommune/340/budgetaftale/sammenlign", ready: "form" },
  { name: "bemaerkninger", path: "/kommune/340/bemaerkninger", ready: "[data-testid=remarks-section]" },
  { name: "bevillinger", path: "/kommune/340/bevillinger", ready: "[data-testid=appropriation-form]" },
  { name: "ukendt-side", path: "/kommune/340/noget/andet", ready: "h1" },
];

/** The administrator reaches every page; roles.e2e.ts checks what the other roles see. */

describe("kvalitet på alle sider", () => {
  it("kører under serverens CSP uden overtrædelser og uden fejl i konsollen", async () => {
    const t = await suite.open({ bypassCSP: false });
    const { context, page, problems } = t;
    await signInAs(t, "demo-administrator");
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        const w = window as unknown as { cspViolations?: string[] };
        w.cspViolations = [...(w.cspViolations ?? []), `${e.violatedDirective} ${e.blockedURI}`];
      });
    });
    for (const p of PAGES) {
      const res = await page.goto(p.path);
      expect(res?.headers()["content-security-policy"], p.path).toContain("script-src 'self'");
      await page.locator(p.ready).first().waitFor();
      expect(
        await page.evaluate(() => (window as { cspViolations?: string[] }).cspViolations ?? []),
        p.path,
      ).toEqual([]);
    }
    await context.close();
    expect(problems).toEqual([]);
  });

  it("har én h1, et main-landmark, en sidetitel og ingen vandret rulning fra 1280 px til bred skærm", async () => {
    for (const width of [1280, 1920]) {
      const t = await suite.open();
      const { context, page } = t;
      await signInAs(t, "demo-administrator");
      await page.setViewportSize({ width, height: 800 });
      const titles = new Set<string>();
      for (const p of PAGES) {
        await page.goto(p.path);
        await page.locator(p.ready).first().waitFor();
        await expect.poll(() => page.locator("h1").count(), { message: p.path }).toBe(1);
        expect(await page.locator("main#main").count()).toBe(1);
        expect(await page.locator("header").count()).toBe(1);
        await expect.poll(() => page.title()).toMatch(/ – Bevilling$/);
        titles.add(await page.title());
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${p.path} ved ${width} px`).toBeLessThanOrEqual(0);
        if (width === 1280) await screenshot(page, p.name);
      }
      // Every kind of page names itself differently.
      expect(titles.size).toBe(13);
      await context.close();
    }
  });
});
