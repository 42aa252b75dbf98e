/**
 * A generated PDF as pictures: every page rendered by pdf.js inside the test's Chromium, to look
 * at (the PNGs are saved with the screenshots) and to check (page count, text per page, ink).
 *
 *     const bytes = await (await t.context.request.get(".../document?format=pdf")).body();
 *     const pdf = await renderPdfPages(t.page, bytes);
 *     savePdfPages(pdf, "katalog");            // test-results/screenshots/katalog-side-1.png, …
 *     expect(pdf.pages).toBe(pdfPageCount(bytes));
 *     expect(pdf.text[0]).toContain("Side 1 af");
 *     expect(pdf.inked[0]).toBeGreaterThan(0.002); // not a blank page
 *     expect(pdf.warnings).toEqual([]);
 *
 * How: a new tab in the page's browser context opens a made-up origin (PDF_ORIGIN) whose every
 * request is answered here, never by the network: "/" is a blank page that imports pdf.js,
 * "/pdfjs/…" are pdfjs-dist's files from node_modules (the library, its worker, the standard
 * fonts the PDF names but does not embed), "/document.pdf" is the document. Anything else is
 * aborted. The app's pages and their CSP are not involved, and the page the test passed in stays
 * where it is. pdf.js is the browser build: it runs in Chromium only, never in Node.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, normalize, sep } from "node:path";
import type * as PdfJs from "pdfjs-dist";
import type { Page, Route } from "playwright-core";
import { ROOT } from "./app.ts";

/** A host that cannot exist (RFC 2606), so a request that slipped past the routes would fail. */
export const PDF_ORIGIN = "http://pdf-render.invalid";
const PDFJS_DIR = join(ROOT, "node_modules/pdfjs-dist");
const SCREENSHOTS = join(ROOT, "test-results/screenshots");

export interface RenderPdfOptions {
  /** CSS pixels per PDF point; 1.5 makes an A4 page 893 × 1263 px. */
  scale?: number;
}

export interface RenderedPdf {
  /** The page count pdf.js read from the document. */
  pages: number;
  /** Per page, a PNG of the page on white. */
  png: Buffer[];
  /** Per page, its text as pdf.js extracts it: the text runs in order, a line break after each line. */
  text: string[];
  /** Per page, the share of pixels (0–1) that are not white: 0 is a blank page. */
  inked: number[];
  /** Per page, the picture's size in pixels. */
  sizes: { width: number; height: number }[];
  /** pdf.js's warnings ("Warning: …") and any error in the tab, e.g. a font it could not load. */
  warnings: string[];
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".mjs": "text/javascript",
  ".js": "text/javascript",
  ".pfb": "application/octet-stream",
  ".ttf": "font/ttf",
  ".bcmap": "application/octet-stream",
  ".icc": "application/octet-stream",
  ".wasm": "application/wasm",
};

// Imports pdf.js as a module and hands it to the test's evaluate() calls. A string, so that no
// transform of the test code (vitest rewrites dynamic imports) reaches the browser.
const BLANK_PAGE = `<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>PDF</title>
<script type="module">
  import * as pdfjs from "/pdfjs/build/pdf.min.mjs";
  pdfjs.GlobalWorkerOptions.workerSrc = "/pdfjs/build/pdf.worker.min.mjs";
  window.pdfjsLib = pdfjs;
</script></head><body></body></html>`;

function serve(pdf: Uint8Array) {
  return async (route: Route): Promise<void> => {
    const url = new URL(route.request().url());
    if (url.origin !== PDF_ORIGIN) {
      await route.abort("blockedbyclient");
      return;
    }
    if (url.pathname === "/") {
      await route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: BLANK_PAGE });
      return;
    }
    if (url.pathname === "/document.pdf") {
      await route.fulfill({ status: 200, contentType: "application/pdf", body: Buffer.from(pdf) });
      return;
    }
    if (url.pathname.startsWith("/pdfjs/")) {
      const file = normalize(join(PDFJS_DIR, decodeURIComponent(url.pathname.slice("/pdfjs/".length))));
      if (file.startsWith(PDFJS_DIR + sep)) {
        try {
          const body = readFileSync(file);
          const ext = file.slice(file.lastIndexOf("."));
          await route.fulfill({
            status: 200,
            contentType: CONTENT_TYPES[ext] ?? "application/octet-stream",
            body,
          });
          return;
        } catch {
          // answered below as missing
        }
      }
    }
    await route.fulfill({ status: 404, contentType: "text/plain", body: "findes ikke" });
  };
}

/**
 * Renders every page of the PDF to a PNG in Chromium, in a tab of `page`'s browser context that
 * is closed again afterwards. Pages are rendered at a fixed scale (1.5 unless given), each on
 * white, with pdf.js's own standard fonts (not the system's), so the pictures do not depend on
 * the machine's fonts.
 */
export async function renderPdfPages(
  page: Page,
  pdf: Uint8Array,
  opts: RenderPdfOptions = {},
): Promise<RenderedPdf> {
  const scale = opts.scale ?? 1.5;
  const tab = await page.context().newPage();
  const warnings: string[] = [];
  tab.on("pageerror", (e) => warnings.push(`pageerror: ${e.message}`));
  tab.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning" || /^Warning:/.test(m.text()))
      warnings.push(`${m.type()}: ${m.text()}`);
  });
  try {
    await tab.route("**/*", serve(pdf));
    await tab.goto(`${PDF_ORIGIN}/`);
    await tab
      .waitForFunction(() => "pdfjsLib" in window)
      .catch((e: Error) => {
        throw new Error(`pdf.js blev ikke indlæst: ${e.message}\n${warnings.join("\n")}`);
      });
    const rendered = await tab.evaluate(
      async ({ scale, origin }) => {
        const pdfjs = (window as unknown as { pdfjsLib: typeof PdfJs }).pdfjsLib;
        const task = pdfjs.getDocument({
          url: `${origin}/document.pdf`,
          standardFontDataUrl: `${origin}/pdfjs/standard_fonts/`,
          cMapUrl: `${origin}/pdfjs/cmaps/`,
          cMapPacked: true,
          iccUrl: `${origin}/pdfjs/iccs/`,
          wasmUrl: `${origin}/pdfjs/wasm/`,
          // pdf.js's bundled stand-ins for Helvetica & co. (Liberation Sans), whatever the machine has.
          useSystemFonts: false,
          // Fetched by this page, whose requests the test answers.
          useWorkerFetch: false,
        });
        const doc = await task.promise;
        const pages: { png: string; text: string; inked: number; width: number; height: number }[] = [];
        for (let n = 1; n <= doc.numPages; n++) {
          const p = await doc.getPage(n);
          const viewport = p.getViewport({ scale });
          const canvas = document.createElement("canvas");
          canvas.width = Math.ceil(viewport.width);
          canvas.height = Math.ceil(viewport.height);
          await p.render({ canvas, viewport }).promise;
          const ctx = canvas.getContext("2d");
          if (!ctx) throw new Error("canvas uden 2d-kontekst");
          const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          let ink = 0;
          for (let i = 0; i < data.length; i += 4) {
            if ((data[i] ?? 255) < 250 || (data[i + 1] ?? 255) < 250 || (data[i + 2] ?? 255) < 250) ink++;
          }
          const content = await p.getTextContent();
          const text = content.items
            .map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : ""))
            .join("");
          pages.push({
            png: canvas.toDataURL("image/png").replace(/^data:image\/png;base64,/, ""),
            text,
            inked: ink / (canvas.width * canvas.height),
            width: canvas.width,
            height: canvas.height,
          });
        }
        const numPages = doc.numPages;
        await task.destroy();
        return { numPages, pages };
      },
      { scale, origin: PDF_ORIGIN },
    );
    return {
      pages: rendered.numPages,
      png: rendered.pages.map((p) => Buffer.from(p.png, "base64")),
      text: rendered.pages.map((p) => p.text),
      inked: rendered.pages.map((p) => p.inked),
      sizes: rendered.pages.map((p) => ({ width: p.width, height: p.height })),
      warnings,
    };
  } finally {
    await tab.close();
  }
}

/** Writes the pages as test-results/screenshots/<name>-side-1.png, -side-2.png, …; returns the paths. */
export function savePdfPages(rendered: RenderedPdf, name: string): string[] {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return rendered.png.map((png, i) => {
    const file = join(SCREENSHOTS, `${name}-side-${i + 1}.png`);
    writeFileSync(file, png);
    return file;
  });
}

/**
 * The page count the PDF itself declares, read from its bytes without pdf.js: the page tree's
 * root /Count, which must agree with the number of /Type /Page objects. Throws if the document
 * has no page tree or the two disagree.
 */
export function pdfPageCount(pdf: Uint8Array): number {
  const raw = Buffer.from(pdf).toString("latin1");
  if (!raw.startsWith("%PDF-")) throw new Error("Filen er ikke en PDF (begynder ikke med %PDF-)");
  const pageObjects = raw.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
  const counts = [
    ...raw.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g),
  ].map((m) => Number(m[1] ?? m[2]));
  const root = counts.length > 0 ? Math.max(...counts) : undefined;
  if (root === undefined) throw new Error("PDF'en har intet sidetræ (/Type /Pages … /Count)");
  if (root !== pageObjects)
    throw new Error(`PDF'ens sidetræ siger ${root} sider, men den har ${pageObjects} sideobjekter`);
  return root;
}
