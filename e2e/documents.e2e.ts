/**
 * Generated documents as a reader sees them: the proposals catalogue PDF rendered page by page in
 * Chromium with pdf.js (e2e/support/pdf.ts), the pictures saved as
 * test-results/screenshots/katalog-side-N.png to look at, and checked: as many pictures as the
 * PDF has pages, none blank, page numbers in the footer, Danish letters, seed 003's figures on
 * their schedule's page.
 */
import { describe, expect, it } from "vitest";
import { browserSuite, signInAs } from "./support/app.ts";
import { pdfPageCount, renderPdfPages, savePdfPages } from "./support/pdf.ts";

const suite = browserSuite();

/** Whitespace as single spaces, so a check does not depend on where pdf.js breaks text runs. */
const flat = (s: string): string => s.replace(/\s+/g, " ").trim();

describe("genererede dokumenter", () => {
  it("forslagskataloget som PDF: hver side tegnet, nummereret, med danske bogstaver og seed 003's tal", async () => {
    const t = await suite.open();
    await signInAs(t, "demo-okonomi");
    const r = await t.context.request.get("/api/municipalities/330/proposals/document?format=pdf");
    expect(r.status()).toBe(200);
    expect(r.headers()["content-type"]).toContain("application/pdf");
    const bytes = new Uint8Array(await r.body());

    const pdf = await renderPdfPages(t.page, bytes);
    savePdfPages(pdf, "katalog");
    expect(pdf.warnings).toEqual([]);

    // The cover and the eight schedules, each starting on a page of its own.
    const count = pdfPageCount(bytes);
    expect(count).toBeGreaterThanOrEqual(9);
    expect(pdf.pages).toBe(count);
    expect(pdf.png).toHaveLength(count);
    const text = pdf.text.map(flat);

    for (const [i, png] of pdf.png.entries()) {
      expect(png.subarray(1, 4).toString("latin1"), `side ${i + 1} er en PNG`).toBe("PNG");
      // A4 at scale 1.5, portrait.
      expect(pdf.sizes[i]).toEqual({ width: 893, height: 1263 });
      // Not blank: some text and lines. A page of body text inks a few per cent of its pixels.
      expect(pdf.inked[i], `side ${i + 1} har indhold`).toBeGreaterThan(0.002);
      expect(pdf.inked[i], `side ${i + 1} er ikke sort`).toBeLessThan(0.3);
      expect(text[i], `sidefod på side ${i + 1}`).toMatch(new RegExp(`Side ${i + 1} af ${count}$`));
    }

    expect(text[0]).toContain("BUDGET 2023-2026");
    expect(text[0]).toContain("Slagelse Kommune");
    const all = text.join(" ");
    for (const letter of ["æ", "ø", "å", "Ø"]) expect(all, `bogstavet ${letter}`).toContain(letter);
    expect(all).toContain("Økonomiudvalget - Administration");
    expect(all).toContain("værktøjskasse");

    // Each schedule on its own page, in order, with its own figures.
    const pageOf = (schedule: string): number => {
      const pages = text.flatMap((s, i) => (s.includes(`Skema ${schedule}`) ? [i] : []));
      expect(pages, `skema ${schedule} står på én side`).toHaveLength(1);
      return pages[0] ?? -1;
    };
    const schedules = ["01", "02", "03", "04", "05", "06", "07", "08"].map((n) => pageOf(`2.1.2. ${n}`));
    expect(schedules).toEqual([...schedules].sort((a, b) => a - b));
    expect(schedules[0]).toBeGreaterThan(0);

    const p05 = text[schedules[4] ?? -1] ?? "";
    expect(p05).toContain("Etablering af direktion");
    expect(p05).toMatch(/I alt 4\.500 4\.500 4\.500 4\.500 18\.000/);

    // Schedule 08: the saving of 5.300 a year and the total, and on no other schedule's page.
    const p08 = schedules[7] ?? -1;
    expect(text[p08]).toContain("Ungeenheden - Investeringsforslag");
    expect(text[p08]).toMatch(/60 færre unge på uddannelseshjælp -5\.300 -5\.300 -5\.300 -5\.300 -21\.200/);
    expect(text[p08]).toMatch(/I alt -3\.300 -3\.300 -3\.300 -3\.300 -13\.200/);
    text.forEach((s, i) => {
      if (i !== p08) expect(s, `side ${i + 1}`).not.toContain("5.300");
    });
  });
});
