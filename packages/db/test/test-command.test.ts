import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/index.ts";

describe("a configured PostgreSQL that does not answer", () => {
  it("fails the test command instead of skipping", () => {
    const r = spawnSync(process.execPath, ["scripts/test.mjs", "--help"], {
      encoding: "utf8",
      env: { ...process.env, TEST_DATABASE_URL: "postgres://postgres@127.0.0.1:1/ingen" },
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("svarer ikke");
  });

  it("fails opening with a message that names the server and hides the password", async () => {
    await expect(openDatabase({ url: "postgres://bev:hemmelig@127.0.0.1:1/ingen" })).rejects.toThrow(
      /Kan ikke forbinde til PostgreSQL på postgres:\/\/bev:\*\*\*@127\.0\.0\.1:1\/ingen/,
    );
  });
});
