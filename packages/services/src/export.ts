/**
 * Exports: the overview table as it is printed (CSV/XLSX/JSON), and the whole municipality as
 * files that the standard mappings read back in, so an export is also a backup and a template.
 */
import {
  AMOUNT_KIND_LABEL,
  formatDecimal,
  type Municipality,
  NODE_KIND_LABEL,
  SPENDING_CATEGORY_LABEL,
  unitDecimals,
} from "@bevilling/core";
import {
  type Database,
  listAccounts,
  listAmountsForExport,
  listMonthsForExport,
  listNodes,
} from "@bevilling/db";
import { type Cell, writeCsv, writeXlsx } from "@bevilling/io";
import type { Kysely } from "kysely";
import { BadRequest } from "./errors.ts";
import type { MappingInput } from "./mapping.ts";
import type { OverviewResponse } from "./overview.ts";

export type ExportFormat = "csv" | "xlsx";

export interface ExportFile {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/æ/g, "ae")
      .replace(/ø/g, "oe")
      .replace(/å/g, "aa")
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "fil"
  );
}

/** The table as printed: the year row, the kind row with the unit, the total, the rows, the note. */
export function overviewCells(o: OverviewResponse, numeric: boolean): Cell[][] {
  const decimals = unitDecimals(o.unit);
  const value = (printed: bigint, text: string): Cell => (numeric ? Number(printed) / 10 ** decimals : text);
  return [
    ["År", ...o.columns.map((c) => c.year)],
    [`(${o.unitLabel})`, ...o.columns.map((c) => c.label)],
    [o.total.label, ...o.total.printed.map((p, i) => value(p, o.total.text[i] ?? ""))],
    ...o.rows.map((r) => [r.label, ...r.printed.map((p, i) => value(p, r.text[i] ?? ""))]),
    [],
    [`Note: ${o.note}`],
  ];
}

export async function exportOverview(o: OverviewResponse, format: ExportFormat): Promise<ExportFile> {
  const base = `oversigt-${slug(o.municipality.name)}-${slug(o.node.name)}`;
  if (format === "csv") {
    return {
      fileName: `${base}.csv`,
      contentType: CONTENT_TYPE.csv,
      bytes: writeCsv(overviewCells(o, false)),
    };
  }
  const decimals = unitDecimals(o.unit);
  const numFmt = decimals === 0 ? "#,##0" : "#,##0.0";
  // The year row becomes the column headers ("2025 Budget"), so it is not repeated as a row.
  const [, kinds, ...body] = overviewCells(o, true);
  const bytes = await writeXlsx([
    {
      name: "Oversigt",
      columns: [
        { header: String((kinds as Cell[])[0]), width: 40 },
        ...o.columns.map((c) => ({ header: `${c.year} ${c.label}`, width: 22, numFmt })),
      ],
      rows: body,
    },
  ]);
  return { fileName: `${base}.xlsx`, contentType: CONTENT_TYPE.xlsx, bytes };
}

/** Kroner with øre, Danish style, so an export never loses an øre and reads back exactly. */
function kr(ore: bigint): string {
  return formatDecimal(ore, 2, 2);
}

export type DataSet = "organisation" | "accounts" | "amounts" | "monthly";
export const DATA_SETS: readonly DataSet[] = ["organisation", "accounts", "amounts", "monthly"];

const SHEET_NAME: Record<DataSet, string> = {
  organisation: "Organisation",
  accounts: "Kontoplan",
  amounts: "Beløb",
  monthly: "Månedsforbrug",
};

export async function dataSetCells(db: Kysely<Database>, m: Municipality, set: DataSet): Promise<Cell[][]> {
  if (set === "organisation") {
    const nodes = await listNodes(db, m.id);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    return [
      ["Kode", "Navn", "Type", "Overordnet", "Gyldig fra", "Gyldig til"],
      ...nodes
        .filter((n) => n.parentId !== null)
        .map((n) => [
          n.code,
          n.name,
          NODE_KIND_LABEL[n.kind].toLowerCase(),
          // The root is written as blank: the file then reads into a municipality with another code.
          byId.get(n.parentId as number)?.parentId === null
            ? ""
            : (byId.get(n.parentId as number)?.code ?? ""),
          String(n.validFrom),
          n.validTo === null ? "" : String(n.validTo),
        ]),
    ];
  }
  if (set === "accounts") {
    const accounts = await listAccounts(db, m.id);
    return [
      [
        "Konto",
        "Funktion",
        "Dranst",
        "Art",
        "Gruppering",
        "Omkostningssted",
        "Projekt",
        "Navn",
        "Udgiftstype",
      ],
      ...accounts.map((a) => [
        a.code,
        a.funktion,
        String(a.dranst),
        a.art,
        a.gruppering ?? "",
        a.cost_centre ?? "",
        a.project ?? "",
        a.name,
        SPENDING_CATEGORY_LABEL[a.category],
      ]),
    ];
  }
  if (set === "amounts") {
    const rows = await listAmountsForExport(db, m.id);
    return [
      ["Enhed", "Enhedsnavn", "Konto", "År", "Beløbsart", "Prisniveau", "Beløb (kr.)"],
      ...rows.map((r) => [
        r.node_code,
        r.node_name,
        r.account_code ?? "",
        String(r.year),
        AMOUNT_KIND_LABEL[r.kind],
        String(r.price_year),
        kr(r.amount),
      ]),
    ];
  }
  const rows = await listMonthsForExport(db, m.id);
  return [
    ["Enhed", "Konto", "År", "Måned", "Beløb (kr.)"],
    ...rows.map((r) => [r.node_code, r.account_code ?? "", String(r.year), String(r.month), kr(r.amount)]),
  ];
}

export async function exportData(
  db: Kysely<Database>,
  m: Municipality,
  sets: readonly DataSet[],
  format: ExportFormat,
): Promise<ExportFile> {
  const base = `bevilling-${slug(m.name)}`;
  if (format === "csv") {
    if (sets.length !== 1)
      throw new BadRequest(
        "CSV rummer ét datasæt ad gangen: vælg organisation, kontoplan, beløb eller månedsforbrug",
      );
    const set = sets[0] as DataSet;
    return {
      fileName: `${base}-${set}.csv`,
      contentType: CONTENT_TYPE.csv,
      bytes: writeCsv(await dataSetCells(db, m, set)),
    };
  }
  const sheets = [];
  for (const set of sets) {
    const [head, ...rows] = await dataSetCells(db, m, set);
    sheets.push({
      name: SHEET_NAME[set],
      columns: (head ?? []).map((h) => ({ header: String(h), width: 18 })),
      rows,
    });
  }
  return { fileName: `${base}.xlsx`, contentType: CONTENT_TYPE.xlsx, bytes: await writeXlsx(sheets) };
}

/** Mappings that read our own exports back (and serve as examples for the municipality's). */
export const STANDARD_MAPPINGS: Record<string, MappingInput> = {
  "standard-organisation": {
    kind: "organisation",
    tree: { code: "Kode", name: "Navn", kind: "Type", parent: "Overordnet" },
    validFrom: "Gyldig fra",
    validTo: "Gyldig til",
  },
  "standard-kontoplan": {
    kind: "accounts",
    account: {
      code: "Konto",
      funktion: "Funktion",
      dranst: "Dranst",
      art: "Art",
      gruppering: "Gruppering",
      costCentre: "Omkostningssted",
      project: "Projekt",
      name: "Navn",
      category: "Udgiftstype",
    },
  },
  "standard-beloeb": {
    kind: "amounts",
    node: "Enhed",
    account: { code: "Konto" },
    long: { year: "År", kind: "Beløbsart", amount: "Beløb (kr.)", priceYear: "Prisniveau" },
    unit: "kr",
    format: { numberFormat: "da" },
  },
  "standard-maaned": {
    kind: "monthly",
    node: "Enhed",
    account: { code: "Konto" },
    monthly: { year: "År", month: "Måned", amount: "Beløb (kr.)" },
    unit: "kr",
    format: { numberFormat: "da" },
  },
};
