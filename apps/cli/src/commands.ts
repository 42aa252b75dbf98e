import { readFileSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import {
  AMOUNT_UNITS,
  type AmountUnit,
  buildTree,
  type Column,
  type MunicipalitySettings,
  NODE_KIND_LABEL,
  parseColumn,
  parseUnit,
  SPENDING_CATEGORIES,
  type SpendingCategory,
  subtree,
} from "@bevilling/core";
import { type DatabaseHandle, findNodeByCode, listMappings, listNodes, rootNode } from "@bevilling/db";
import { formatFileError } from "@bevilling/io";
import {
  changeSettings,
  DATA_SETS,
  type DataSet,
  ensureMunicipality,
  exportData,
  exportOverview,
  getOverview,
  ImportFailed,
  importPriceIndex,
  loadDemo,
  type Mapping,
  parseMapping,
  requireMunicipality,
  runImport,
  STANDARD_MAPPINGS,
  saveMappingAs,
} from "@bevilling/services";
import { cliActor } from "./actor.ts";
import { agreementsCommand } from "./agreements.ts";
import { int, type OptionSpec, required, str, UsageError } from "./args.ts";
import { remarksCommand } from "./remarks.ts";
import { renderTable } from "./table.ts";

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** True when stderr is a terminal: progress is drawn in place. */
  tty: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  positionals?: number;
  /** Commands that need no database (help). */
  noDb?: boolean;
  run(ctx: {
    db: DatabaseHandle;
    io: Io;
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
  }): Promise<void>;
}

const M = { municipality: { type: "string", short: "m" } } as const;

/** Commands that change something take a reason, which the audit trail records with the change. */
const REASON = { reason: { type: "string" } } as const;

async function municipalityOf(db: DatabaseHandle, v: Record<string, string | boolean | undefined>) {
  return requireMunicipality(db.db, required(v.municipality, "municipality"));
}

async function nodeOf(db: DatabaseHandle, v: Record<string, string | boolean | undefined>) {
  const m = await municipalityOf(db, v);
  const code = str(v.node);
  const node = code ? await findNodeByCode(db.db, m.id, code) : await rootNode(db.db, m.id);
  if (!node) throw new UsageError(`enheden "${code}" findes ikke i ${m.name}`);
  return { m, node };
}

async function loadMapping(
  db: DatabaseHandle,
  municipalityId: number,
  v: Record<string, string | boolean | undefined>,
): Promise<Mapping> {
  const name = str(v.mapping);
  const file = str(v["mapping-file"]);
  if ((name === undefined) === (file === undefined))
    throw new UsageError("angiv enten --mapping NAVN eller --mapping-file FIL");
  let raw: unknown;
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new UsageError(`kan ikke læse ${file}: ${(e as Error).message}`);
    }
  } else {
    const saved = (await listMappings(db.db, municipalityId)).find((x) => x.name === name);
    raw = saved?.spec ?? STANDARD_MAPPINGS[name as string];
    if (raw === undefined)
      throw new UsageError(`opsætningen "${name}" findes ikke (se bevilling mapping list)`);
  }
  const parsed = parseMapping(raw);
  if (!parsed.ok) throw new UsageError(`opsætningen er ugyldig:\n  ${parsed.errors.join("\n  ")}`);
  return parsed.mapping;
}

function parseUnitOpt(v: string | boolean | undefined): AmountUnit {
  if (v === undefined) return "tkr";
  const u = typeof v === "string" ? parseUnit(v) : undefined;
  if (!u) throw new UsageError(`--unit skal være en af ${AMOUNT_UNITS.join(", ")}`);
  return u;
}

function parseColumnsOpt(v: string | boolean | undefined): Column[] | undefined {
  if (typeof v !== "string") return undefined;
  return v.split(",").map((s) => {
    const c = parseColumn(s);
    if (!c) throw new UsageError(`"${s}" er ikke en kolonne (skriv fx 2025:budget eller 2023:regnskab)`);
    return c;
  });
}

function parsePriceYear(v: string | boolean | undefined): number | "current" | undefined {
  if (v === undefined) return undefined;
  if (v === "current" || v === "løbende") return "current";
  if (typeof v === "string" && /^\d{4}$/.test(v)) return Number(v);
  throw new UsageError('--price-year skal være et årstal eller "current"');
}

function parseCategories(v: string | boolean | undefined): SpendingCategory[] | undefined {
  if (typeof v !== "string") return undefined;
  return v.split(",").map((c) => {
    if (!SPENDING_CATEGORIES.includes(c as SpendingCategory)) {
      throw new UsageError(`--categories: "${c}" er ikke en af ${SPENDING_CATEGORIES.join(", ")}`);
    }
    return c as SpendingCategory;
  });
}

function write(io: Io, out: string | undefined, bytes: Uint8Array, what: string) {
  if (out) {
    writeFileSync(out, bytes);
    io.err(`${what} skrevet til ${resolve(out)}`);
  } else io.out(new TextDecoder().decode(bytes));
}

export const commands: Command[] = [
  {
    name: "init",
    summary: "Opret databasen (eller bring den op til nyeste version)",
    usage: "bevilling init",
    options: {},
    async run({ db, io }) {
      io.out(`Databasen er klar: ${db.location} (${db.engine})`);
    },
  },
  {
    name: "demo",
    summary: "Indlæs demodata (Sorø, Kalundborg, Slagelse) fra de rigtige dokumenter",
    usage: "bevilling demo",
    options: {},
    async run({ db, io }) {
      const r = await loadDemo(db.db);
      io.out(
        `Demodata indlæst: ${r.municipalities.map((m) => `${m.name} (${m.code})`).join(", ")}; ${r.changes} ændringer.`,
      );
    },
  },
  {
    name: "municipality",
    summary: "Kommuner: municipality list | create | show | set (indstillinger)",
    usage:
      "bevilling municipality list\n  bevilling municipality create --code 340 --name Sorø --budget-year 2025\n" +
      "  bevilling municipality show -m 340\n" +
      "  bevilling municipality set -m 340 [--budget-year 2026] [--first-year 2024] [--last-year 2029]\n" +
      "    [--price-year 2026] [--index-rule total|by_group] [--sign overspend_negative|overspend_positive]\n" +
      '    [--reason "Budgetåret 2026 er begyndt"]',
    options: {
      ...M,
      ...REASON,
      code: { type: "string" },
      name: { type: "string" },
      "budget-year": { type: "string" },
      "first-year": { type: "string" },
      "last-year": { type: "string" },
      "price-year": { type: "string" },
      "index-rule": { type: "string" },
      sign: { type: "string" },
    },
    positionals: 1,
    async run({ db, io, values, positionals }) {
      const action = positionals[0] ?? "list";
      if (action === "list") {
        const { listMunicipalities } = await import("@bevilling/db");
        const ms = await listMunicipalities(db.db);
        io.out(
          renderTable(
            [["Kode", "Navn", "Budgetår"]],
            ms.map((m) => [m.code, m.name, String(m.settings.budgetYear)]),
            { rightFrom: 2 },
          ),
        );
        return;
      }
      if (action === "show" || action === "set") {
        let m = await municipalityOf(db, values);
        if (action === "set") {
          const rule = str(values["index-rule"]);
          if (rule !== undefined && rule !== "total" && rule !== "by_group")
            throw new UsageError("--index-rule skal være total eller by_group");
          const sign = str(values.sign);
          if (sign !== undefined && sign !== "overspend_negative" && sign !== "overspend_positive") {
            throw new UsageError("--sign skal være overspend_negative eller overspend_positive");
          }
          const patch: Partial<MunicipalitySettings> = {};
          const set = <K extends keyof MunicipalitySettings>(
            k: K,
            v: MunicipalitySettings[K] | undefined,
          ) => {
            if (v !== undefined) patch[k] = v;
          };
          set("budgetYear", int(values["budget-year"], "budget-year"));
          set("firstYear", int(values["first-year"], "first-year"));
          set("lastYear", int(values["last-year"], "last-year"));
          set("defaultPriceYear", int(values["price-year"], "price-year"));
          set("priceIndexRule", rule);
          set("signConvention", sign);
          if (Object.keys(patch).length === 0) throw new UsageError("angiv mindst én indstilling");
          m = await changeSettings(db.db, m, patch, cliActor(), str(values.reason));
        }
        const s = m.settings;
        io.out(
          renderTable(
            [["Indstilling", "Værdi"]],
            [
              ["Kommune", `${m.name} (${m.code})`],
              ["Budgetår", String(s.budgetYear)],
              ["År i spil", `${s.firstYear}-${s.lastYear}`],
              ["Standardprisniveau", `${s.defaultPriceYear}-priser`],
              [
                "Prisindeks anvendes",
                s.priceIndexRule === "total" ? "samlet (vægtet) indeks" : "indeks pr. artsgruppe",
              ],
              ["Merforbrug i tekster", s.signConvention === "overspend_negative" ? "med minus" : "med plus"],
            ],
            { rightFrom: 99 },
          ),
        );
        return;
      }
      if (action !== "create")
        throw new UsageError(`ukendt handling "${action}" (list, create, show eller set)`);
      const budgetYear = int(values["budget-year"], "budget-year");
      if (budgetYear === undefined) throw new UsageError("--budget-year mangler");
      const r = await ensureMunicipality(
        db.db,
        { code: required(values.code, "code"), name: required(values.name, "name"), budgetYear },
        cliActor(),
        str(values.reason),
      );
      io.out(
        r.created
          ? `Oprettet: ${r.municipality.name} (${r.municipality.code})`
          : `Findes allerede: ${r.municipality.name}`,
      );
    },
  },
  {
    name: "org",
    summary: "Vis organisationen som et træ",
    usage: "bevilling org -m 340 [--node OEU]",
    options: { ...M, node: { type: "string" } },
    async run({ db, io, values }) {
      const { m, node } = await nodeOf(db, values);
      const tree = buildTree(await listNodes(db.db, m.id));
      const depth0 = (id: number): number => {
        let d = 0;
        for (let n = tree.byId.get(id); n?.parentId != null; n = tree.byId.get(n.parentId)) d++;
        return d;
      };
      const base = depth0(node.id);
      for (const n of subtree(tree, node.id)) {
        const validity =
          n.validTo === null
            ? n.validFrom > 1900
              ? ` (fra ${n.validFrom})`
              : ""
            : ` (${n.validFrom}-${n.validTo})`;
        io.out(
          `${"  ".repeat(depth0(n.id) - base)}${n.code}  ${n.name}  [${NODE_KIND_LABEL[n.kind].toLowerCase()}]${validity}`,
        );
      }
    },
  },
  {
    name: "overview",
    summary: "Flerårsoversigten for en enhed som tabel, CSV, XLSX eller JSON",
    usage:
      "bevilling overview -m 340 --node OEU [--price-year 2025|current] [--unit kr|tkr|mio]\n" +
      "  [--columns 2023:regnskab,2024:oprindeligt,...] [--categories service,transfer] [--rows children|accounts]\n" +
      "  [--format table|csv|xlsx|json] [--out FIL]",
    options: {
      ...M,
      node: { type: "string" },
      "price-year": { type: "string" },
      unit: { type: "string" },
      columns: { type: "string" },
      categories: { type: "string" },
      rows: { type: "string" },
      format: { type: "string" },
      out: { type: "string", short: "o" },
    },
    async run({ db, io, values }) {
      // Usage is checked before the database is asked anything, so a typo always exits with 2.
      const rows = str(values.rows) ?? "children";
      if (rows !== "children" && rows !== "accounts")
        throw new UsageError("--rows skal være children eller accounts");
      const format = str(values.format) ?? "table";
      if (!["table", "csv", "xlsx", "json"].includes(format))
        throw new UsageError("--format skal være table, csv, xlsx eller json");
      const out = str(values.out);
      if (format === "xlsx" && !out)
        throw new UsageError("XLSX skal skrives til en fil: brug --out FIL.xlsx");
      const query = {
        priceYear: parsePriceYear(values["price-year"]),
        unit: parseUnitOpt(values.unit),
        columns: parseColumnsOpt(values.columns),
        categories: parseCategories(values.categories),
        rows,
      } as const;
      const { node } = await nodeOf(db, values);
      const o = await getOverview(db.db, { nodeId: node.id, ...query });
      if (format === "json") {
        const json = JSON.stringify(o, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);
        write(io, out, new TextEncoder().encode(`${json}\n`), "JSON");
      } else if (format === "csv" || format === "xlsx") {
        const f = await exportOverview(o, format);
        write(io, out, f.bytes, f.fileName);
      } else {
        const header = [
          ["År", ...o.columns.map((c) => String(c.year))],
          [`(${o.unitLabel})`, ...o.columns.map((c) => c.label)],
        ];
        const body = [[o.total.label, ...o.total.text], ...o.rows.map((r) => [`  ${r.label}`, ...r.text])];
        const text = `${o.path.map((p) => p.name).join(" › ")}\n\n${renderTable(header, body)}\n\nNote: ${o.note}${
          o.index.isExample && o.priceYear !== null ? `\nPrisindeks: ${o.index.name}` : ""
        }`;
        if (out) write(io, out, new TextEncoder().encode(`${text}\n`), "Tabellen");
        else io.out(text);
      }
    },
  },
  {
    name: "import",
    summary: "Indlæs en CSV- eller XLSX-fil efter en opsætning (én transaktion: alt eller intet)",
    usage:
      "bevilling import FIL -m 340 (--mapping NAVN | --mapping-file opsætning.json) [--dry-run] [--save-mapping NAVN]\n" +
      '  [--reason "Budgetrevision marts"]',
    options: {
      ...M,
      ...REASON,
      mapping: { type: "string" },
      "mapping-file": { type: "string" },
      "dry-run": { type: "boolean" },
      "save-mapping": { type: "string" },
    },
    positionals: 1,
    async run({ db, io, values, positionals }) {
      const file = positionals[0];
      if (!file) throw new UsageError("filen mangler");
      const m = await municipalityOf(db, values);
      const mapping = await loadMapping(db, m.id, values);
      let last = 0;
      try {
        const r = await runImport(db.db, m, { fileName: basename(file), path: resolve(file) }, mapping, {
          dryRun: values["dry-run"] === true,
          actor: cliActor(),
          reason: str(values.reason),
          onProgress: (p) => {
            const now = Date.now();
            if (now - last < 250 && p.phase === "læser") return;
            last = now;
            const pct =
              p.totalBytes > 0 ? Math.min(100, Math.round((100 * p.bytesRead) / p.totalBytes)) : 100;
            const msg = `${p.phase}: ${p.rows.toLocaleString("da-DK")} rækker (${pct} %)`;
            if (io.tty) io.err(`\r${msg}\u001b[K`);
            else io.err(msg);
          },
        });
        if (io.tty) io.err("\n");
        const c = r.changed;
        if (values["dry-run"]) io.out(`Kontrolleret uden at gemme: ${r.rows} rækker uden fejl.`);
        else if (r.unchanged) io.out(`Ingen ændringer: ${r.rows} rækker var allerede indlæst.`);
        else
          io.out(
            `Indlæst ${r.rows} rækker fra ${r.fileName}: ${c.nodes} enheder, ${c.accounts} konti, ${c.amounts} beløb og ${c.months} månedsbeløb ændret.`,
          );
        const save = str(values["save-mapping"]);
        if (save && !values["dry-run"]) {
          await saveMappingAs(db.db, m, save, mapping, cliActor(), str(values.reason));
          io.out(`Opsætningen er gemt som "${save}".`);
        }
      } catch (e) {
        if (io.tty) io.err("\n");
        if (e instanceof ImportFailed) {
          for (const fe of e.errors) io.err(formatFileError(fe));
          if (e.omitted > 0) io.err(`… og ${e.omitted} fejl mere`);
        }
        throw e;
      }
    },
  },
  {
    name: "export",
    summary: "Eksportér organisation, kontoplan, beløb og månedsforbrug til XLSX eller CSV",
    usage: `bevilling export -m 340 [--sets ${DATA_SETS.join(",")}] [--format xlsx|csv] --out FIL`,
    options: {
      ...M,
      sets: { type: "string" },
      format: { type: "string" },
      out: { type: "string", short: "o" },
    },
    async run({ db, io, values }) {
      const m = await municipalityOf(db, values);
      const sets = (str(values.sets)?.split(",") ?? [...DATA_SETS]) as DataSet[];
      for (const s of sets)
        if (!DATA_SETS.includes(s))
          throw new UsageError(`--sets: "${s}" er ikke en af ${DATA_SETS.join(", ")}`);
      const format = str(values.format) ?? "xlsx";
      if (format !== "xlsx" && format !== "csv") throw new UsageError("--format skal være xlsx eller csv");
      if (format === "csv" && sets.length !== 1)
        throw new UsageError("CSV rummer ét datasæt: angiv --sets med ét navn");
      const f = await exportData(db.db, m, sets, format);
      const out = str(values.out) ?? f.fileName;
      write(io, out, f.bytes, f.fileName);
    },
  },
  {
    name: "mapping",
    summary:
      "Gemte importopsætninger: mapping list | mapping save NAVN --file opsætning.json | mapping show NAVN",
    usage:
      "bevilling mapping list -m 340\n  bevilling mapping save NAVN -m 340 --file opsætning.json [--reason TEKST]\n" +
      "  bevilling mapping show NAVN -m 340",
    options: { ...M, ...REASON, file: { type: "string" } },
    positionals: 2,
    async run({ db, io, values, positionals }) {
      const m = await municipalityOf(db, values);
      const [action = "list", name] = positionals;
      if (action === "list") {
        const saved = await listMappings(db.db, m.id);
        const rows = [
          ...saved.map((s) => [s.name, (s.spec as { kind?: string }).kind ?? "", "gemt"]),
          ...Object.entries(STANDARD_MAPPINGS).map(([n, s]) => [n, s.kind, "standard"]),
        ];
        io.out(renderTable([["Navn", "Type", "Kilde"]], rows, { rightFrom: 99 }));
        return;
      }
      if (!name) throw new UsageError("navnet mangler");
      if (action === "show") {
        const spec =
          (await listMappings(db.db, m.id)).find((s) => s.name === name)?.spec ?? STANDARD_MAPPINGS[name];
        if (spec === undefined) throw new UsageError(`opsætningen "${name}" findes ikke`);
        io.out(JSON.stringify(spec, null, 2));
        return;
      }
      if (action !== "save") throw new UsageError(`ukendt handling "${action}" (list, show eller save)`);
      const mapping = await loadMapping(db, m.id, { "mapping-file": required(values.file, "file") });
      const saved = await saveMappingAs(db.db, m, name, mapping, cliActor(), str(values.reason));
      io.out(
        saved.changed ? `Opsætningen "${name}" er gemt.` : `Opsætningen "${name}" var allerede gemt sådan.`,
      );
    },
  },
  {
    name: "index",
    summary: "Prisindeks: index import FIL --name NAVN | index list",
    usage:
      'bevilling index import FIL -m 340 --name "KL juni 2025" [--reason TEKST]\n  bevilling index list -m 340',
    options: { ...M, ...REASON, name: { type: "string" } },
    positionals: 2,
    async run({ db, io, values, positionals }) {
      const m = await municipalityOf(db, values);
      const [action = "list", file] = positionals;
      if (action === "list") {
        const { listIndexes } = await import("@bevilling/db");
        const rows = (await listIndexes(db.db, m.id)).map((i) => [
          i.name,
          i.is_example ? "eksempel" : "importeret",
          i.active ? "aktiv" : "",
        ]);
        io.out(renderTable([["Navn", "Kilde", ""]], rows, { rightFrom: 99 }));
        return;
      }
      if (action !== "import") throw new UsageError(`ukendt handling "${action}" (list eller import)`);
      if (!file) throw new UsageError("filen mangler");
      try {
        const r = await importPriceIndex(
          db.db,
          m,
          { fileName: basename(file), bytes: readFileSync(file) },
          required(values.name, "name"),
          cliActor(),
          str(values.reason),
        );
        io.out(`Prisindekset er indlæst med ${r.points} indekstal og er nu det aktive.`);
      } catch (e) {
        if (e instanceof ImportFailed) for (const fe of e.errors) io.err(formatFileError(fe));
        throw e;
      }
    },
  },
  // The budget remarks (apps/cli/src/remarks.ts).
  remarksCommand,
  // Budget agreements (apps/cli/src/agreements.ts).
  agreementsCommand,
];
