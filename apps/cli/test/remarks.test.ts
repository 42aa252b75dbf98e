import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), tty: false }, out, err };
}

const work = mkdtempSync(join(tmpdir(), "bevilling-cli-remarks-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the budget remarks at the command line", () => {
  const env = { BEVILLING_DATA_DIR: join(work, "data") };

  it("writes Sorø's committee remarks and Kalundborg's area remarks as documents", async () => {
    expect(await main(["demo"], capture().io, env)).toBe(0);
    const oeu = join(work, "oeu.html");
    const c = capture();
    expect(
      await main(
        [
          "remarks",
          "document",
          "340",
          "--committee",
          "OEU",
          "--year",
          "2025",
          "--format",
          "html",
          "--out",
          oeu,
        ],
        c.io,
        env,
      ),
    ).toBe(0);
    expect(c.out).toEqual([`Skrev ${oeu}`]);
    const html = readFileSync(oeu, "utf8");
    expect(html).toContain("<h2>Budgetaftalen 2025</h2>");
    expect(html).toContain('<td class="right">388.324</td>');

    const areas = join(work, "omraader.html");
    expect(
      await main(
        ["remarks", "document", "-m", "326", "--all-areas", "--format", "html", "--out", areas],
        capture().io,
        env,
      ),
    ).toBe(0);
    const text = readFileSync(areas, "utf8");
    expect(text).toContain("<p>Samlet nettobudget for området: 50.190.100 kr.</p>");
    expect(text).toContain("<p>Samlet nettobudget for området: 104.816.500 kr.</p>");

    const one = join(work, "job.html");
    expect(
      await main(
        ["remarks", "document", "326", "--area", "JOB", "--format", "html", "--out", one],
        capture().io,
        env,
      ),
    ).toBe(0);
    expect(readFileSync(one, "utf8")).not.toContain("Borgerservice");
  });

  it("lists a node's sections and generated sentences", async () => {
    const c = capture();
    expect(await main(["remarks", "list", "326", "--node", "VSE"], c.io, env)).toBe(0);
    const text = c.out.join("\n");
    expect(text).toContain("Voksenspecialenheden, bemærkninger til budget 2024");
    expect(text).toContain("Samlet nettobudget for området: 2.234.900 kr.");
    expect(text).toContain("fået tildelt 0,04 mio. kr. i 2024 og fremefter");
    expect(text).toMatch(/Beskrivelse af området \(version 1\)/u);
  });

  it("refuses wrong usage with exit code 2", async () => {
    for (const args of [
      ["remarks", "document", "340", "--committee", "OEU", "--format", "odt"],
      ["remarks", "document", "340", "--format", "pdf"],
      ["remarks", "document", "340", "--committee", "OEU", "--all-areas", "--format", "pdf"],
      ["remarks", "document", "--format", "pdf", "--all-areas"],
      ["remarks", "show", "340"],
    ]) {
      expect(await main(args, capture().io, env), args.join(" ")).toBe(2);
    }
    // An unknown committee is an error (1), not wrong usage.
    expect(
      await main(["remarks", "document", "340", "--committee", "XYZ", "--format", "pdf"], capture().io, env),
    ).toBe(1);
  });
});
