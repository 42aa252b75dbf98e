import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), tty: false }, out, err };
}

const work = mkdtempSync(join(tmpdir(), "bevilling-cli-proposals-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the proposals catalogue at the command line", () => {
  const env = { BEVILLING_DATA_DIR: join(work, "data") };

  it("lists Slagelse's catalogue in 1.000 kr. with seed 003's totals", async () => {
    expect(await main(["demo"], capture().io, env)).toBe(0);
    const c = capture();
    expect(await main(["proposals", "list", "-m", "330"], c.io, env)).toBe(0);
    const text = c.out.join("\n");
    expect(text).toContain("Budget 2023-2026 (beløb i 1.000 kr.)");
    expect(text).toMatch(
      /2\.1\.2\. 05\s+Etablering af direktion\s+Indsendt\s+4\.500\s+4\.500\s+4\.500\s+4\.500\s+18\.000/,
    );
    expect(text).toMatch(/2\.1\.2\. 08.*-3\.300\s+-3\.300\s+-3\.300\s+-3\.300\s+-13\.200/);
  });

  it("lists the checks' findings and exits 1 on warnings", async () => {
    const c = capture();
    expect(await main(["proposals", "check", "-m", "330"], c.io, env)).toBe(1);
    const text = c.out.join("\n");
    expect(text.match(/^ADVARSEL/gm)).toHaveLength(2);
    expect(text).toContain("5.700 t.kr.");
    expect(text).toContain("63");
    const none = capture();
    expect(await main(["proposals", "check", "-m", "340"], none.io, env)).toBe(0);
    expect(none.out.join("\n")).toContain("ingen forslagskataloger");
  });

  it("writes the catalogue as a document", async () => {
    const out = join(work, "katalog.html");
    const c = capture();
    expect(
      await main(["proposals", "document", "-m", "330", "--format", "html", "--out", out], c.io, env),
    ).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("Skema 2.1.2. 08");
    expect(html).toContain("-13.200");
    expect(await main(["proposals", "document", "-m", "330", "--format", "odt"], capture().io, env)).toBe(2);
  });

  it("refuses a catalogue it cannot read, naming file, line and field", async () => {
    const file = join(work, "katalog-fejl.txt");
    writeFileSync(
      file,
      [
        "BUDGET 2023-2026",
        "Driftsforslag",
        "Skema 2.1.2. 01",
        "Økonomiudvalget - Administration",
        "Medarbejderkommunikation",
        "Beløb i 1.000 kr.",
        "Budgetoverslag\t2023\t2024\tI alt",
        "\t600\tmange\t1.800",
        "I alt\t600\t1.200\t1.800",
      ].join("\n"),
    );
    const c = capture();
    expect(await main(["proposals", "import", file, "-m", "330"], c.io, env)).toBe(1);
    expect(c.err).toContain(
      'katalog-fejl.txt, linje 8, felt "2024": Skema 2.1.2. 01: »mange« i 2024 er ikke et beløb.',
    );
    expect(c.err.join("\n")).toContain("Intet er gemt");
  });
});
