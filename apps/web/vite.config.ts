import { gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** The initial JavaScript budget (gzipped): public-sector users are often on slow machines. */
const INITIAL_JS_BUDGET_KB = 250;

/**
 * Reports the gzipped size of the JavaScript a first visit loads (the entry chunk and its static
 * imports; lazily loaded views are not counted) and fails the build above the budget.
 */
function initialJsBudget(): Plugin {
  return {
    name: "bevilling-initial-js-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c) => c.type === "chunk");
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const seen = new Set<string>();
      const visit = (name: string) => {
        if (seen.has(name)) return;
        seen.add(name);
        for (const dep of byName.get(name)?.imports ?? []) visit(dep);
      };
      for (const c of chunks) if (c.isEntry) visit(c.fileName);
      const bytes = [...seen].reduce(
        (sum, n) => sum + gzipSync(byName.get(n)?.code ?? "", { level: 9 }).length,
        0,
      );
      const kb = bytes / 1024;
      this.info(`Initial JavaScript: ${kb.toFixed(1)} kB gzip (grænse ${INITIAL_JS_BUDGET_KB} kB)`);
      if (kb > INITIAL_JS_BUDGET_KB)
        this.error(`Initial JavaScript er ${kb.toFixed(1)} kB gzip, over grænsen`);
    },
  };
}

/**
 * The web application. The server serves dist/ at "/" under a strict CSP (no inline scripts or
 * styles), so the build emits only external files; in development /api goes to the local server.
 */
export default defineConfig({
  plugins: [react(), initialJsBudget()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Keeps the CSP clean: no data: URLs for scripts, no inline module preload polyfill.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
});
