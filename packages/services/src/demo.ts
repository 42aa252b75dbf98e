/**
 * The demo municipalities, loaded from the CSV files in ../demo through the ordinary importer.
 * Loading twice changes nothing.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Actor, Municipality } from "@bevilling/core";
import type { Database } from "@bevilling/db";
import type { Kysely } from "kysely";
import { runImport } from "./import.ts";
import { type MappingInput, mappingSchema } from "./mapping.ts";
import { ensureMunicipality } from "./municipalities.ts";

const DEMO_DIR = fileURLToPath(new URL("../demo/", import.meta.url));

const oeuLevels = [
  { kind: "committee" as const, code: "Udvalg", name: "Udvalgsnavn" },
  { kind: "area" as const, code: "Område", name: "Områdenavn" },
];

interface DemoFile {
  file: string;
  mapping: MappingInput;
}

interface DemoMunicipality {
  code: string;
  name: string;
  budgetYear: number;
  files: DemoFile[];
}

export const DEMO: DemoMunicipality[] = [
  {
    code: "340",
    name: "Sorø",
    budgetYear: 2025,
    files: [
      {
        file: "soroe-oekonomiudvalget.csv",
        mapping: {
          kind: "amounts",
          levels: oeuLevels,
          unit: "tkr",
          priceYear: 2025,
          amounts: [
            { column: "Regnskab 2023", year: 2023, kind: "actual" },
            { column: "Budget - oprindeligt 2024", year: 2024, kind: "original" },
            { column: "Budget 2025", year: 2025, kind: "budget" },
            { column: "Overslag 2026", year: 2026, kind: "estimate" },
            { column: "Overslag 2027", year: 2027, kind: "estimate" },
            { column: "Overslag 2028", year: 2028, kind: "estimate" },
          ],
        },
      },
    ],
  },
  {
    code: "326",
    name: "Kalundborg",
    budgetYear: 2024,
    files: [
      {
        file: "kalundborg-organisation.csv",
        mapping: { kind: "organisation", levels: oeuLevels, validFrom: "Gyldig fra", validTo: "Gyldig til" },
      },
      {
        file: "kalundborg-nettobudget-2024.csv",
        mapping: {
          kind: "amounts",
          node: "Område",
          unit: "kr",
          amounts: [{ column: "Samlet nettobudget 2024", year: 2024, kind: "budget" }],
        },
      },
    ],
  },
  {
    code: "330",
    name: "Slagelse",
    budgetYear: 2023,
    files: [{ file: "slagelse-organisation.csv", mapping: { kind: "organisation", levels: oeuLevels } }],
  },
];

/** The demo data is the system's doing, whoever asked for it. */
export const DEMO_ACTOR: Actor = Object.freeze<Actor>({ kind: "system", name: "demo" });

export async function loadDemo(
  db: Kysely<Database>,
): Promise<{ municipalities: Municipality[]; changes: number }> {
  const out: Municipality[] = [];
  let changes = 0;
  for (const d of DEMO) {
    const { municipality, created } = await ensureMunicipality(db, d, DEMO_ACTOR);
    if (created) changes++;
    for (const f of d.files) {
      const r = await runImport(
        db,
        municipality,
        { fileName: f.file, bytes: readFileSync(`${DEMO_DIR}${f.file}`) },
        mappingSchema.parse(f.mapping),
        { actor: DEMO_ACTOR },
      );
      changes += r.changed.nodes + r.changed.accounts + r.changed.amounts + r.changed.months;
    }
    out.push(municipality);
  }
  return { municipalities: out, changes };
}
