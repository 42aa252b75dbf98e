import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseHandle } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), tty: false }, out, err };
}

const work = mkdtempSync(join(tmpdir(), "bevilling-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("usage", () => {
  it("prints help with exit 0, and exit 2 for no command, unknown commands and bad options", async () => {
    const help = capture();
    expect(await main(["--help"], help.io, {})).toBe(0);
    expect(help.out.join("\n")).toContain("Kommandoer:");
    for (const argv of [
      [],
      ["frobnicate"],
      ["overview", "--no-such-option"],
      ["overview", "--unit", "furlongs", "-m", "340"],
    ]) {
      const c = capture();
      expect(await main(argv, c.io, { BEVILLING_DATA_DIR: join(work, "usage") })).toBe(2);
    }
    const cmdHelp = capture();
    expect(await main(["import", "--help"], cmdHelp.io, { BEVILLING_DATA_DIR: join(work, "usage") })).toBe(0);
    expect(cmdHelp.out.join("\n")).toContain("--mapping");
  });
});

describe.each(testEngines())("the command line on %s", (engine) => {
  let env: NodeJS.ProcessEnv;
  let pg: DatabaseHandle | undefined;
  beforeAll(async () => {
    if (engine === "postgres") {
      pg = await openTestDatabase("postgres");
      env = { DATABASE_URL: pg.location };
    } else env = { BEVILLING_DATA_DIR: join(work, "data") };
    // The CLI opens its own connection; the test handle is only kept for the database's lifetime.
    if (pg) await pg.db.destroy().catch(() => undefined);
    const c = capture();
    expect(await main(["demo"], c.io, env)).toBe(0);
  });
  afterAll(async () => {
    await pg?.close().catch(() => undefined);
  });

  it("prints Sorø's finance committee in 1.000 kr. as seed 000's table", async () => {
    const c = capture();
    expect(
      await main(
        ["overview", "-m", "340", "--node", "OEU", "--price-year", "2025", "--unit", "tkr"],
        c.io,
        env,
      ),
    ).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/Økonomiudvalget\s+306\.005\s+351\.608\s+388\.324\s+384\.273\s+379\.719\s+381\.305/);
    expect(text).toMatch(/Administration\s+259\.092\s+304\.620\s+259\.178\s+255\.388\s+253\.341\s+252\.941/);
    expect(text).toContain("Note: Alle tal er i 2025-priser.");
  });

  it("prints CSV and JSON", async () => {
    const csv = capture();
    expect(await main(["overview", "-m", "340", "--node", "OEU", "--format", "csv"], csv.io, env)).toBe(0);
    expect(csv.out.join("\n")).toContain("Beredskab;9.579;10.072;9.196;9.197;9.197;9.197");
    const json = capture();
    expect(
      await main(
        ["overview", "-m", "Sorø", "--node", "OEU", "--format", "json", "--unit", "kr"],
        json.io,
        env,
      ),
    ).toBe(0);
    const o = JSON.parse(json.out.join("\n"));
    expect(o.total.exact[2]).toBe("38832400000");
    expect(o.rows).toHaveLength(6);
  });

  it("rejects a bad file with every bad line and exit 1, then imports a good one once", async () => {
    const mapping = join(work, `mapping-${engine}.json`);
    writeFileSync(
      mapping,
      JSON.stringify({
        kind: "amounts",
        node: "Område",
        unit: "kr",
        amounts: [{ column: "Budget 2025", year: 2025, kind: "budget" }],
      }),
    );
    const bad = join(work, `bad-${engine}.csv`);
    writeFileSync(bad, "Område;Budget 2025\nPUL;12a\nXXX;5\nADM;1.000\n");
    const c = capture();
    expect(await main(["import", bad, "-m", "340", "--mapping-file", mapping], c.io, env)).toBe(1);
    const err = c.err.join("\n");
    expect(err).toContain("linje 2");
    expect(err).toContain("linje 3");
    expect(err).toContain("Intet er gemt");
    const after = capture();
    await main(["overview", "-m", "340", "--node", "OEU", "--format", "csv"], after.io, env);
    expect(after.out.join("\n")).toContain("Puljer;0;0;80.496;");

    const good = join(work, `good-${engine}.csv`);
    writeFileSync(good, "Område;Budget 2025\nBOL;579.000\n");
    const first = capture();
    expect(
      await main(
        ["import", good, "-m", "340", "--mapping-file", mapping, "--save-mapping", "boligtest"],
        first.io,
        env,
      ),
    ).toBe(0);
    expect(first.out.join("\n")).toContain("Ingen ændringer");
    const list = capture();
    expect(await main(["mapping", "list", "-m", "340"], list.io, env)).toBe(0);
    expect(list.out.join("\n")).toContain("boligtest");
  });

  it("shows and changes the municipality's settings, validated as a whole", async () => {
    const set = capture();
    expect(
      await main(
        ["municipality", "set", "-m", "330", "--sign", "overspend_positive", "--index-rule", "total"],
        set.io,
        env,
      ),
    ).toBe(0);
    expect(set.out.join("\n")).toMatch(/Merforbrug i tekster\s+med plus/);
    expect(set.out.join("\n")).toMatch(/Prisindeks anvendes\s+samlet \(vægtet\) indeks/);
    const bad = capture();
    expect(await main(["municipality", "set", "-m", "330", "--budget-year", "2040"], bad.io, env)).toBe(1);
    expect(bad.err.join("\n")).toContain("budgetåret skal ligge mellem første og sidste år");
    const show = capture();
    expect(await main(["municipality", "show", "-m", "330"], show.io, env)).toBe(0);
    expect(show.out.join("\n")).toMatch(/Budgetår\s+2023/);
  });

  it("exports XLSX and CSV files", async () => {
    const out = join(work, `export-${engine}.xlsx`);
    const c = capture();
    expect(await main(["export", "-m", "326", "--out", out], c.io, env)).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe("PK");
    const csvOut = join(work, `org-${engine}.csv`);
    expect(
      await main(
        ["export", "-m", "326", "--sets", "organisation", "--format", "csv", "--out", csvOut],
        c.io,
        env,
      ),
    ).toBe(0);
    expect(readFileSync(csvOut, "utf8")).toContain("TEK;Det tekniske område;bevillingsområde;OEU;2007;2022");
  });
});
