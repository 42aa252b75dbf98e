import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The web application. The server serves dist/ at "/" under a strict CSP (no inline scripts or
 * styles), so the build emits only external files; in development /api goes to the local server.
 */
export default defineConfig({
  plugins: [react()],
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
