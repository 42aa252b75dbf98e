/**
 * The browser tests' harness: the real server as a child process on a fresh embedded database
 * with the demo data, and Chromium driven by playwright-core. Nothing is built here; the web
 * app must have been built with `npm run build:web`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DIST_INDEX = join(ROOT, "apps/web/dist/index.html");
const SCREENSHOTS = join(ROOT, "test-results/screenshots");

/** Seed 000 as Bevilling prints it: 1.000 kr., 2025-priser (see packages/services/test/demo-overview.test.ts). */
export const SEED_000_HEADER = [
  ["År", "2023", "2024", "2025", "2026", "2027", "2028"],
  ["(1.000 kr.)", "Regnskab", "Budget - oprindeligt", "Budget", "Overslagsår", "Overslagsår", "Overslagsår"],
];
export const SEED_000 = [
  // The document prints 351.607 for 2024; its six areas add up to 351.608, which Bevilling prints.
  ["Økonomiudvalget", "306.005", "351.608", "388.324", "384.273", "379.719", "381.305"],
  ["Puljer", "0", "0", "80.496", "80.232", "77.723", "79.709"],
  ["Administration", "259.092", "304.620", "259.178", "255.388", "253.341", "252.941"],
  ["Boligudvikling", "435", "782", "579", "579", "579", "579"],
  ["Borgerservice", "36.531", "35.785", "38.532", "38.533", "38.535", "38.535"],
  ["Lokaldemokrati", "368", "349", "343", "344", "344", "344"],
  ["Beredskab", "9.579", "10.072", "9.196", "9.197", "9.197", "9.197"],
];

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
  /** What the server wrote, for failure messages. */
  output(): string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/** Starts `bevilling serve --demo` on a free port and an empty data directory of its own. */
export async function startApp(): Promise<RunningApp> {
  if (!existsSync(DIST_INDEX)) {
    throw new Error(
      `Webappen er ikke bygget: ${DIST_INDEX} mangler. Kør "npm run build:web" (eller "cd apps/web && npx vite build") før browsertestene.`,
    );
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "bevilling-e2e-"));
  const env: NodeJS.ProcessEnv = { ...process.env, BEVILLING_DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  // The embedded database, whatever the developer's shell points at.
  delete env.DATABASE_URL;
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "apps/cli/src/main.ts",
      "serve",
      "--demo",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
    ],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited(child);
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`Serveren stoppede under opstarten (kode ${child.exitCode}):\n${log}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Serveren svarede ikke på /api/health inden for 120 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const index = await fetch(`${url}/`);
  if (!(index.headers.get("content-type") ?? "").includes("text/html")) {
    await stop();
    throw new Error(`Serveren leverer ikke webappen på "/" (fik ${index.status}):\n${log}`);
  }
  return { url, stop, output: () => log };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page and console errors, to assert that none happened. */
  problems: string[];
}

/**
 * A fresh 1280×800 Danish context. bypassCSP lets axe-core be injected as an inline script; the
 * CSP itself is tested without it (quality.e2e.ts).
 */
export async function openPage(browser: Browser, app: RunningApp, opts: { bypassCSP?: boolean } = {}) {
  const context = await browser.newContext({
    baseURL: app.url,
    viewport: { width: 1280, height: 800 },
    locale: "da-DK",
    acceptDownloads: true,
    bypassCSP: opts.bypassCSP ?? true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // A failed request the test provoked on purpose (404, 400) logs a console error; those are expected.
    if (m.type() === "error" && !/Failed to load resource/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems } satisfies TestPage;
}

export interface BrowserSuite {
  /** The running server; read it inside a test or hook (it starts in beforeAll). */
  readonly app: RunningApp;
  readonly browser: Browser;
  /**
   * A fresh page (openPage) that the suite closes after the test, asserting then that it saw
   * no uncaught error and no console error.
   */
  open(opts?: { bypassCSP?: boolean }): Promise<TestPage>;
}

/**
 * The hooks every browser test file needs, registered once: the server and Chromium start
 * before the file's tests and stop after them, and every page opened with `open` is closed
 * after its test, which fails if the page logged an error.
 *
 *     const suite = browserSuite();
 *     it("…", async () => {
 *       const t = await suite.open();
 *       await t.page.goto("/");
 *     });
 */
export function browserSuite(): BrowserSuite {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  const opened: TestPage[] = [];
  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  afterEach(async () => {
    const problems = opened.flatMap((t) => t.problems);
    for (const t of opened.splice(0)) await t.context.close();
    expect(problems, "fejl i browserkonsollen").toEqual([]);
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("browserSuite: serveren og browseren er ikke startet endnu");
    return value;
  };
  return {
    get app() {
      return started(app);
    },
    get browser() {
      return started(browser);
    },
    async open(opts) {
      const t = await openPage(started(browser), started(app), opts);
      opened.push(t);
      return t;
    },
  };
}

const AXE_SOURCE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** WCAG 2.0/2.1 A and AA rules of axe-core on the page as it is now; [] when it passes. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    type AxeResult = {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResult> } }).axe;
    const r = await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Every row of a table as the text of its cells (th and td), trimmed. */
export function tableRows(page: Page, selector: string): Promise<string[][]> {
  return page
    .locator(selector)
    .first()
    .evaluate((table) =>
      [...(table as HTMLTableElement).rows].map((r) =>
        [...r.cells].map((c) => (c.textContent ?? "").replace(/\s+/g, " ").trim()),
      ),
    );
}

/** "388.324" → 388324, "-1,5" → -1.5: a Danish printed figure as a number. */
export function danishNumber(text: string): number {
  return Number(text.replace(/\./g, "").replace(",", "."));
}

/** Presses Tab until the focused element matches, and returns its description. */
export async function tabTo(page: Page, matches: (d: FocusInfo) => boolean, max = 80): Promise<FocusInfo> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const d = await focused(page);
    if (matches(d)) return d;
    seen.push(`${d.tag}${d.id ? `#${d.id}` : ""} "${d.text.slice(0, 30)}"`);
  }
  throw new Error(`Fokus nåede ikke frem efter ${max} tryk på Tab: ${seen.join(", ")}`);
}

export interface FocusInfo {
  tag: string;
  id: string;
  text: string;
  label: string;
  outline: string;
  visible: boolean;
}

export function focused(page: Page): Promise<FocusInfo> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: "", id: "", text: "", label: "", outline: "none", visible: false };
    const labels = (el as HTMLInputElement).labels;
    const style = getComputedStyle(el);
    // A visually hidden radio shows its focus ring on its label.
    const ring = el.matches("input[type=radio]") && labels?.[0] ? getComputedStyle(labels[0]) : style;
    const box = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      text: (el.textContent ?? "").replace(/\s+/g, " ").trim(),
      label: labels?.[0]?.textContent?.trim() ?? el.getAttribute("aria-label") ?? "",
      outline: `${ring.outlineStyle} ${ring.outlineWidth}`,
      visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
    };
  });
}

/** The demo users' password (packages/services/src/demo.ts); one demo user per role. */
export const DEMO_PASSWORD = "bevilling-demo";

/**
 * Signs the page's browser context in through the API (the cookie lands in the context), for
 * tests about something else than signing in; roles.e2e.ts signs in through the form.
 */
export async function signInAs(t: TestPage, username: string, password = DEMO_PASSWORD): Promise<void> {
  const r = await t.context.request.post("/api/session", { data: { username, password } });
  if (r.status() !== 200)
    throw new Error(`Login som ${username} mislykkedes: ${r.status()} ${await r.text()}`);
}

/** The first administrator's one-time password, as the server printed it at first start. */
export function firstAdminPassword(app: RunningApp): string {
  const m = /administratoren "admin" har engangsadgangskoden (\S+)/.exec(app.output());
  if (!m?.[1]) throw new Error(`Serveren skrev ingen engangsadgangskode:\n${app.output()}`);
  return m[1];
}
