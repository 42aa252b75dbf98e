/**
 * `proposals import` of an Excel workbook: the catalogue exported with `proposals document
 * --format xlsx` reads back unchanged, and a broken one is refused naming sheet, row and column.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), tty: false }, out, err };
}

const work = mkdtempSync(join(tmpdir(), "bevilling-cli-proposals-xlsx-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the proposals catalogue as Excel at the command line", () => {
  const env = { BEVILLING_DATA_DIR: join(work, "data") };

  it("reads its own export back without changes, and refuses a broken workbook", async () => {
    expect(await main(["demo"], capture().io, env)).toBe(0);
    const file = join(work, "katalog.xlsx");
    expect(
      await main(
        ["proposals", "document", "-m", "330", "--format", "xlsx", "--out", file],
        capture().io,
        env,
      ),
    ).toBe(0);
    const same = capture();
    expect(await main(["proposals", "import", file, "-m", "330"], same.io, env)).toBe(0);
    expect(same.out).toEqual(["Budget 2023-2026: 0 nye, 0 ændrede, 8 uændrede forslag"]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    const index = wb.getWorksheet("Forslag");
    if (!index) throw new Error("arket Forslag mangler");
    index.getCell("C4").value = "Ønskeforslag";
    const broken = join(work, "rettet.xlsx");
    writeFileSync(broken, new Uint8Array(await wb.xlsx.writeBuffer()));
    const c = capture();
    expect(await main(["proposals", "import", broken, "-m", "330"], c.io, env)).toBe(1);
    expect(c.err[0]).toBe(
      'rettet.xlsx, ark "Forslag", linje 4, kolonne "Art": »Ønskeforslag« er ikke en forslagsart; brug Driftsforslag, Anlægsforslag, Udvidelsesforslag, Reduktionsforslag, Investeringsforslag',
    );
    expect(c.err.join("\n")).toContain("Intet er gemt");
  });
});
