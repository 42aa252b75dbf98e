/**
 * The demo municipalities, loaded from the CSV files in ../demo through the ordinary importer.
 * Loading twice changes nothing.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Actor, Municipality, Role } from "@bevilling/core";
import { type Database, findMunicipality, findNodeByCode, findUser } from "@bevilling/db";
import type { Kysely } from "kysely";
import { baseBudgetMapping, loadDemoAgreements } from "./demo-agreements.ts";
import { loadDemoRemarks } from "./demo-remarks.ts";
import { runImport } from "./import.ts";
import { type MappingInput, mappingSchema } from "./mapping.ts";
import { ensureMunicipality } from "./municipalities.ts";
import { importCatalogueText } from "./proposals.ts";
import { createUser } from "./users.ts";

const DEMO_DIR = fileURLToPath(new URL("../demo/", import.meta.url));

const oeuLevels = [
  { kind: "committee" as const, code: "Udvalg", name: "Udvalgsnavn" },
  { kind: "area" as const, code: "Område", name: "Områdenavn" },
];

interface DemoFile {
  file: string;
  mapping: MappingInput;
  /**
   * Its budget and estimate columns are the base budget that the municipality's demo agreement
   * (demo-agreements.ts) is adopted onto; once adopted, they are not imported again.
   */
  baseBudget?: boolean;
}

interface DemoMunicipality {
  code: string;
  name: string;
  budgetYear: number;
  /** Sorø's budget is published (seed 000 is its public budget); the others show unpublished data. */
  settings: { published: boolean };
  files: DemoFile[];
  /** Proposal catalogues in their printed text form (seed 003). */
  catalogues?: string[];
}

export const DEMO: DemoMunicipality[] = [
  {
    code: "340",
    name: "Sorø",
    budgetYear: 2025,
    settings: { published: true },
    files: [
      {
        file: "soroe-oekonomiudvalget-grundbudget.csv",
        baseBudget: true,
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
    settings: { published: false },
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
    settings: { published: false },
    files: [{ file: "slagelse-organisation.csv", mapping: { kind: "organisation", levels: oeuLevels } }],
    catalogues: ["slagelse-forslagskatalog-2023-2026.txt"],
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
        mappingSchema.parse(f.baseBudget ? await baseBudgetMapping(db, municipality, f.mapping) : f.mapping),
        { actor: DEMO_ACTOR },
      );
      changes += r.changed.nodes + r.changed.accounts + r.changed.amounts + r.changed.months;
    }
    for (const file of d.catalogues ?? []) {
      const text = readFileSync(`${DEMO_DIR}${file}`, "utf8");
      const r = await importCatalogueText(db, municipality, { fileName: file, text }, DEMO_ACTOR);
      changes += r.created + r.updated;
    }
    out.push(municipality);
  }
  changes += await loadDemoAgreements(db, DEMO_ACTOR);
  // After the agreements: the remarks describe the adopted budget.
  changes += await loadDemoRemarks(db, DEMO_ACTOR);
  return { municipalities: out, changes };
}

/** The password of every demo user: the demo is for trying Bevilling, never for real data. */
export const DEMO_PASSWORD = "bevilling-demo";

/** One demo user per role; the budgetansvarlig manages Kalundborg's Jobcenter (an unpublished municipality). */
export const DEMO_USERS: ReadonlyArray<{
  username: string;
  displayName: string;
  role: Role;
  units?: { municipality: string; node: string }[];
}> = [
  { username: "demo-administrator", displayName: "Demo Administrator", role: "administrator" },
  { username: "demo-okonomi", displayName: "Demo Økonomi", role: "okonomi" },
  {
    username: "demo-budgetansvarlig",
    displayName: "Demo Budgetansvarlig (Jobcenter)",
    role: "budgetansvarlig",
    units: [{ municipality: "326", node: "JOB" }],
  },
  { username: "demo-sekretariat", displayName: "Demo Sekretariat", role: "sekretariat" },
  { username: "demo-politiker", displayName: "Demo Politiker", role: "politiker" },
];

/** Creates the demo users that do not exist yet (after loadDemo: the budgetansvarlig needs Kalundborg). */
export async function loadDemoUsers(db: Kysely<Database>): Promise<string[]> {
  const made: string[] = [];
  for (const u of DEMO_USERS) {
    if (await findUser(db, { username: u.username })) continue;
    const unitIds: number[] = [];
    for (const ref of u.units ?? []) {
      const m = await findMunicipality(db, ref.municipality);
      const node = m ? await findNodeByCode(db, m.id, ref.node) : undefined;
      if (!node) throw new Error(`Demoenheden ${ref.municipality}/${ref.node} findes ikke`);
      unitIds.push(node.id);
    }
    await createUser(
      db,
      { username: u.username, displayName: u.displayName, role: u.role, unitIds },
      DEMO_ACTOR,
      { password: DEMO_PASSWORD, mustChangePassword: false },
    );
    made.push(u.username);
  }
  return made;
}
