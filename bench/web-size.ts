/**
 * The web application's initial JavaScript: the scripts index.html loads or preloads (lazily
 * loaded views are not counted), gzipped. The Vite build enforces the same budget; this records
 * the figure beside the other measurements.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export const INITIAL_JS_BUDGET_KB = 250;

export function webInitialJs(dist = "apps/web/dist"): { files: string[]; gzipKb: number } | undefined {
  const index = join(dist, "index.html");
  if (!existsSync(index)) return undefined;
  const html = readFileSync(index, "utf8");
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);
  return { files, gzipKb: bytes / 1024 };
}

export function webSection(): string[] {
  const w = webInitialJs();
  if (!w)
    return [
      "## Web application",
      "",
      "Not measured: apps/web/dist is missing (run `npm run build` first).",
      "",
    ];
  const verdict = w.gzipKb <= INITIAL_JS_BUDGET_KB ? "met" : "MISSED";
  return [
    "## Web application",
    "",
    `Initial JavaScript (${w.files.join(", ")}): **${w.gzipKb.toFixed(1)} kB gzipped** against a budget of ${INITIAL_JS_BUDGET_KB} kB (${verdict}). The import page and the charts load on first use and are not counted. \`npm run build:web\` prints the same figure and fails above the budget.`,
    "",
  ];
}
