import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
    globalSetup: ["./scripts/vitest-global-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // fast-check seeds are printed on failure; a fixed default keeps CI reproducible.
    sequence: { shuffle: false },
  },
});
