/**
 * Imports through the real importer (runImport) with the mappings a municipality would save,
 * timing each file end to end and by phase. Phases come from the importer's own progress events:
 * reading and validating the file, the gap before the transaction (the file's sha256, read a second
 * time), storing (nodes, accounts, months, yearly actuals) and refreshing node_total plus commit.
 */
import type { Municipality } from "@bevilling/core";
import type { Database } from "@bevilling/db";
import {
  type ImportResult,
  type Mapping,
  type MappingInput,
  mappingSchema,
  runImport,
} from "@bevilling/services";
import type { PGlite } from "@electric-sql/pglite";
import type { Kysely } from "kysely";
import { BUDGET_COLUMNS, LEDGER_HEADER } from "./generate.ts";
import { type Profile, profiled } from "./profiler.ts";

const [DATE, UNIT, ACCOUNT, AMOUNT] = LEDGER_HEADER;

export const MAPPINGS = {
  organisation: {
    kind: "organisation",
    format: { separator: ";", encoding: "utf-8" },
    levels: [
      { kind: "committee", code: "Udvalg", name: "Udvalgsnavn" },
      { kind: "area", code: "Område", name: "Områdenavn" },
      { kind: "unit", code: "Enhed", name: "Enhedsnavn" },
      { kind: "unit", code: "Underenhed", name: "Underenhedsnavn" },
    ],
    defaultValidFrom: 2000,
  },
  chart: {
    kind: "accounts",
    format: { separator: ";", encoding: "utf-8" },
    account: {
      funktion: "Funktion",
      dranst: "Dranst",
      art: "Art",
      gruppering: "Gruppering",
      name: "Kontonavn",
    },
  },
  budget: {
    kind: "amounts",
    format: { separator: ";", encoding: "utf-8" },
    node: "Enhed",
    account: { code: "Konto" },
    unit: "kr",
    amounts: BUDGET_COLUMNS,
  },
  ledger: {
    kind: "monthly",
    format: { separator: ";", encoding: "utf-8", numberFormat: "auto" },
    node: UNIT,
    account: { code: ACCOUNT },
    monthly: { date: DATE, amount: AMOUNT },
    unit: "kr",
  },
} satisfies Record<string, MappingInput>;

export interface Phases {
  /** Open, read, parse, validate and aggregate the file (JS). */
  read: number;
  /** From the last row read to the transaction's start: hashing the file a second time. */
  hash: number;
  /** Nodes, accounts, unit accounts, amounts, months and yearly actuals. */
  store: number;
  /** refreshTotals, the import log and the commit. */
  totals: number;
}

export interface TimedImport {
  file: string;
  rows: number;
  seconds: number;
  phases: Phases;
  result: ImportResult;
  profile: Profile;
  heapMb: number;
}

export async function timedImport(
  db: Kysely<Database>,
  pgl: PGlite | undefined,
  municipality: Municipality,
  path: string,
  fileName: string,
  mapping: MappingInput,
): Promise<TimedImport> {
  const parsed: Mapping = mappingSchema.parse(mapping);
  let lastRead = 0;
  let storeAt = 0;
  let totalsAt = 0;
  let heap = 0;
  const t0 = performance.now();
  const { value: result, profile } = await profiled(pgl, () =>
    runImport(db, municipality, { fileName, path }, parsed, {
      onProgress: (p) => {
        const now = performance.now();
        if (p.phase === "læser") {
          lastRead = now;
          heap = Math.max(heap, process.memoryUsage().heapUsed);
        } else if (p.phase === "gemmer") storeAt = now;
        else totalsAt = now;
      },
    }),
  );
  const end = performance.now();
  if (storeAt === 0) storeAt = end;
  if (totalsAt === 0) totalsAt = end;
  return {
    file: fileName,
    rows: result.rows,
    seconds: (end - t0) / 1000,
    phases: {
      read: (lastRead - t0) / 1000,
      hash: (storeAt - lastRead) / 1000,
      store: (totalsAt - storeAt) / 1000,
      totals: (end - totalsAt) / 1000,
    },
    result,
    profile,
    heapMb: heap / 1e6,
  };
}

export function sumPhases(list: readonly TimedImport[]): Phases {
  return list.reduce(
    (a, t) => ({
      read: a.read + t.phases.read,
      hash: a.hash + t.phases.hash,
      store: a.store + t.phases.store,
      totals: a.totals + t.phases.totals,
    }),
    { read: 0, hash: 0, store: 0, totals: 0 },
  );
}
