import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), tty: false }, out, err };
}

const work = mkdtempSync(join(tmpdir(), "bevilling-cli-agreements-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("budget agreements at the command line", () => {
  const env = { BEVILLING_DATA_DIR: join(work, "data") };

  it("lists Sorø's adopted Budgetaftalen 2025 and shows its effect in 1.000 kr.", async () => {
    expect(await main(["demo"], capture().io, env)).toBe(0);
    const list = capture();
    expect(await main(["agreements", "list", "340"], list.io, env)).toBe(0);
    expect(list.out.join("\n")).toMatch(/1\s+2025\s+Budgetaftalen 2025\s+Vedtaget \d+\.\d+\.\d{4}\s+10\s+2/);

    const show = capture();
    expect(await main(["agreements", "show", "340", "1"], show.io, env)).toBe(0);
    const text = show.out.join("\n");
    expect(text).toContain("Budgetaftalen 2025 (Sorø Kommune, budget 2025)");
    expect(text).toContain("- Administration: -0,323 mio. kr. årligt fra 2026 og frem.");
    expect(text).toContain("Virkning (beløb i 1.000 kr.)");
    // Seed 000's adjustments per area and year, with Danish separators.
    expect(text).toMatch(/ {4}Administration\s+2\.610\s+-623\s+1\.377\s+1\.377/);
    expect(text).toMatch(/ {4}Puljer\s+3\.780\s+-1\.700\s+-1\.700\s+-1\.700/);
    expect(text).toMatch(/Serviceramme\s+6\.010\s+-2\.703\s+-703\s+-703/);
    expect(text).not.toContain("Problemer");
  });

  it("adopts Slagelse's scenario once, and refuses the second time", async () => {
    const list = capture();
    expect(await main(["agreements", "list", "-m", "330"], list.io, env)).toBe(0);
    const id = /^(\d+)\s+2023\s+Forslag til budgetaftale 2023\s+Scenarie/m.exec(list.out.join("\n"))?.[1];
    expect(id).toBeDefined();
    const adopt = capture();
    expect(
      await main(["agreements", "adopt", "330", id as string, "--reason", "Vedtaget i KB"], adopt.io, env),
    ).toBe(0);
    expect(adopt.out.join("\n")).toBe("Forslag til budgetaftale 2023 er vedtaget: 4 budgettal ændret.");
    const again = capture();
    expect(await main(["agreements", "adopt", "330", id as string], again.io, env)).toBe(1);
    expect(again.err.join("\n")).toContain("er allerede vedtaget");
    const proposals = capture();
    expect(await main(["proposals", "list", "-m", "330"], proposals.io, env)).toBe(0);
    expect(proposals.out.join("\n")).toMatch(/2\.1\.2\. 06\s+IT og DATA sikkerhed\s+Vedtaget\s/);
  });

  it("says what is wrong with the arguments", async () => {
    const c = capture();
    expect(await main(["agreements", "show", "340"], c.io, env)).toBe(2);
    expect(c.err.join("\n")).toContain("angiv aftalens id");
    expect(await main(["agreements", "fjern", "340"], capture().io, env)).toBe(2);
    const missing = capture();
    expect(await main(["agreements", "show", "340", "999"], missing.io, env)).toBe(1);
    expect(missing.err.join("\n")).toContain("Budgetaftalen 999 findes ikke i Sorø Kommune");
  });
});
