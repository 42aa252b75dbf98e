/**
 * The importer end to end, on every engine: an organisation and a chart of accounts first, then
 * amount files in every shape a municipality sends (separators, number formats, encodings,
 * XLSX, units), the all-or-nothing rule for bad files with every bad line reported, monthly
 * ledger lines, the preview, saved mappings and progress.
 */
import { createHash } from "node:crypto";
import {
  divRoundHalfAwayFromZero,
  exampleIndex,
  type Municipality,
  mulDivRound,
  UNALLOCATED_LABEL,
} from "@bevilling/core";
import { type DatabaseHandle, findNodeByCode, getMapping, rootNode, saveMapping } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { type Cell, type FileError, writeXlsx, type XlsxSheet } from "@bevilling/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureMunicipality,
  getOverview,
  ImportFailed,
  type ImportProgress,
  type MappingInput,
  mappingSchema,
  type OverviewQuery,
  type OverviewResponse,
  runImport,
} from "../src/index.ts";

// ---------------------------------------------------------------------------------------------
// Fixtures: one organisation, one chart of accounts, one table of amounts (in øre).
// ---------------------------------------------------------------------------------------------

const BOM = "\uFEFF";
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Every character used below is in Latin-1, where Windows-1252 and Latin-1 agree. */
const cp1252 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));

const ORG_CSV = [
  "Udvalg;Udvalgsnavn;Område;Områdenavn;Enhed;Enhedsnavn;Gyldig fra;Gyldig til",
  "OEU;Økonomiudvalget;ADM;Administration;E1;Løn og personale;2020;",
  "OEU;Økonomiudvalget;ADM;Administration;E2;Økonomi;2020;",
  "OEU;Økonomiudvalget;BOR;Borgerservice;E3;Borgerservice;2020;",
  "OEU;Økonomiudvalget;BOR;Borgerservice;E4;Gammel enhed;2020;2024",
  "BUU;Børne- og ungeudvalget;SKO;Skoler;E5;Skolerne;2020;",
].join("\r\n");

const ORG_MAPPING: MappingInput = {
  kind: "organisation",
  levels: [
    { kind: "committee", code: "Udvalg", name: "Udvalgsnavn" },
    { kind: "area", code: "Område", name: "Områdenavn" },
    { kind: "unit", code: "Enhed", name: "Enhedsnavn" },
  ],
  validFrom: "Gyldig fra",
  validTo: "Gyldig til",
};

const ACCOUNTS_CSV = [
  "Enhed;Funktion;Dranst;Art;Kontonavn",
  "E1;6.45.51;1;1.0;Lønninger, administration",
  "E1;6.45.51;1;2.2;Varekøb",
  "E2;6.45.51;1;4.0;Tjenesteydelser",
  "E3;6.45.50;1;1.0;Lønninger, borgerservice",
  "E4;6.45.50;1;1.0;Lønninger, borgerservice",
  "E5;3.22.01;1;1.0;Lønninger, skoler",
  "E5;3.22.01;3;1.0;Skolebyggeri",
].join("\n");

const ACCOUNTS_MAPPING: MappingInput = {
  kind: "accounts",
  node: "Enhed",
  account: { funktion: "Funktion", dranst: "Dranst", art: "Art", name: "Kontonavn" },
};

const COMMITTEE_OF: Record<string, string> = { E1: "OEU", E2: "OEU", E3: "OEU", E4: "OEU", E5: "BUU" };
const UNIT_NAME: Record<string, string> = {
  E1: "Løn og personale",
  E2: "Økonomi",
  E3: "Borgerservice",
  E4: "Gammel enhed",
  E5: "Skolerne",
};

/** The amount columns, in the order of the standard overview for budget year 2025. */
const COLUMNS = [
  { column: "Regnskab 2023", year: 2023, kind: "actual" },
  { column: "Opr. budget 2024", year: 2024, kind: "original" },
  { column: "Budget 2025", year: 2025, kind: "budget" },
  { column: "Overslagsår 2026", year: 2026, kind: "estimate" },
  { column: "Overslagsår 2027", year: 2027, kind: "estimate" },
  { column: "Overslagsår 2028", year: 2028, kind: "estimate" },
] as const;

interface AmountLine {
  unit: string;
  funktion: string;
  dranst: number;
  art: string;
  note: string;
  values: (bigint | null)[];
}

const LINES: AmountLine[] = [
  {
    unit: "E1",
    funktion: "6.45.51",
    dranst: 1,
    art: "1.0",
    note: "Løn",
    values: [1_234_567_89n, 1_300_000_00n, 1_350_000_50n, 1_360_000_00n, 1_370_000_00n, 1_380_000_00n],
  },
  {
    unit: "E1",
    funktion: "6.45.51",
    dranst: 1,
    art: "2.2",
    note: "",
    values: [45_000_00n, 50_000_00n, -2_500_25n, 0n, 52_000_00n, null],
  },
  {
    unit: "E2",
    funktion: "6.45.51",
    dranst: 1,
    art: "4.0",
    note: "Køb af ydelser",
    values: [987_654_32n, 990_000_00n, 1_000_000_00n, 1_010_000_00n, 1_020_000_00n, 1_030_000_00n],
  },
  {
    unit: "E3",
    funktion: "6.45.50",
    dranst: 1,
    art: "1.0",
    note: "",
    values: [null, 2_000_000_00n, 2_100_000_05n, 2_100_000_00n, 2_100_000_00n, 2_100_000_00n],
  },
  {
    unit: "E5",
    funktion: "3.22.01",
    dranst: 1,
    art: "1.0",
    note: "",
    values: [12_345_678_90n, 12_500_000_00n, 12_750_000_00n, 12_800_000_00n, 12_900_000_00n, 13_000_000_00n],
  },
  {
    unit: "E5",
    funktion: "3.22.01",
    dranst: 3,
    art: "1.0",
    note: "",
    values: [null, null, 10_000_000_00n, 5_000_000_00n, null, null],
  },
];

const CELL_COUNT = LINES.reduce((n, l) => n + l.values.filter((v) => v !== null).length, 0);

const AMOUNTS_MAPPING: MappingInput = {
  kind: "amounts",
  node: "Enhed",
  account: { funktion: "Funktion", dranst: "Dranst", art: "Art" },
  amounts: COLUMNS.map((c) => ({ column: c.column, year: c.year, kind: c.kind })),
};

const HEADER = ["Enhed", "Funktion", "Dranst", "Art", "Bemærkning", ...COLUMNS.map((c) => c.column)];

function groupDigits(s: string, sep: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += sep;
    out += s[i];
  }
  return out;
}

/** Danish: 1.234.567,89; whole kroner without decimals. */
function da(ore: bigint): string {
  const neg = ore < 0n;
  const a = neg ? -ore : ore;
  const kr = groupDigits((a / 100n).toString(), ".");
  const o = a % 100n;
  return `${neg ? "-" : ""}${kr}${o === 0n ? "" : `,${o.toString().padStart(2, "0")}`}`;
}

/** Plain: 1234567.89; whole kroner without decimals. */
function plain(ore: bigint): string {
  const neg = ore < 0n;
  const a = neg ? -ore : ore;
  const o = a % 100n;
  return `${neg ? "-" : ""}${a / 100n}${o === 0n ? "" : `.${o.toString().padStart(2, "0")}`}`;
}

function csvField(s: string, sep: string): string {
  return s.includes(sep) || s.includes('"') ? `"${s.replaceAll('"', '""')}"` : s;
}

function amountsText(
  lines: readonly AmountLine[],
  opts: { sep: string; num: (ore: bigint) => string; eol?: string } = { sep: ";", num: da },
): string {
  const rows = [
    HEADER,
    ...lines.map((l) => [
      l.unit,
      l.funktion,
      String(l.dranst),
      l.art,
      l.note,
      ...l.values.map((v) => (v === null ? "" : opts.num(v))),
    ]),
  ];
  return rows.map((r) => r.map((c) => csvField(c, opts.sep)).join(opts.sep)).join(opts.eol ?? "\r\n");
}

function amountsSheet(lines: readonly AmountLine[]): XlsxSheet {
  const rows: Cell[][] = lines.map((l) => [
    l.unit,
    l.funktion,
    l.dranst,
    Number(l.art),
    l.note === "" ? null : l.note,
    ...l.values.map((v) => (v === null ? null : Number(v) / 100)),
  ]);
  return { name: "Beløb", columns: HEADER.map((h) => ({ header: h })), rows };
}

/** Sums the fixture per committee and column, in øre. */
function expectedByCommittee(lines: readonly AmountLine[]): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  for (const l of lines) {
    const c = COMMITTEE_OF[l.unit] as string;
    const row = out.get(c) ?? COLUMNS.map(() => 0n);
    l.values.forEach((v, i) => {
      row[i] = (row[i] as bigint) + (v ?? 0n);
    });
    out.set(c, row);
  }
  return out;
}

/** An overview without database ids and the municipality's own name, for comparing copies. */
function shape(o: OverviewResponse) {
  return {
    columns: o.columns,
    unit: o.unit,
    priceYear: o.priceYear,
    note: o.note,
    total: { exact: o.total.exact, printed: o.total.printed, text: o.total.text },
    rows: o.rows.map((r) => ({
      code: r.ref?.code ?? null,
      label: r.label,
      exact: r.exact,
      printed: r.printed,
      text: r.text,
    })),
  };
}

async function expectImportFailed(p: Promise<unknown>): Promise<FileError[]> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ImportFailed);
    return (e as ImportFailed).errors;
  }
  throw new Error("expected the import to be rejected, but it succeeded");
}

/** Which (line, column) pairs were reported, sorted, for comparing whole error lists. */
function where(errors: readonly FileError[]): string[] {
  return errors.map((e) => `${e.line ?? "-"}:${e.column ?? "-"}`).sort();
}

describe.each(testEngines())("import on %s", (engine) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function municipality(code: string): Promise<Municipality> {
    const { municipality: m, created } = await ensureMunicipality(h.db, {
      code,
      name: "Testkommune",
      budgetYear: 2025,
    });
    expect(created).toBe(true);
    const org = await runImport(
      h.db,
      m,
      { fileName: "organisation.csv", bytes: utf8(ORG_CSV) },
      mappingSchema.parse(ORG_MAPPING),
    );
    expect(org.changed.nodes).toBe(10);
    const acc = await runImport(
      h.db,
      m,
      { fileName: "kontoplan.csv", bytes: utf8(ACCOUNTS_CSV) },
      mappingSchema.parse(ACCOUNTS_MAPPING),
    );
    expect(acc.changed.accounts).toBe(6);
    return m;
  }

  const importAmounts = (m: Municipality, fileName: string, bytes: Uint8Array, mapping = AMOUNTS_MAPPING) =>
    runImport(h.db, m, { fileName, bytes }, mappingSchema.parse(mapping));

  async function overview(m: Municipality, code: string | null, q: Omit<OverviewQuery, "nodeId"> = {}) {
    const node = code === null ? await rootNode(h.db, m.id) : await findNodeByCode(h.db, m.id, code);
    if (!node) throw new Error(`node ${code} not found`);
    return getOverview(h.db, { nodeId: node.id, ...q });
  }

  /** Every view the format tests compare: current prices, the default price year, drill-downs. */
  async function views(m: Municipality) {
    return {
      rootCurrent: shape(await overview(m, null, { priceYear: "current", unit: "kr" })),
      root2025: shape(await overview(m, null, { unit: "tkr" })),
      oeu2027mio: shape(await overview(m, "OEU", { priceYear: 2027, unit: "mio" })),
      adm: shape(await overview(m, "ADM", { priceYear: "current", unit: "kr" })),
      e1Accounts: shape(await overview(m, "E1", { rows: "accounts", priceYear: "current", unit: "kr" })),
    };
  }

  async function count(
    table: "amount" | "actual_month" | "import_log" | "org_node" | "account",
    mId: number,
  ) {
    const r = await h.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<bigint>().as("n"))
      .where("municipality_id", "=", mId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Everything an import could touch: a failed import must leave all of it as it was. */
  async function snapshot(m: Municipality) {
    return {
      views: await views(m),
      amounts: await count("amount", m.id),
      months: await count("actual_month", m.id),
      log: await count("import_log", m.id),
      nodes: await count("org_node", m.id),
      accounts: await count("account", m.id),
      rows: await h.db
        .selectFrom("amount")
        .select(["node_id", "account_id", "year", "kind", "price_year", "amount"])
        .where("municipality_id", "=", m.id)
        .orderBy("node_id")
        .orderBy("account_id")
        .orderBy("year")
        .orderBy("kind")
        .execute(),
    };
  }

  describe("a good amounts file", () => {
    let m: Municipality;
    const good = utf8(BOM + amountsText(LINES));
    beforeAll(async () => {
      m = await municipality("901");
    });

    it("is stored, and the overview shows exactly its figures", async () => {
      const r = await importAmounts(m, "budget.csv", good);
      expect(r).toMatchObject({
        fileName: "budget.csv",
        kind: "amounts",
        rows: LINES.length,
        unchanged: false,
        encoding: "utf-8",
        separator: ";",
        changed: { nodes: 0, accounts: 0, amounts: CELL_COUNT, months: 0 },
      });
      expect(r.sha256).toBe(createHash("sha256").update(good).digest("hex"));
      expect(await count("amount", m.id)).toBe(CELL_COUNT);

      const o = await overview(m, null, { priceYear: "current", unit: "kr" });
      const expected = expectedByCommittee(LINES);
      expect(o.rows.map((r) => r.ref?.code)).toEqual(["OEU", "BUU"]);
      for (const row of o.rows) expect(row.exact).toEqual(expected.get(row.ref?.code as string));
      const total = COLUMNS.map((_, i) => LINES.reduce((a, l) => a + (l.values[i] ?? 0n), 0n));
      expect(o.total.exact).toEqual(total);
      // 2023: 1.234.567,89 + 45.000 + 987.654,32 + 12.345.678,90 = 14.612.901,11 kr.
      expect(o.total.text[0]).toBe("14.612.901");
      expect(o.total.exact[0]).toBe(14_612_901_11n);
      o.total.printed.forEach((t, i) => {
        expect(o.rows.reduce((a, r) => a + (r.printed[i] as bigint), 0n)).toBe(t);
      });

      // Drilling to a unit's accounts shows the account lines as imported.
      const e1 = await overview(m, "E1", { rows: "accounts", priceYear: "current", unit: "kr" });
      expect(e1.rows.map((r) => r.ref?.code)).toEqual(["6.45.51-000-1-1.0", "6.45.51-000-1-2.2"]);
      expect(e1.rows[1]?.exact).toEqual([45_000_00n, 50_000_00n, -2_500_25n, 0n, 52_000_00n, 0n]);

      // Amounts are stored in their own year's prices, so 2025 prices restate the other years.
      const stored = await h.db
        .selectFrom("amount")
        .select(["year", "price_year"])
        .where("municipality_id", "=", m.id)
        .execute();
      for (const s of stored) expect(s.price_year).toBe(s.year);
    });

    it("imported again, changes nothing and says so", async () => {
      const before = await snapshot(m);
      const r = await importAmounts(m, "budget.csv", good);
      expect(r.unchanged).toBe(true);
      expect(r.changed).toEqual({ nodes: 0, accounts: 0, amounts: 0, months: 0 });
      expect(r.rows).toBe(LINES.length);
      const after = await snapshot(m);
      expect(after.views).toEqual(before.views);
      expect(after.rows).toEqual(before.rows);
      expect(after.log).toBe(before.log + 1);
    });

    it("changed, counts only the changed cells", async () => {
      const changed = structuredClone(LINES);
      (changed[2] as AmountLine).values[2] = 1_000_000_01n; // E2 budget 2025: one øre more
      (changed[4] as AmountLine).values[4] = 12_000_000_00n; // E5 2027
      (changed[3] as AmountLine).values[0] = 1_999_999_99n; // E3 2023: a new cell
      const r = await importAmounts(m, "budget-v2.csv", utf8(BOM + amountsText(changed)));
      expect(r.unchanged).toBe(false);
      expect(r.changed).toEqual({ nodes: 0, accounts: 0, amounts: 3, months: 0 });
      expect(await count("amount", m.id)).toBe(CELL_COUNT + 1);
      const o = await overview(m, null, { priceYear: "current", unit: "kr" });
      const expected = expectedByCommittee(changed);
      for (const row of o.rows) expect(row.exact).toEqual(expected.get(row.ref?.code as string));
    });
  });

  describe("the same data in another shape gives the same overview", () => {
    let reference: Awaited<ReturnType<typeof views>>;
    beforeAll(async () => {
      const m = await municipality("910");
      await importAmounts(m, "budget.csv", utf8(BOM + amountsText(LINES)));
      reference = await views(m);
    });

    it("comma-separated with plain numbers", async () => {
      const m = await municipality("911");
      const r = await importAmounts(
        m,
        "budget.csv",
        utf8(amountsText(LINES, { sep: ",", num: plain, eol: "\n" })),
      );
      expect(r.separator).toBe(",");
      expect(r.changed.amounts).toBe(CELL_COUNT);
      expect(await views(m)).toEqual(reference);
    });

    it("tab-separated", async () => {
      const m = await municipality("912");
      const r = await importAmounts(m, "budget.txt", utf8(amountsText(LINES, { sep: "\t", num: da })));
      expect(r.separator).toBe("\t");
      expect(await views(m)).toEqual(reference);
    });

    it("Windows-1252 (æøå in the headers the mapping names)", async () => {
      const m = await municipality("913");
      const bytes = cp1252(amountsText(LINES));
      expect(bytes.includes(0xe5)).toBe(true); // "å" as one byte: really not UTF-8
      const r = await importAmounts(m, "budget.csv", bytes);
      expect(r.encoding).toBe("windows-1252");
      expect(await views(m)).toEqual(reference);
    });

    it("XLSX with numeric cells", async () => {
      const m = await municipality("914");
      const r = await importAmounts(m, "budget.xlsx", await writeXlsx([amountsSheet(LINES)]));
      expect(r.changed.amounts).toBe(CELL_COUNT);
      expect(await views(m)).toEqual(reference);
    });

    it("XLSX, choosing the sheet by name and by number", async () => {
      const notes: XlsxSheet = { name: "Noter", columns: [{ header: "Tekst" }], rows: [["Læs mig"]] };
      const book = await writeXlsx([notes, amountsSheet(LINES)]);
      const byName = await municipality("915");
      await importAmounts(byName, "budget.xlsx", book, { ...AMOUNTS_MAPPING, format: { sheet: "beløb" } });
      expect(await views(byName)).toEqual(reference);
      // The mapping schema only accepts sheet numbers from 1, so they count from 1: 2 is "Beløb".
      const byNumber = await municipality("916");
      await importAmounts(byNumber, "budget.xlsx", book, { ...AMOUNTS_MAPPING, format: { sheet: 2 } });
      expect(await views(byNumber)).toEqual(reference);
    });
  });

  describe("units", () => {
    let m: Municipality;
    beforeAll(async () => {
      m = await municipality("920");
    });

    const one = (
      unit: "kr" | "tkr" | "mio",
      column: string,
      year: number,
      kind: "original" | "budget" | "estimate",
    ) =>
      ({
        kind: "amounts",
        node: "Enhed",
        account: { funktion: "Funktion", dranst: "Dranst", art: "Art" },
        amounts: [{ column, year, kind }],
        unit,
      }) satisfies MappingInput;

    async function stored(unit: string, year: number) {
      const rows = await h.db
        .selectFrom("amount")
        .innerJoin("org_node", "org_node.id", "amount.node_id")
        .select(["org_node.code", "amount.amount"])
        .where("amount.municipality_id", "=", m.id)
        .where("amount.year", "=", year)
        .orderBy("org_node.code")
        .execute();
      return Object.fromEntries(rows.filter((r) => r.code.startsWith(unit)).map((r) => [r.code, r.amount]));
    }

    it("reads kr., 1.000 kr. and mio. kr. exactly into øre", async () => {
      await importAmounts(
        m,
        "kr.csv",
        utf8("Enhed;Funktion;Dranst;Art;Beløb\nE1;6.45.51;1;1.0;1.234,56\nE2;6.45.51;1;4.0;-0,01\n"),
        one("kr", "Beløb", 2024, "original"),
      );
      expect(await stored("E", 2024)).toEqual({ E1: 123_456n, E2: -1n });

      await importAmounts(
        m,
        "tkr.csv",
        utf8(
          "Enhed;Funktion;Dranst;Art;Beløb (1.000 kr.)\nE1;6.45.51;1;1.0;1.234,5\nE2;6.45.51;1;4.0;-0,01\n",
        ),
        one("tkr", "Beløb (1.000 kr.)", 2025, "budget"),
      );
      // 1.234,5 tkr. = 1.234.500 kr.; -0,01 tkr. = -10 kr.
      expect(await stored("E", 2025)).toEqual({ E1: 123_450_000n, E2: -1_000n });

      await importAmounts(
        m,
        "mio.csv",
        utf8("Enhed;Funktion;Dranst;Art;Mio. kr.\nE1;6.45.51;1;1.0;1,750\nE2;6.45.51;1;4.0;0,0000001\n"),
        one("mio", "Mio. kr.", 2026, "estimate"),
      );
      // 1,750 mio. kr. = 1.750.000 kr. = 175.000.000 øre; 0,0000001 mio. kr. = 0,10 kr.
      expect(await stored("E", 2026)).toEqual({ E1: 175_000_000n, E2: 10n });
    });

    it("rejects values finer than one øre in the declared unit, with line and column", async () => {
      const errors = await expectImportFailed(
        importAmounts(
          m,
          "mio.csv",
          utf8("Enhed;Funktion;Dranst;Art;Mio. kr.\nE1;6.45.51;1;1.0;0,000000001\nE2;6.45.51;1;4.0;1,1\n"),
          one("mio", "Mio. kr.", 2027, "estimate"),
        ),
      );
      expect(errors).toEqual([
        expect.objectContaining({
          file: "mio.csv",
          line: 2,
          column: "Mio. kr.",
          reason: expect.stringContaining("øre"),
        }),
      ]);
      expect(await stored("E", 2027)).toEqual({});
    });
  });

  describe("a malformed file stores nothing and reports every bad line", () => {
    let m: Municipality;
    let before: Awaited<ReturnType<typeof snapshot>>;
    beforeAll(async () => {
      m = await municipality("930");
      await importAmounts(m, "budget.csv", utf8(BOM + amountsText(LINES)));
      before = await snapshot(m);
    });

    async function rejected(fileName: string, bytes: Uint8Array, mapping: MappingInput = AMOUNTS_MAPPING) {
      const errors = await expectImportFailed(importAmounts(m, fileName, bytes, mapping));
      expect(await snapshot(m)).toEqual(before);
      for (const e of errors) expect(e.file).toBe(fileName);
      return errors;
    }

    /** The good lines with a few cells replaced by raw text (line numbers: header is line 1). */
    function edited(edits: { line: number; cell: string; value: string }[]): string {
      const rows = amountsText(LINES)
        .split("\r\n")
        .map((l) => l.split(";"));
      for (const e of edits) {
        const row = rows[e.line - 1] as string[];
        row[HEADER.indexOf(e.cell)] = e.value;
      }
      return rows.map((r) => r.join(";")).join("\r\n");
    }

    it("a wrong number on two lines: both reported", async () => {
      const errors = await rejected(
        "budget.csv",
        utf8(
          edited([
            { line: 3, cell: "Budget 2025", value: "12a" },
            { line: 5, cell: "Overslagsår 2027", value: "12a" },
          ]),
        ),
      );
      expect(errors).toHaveLength(2);
      expect(errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            line: 3,
            column: "Budget 2025",
            reason: expect.stringContaining('"12a"'),
          }),
          expect.objectContaining({
            line: 5,
            column: "Overslagsår 2027",
            reason: expect.stringContaining('"12a"'),
          }),
        ]),
      );
    });

    it("two bad numbers on the same line: both reported", async () => {
      const errors = await rejected(
        "budget.csv",
        utf8(
          edited([
            { line: 2, cell: "Regnskab 2023", value: "1,2,3" },
            { line: 2, cell: "Budget 2025", value: "abc" },
          ]),
        ),
      );
      expect(where(errors)).toEqual(["2:Budget 2025", "2:Regnskab 2023"]);
    });

    it("missing mapped columns: reported on the header line by name", async () => {
      const text = amountsText(LINES)
        .split("\r\n")
        .map((l) =>
          l
            .split(";")
            .filter((_, i) => i !== HEADER.indexOf("Budget 2025") && i !== HEADER.indexOf("Funktion"))
            .join(";"),
        )
        .join("\r\n");
      const errors = await rejected("budget.csv", utf8(text));
      expect(where(errors)).toEqual(["1:Budget 2025", "1:Funktion"]);
      for (const e of errors) expect(e.reason).toContain("findes ikke i filen");
    });

    it("an unknown account", async () => {
      const errors = await rejected(
        "budget.csv",
        utf8(edited([{ line: 4, cell: "Funktion", value: "6.45.99" }])),
      );
      expect(errors).toEqual([
        expect.objectContaining({
          line: 4,
          column: "Funktion",
          reason: expect.stringContaining("6.45.99-000-1-4.0"),
        }),
      ]);
    });

    it("an unknown node", async () => {
      const errors = await rejected("budget.csv", utf8(edited([{ line: 5, cell: "Enhed", value: "E9" }])));
      expect(errors).toEqual([
        expect.objectContaining({ line: 5, column: "Enhed", reason: expect.stringContaining('"E9"') }),
      ]);
    });

    it("a node that is not valid in a year the line has amounts for", async () => {
      // E4 ended in 2024; a line with budget 2025 for it is an error, a line for 2023-2024 is not.
      const text = `${amountsText(LINES)}\r\nE4;6.45.50;1;1.0;;100;200;;;;\r\nE4;6.45.50;1;1.0;;100;200;300;;;`;
      const errors = await rejected("budget.csv", utf8(text));
      expect(errors).toEqual([
        expect.objectContaining({
          line: 9,
          column: "Enhed",
          reason: expect.stringContaining("ikke gyldig i 2025"),
        }),
      ]);
    });

    it("Windows-1252 bytes in a file declared UTF-8: every such line reported", async () => {
      const lines = structuredClone(LINES).map((l) => ({ ...l, note: "" }));
      (lines[1] as AmountLine).note = "Kørsel";
      (lines[3] as AmountLine).note = "Ærø";
      const errors = await rejected("budget.csv", cp1252(amountsText(lines)), {
        ...AMOUNTS_MAPPING,
        format: { encoding: "utf-8" },
      });
      // The header ("Bemærkning", "Overslagsår") and the two data lines with a note.
      expect(errors.map((e) => e.line)).toEqual([1, 3, 5]);
      for (const e of errors) expect(e.reason).toContain("UTF-8");
    });

    it("a UTF-16 file", async () => {
      const bytes = new Uint8Array(Buffer.from(BOM + amountsText(LINES), "utf16le"));
      const errors = await rejected("budget.csv", bytes);
      expect(errors).toEqual([{ file: "budget.csv", reason: expect.stringContaining("UTF-16") }]);
    });

    it("a file with several kinds of error reports them all at once", async () => {
      const text = [
        amountsText(LINES),
        "E1;6.45.51;1;1.0;;1.000;12a;;;;", // 8: bad number
        "E9;6.45.51;1;1.0;;1.000;;;;;", // 9: unknown node
        "E1;6.45.99;1;1.0;;1.000;;;;;", // 10: unknown account
        "E4;6.45.50;1;1.0;;;;5.000;;;", // 11: not valid in 2025
        "E1;6.45.51;1;3.0;;1.000;;;;;", // 12: no hovedart 3
        "E8;6.45.51;1;1.0;;x;;;;;", // 13: unknown node and a bad number
        "E1;6.45.51;9;1.0;;1.000;;;;;", // 14: bad dranst
      ].join("\r\n");
      const errors = await rejected("budget.csv", utf8(text));
      expect(where(errors)).toEqual(
        [
          "8:Opr. budget 2024",
          "9:Enhed",
          "10:Funktion",
          "11:Enhed",
          "12:Art",
          "13:Enhed",
          "13:Regnskab 2023",
          "14:Dranst",
        ].sort(),
      );
    });
  });

  describe("monthly actuals from ledger lines", () => {
    let m: Municipality;
    const mapping: MappingInput = {
      kind: "monthly",
      node: "Enhed",
      account: { funktion: "Funktion", dranst: "Dranst", art: "Art" },
      monthly: { date: "Bogføringsdato", amount: "Beløb" },
    };
    const ledger = [
      "Enhed;Funktion;Dranst;Art;Bogføringsdato;Beløb",
      "E1;6.45.51;1;1.0;2024-03-31;1.000,50",
      "E1;6.45.51;1;1.0;31.03.2024;2.000,25",
      "E1;6.45.51;1;1.0;2024-01-15;500",
      "E1;6.45.51;1;1.0;15.01.2024;-100",
      "E1;6.45.51;1;1.0;2024-03-01;0,25",
      "E2;6.45.51;1;4.0;2024-12-31;10.000",
      "E2;6.45.51;1;4.0;31-12-2024;-0,01",
      "E5;3.22.01;1;1.0;2023-12-31;7,77",
    ].join("\n");

    beforeAll(async () => {
      m = await municipality("940");
    });

    async function months() {
      const rows = await h.db
        .selectFrom("actual_month")
        .innerJoin("org_node", "org_node.id", "actual_month.node_id")
        .select(["org_node.code", "actual_month.year", "actual_month.month", "actual_month.amount"])
        .where("actual_month.municipality_id", "=", m.id)
        .orderBy("org_node.code")
        .orderBy("actual_month.year")
        .orderBy("actual_month.month")
        .execute();
      return rows.map((r) => `${r.code} ${r.year}-${r.month}: ${r.amount}`);
    }

    it("sums lines of the same month and makes the year's actual the sum of its months", async () => {
      const r = await runImport(
        h.db,
        m,
        { fileName: "ledger.csv", bytes: utf8(ledger) },
        mappingSchema.parse(mapping),
      );
      expect(r.rows).toBe(8);
      expect(r.changed.months).toBe(4);
      expect(await months()).toEqual([
        "E1 2024-1: 40000",
        "E1 2024-3: 300100", // 1.000,50 + 2.000,25 + 0,25
        "E2 2024-12: 999999",
        "E5 2023-12: 777",
      ]);
      const o = await overview(m, null, {
        columns: [
          { year: 2023, kind: "actual" },
          { year: 2024, kind: "actual" },
        ],
        priceYear: "current",
        unit: "kr",
      });
      expect(o.total.exact).toEqual([777n, 40000n + 300100n + 999999n]);
      const annual = await h.db
        .selectFrom("amount")
        .select(["year", "kind", "price_year", "amount"])
        .where("municipality_id", "=", m.id)
        .orderBy("year")
        .orderBy("amount")
        .execute();
      expect(annual).toEqual([
        { year: 2023, kind: "actual", price_year: 2023, amount: 777n },
        { year: 2024, kind: "actual", price_year: 2024, amount: 340100n },
        { year: 2024, kind: "actual", price_year: 2024, amount: 999999n },
      ]);
    });

    it("importing the same ledger again changes nothing", async () => {
      const before = await snapshot(m);
      const r = await runImport(
        h.db,
        m,
        { fileName: "ledger.csv", bytes: utf8(ledger) },
        mappingSchema.parse(mapping),
      );
      expect(r.unchanged).toBe(true);
      expect(r.changed).toEqual({ nodes: 0, accounts: 0, amounts: 0, months: 0 });
      const after = await snapshot(m);
      expect({ ...after, log: 0 }).toEqual({ ...before, log: 0 });
    });

    it("reads year and month columns, month names included", async () => {
      const r = await runImport(
        h.db,
        m,
        {
          fileName: "saldi.csv",
          bytes: utf8(
            "Enhed;Funktion;Dranst;Art;År;Måned;Beløb\nE3;6.45.50;1;1.0;2024;marts;12,00\nE3;6.45.50;1;1.0;2024;3;1,00\n",
          ),
        },
        mappingSchema.parse({ ...mapping, monthly: { year: "År", month: "Måned", amount: "Beløb" } }),
      );
      expect(r.changed.months).toBe(1);
      expect(await months()).toContain("E3 2024-3: 1300");
    });

    it("rejects dates it cannot read, with line and column", async () => {
      const before = await snapshot(m);
      const errors = await expectImportFailed(
        runImport(
          h.db,
          m,
          {
            fileName: "ledger.csv",
            bytes: utf8(
              "Enhed;Funktion;Dranst;Art;Bogføringsdato;Beløb\nE1;6.45.51;1;1.0;2024-13-01;1\nE1;6.45.51;1;1.0;marts;1\n",
            ),
          },
          mappingSchema.parse(mapping),
        ),
      );
      expect(where(errors)).toEqual(["2:Bogføringsdato", "3:Bogføringsdato"]);
      expect(await snapshot(m)).toEqual(before);
    });
  });

  it("re-importing a ledger that restores the annual actual keeps the overview in step with it", async () => {
    // The annual actual is derived from the months. When another file has overwritten it, the
    // same ledger again puts the sum of the months back, and the overview must show that.
    const m = await municipality("945");
    const ledgerMapping = mappingSchema.parse({
      kind: "monthly",
      node: "Enhed",
      account: { funktion: "Funktion", dranst: "Dranst", art: "Art" },
      monthly: { date: "Dato", amount: "Beløb" },
    });
    const ledger = utf8(
      "Enhed;Funktion;Dranst;Art;Dato;Beløb\nE1;6.45.51;1;1.0;2024-01-31;100\nE1;6.45.51;1;1.0;2024-02-29;200\n",
    );
    await runImport(h.db, m, { fileName: "ledger.csv", bytes: ledger }, ledgerMapping);
    const view = {
      columns: [{ year: 2024, kind: "actual" as const }],
      priceYear: "current" as const,
      unit: "kr" as const,
    };
    expect((await overview(m, null, view)).total.exact).toEqual([300_00n]);

    await importAmounts(
      m,
      "regnskab.csv",
      utf8("Enhed;Funktion;Dranst;Art;Regnskab 2024\nE1;6.45.51;1;1.0;999\n"),
      {
        kind: "amounts",
        node: "Enhed",
        account: { funktion: "Funktion", dranst: "Dranst", art: "Art" },
        amounts: [{ column: "Regnskab 2024", year: 2024, kind: "actual" }],
      },
    );
    expect((await overview(m, null, view)).total.exact).toEqual([999_00n]);

    const again = await runImport(h.db, m, { fileName: "ledger.csv", bytes: ledger }, ledgerMapping);
    const stored = await h.db
      .selectFrom("amount")
      .select("amount")
      .where("municipality_id", "=", m.id)
      .where("year", "=", 2024)
      .where("kind", "=", "actual")
      .executeTakeFirstOrThrow();
    expect(stored.amount).toBe(300_00n);
    expect((await overview(m, null, view)).total.exact).toEqual([stored.amount]);
    expect(again.unchanged).toBe(false);
  });

  describe("preview and dry run", () => {
    it("validates and previews without storing anything", async () => {
      const m = await municipality("950");
      const logBefore = await count("import_log", m.id);
      const r = await importAmountsDry(m);
      expect(r.unchanged).toBe(true);
      expect(r.changed).toEqual({ nodes: 0, accounts: 0, amounts: 0, months: 0 });
      expect(r.rows).toBe(LINES.length);
      expect(r.preview).toEqual([
        {
          line: 2,
          path: ["Løn og personale"],
          account: "6.45.51-000-1-1.0",
          values: [
            { label: "2023 actual", ore: "123456789" },
            { label: "2024 original", ore: "130000000" },
            { label: "2025 budget", ore: "135000050" },
            { label: "2026 estimate", ore: "136000000" },
            { label: "2027 estimate", ore: "137000000" },
            { label: "2028 estimate", ore: "138000000" },
          ],
        },
        {
          line: 3,
          path: ["Løn og personale"],
          account: "6.45.51-000-1-2.2",
          values: [
            { label: "2023 actual", ore: "4500000" },
            { label: "2024 original", ore: "5000000" },
            { label: "2025 budget", ore: "-250025" },
            { label: "2026 estimate", ore: "0" },
            { label: "2027 estimate", ore: "5200000" },
            { label: "2028 estimate", ore: null },
          ],
        },
      ]);
      expect(await count("amount", m.id)).toBe(0);
      expect(await count("import_log", m.id)).toBe(logBefore);
      // A dry run of a bad file fails like the real import would.
      const errors = await expectImportFailed(
        runImport(
          h.db,
          m,
          { fileName: "x.csv", bytes: utf8(`${amountsText(LINES)}\r\nE9;6.45.51;1;1.0;;1;;;;;`) },
          mappingSchema.parse(AMOUNTS_MAPPING),
          { dryRun: true, previewRows: 5 },
        ),
      );
      expect(where(errors)).toEqual(["8:Enhed"]);
      // The real import afterwards stores what the dry run promised.
      const real = await importAmounts(m, "budget.csv", utf8(amountsText(LINES)));
      expect(real.changed.amounts).toBe(CELL_COUNT);
      expect(real.preview).toEqual([]);
    });

    function importAmountsDry(m: Municipality) {
      return runImport(
        h.db,
        m,
        { fileName: "budget.csv", bytes: utf8(amountsText(LINES)) },
        mappingSchema.parse(AMOUNTS_MAPPING),
        { dryRun: true, previewRows: 2 },
      );
    }
  });

  it("a saved mapping round-trips through the database and the schema", async () => {
    const m = await municipality("960");
    const input: MappingInput = {
      ...AMOUNTS_MAPPING,
      format: { separator: "\t", encoding: "windows-1252", numberFormat: "da", sheet: "Beløb" },
      unit: "tkr",
      priceYear: 2025,
    };
    const parsed = mappingSchema.parse(input);
    await saveMapping(h.db, m.id, "ERP-beløb", parsed);
    const loaded = await getMapping(h.db, m.id, "ERP-beløb");
    expect(mappingSchema.parse(loaded)).toEqual(parsed);
    // Saving under the same name replaces it.
    const other = mappingSchema.parse(ORG_MAPPING);
    await saveMapping(h.db, m.id, "ERP-beløb", other);
    expect(mappingSchema.parse(await getMapping(h.db, m.id, "ERP-beløb"))).toEqual(other);
    expect(await getMapping(h.db, m.id, "findes ikke")).toBeUndefined();
    // A loaded mapping imports like the original.
    await saveMapping(h.db, m.id, "standard", mappingSchema.parse(AMOUNTS_MAPPING));
    const mapping = mappingSchema.parse(await getMapping(h.db, m.id, "standard"));
    const r = await runImport(h.db, m, { fileName: "b.csv", bytes: utf8(amountsText(LINES)) }, mapping);
    expect(r.changed.amounts).toBe(CELL_COUNT);
  });

  describe("progress", () => {
    const N = 25_001;
    const calls: ImportProgress[] = [];
    let rows = 0;
    beforeAll(async () => {
      const m = await municipality("970");
      const lines = ["Enhed;Funktion;Dranst;Art;Bogføringsdato;Beløb"];
      for (let i = 0; i < N; i++) {
        lines.push(
          `E${1 + (i % 2)};6.45.51;1;${i % 2 ? "4.0" : "1.0"};2024-${String(1 + (i % 12)).padStart(2, "0")}-15;${i},50`,
        );
      }
      const r = await runImport(
        h.db,
        m,
        { fileName: "ledger.csv", bytes: utf8(lines.join("\n")) },
        mappingSchema.parse({
          kind: "monthly",
          node: "Enhed",
          account: { funktion: "Funktion", dranst: "Dranst", art: "Art" },
          monthly: { date: "Bogføringsdato", amount: "Beløb" },
        }),
        { onProgress: (p) => calls.push({ ...p }) },
      );
      rows = r.rows;
    });

    it("is reported while reading with increasing row counts, then while storing", async () => {
      expect(rows).toBe(N);
      const reading = calls.filter((c) => c.phase === "læser");
      expect(reading.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < reading.length; i++) {
        expect(reading[i]?.rows).toBeGreaterThan(reading[i - 1]?.rows as number);
      }
      expect(reading.at(-1)?.rows).toBe(N);
      expect(calls.map((c) => c.phase).filter((p, i, a) => p !== a[i - 1])).toEqual([
        "læser",
        "gemmer",
        "summerer",
      ]);
    });

    it("never reports more bytes read than the file has", async () => {
      const total = calls[0]?.totalBytes as number;
      expect(total).toBeGreaterThan(0);
      for (let i = 0; i < calls.length; i++) {
        const c = calls[i] as ImportProgress;
        expect(c.totalBytes).toBe(total);
        expect(c.bytesRead).toBeLessThanOrEqual(total);
        if (i > 0) expect(c.bytesRead).toBeGreaterThanOrEqual((calls[i - 1] as ImportProgress).bytesRead);
      }
    });
  });

  describe("what an amounts file may do to the organisation", () => {
    it("a file that names nodes by code only does not rename them", async () => {
      const m = await municipality("980");
      const r = await importAmounts(
        m,
        "budget.csv",
        utf8("Udvalg;Område;Enhed;Budget 2025\nOEU;ADM;E1;1.000\nBUU;SKO;E5;2.000\n"),
        {
          kind: "amounts",
          levels: [
            { kind: "committee", code: "Udvalg" },
            { kind: "area", code: "Område" },
            { kind: "unit", code: "Enhed" },
          ],
          amounts: [{ column: "Budget 2025", year: 2025, kind: "budget" }],
        },
      );
      expect(r.changed.amounts).toBe(2);
      expect((await findNodeByCode(h.db, m.id, "OEU"))?.name).toBe("Økonomiudvalget");
      expect((await findNodeByCode(h.db, m.id, "E1"))?.name).toBe(UNIT_NAME.E1);
      expect(r.changed.nodes).toBe(0);
    });

    it("a file placing a unit under another area is rejected", async () => {
      const m = await municipality("981");
      const errors = await expectImportFailed(
        importAmounts(m, "budget.csv", utf8("Udvalg;Område;Enhed;Budget 2025\nOEU;BOR;E1;1.000\n"), {
          kind: "amounts",
          levels: [
            { kind: "committee", code: "Udvalg" },
            { kind: "area", code: "Område" },
            { kind: "unit", code: "Enhed" },
          ],
          amounts: [{ column: "Budget 2025", year: 2025, kind: "budget" }],
        }),
      );
      expect(errors).toEqual([
        expect.objectContaining({
          line: 2,
          column: "Enhed",
          reason: expect.stringContaining("ligger under ADM"),
        }),
      ]);
    });
  });

  it("restated to another price year, a node with nothing booked on itself has no 'ikke fordelt' row", async () => {
    // Two units of one area, each 1.000,15 kr. in 2024 prices. Restated exactly to 2025 (index
    // 1,033) each is 1.033,15495 kr. and the area 2.066,3099 kr.: views keep the exact value and
    // round only for print, so the rows never leave a residue that looks booked on the area.
    const m = await municipality("990");
    await importAmounts(m, "budget.csv", utf8("Enhed;Opr. budget 2024\nE1;1.000,15\nE2;1.000,15\n"), {
      kind: "amounts",
      node: "Enhed",
      amounts: [{ column: "Opr. budget 2024", year: 2024, kind: "original" }],
    });
    for (const code of [null, "OEU", "ADM"]) {
      const o = await overview(m, code, {
        priceYear: 2025,
        unit: "kr",
        columns: [{ year: 2024, kind: "original" }],
      });
      expect(o.rows.map((r) => r.label)).not.toContain(UNALLOCATED_LABEL);
      // Printed figures add up; øre values are each rounded from the exact value (n rows: ≤ n/2 øre apart).
      expect(o.total.printed[0]).toBe(o.rows.reduce((a, r) => a + (r.printed[0] as bigint), 0n));
      const gap = (o.total.exact[0] as bigint) - o.rows.reduce((a, r) => a + (r.exact[0] as bigint), 0n);
      expect(gap <= BigInt(o.rows.length) && gap >= -BigInt(o.rows.length)).toBe(true);
    }
    const adm = await overview(m, "ADM", {
      priceYear: 2025,
      unit: "kr",
      columns: [{ year: 2024, kind: "original" }],
    });
    const idx = exampleIndex().points.get("total") as Map<number, bigint>;
    const restated = (ore: bigint) => mulDivRound(ore, idx.get(2025) as bigint, idx.get(2024) as bigint);
    expect(adm.rows.map((r) => r.exact[0])).toEqual([restated(100_015n), restated(100_015n)]);
    expect(adm.total.exact[0]).toBe(restated(200_030n));
    expect(adm.total.printed[0]).toBe(divRoundHalfAwayFromZero(restated(200_030n), 100n));
    // Drilling down shows the same figure as the row it came from.
    const oeu = await overview(m, "OEU", {
      priceYear: 2025,
      unit: "kr",
      columns: [{ year: 2024, kind: "original" }],
    });
    expect(oeu.rows.find((r) => r.ref?.code === "ADM")?.exact).toEqual(adm.total.exact);
  });
});
