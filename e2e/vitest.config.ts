import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Browser tests: the built web app on the real server (embedded database, demo data) in
 * Chromium. One file at a time in a single fork: each file starts its own server and browser.
 * Run `npm run build:web` first; the tests do not build.
 */
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["e2e/**/*.e2e.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    sequence: { shuffle: false },
  },
});
