import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirLockedError, openDatabase } from "../src/index.ts";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "bevilling-lock-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Opens the data directory from a separate Node process and reports how it went. */
function openInOtherProcess(dataDir: string): { status: number | null; stderr: string } {
  const script = `
    import { openDatabase } from "@bevilling/db";
    try {
      const h = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });
      await h.close();
      console.log("opened");
    } catch (e) {
      console.error(e.name + ": " + e.message);
      process.exit(3);
    }`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    cwd: process.cwd(),
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr + r.stdout };
}

describe("the embedded data directory is guarded against a second process", () => {
  it("refuses a second process while the first holds the directory, and lets it in afterwards", async () => {
    const dir = tempDir();
    const first = await openDatabase({ dataDir: dir });
    try {
      await sql`create table kept (v int)`.execute(first.db);
      const second = openInOtherProcess(dir);
      expect(second.status).toBe(3);
      expect(second.stderr).toContain("DataDirLockedError");
      expect(second.stderr).toContain(`pid ${process.pid}`);
      // The first process's writes are intact and it keeps working.
      await sql`insert into kept values (1)`.execute(first.db);
    } finally {
      await first.close();
    }
    const after = openInOtherProcess(dir);
    expect(after.stderr).toContain("opened");
    const again = await openDatabase({ dataDir: dir });
    const rows = await sql<{ v: number }>`select v from kept`.execute(again.db);
    expect(rows.rows).toEqual([{ v: 1 }]);
    await again.close();
  });

  it("refuses a second open in the same process", async () => {
    const dir = tempDir();
    const first = await openDatabase({ dataDir: dir });
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await first.close();
    }
  });

  it("takes over a lock left by a process that no longer runs", async () => {
    const dir = tempDir();
    const h = await openDatabase({ dataDir: dir });
    await h.close();
    // A pid far above pid_max on Linux cannot be alive.
    writeFileSync(join(dir, "bevilling.lock"), "99999999");
    const again = await openDatabase({ dataDir: dir });
    await again.close();
  });
});
