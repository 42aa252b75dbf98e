/**
 * One import is one transaction. The file is read and every row validated first; if any row is
 * bad, nothing is stored and every bad row is reported by file, line, column and reason. Only a
 * clean file reaches the database, where nodes, accounts, amounts, monthly actuals and the
 * pre-aggregated totals are written together. Setting a value to what it already is counts as no
 * change, so importing the same file twice reports zero changes the second time.
 */
import { createHash } from "node:crypto";
import {
  type Actor,
  type AmountChange,
  type AmountKind,
  accountCode,
  allowedChildKinds,
  defaultCategory,
  indexGroupFor,
  isValidIn,
  type Municipality,
  NODE_KIND_LABEL,
  type NodeKind,
  type OrgNode,
  parseAmountKind,
  parseArt,
  parseDranst,
  parseFunktion,
  type SpendingCategory,
  SYSTEM_ACTOR,
} from "@bevilling/core";
import {
  type AccountUpsert,
  type AuditEntry,
  accountIdsByCode,
  amountChangesSha256,
  appendAudits,
  applyAmounts,
  applyAnnualActuals,
  applyNodes,
  assignAccounts,
  type Database,
  insertAmountHistory,
  listNodes,
  lockMunicipalityWrites,
  logImport,
  type NodeChange,
  type NodeUpsert,
  rebuildClosure,
  refreshTotals,
  upsertAccounts,
  upsertMonths,
} from "@bevilling/db";
import {
  type Cell,
  CsvParseError,
  detectNumberFormat,
  type FileError,
  isEmptyCell,
  parseAmountOre,
} from "@bevilling/io";
import type { Kysely } from "kysely";
import type { Mapping } from "./mapping.ts";
import { cellText, type ImportSource, openTable, StreamDecodeError } from "./source.ts";

export class ImportFailed extends Error {
  constructor(
    readonly errors: FileError[],
    readonly omitted = 0,
  ) {
    super(
      `Importen blev afvist: ${errors.length + omitted} fejl. Intet er gemt.` +
        (omitted > 0 ? ` (de første ${errors.length} vises)` : ""),
    );
    this.name = "ImportFailed";
  }
}

export interface ImportProgress {
  phase: "læser" | "gemmer" | "summerer";
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportResult {
  fileName: string;
  kind: Mapping["kind"];
  sha256: string;
  rows: number;
  changed: { nodes: number; accounts: number; amounts: number; months: number };
  /** True when the import changed nothing (the same file again). */
  unchanged: boolean;
  encoding?: string | undefined;
  separator?: string | undefined;
}

export interface PreviewRow {
  line: number;
  path: string[];
  account: string | null;
  values: { label: string; ore: string | null }[];
}

/** Keeps every error up to a cap; a file with a million bad lines should not exhaust memory. */
const ERROR_CAP = 10_000;

const CATEGORY_WORDS: Record<string, SpendingCategory> = {
  service: "service",
  serviceudgift: "service",
  serviceudgifter: "service",
  s: "service",
  transfer: "transfer",
  overførsel: "transfer",
  overførsler: "transfer",
  overførselsudgifter: "transfer",
  o: "transfer",
  capital: "capital",
  anlæg: "capital",
  a: "capital",
  financing: "financing",
  finansiering: "financing",
  f: "financing",
};

const NODE_KIND_WORDS: Record<string, NodeKind> = {
  udvalg: "committee",
  committee: "committee",
  bevillingsområde: "area",
  politikområde: "area",
  område: "area",
  area: "area",
  enhed: "unit",
  unit: "unit",
};

const MONTHS_DA = [
  "januar",
  "februar",
  "marts",
  "april",
  "maj",
  "juni",
  "juli",
  "august",
  "september",
  "oktober",
  "november",
  "december",
];

interface PlannedNode extends NodeUpsert {
  line: number;
}

interface Plan {
  nodes: Map<string, PlannedNode>;
  accounts: Map<string, AccountUpsert & { line: number }>;
  unitAccounts: Set<string>;
  amounts: Map<
    string,
    {
      node: string;
      account: string | null;
      year: number;
      kind: AmountKind;
      priceYear: number;
      amount: bigint;
    }
  >;
  months: Map<string, { node: string; account: string | null; year: number; month: number; amount: bigint }>;
  rows: number;
}

interface Options {
  onProgress?: (p: ImportProgress) => void;
  /** Validate everything but store nothing. */
  dryRun?: boolean;
  /** Collect the first rows as they will be read (for the preview). */
  previewRows?: number;
  /** Who imports, for the audit trail (default: the system). */
  actor?: Actor;
  /** Why, if the user said so; recorded in the audit trail. */
  reason?: string | undefined;
}

export async function runImport(
  db: Kysely<Database>,
  municipality: Municipality,
  source: ImportSource,
  mapping: Mapping,
  opts: Options = {},
): Promise<ImportResult & { preview: PreviewRow[] }> {
  const file = source.fileName;
  const table = await openTable(source, mapping.format);
  if ("errors" in table) throw new ImportFailed(table.errors);

  const hash = createHash("sha256");
  if (source.bytes) hash.update(source.bytes);

  // Resolve every mapped column to its index once; report all missing columns together.
  const headerIndex = new Map<string, number>();
  table.header.forEach((h, i) => {
    const key = h.toLowerCase();
    if (!headerIndex.has(key)) headerIndex.set(key, i);
  });
  const missing: FileError[] = [];
  const col = (name: string | undefined): number => {
    if (name === undefined) return -1;
    const i = headerIndex.get(name.trim().toLowerCase());
    if (i === undefined) {
      missing.push({
        file,
        line: table.headerLine,
        column: name,
        reason: `kolonnen "${name}" findes ikke i filen (kolonnerne er: ${table.header.filter((h) => h).join(", ")})`,
      });
      return -1;
    }
    return i;
  };
  const levelCols = mapping.levels.map((l) => ({
    kind: l.kind as NodeKind,
    code: col(l.code),
    name: col(l.name),
  }));
  const nodeCol = col(mapping.node);
  const treeCols = mapping.tree
    ? {
        code: col(mapping.tree.code),
        name: col(mapping.tree.name),
        kind: col(mapping.tree.kind),
        parent: col(mapping.tree.parent),
      }
    : undefined;
  const validFromCol = col(mapping.validFrom);
  const validToCol = col(mapping.validTo);
  const acc = mapping.account;
  const accCols = acc
    ? {
        code: col(acc.code),
        funktion: col(acc.funktion),
        dranst: col(acc.dranst),
        art: col(acc.art),
        gruppering: col(acc.gruppering),
        costCentre: col(acc.costCentre),
        project: col(acc.project),
        name: col(acc.name),
        category: col(acc.category),
      }
    : undefined;
  const amountCols = mapping.amounts.map((a) => ({ ...a, index: col(a.column) }));
  const longCols = mapping.long
    ? {
        year: col(mapping.long.year),
        kind: col(mapping.long.kind),
        amount: col(mapping.long.amount),
        priceYear: col(mapping.long.priceYear),
      }
    : undefined;
  const monthCols = mapping.monthly
    ? {
        year: col(mapping.monthly.year),
        month: col(mapping.monthly.month),
        date: col(mapping.monthly.date),
        amount: col(mapping.monthly.amount),
      }
    : undefined;
  if (missing.length > 0) throw new ImportFailed(missing);

  const existingNodes = await listNodes(db, municipality.id);
  const nodesByCode = new Map(existingNodes.map((n) => [n.code, n]));
  const root = existingNodes.find((n) => n.parentId === null);
  if (!root) throw new Error(`Kommunen ${municipality.name} mangler sin rodenhed`);
  const accountIds = await accountIdsByCode(db, municipality.id);

  const plan: Plan = {
    nodes: new Map(),
    accounts: new Map(),
    unitAccounts: new Set(),
    amounts: new Map(),
    months: new Map(),
    rows: 0,
  };
  const errors: FileError[] = [];
  let omitted = 0;
  const fail = (line: number, column: string | undefined, reason: string, field?: string) => {
    if (errors.length >= ERROR_CAP) {
      omitted++;
      return;
    }
    errors.push({
      file,
      line,
      ...(column !== undefined ? { column } : {}),
      ...(field ? { field } : {}),
      reason,
    });
  };
  const header = (i: number) => table.header[i] ?? `kolonne ${i + 1}`;

  let numberFormat: "da" | "plain" | undefined =
    mapping.format.numberFormat === "auto" ? undefined : mapping.format.numberFormat;
  const preview: PreviewRow[] = [];
  let nextSort = existingNodes.reduce((m, n) => Math.max(m, n.sortOrder), 0) + 1;

  /** The node a row belongs to, creating or checking the chain of levels it names. */
  const resolveNode = (
    cells: Cell[],
    line: number,
    years: number[],
  ): { code: string; path: string[] } | undefined => {
    if (nodeCol >= 0) {
      const code = cellText(cells[nodeCol]);
      if (!code) return void fail(line, header(nodeCol), "enhedskoden mangler", "enhed");
      const n = nodesByCode.get(code) ?? plan.nodes.get(code);
      if (!n)
        return void fail(line, header(nodeCol), `enheden "${code}" findes ikke i organisationen`, "enhed");
      for (const y of years) {
        if (!isValidIn(n, y)) {
          fail(line, header(nodeCol), `enheden "${code}" er ikke gyldig i ${y} (${validity(n)})`, "enhed");
          return undefined;
        }
      }
      return { code, path: [n.name] };
    }
    let parentCode = root.code;
    const path: string[] = [];
    let ok = true;
    levelCols.forEach((lc, depth) => {
      if (!ok) return;
      const code = cellText(cells[lc.code]);
      if (!code) {
        // A blank lower level means the row belongs to the level above (a subtotal line).
        if (depth === 0) {
          fail(line, header(lc.code), "koden mangler", "niveau");
          ok = false;
        }
        return;
      }
      // A file that names nodes by code only must not rename them to their codes.
      const name = (lc.name >= 0 ? cellText(cells[lc.name]) : "") || nodesByCode.get(code)?.name || code;
      const isLast = depth === levelCols.length - 1 || !cellText(cells[levelCols[depth + 1]?.code ?? -1]);
      const vf = isLast && validFromCol >= 0 ? parseYearCell(cells[validFromCol]) : undefined;
      const vtText = isLast && validToCol >= 0 ? cellText(cells[validToCol]) : "";
      const vt = vtText ? parseYearCell(cells[validToCol]) : null;
      if (vf === null || (vtText && vt === null)) {
        fail(
          line,
          header(vf === null ? validFromCol : validToCol),
          "gyldighedsåret er ikke et årstal",
          "gyldighed",
        );
        ok = false;
        return;
      }
      const existing = nodesByCode.get(code);
      const planned = plan.nodes.get(code);
      if (existing && existing.parentId === null) {
        fail(line, header(lc.code), `koden "${code}" er kommunens egen kode`, "niveau");
        ok = false;
        return;
      }
      const parentKind =
        depth === 0 ? root.kind : (plan.nodes.get(parentCode)?.kind ?? nodesByCode.get(parentCode)?.kind);
      if (parentKind && !allowedChildKinds(parentKind).includes(lc.kind)) {
        fail(
          line,
          header(lc.code),
          `en ${NODE_KIND_LABEL[lc.kind].toLowerCase()} kan ikke ligge direkte under en ${NODE_KIND_LABEL[parentKind].toLowerCase()}`,
          "niveau",
        );
        ok = false;
        return;
      }
      if (planned) {
        if (planned.parentCode !== parentCode || planned.name !== name || planned.kind !== lc.kind) {
          fail(
            line,
            header(lc.code),
            `"${code}" står også i linje ${planned.line} med ${describe(planned)}; her med navn "${name}" under ${parentCode}`,
            "niveau",
          );
          ok = false;
          return;
        }
      } else {
        const parentId = existing?.parentId;
        const existingParent = parentId
          ? [...nodesByCode.values()].find((n) => n.id === parentId)
          : undefined;
        if (
          existing &&
          mapping.kind !== "organisation" &&
          existingParent &&
          existingParent.code !== parentCode
        ) {
          fail(
            line,
            header(lc.code),
            `"${code}" ligger under ${existingParent.code} i organisationen, men filen placerer den under ${parentCode}; flyt den med en organisationsimport`,
            "niveau",
          );
          ok = false;
          return;
        }
        plan.nodes.set(code, {
          code,
          name,
          kind: lc.kind,
          parentCode,
          validFrom: vf ?? existing?.validFrom ?? mapping.defaultValidFrom ?? 1900,
          validTo: isLast && validToCol >= 0 ? (vt ?? null) : (existing?.validTo ?? null),
          sortOrder: existing?.sortOrder ?? nextSort++,
          line,
        });
      }
      const node = plan.nodes.get(code) as PlannedNode;
      for (const y of years) {
        if (!isValidIn(node, y)) {
          fail(line, header(lc.code), `"${code}" er ikke gyldig i ${y} (${validity(node)})`, "gyldighed");
          ok = false;
          return;
        }
      }
      path.push(name);
      parentCode = code;
    });
    return ok ? { code: parentCode, path } : undefined;
  };

  /** One row of a parent-child list; parents may come later in the file. */
  const planTreeNode = (
    cells: Cell[],
    line: number,
    tc: { code: number; name: number; kind: number; parent: number },
  ) => {
    const code = cellText(cells[tc.code]);
    const name = cellText(cells[tc.name]);
    const kindText = cellText(cells[tc.kind]).toLowerCase();
    const kind = NODE_KIND_WORDS[kindText];
    const parentCode = cellText(cells[tc.parent]) || root.code;
    if (!code) fail(line, header(tc.code), "koden mangler", "kode");
    if (!name) fail(line, header(tc.name), "navnet mangler", "navn");
    if (!kind)
      fail(line, header(tc.kind), `"${kindText}" er ikke en type (udvalg, bevillingsområde, enhed)`, "type");
    const vf = validFromCol >= 0 ? parseYearCell(cells[validFromCol]) : undefined;
    const vtText = validToCol >= 0 ? cellText(cells[validToCol]) : "";
    const vt = vtText ? parseYearCell(cells[validToCol]) : null;
    if (vf === null) fail(line, header(validFromCol), "gyldighedsåret er ikke et årstal", "gyldig fra");
    if (vtText && vt === null)
      fail(line, header(validToCol), "gyldighedsåret er ikke et årstal", "gyldig til");
    if (!code || !name || !kind || vf === null || (vtText && vt === null)) return;
    if (code === root.code)
      return void fail(line, header(tc.code), `koden "${code}" er kommunens egen kode`, "kode");
    const prev = plan.nodes.get(code);
    if (prev)
      return void fail(line, header(tc.code), `koden "${code}" står også i linje ${prev.line}`, "kode");
    const existing = nodesByCode.get(code);
    plan.nodes.set(code, {
      code,
      name,
      kind,
      parentCode,
      validFrom: vf ?? existing?.validFrom ?? mapping.defaultValidFrom ?? 1900,
      validTo: vt ?? null,
      sortOrder: existing?.sortOrder ?? nextSort++,
      line,
    });
  };

  /** The account a row names, or null for amounts booked on the node itself. */
  const resolveAccount = (cells: Cell[], line: number, create: boolean): string | null | undefined => {
    if (!accCols) return null;
    if (accCols.code >= 0 && !create) {
      const code = cellText(cells[accCols.code]);
      if (!code) return null;
      if (!accountIds.has(code) && !plan.accounts.has(code)) {
        fail(line, header(accCols.code), `kontoen "${code}" findes ikke i kontoplanen`, "konto");
        return undefined;
      }
      return code;
    }
    const f = cellText(cells[accCols.funktion]);
    const d = cellText(cells[accCols.dranst]);
    const a = cellText(cells[accCols.art]);
    if (!f && !d && !a && !create) return null;
    const funktion = parseFunktion(f);
    const dranst = parseDranst(d);
    const art = parseArt(a);
    if ("error" in funktion) fail(line, header(accCols.funktion), funktion.error, "funktion");
    if (typeof dranst !== "number") fail(line, header(accCols.dranst), dranst.error, "dranst");
    if (typeof art !== "string") fail(line, header(accCols.art), art.error, "art");
    if ("error" in funktion || typeof dranst !== "number" || typeof art !== "string") return undefined;
    const fText = f.trim();
    const gruppering = accCols.gruppering >= 0 ? cellText(cells[accCols.gruppering]) || null : null;
    const costCentre = accCols.costCentre >= 0 ? cellText(cells[accCols.costCentre]) || null : null;
    const project = accCols.project >= 0 ? cellText(cells[accCols.project]) || null : null;
    const code =
      accCols.code >= 0 && cellText(cells[accCols.code])
        ? cellText(cells[accCols.code])
        : accountCode({ funktion: fText, dranst, art, gruppering, costCentre, project });
    if (!create) {
      if (!accountIds.has(code) && !plan.accounts.has(code)) {
        fail(line, header(accCols.funktion), `kontoen "${code}" findes ikke i kontoplanen`, "konto");
        return undefined;
      }
      return code;
    }
    let category = defaultCategory(fText, dranst);
    if (accCols.category >= 0) {
      const word = cellText(cells[accCols.category]).toLowerCase();
      if (word) {
        const c = CATEGORY_WORDS[word];
        if (!c) {
          fail(
            line,
            header(accCols.category),
            `"${word}" er ikke en udgiftstype (service, overførsel, anlæg, finansiering)`,
            "kategori",
          );
          return undefined;
        }
        category = c;
      }
    }
    const next: AccountUpsert & { line: number } = {
      code,
      funktion: fText,
      dranst,
      art,
      gruppering,
      costCentre,
      project,
      name: accCols.name >= 0 ? cellText(cells[accCols.name]) : "",
      category,
      indexGroup: indexGroupFor(art, dranst),
      line,
    };
    const prev = plan.accounts.get(code);
    if (prev && (prev.name !== next.name || prev.category !== next.category)) {
      fail(
        line,
        header(accCols.name >= 0 ? accCols.name : accCols.funktion),
        `kontoen "${code}" står også i linje ${prev.line} med andre oplysninger`,
        "konto",
      );
      return undefined;
    }
    if (!prev) plan.accounts.set(code, next);
    return code;
  };

  const amountOf = (cell: Cell | undefined, line: number, index: number): bigint | undefined => {
    const r = parseAmountOre(cell ?? null, mapping.unit, numberFormat ?? "da");
    if (!r.ok) return void fail(line, header(index), r.reason, "beløb");
    return r.ore;
  };

  /** Lines naming the same node, account, year and kind add up (ERP exports split them by lower dimensions). */
  const addAmount = (
    line: number,
    node: string,
    account: string | null,
    year: number,
    kind: AmountKind,
    priceYear: number,
    ore: bigint,
  ) => {
    const key = `${node}\u0000${account ?? ""}\u0000${year}\u0000${kind}`;
    const prev = plan.amounts.get(key);
    if (prev) {
      if (prev.priceYear !== priceYear) {
        fail(
          line,
          undefined,
          `${node} ${year}: beløb i to forskellige prisniveauer (${prev.priceYear} og ${priceYear})`,
          "prisniveau",
        );
        return;
      }
      prev.amount += ore;
    } else plan.amounts.set(key, { node, account, year, kind, priceYear, amount: ore });
  };

  const handleRow = (cells: Cell[], line: number) => {
    if (cells.every((c) => isEmptyCell(c))) return;
    plan.rows++;
    if (mapping.kind === "organisation" && treeCols) {
      planTreeNode(cells, line, treeCols);
      return;
    }
    if (mapping.kind === "organisation") {
      resolveNode(cells, line, []);
      return;
    }
    if (mapping.kind === "accounts") {
      const code = resolveAccount(cells, line, true);
      if (code && (levelCols.length > 0 || nodeCol >= 0)) {
        const node = resolveNode(cells, line, []);
        if (node) plan.unitAccounts.add(`${node.code}\u0000${code}`);
      }
      return;
    }
    if (mapping.kind === "amounts" && longCols) {
      const y = cellText(cells[longCols.year]);
      const k = parseAmountKind(cellText(cells[longCols.kind]));
      const py = longCols.priceYear >= 0 ? cellText(cells[longCols.priceYear]) : "";
      if (!/^\d{4}$/.test(y)) fail(line, header(longCols.year), `"${y}" er ikke et årstal`, "år");
      if (!k)
        fail(
          line,
          header(longCols.kind),
          `"${cellText(cells[longCols.kind])}" er ikke en beløbsart`,
          "beløbsart",
        );
      if (py && !/^\d{4}$/.test(py))
        fail(line, header(longCols.priceYear), `"${py}" er ikke et årstal`, "prisniveau");
      const year = Number(y);
      const node = resolveNode(cells, line, /^\d{4}$/.test(y) ? [year] : []);
      const account = resolveAccount(cells, line, false);
      const ore = amountOf(cells[longCols.amount], line, longCols.amount);
      if (!node || account === undefined || ore === undefined || !k || !/^\d{4}$/.test(y)) return;
      if (py && !/^\d{4}$/.test(py)) return;
      addAmount(line, node.code, account, year, k, py ? Number(py) : (mapping.priceYear ?? year), ore);
      if (account) plan.unitAccounts.add(`${node.code}\u0000${account}`);
      return;
    }
    if (mapping.kind === "amounts") {
      const present = amountCols.filter((a) => !isEmptyCell(cells[a.index] ?? null));
      const node = resolveNode(
        cells,
        line,
        present.map((a) => a.year),
      );
      const account = resolveAccount(cells, line, false);
      for (const a of present) {
        const ore = amountOf(cells[a.index], line, a.index);
        if (ore === undefined || !node || account === undefined) continue;
        addAmount(line, node.code, account, a.year, a.kind, mapping.priceYear ?? a.year, ore);
      }
      if (node && account) plan.unitAccounts.add(`${node.code}\u0000${account}`);
      if (preview.length < (opts.previewRows ?? 0) && node) {
        preview.push({
          line,
          path: node.path,
          account: account ?? null,
          values: amountCols.map((a) => {
            const r = parseAmountOre(cells[a.index] ?? null, mapping.unit, numberFormat ?? "da");
            return { label: `${a.year} ${a.kind}`, ore: r.ok ? r.ore.toString() : null };
          }),
        });
      }
      return;
    }
    // monthly actuals: ledger lines or monthly balances, summed per node, account and month
    const mc = monthCols as NonNullable<typeof monthCols>;
    const period = parsePeriod(cells, mc, line, header, fail);
    const node = resolveNode(cells, line, period ? [period.year] : []);
    const account = resolveAccount(cells, line, false);
    const ore = amountOf(cells[mc.amount], line, mc.amount);
    if (!period || !node || account === undefined || ore === undefined) return;
    const key = `${node.code}\u0000${account ?? ""}\u0000${period.year}\u0000${period.month}`;
    const prev = plan.months.get(key);
    if (prev) prev.amount += ore;
    else {
      plan.months.set(key, { node: node.code, account, year: period.year, month: period.month, amount: ore });
      // Once per monthly cell, not per ledger line: the pair is the same for every line of the cell.
      if (account) plan.unitAccounts.add(`${node.code}\u0000${account}`);
    }
    if (preview.length < (opts.previewRows ?? 0)) {
      preview.push({
        line,
        path: node.path,
        account,
        values: [{ label: `${period.year}-${String(period.month).padStart(2, "0")}`, ore: ore.toString() }],
      });
    }
  };

  try {
    for await (const batch of table.batches) {
      if (numberFormat === undefined) {
        const samples: string[] = [];
        const idx = [
          ...amountCols.map((a) => a.index),
          monthCols?.amount ?? -1,
          longCols?.amount ?? -1,
        ].filter((i) => i >= 0);
        for (const r of batch.rows.slice(0, 500))
          for (const i of idx) {
            const c = r.cells[i];
            if (typeof c === "string" && c.trim()) samples.push(c);
          }
        numberFormat = detectNumberFormat(samples);
      }
      for (const r of batch.rows) handleRow(r.cells, r.line);
      opts.onProgress?.({
        phase: "læser",
        rows: plan.rows,
        bytesRead: batch.bytesRead,
        totalBytes: table.size,
      });
    }
  } catch (e) {
    if (e instanceof StreamDecodeError) throw new ImportFailed([{ file, reason: e.message }]);
    if (e instanceof CsvParseError)
      throw new ImportFailed(e.errors.map((t) => ({ file, line: t.line, reason: t.reason })));
    throw e;
  }
  if (treeCols) {
    for (const n of plan.nodes.values()) {
      const parent = plan.nodes.get(n.parentCode) ?? nodesByCode.get(n.parentCode);
      if (!parent)
        fail(
          n.line,
          header(treeCols.parent),
          `den overordnede enhed "${n.parentCode}" findes hverken i filen eller i organisationen`,
          "overordnet",
        );
      else if (!allowedChildKinds(parent.kind).includes(n.kind)) {
        fail(
          n.line,
          header(treeCols.kind),
          `en ${NODE_KIND_LABEL[n.kind].toLowerCase()} kan ikke ligge under en ${NODE_KIND_LABEL[parent.kind].toLowerCase()}`,
          "type",
        );
      }
    }
  }
  if (errors.length > 0) throw new ImportFailed(errors, omitted);

  const result: ImportResult = {
    fileName: file,
    kind: mapping.kind,
    sha256: source.bytes ? hash.digest("hex") : await hashFile(source.path),
    rows: plan.rows,
    changed: { nodes: 0, accounts: 0, amounts: 0, months: 0 },
    unchanged: true,
    encoding: table.encoding,
    separator: table.separator,
  };
  if (opts.dryRun) return { ...result, preview };

  await db.transaction().execute(async (trx) => {
    opts.onProgress?.({ phase: "gemmer", rows: plan.rows, bytesRead: table.size, totalBytes: table.size });
    await lockMunicipalityWrites(trx, municipality.id);
    let nodeChanges: NodeChange[] = [];
    if (plan.nodes.size > 0) {
      nodeChanges = await applyNodes(trx, municipality.id, orderParentsFirst([...plan.nodes.values()], root));
      result.changed.nodes = nodeChanges.length;
      if (result.changed.nodes > 0) await rebuildClosure(trx, municipality.id);
    }
    const nodeIds = new Map((await listNodes(trx, municipality.id)).map((n) => [n.code, n.id]));
    if (plan.accounts.size > 0)
      result.changed.accounts = await upsertAccounts(trx, municipality.id, [...plan.accounts.values()]);
    const accIds = plan.accounts.size > 0 ? await accountIdsByCode(trx, municipality.id) : accountIds;
    const nodeId = (code: string) => nodeIds.get(code) as number;
    const accountId = (code: string | null) => (code === null ? null : (accIds.get(code) as number));
    if (plan.unitAccounts.size > 0) {
      await assignAccounts(
        trx,
        [...plan.unitAccounts].map((k) => {
          const [n, a] = k.split("\u0000") as [string, string];
          return { nodeId: nodeId(n), accountId: accountId(a) as number };
        }),
      );
    }
    let amountChanges: AmountChange[] = [];
    if (plan.amounts.size > 0) {
      amountChanges = await applyAmounts(
        trx,
        municipality.id,
        [...plan.amounts.values()].map((a) => ({
          nodeId: nodeId(a.node),
          accountId: accountId(a.account),
          year: a.year,
          kind: a.kind,
          priceYear: a.priceYear,
          amount: a.amount,
        })),
      );
    }
    if (plan.months.size > 0) {
      result.changed.months = await upsertMonths(
        trx,
        municipality.id,
        [...plan.months.values()].map((m) => ({
          nodeId: nodeId(m.node),
          accountId: accountId(m.account),
          year: m.year,
          month: m.month,
          amount: m.amount,
        })),
      );
      const annual = await applyAnnualActuals(trx, municipality.id, [
        ...new Set([...plan.months.values()].map((m) => m.year)),
      ]);
      amountChanges = amountChanges.length === 0 ? annual : amountChanges.concat(annual);
    }
    result.changed.amounts = amountChanges.length;
    const c = result.changed;
    result.unchanged = c.nodes + c.accounts + c.amounts + c.months === 0;
    if (!result.unchanged) {
      opts.onProgress?.({
        phase: "summerer",
        rows: plan.rows,
        bytesRead: table.size,
        totalBytes: table.size,
      });
      await refreshTotals(trx, municipality.id);
    }
    const importId = await logImport(trx, {
      municipalityId: municipality.id,
      kind: mapping.kind,
      fileName: file,
      sha256: result.sha256,
      rowCount: plan.rows,
      changedCount: c.nodes + c.accounts + c.amounts + c.months,
    });
    // Last, so the audit chain's lock is held only for the record itself and the commit.
    const actor = opts.actor ?? SYSTEM_ACTOR;
    const reason = opts.reason ?? null;
    const entries: AuditEntry[] = [
      {
        actor,
        municipalityId: municipality.id,
        entityType: "import",
        entityId: importId,
        action: "import",
        after: {
          fileName: file,
          sha256: result.sha256,
          kind: mapping.kind,
          rows: plan.rows,
          changed: { ...c },
          changesSha256: amountChangesSha256(amountChanges),
        },
        reason,
      },
      // One record per changed node: an organisation has hundreds or a few thousand nodes, so
      // each unit keeps its own history (historyOf("org_node", id)) without a summary's loss.
      ...nodeChanges.map(
        (n): AuditEntry => ({
          actor,
          municipalityId: municipality.id,
          entityType: "org_node",
          entityId: n.id,
          action: n.before === null ? "create" : "update",
          before: n.before,
          after: n.after,
          reason,
        }),
      ),
    ];
    const [record] = await appendAudits(trx, entries);
    if (record && amountChanges.length > 0) await insertAmountHistory(trx, record.id, amountChanges);
  });
  return { ...result, preview };
}

async function hashFile(path: string | undefined): Promise<string> {
  const hash = createHash("sha256");
  if (path) {
    const { createReadStream } = await import("node:fs");
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}

function orderParentsFirst(nodes: PlannedNode[], root: OrgNode): PlannedNode[] {
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const out: PlannedNode[] = [];
  const done = new Set<string>([root.code]);
  const visit = (n: PlannedNode, depth: number) => {
    if (done.has(n.code) || depth > 64) return;
    const parent = byCode.get(n.parentCode);
    if (parent) visit(parent, depth + 1);
    done.add(n.code);
    out.push(n);
  };
  for (const n of nodes) visit(n, 0);
  return out;
}

function validity(n: { validFrom: number; validTo: number | null }): string {
  return n.validTo === null ? `gyldig fra ${n.validFrom}` : `gyldig ${n.validFrom}-${n.validTo}`;
}

function describe(n: PlannedNode): string {
  return `navn "${n.name}" under ${n.parentCode}`;
}

function parseYearCell(c: Cell | undefined): number | null | undefined {
  const t = cellText(c);
  if (!t) return undefined;
  return /^\d{4}$/.test(t) ? Number(t) : null;
}

function parsePeriod(
  cells: Cell[],
  mc: { year: number; month: number; date: number; amount: number },
  line: number,
  header: (i: number) => string,
  fail: (line: number, column: string | undefined, reason: string, field?: string) => void,
): { year: number; month: number } | undefined {
  if (mc.date >= 0) {
    const t = cellText(cells[mc.date]);
    const m =
      /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(t) ??
      /^(\d{4})(\d{2})$/.exec(t) ??
      /^(\d{1,2})[.-](\d{1,2})[.-](\d{4})$/.exec(t);
    if (m) {
      const isDmy = m[3] !== undefined && (m[3] as string).length === 4;
      const year = Number(isDmy ? m[3] : m[1]);
      const month = Number(m[2]);
      const dayText = isDmy ? m[1] : m[3];
      const day = dayText === undefined ? 1 : Number(dayText);
      // Date.UTC rolls 31 February over into March; a real date comes back unchanged.
      const real = new Date(Date.UTC(year, month - 1, day));
      if (month >= 1 && month <= 12 && day >= 1 && real.getUTCMonth() === month - 1) return { year, month };
    }
    fail(line, header(mc.date), `"${t}" er ikke en dato eller periode (fx 2024-03-31 eller 2024-03)`, "dato");
    return undefined;
  }
  const y = cellText(cells[mc.year]);
  const mText = cellText(cells[mc.month]).toLowerCase();
  if (!/^\d{4}$/.test(y)) {
    fail(line, header(mc.year), `"${y}" er ikke et årstal`, "år");
    return undefined;
  }
  const named = MONTHS_DA.indexOf(mText) + 1;
  const month = named > 0 ? named : /^\d{1,2}$/.test(mText) ? Number(mText) : 0;
  if (month < 1 || month > 12) {
    fail(line, header(mc.month), `"${mText}" er ikke en måned (1-12 eller januar-december)`, "måned");
    return undefined;
  }
  return { year: Number(y), month };
}
