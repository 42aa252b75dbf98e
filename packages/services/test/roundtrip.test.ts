/**
 * An export is also a backup and a template: the demo municipalities, exported data set by data
 * set and read back with the standard mappings, print the same overviews figure for figure.
 */
import type { AmountUnit, Municipality } from "@bevilling/core";
import { type DatabaseHandle, listNodes } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { type Cell, readXlsx } from "@bevilling/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DataSet,
  dataSetCells,
  ensureMunicipality,
  exportData,
  getOverview,
  loadDemo,
  mappingSchema,
  type OverviewResponse,
  requireMunicipality,
  runImport,
  STANDARD_MAPPINGS,
} from "../src/index.ts";

type Db = DatabaseHandle["db"];

const SETS = ["organisation", "accounts", "amounts"] as const satisfies readonly DataSet[];
const MAPPING_OF: Record<(typeof SETS)[number], string> = {
  organisation: "standard-organisation",
  accounts: "standard-kontoplan",
  amounts: "standard-beloeb",
};
const SHEET_OF: Record<(typeof SETS)[number], string> = {
  organisation: "Organisation",
  accounts: "Kontoplan",
  amounts: "Beløb",
};

const DEMOS = [
  { code: "340", name: "Sorø", copy: "940" },
  { code: "326", name: "Kalundborg", copy: "926" },
] as const;

function mapping(set: (typeof SETS)[number]) {
  return mappingSchema.parse(STANDARD_MAPPINGS[MAPPING_OF[set]]);
}

/** An overview without database ids; the root is compared by position, not by its code. */
function shape(o: OverviewResponse) {
  return {
    columns: o.columns,
    unit: o.unit,
    unitLabel: o.unitLabel,
    priceYear: o.priceYear,
    note: o.note,
    node: o.path.length === 1 ? "(rod)" : o.node.code,
    path: o.path.slice(1).map((p) => p.code),
    total: {
      label: o.path.length === 1 ? "(rod)" : o.total.label,
      exact: o.total.exact,
      printed: o.total.printed,
      text: o.total.text,
    },
    rows: o.rows.map((r) => ({
      code: r.ref?.code ?? null,
      label: r.label,
      exact: r.exact,
      printed: r.printed,
      text: r.text,
    })),
  };
}

const VIEWS: { priceYear?: number | "current"; unit: AmountUnit; rows?: "accounts" }[] = [
  { unit: "tkr" },
  { priceYear: "current", unit: "kr" },
  { priceYear: 2026, unit: "mio" },
  { priceYear: "current", unit: "kr", rows: "accounts" },
];

/** Every node's overviews in every view, keyed by node code (the root as "(rod)"). */
async function allOverviews(db: Db, m: Municipality) {
  const out: Record<string, unknown[]> = {};
  const nodes = await listNodes(db, m.id);
  for (const n of nodes) {
    const key = n.parentId === null ? "(rod)" : n.code;
    out[key] = [];
    for (const v of VIEWS) out[key].push(shape(await getOverview(db, { nodeId: n.id, ...v })));
    // The years around the municipality's first year too, so validity intervals are compared.
    const first = m.settings.firstYear;
    out[key].push(
      shape(
        await getOverview(db, {
          nodeId: n.id,
          columns: [
            { year: first - 2, kind: "actual" },
            { year: first, kind: "actual" },
            { year: m.settings.budgetYear, kind: "budget" },
          ],
          unit: "kr",
          priceYear: "current",
        }),
      ),
    );
  }
  return out;
}

const isHeaderOnly = (bytes: Uint8Array) =>
  new TextDecoder()
    .decode(bytes)
    .replace(/^\uFEFF/, "")
    .trim()
    .split(/\r?\n/).length === 1;

/** Cells as read back from a sheet: everything as text, trailing empty cells dropped. */
function normalise(rows: readonly (readonly Cell[])[]): string[][] {
  return rows.map((r) => {
    const cells = r.map((c) => (c === null ? "" : String(c)));
    while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
    return cells;
  });
}

describe.each(testEngines())("export and import again on %s", (engine) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
  });
  afterAll(async () => {
    await h?.close();
  });

  for (const demo of DEMOS) {
    describe(demo.name, () => {
      it("the exported data sets read back with the standard mappings", async () => {
        const m = await requireMunicipality(h.db, demo.code);
        const org = await exportData(h.db, m, ["organisation"], "csv");
        expect(org.fileName).toMatch(/\.csv$/);
        const text = new TextDecoder().decode(org.bytes).replace(/^\uFEFF/, "");
        expect(text.split("\r\n")[0]).toBe("Kode;Navn;Type;Overordnet;Gyldig fra;Gyldig til");
        // Reading the municipality's own export back into it changes nothing.
        for (const set of SETS) {
          const file = await exportData(h.db, m, [set], "csv");
          if (isHeaderOnly(file.bytes)) continue;
          const r = await runImport(h.db, m, { fileName: file.fileName, bytes: file.bytes }, mapping(set));
          expect({ set, unchanged: r.unchanged, changed: r.changed }).toEqual({
            set,
            unchanged: true,
            changed: { nodes: 0, accounts: 0, amounts: 0, months: 0 },
          });
        }
      });

      it("copied into a new municipality, it prints the same overviews", async () => {
        const m = await requireMunicipality(h.db, demo.code);
        const { municipality: copy } = await ensureMunicipality(h.db, {
          code: demo.copy,
          name: m.name,
          budgetYear: m.settings.budgetYear,
          settings: m.settings,
        });
        for (const set of SETS) {
          const file = await exportData(h.db, m, [set], "csv");
          if (isHeaderOnly(file.bytes)) continue; // see "an empty data set" below
          await runImport(h.db, copy, { fileName: file.fileName, bytes: file.bytes }, mapping(set));
        }
        const original = await allOverviews(h.db, m);
        expect(Object.keys(original).length).toBeGreaterThan(2);
        expect(await allOverviews(h.db, copy)).toEqual(original);
      });

      it("restored into an empty database, it prints the same overviews", async () => {
        const m = await requireMunicipality(h.db, demo.code);
        const files = [];
        for (const set of SETS) files.push({ set, file: await exportData(h.db, m, [set], "csv") });
        const other = await openTestDatabase(engine);
        try {
          const { municipality: restored } = await ensureMunicipality(other.db, {
            code: m.code,
            name: m.name,
            budgetYear: m.settings.budgetYear,
            settings: m.settings,
          });
          for (const { set, file } of files) {
            if (isHeaderOnly(file.bytes)) continue;
            const r = await runImport(
              other.db,
              restored,
              { fileName: file.fileName, bytes: file.bytes },
              mapping(set),
            );
            expect(r.unchanged).toBe(false);
          }
          expect(await allOverviews(other.db, restored)).toEqual(await allOverviews(h.db, m));
          // And the restored municipality exports exactly the same files again.
          for (const { set, file } of files) {
            expect(await dataSetCells(other.db, restored, set)).toEqual(await dataSetCells(h.db, m, set));
            expect((await exportData(other.db, restored, [set], "csv")).bytes).toEqual(file.bytes);
          }
        } finally {
          await other.close();
        }
      });

      it("exports one workbook whose sheets read back as the data sets", async () => {
        const m = await requireMunicipality(h.db, demo.code);
        const xlsx = await exportData(h.db, m, SETS, "xlsx");
        expect(xlsx.fileName).toMatch(/\.xlsx$/);
        expect(xlsx.contentType).toContain("spreadsheetml");
        for (const set of SETS) {
          const sheet = await readXlsx(xlsx.bytes, { sheet: SHEET_OF[set] });
          if ("errors" in sheet) throw new Error(sheet.errors.map((e) => e.reason).join("; "));
          expect(sheet.sheet).toBe(SHEET_OF[set]);
          expect(sheet.rows.map((r) => r.line)).toEqual(sheet.rows.map((_, i) => i + 1));
          expect(normalise(sheet.rows.map((r) => r.cells))).toEqual(
            normalise(await dataSetCells(h.db, m, set)),
          );
        }
        // The workbook is an import file too: each sheet, read with its standard mapping, is
        // exactly what the municipality already holds.
        for (const set of SETS) {
          const cells = await dataSetCells(h.db, m, set);
          if (cells.length === 1) continue;
          const r = await runImport(
            h.db,
            m,
            { fileName: xlsx.fileName, bytes: xlsx.bytes },
            mappingSchema.parse({ ...STANDARD_MAPPINGS[MAPPING_OF[set]], format: { sheet: SHEET_OF[set] } }),
          );
          expect({ set, changed: r.changed }).toEqual({
            set,
            changed: { nodes: 0, accounts: 0, amounts: 0, months: 0 },
          });
        }
      });
    });
  }

  it("an empty data set (Sorø has no chart of accounts) exports and imports back as a no-op", async () => {
    const m = await requireMunicipality(h.db, "340");
    const file = await exportData(h.db, m, ["accounts"], "csv");
    expect(isHeaderOnly(file.bytes)).toBe(true);
    const r = await runImport(h.db, m, { fileName: file.fileName, bytes: file.bytes }, mapping("accounts"));
    expect(r.unchanged).toBe(true);
    expect(r.rows).toBe(0);
  });
});
