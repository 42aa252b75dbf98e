/**
 * The proposals catalogue as an Excel workbook that can be edited and read back in:
 *
 * - Sheet "Forslag": "BUDGET 2023-2026" in the first row, then a table with one row per proposal:
 *   Skema | Internt nummer | Art | Status | Udvalg | Område | Titel | Henvisninger | Tekst.
 * - One sheet per proposal, named "Skema 2.1.2. 01": "Beløb i 1.000 kr.", the header
 *   "Budgetoverslag | 2023 | … | 2026 | I alt", a row per line and the "I alt" row.
 *
 * The export writes every amount exactly (as many decimals in 1.000 kr. as it takes), not rounded
 * for print like the other formats, so that exporting and reading back changes nothing. Reading
 * collects every problem with its sheet, row, column and a Danish reason; the "I alt" row and
 * column are the export's sums and are not read (the totals are always computed from the lines).
 */

import {
  formatQuanta,
  normalizeScheduleNumber,
  PROPOSAL_KIND_LABEL,
  PROPOSAL_KINDS,
  PROPOSAL_STATUS_LABEL,
  PROPOSAL_STATUSES,
  type Proposal,
  type ProposalKind,
  type ProposalLine,
  type ProposalPeriod,
  type ProposalReference,
  type ProposalStatus,
  parseProposalKind,
  parseScheduleNumber,
  parseUnit,
  unitFactor,
  unitLabel,
} from "@bevilling/core";
import type { Doc, TableBlock } from "@bevilling/documents";
import { type Cell, type FileError, isEmptyCell, parseAmountOre, type SourceRow } from "@bevilling/io";

export const INDEX_SHEET = "Forslag";

const COLUMNS = {
  schedule: "Skema",
  internalNumber: "Internt nummer",
  kind: "Art",
  status: "Status",
  committee: "Udvalg",
  area: "Område",
  title: "Titel",
  references: "Henvisninger",
  text: "Tekst",
} as const;

type Column = keyof typeof COLUMNS;

const INDEX_COLUMNS: readonly Column[] = [
  "schedule",
  "internalNumber",
  "kind",
  "status",
  "committee",
  "area",
  "title",
  "references",
  "text",
];

/** The status may be left out: it is decided in Bevilling (see importCatalogueXlsx). */
const OPTIONAL_COLUMNS: ReadonlySet<Column> = new Set(["status"]);

const UNIT = "tkr";
const RELATION_TEXT: Record<ProposalReference["relation"], string> = {
  alternative_to: "Alternativ til",
  related: "Henviser til",
};
/** Øre that fit the database and every JSON answer (the API's amounts have at most 17 digits). */
const MAX_ORE = 10n ** 17n;

/** The proposal as the export needs it: the services' proposalView. */
export interface WorkbookProposal {
  schedule: string;
  internalNumber: string | null;
  kind: ProposalKind;
  status: ProposalStatus;
  title: string;
  text: string;
  committee: string;
  area: string;
  lines: { name: string; amounts: { year: number; amount: bigint }[] }[];
  references: ProposalReference[];
}

/** "Alternativ til skema 8.1.2. 01; Henviser til skema 2.1.2. 03". */
export function referencesText(refs: readonly ProposalReference[]): string {
  return refs.map((r) => `${RELATION_TEXT[r.relation]} skema ${r.schedule}`).join("; ");
}

/** An amount in 1.000 kr. with exactly as many decimals as it needs ("1.750", "0,5", "-0,00001"). */
function exactThousands(ore: bigint): string {
  const factor = unitFactor(UNIT);
  let decimals = 0;
  let quantum = factor;
  while (ore % quantum !== 0n) {
    decimals++;
    quantum /= 10n;
  }
  return formatQuanta(ore / quantum, decimals);
}

function amountSheet(p: WorkbookProposal, period: ProposalPeriod): TableBlock {
  const years = new Set<number>();
  for (let y = period.firstYear; y <= period.lastYear; y++) years.add(y);
  for (const l of p.lines) for (const a of l.amounts) years.add(a.year);
  const sorted = [...years].sort((a, b) => a - b);
  const sum = (xs: Iterable<bigint>) => [...xs].reduce((a, b) => a + b, 0n);
  const lines = p.lines.map((l) => ({
    name: l.name,
    byYear: new Map(l.amounts.map((a) => [a.year, a.amount])),
  }));
  return {
    type: "table",
    name: `Skema ${p.schedule}`,
    caption: `Beløb i ${unitLabel(UNIT)}`,
    columns: [
      { header: "Budgetoverslag", align: "left" },
      ...sorted.map((y) => ({ header: String(y), align: "right" as const })),
      { header: "I alt", align: "right" },
    ],
    rows: [
      ...lines.map((l) => ({
        cells: [
          l.name,
          ...sorted.map((y) => {
            const a = l.byYear.get(y);
            return a === undefined ? "" : exactThousands(a);
          }),
          exactThousands(sum(l.byYear.values())),
        ],
      })),
      {
        kind: "total" as const,
        cells: [
          "I alt",
          ...sorted.map((y) => exactThousands(sum(lines.map((l) => l.byYear.get(y) ?? 0n)))),
          exactThousands(sum(lines.flatMap((l) => [...l.byYear.values()]))),
        ],
      },
    ],
  };
}

/** The workbook's document (for renderXlsx): the "Forslag" sheet and a sheet per proposal. */
export function catalogueWorkbookDoc(input: {
  period: ProposalPeriod;
  municipality: string;
  proposals: readonly WorkbookProposal[];
}): Doc {
  const { firstYear, lastYear } = input.period;
  const index: TableBlock = {
    type: "table",
    name: INDEX_SHEET,
    caption: `BUDGET ${firstYear}-${lastYear}, ${input.municipality}`,
    columns: INDEX_COLUMNS.map((c) => ({ header: COLUMNS[c], align: "left" as const })),
    rows: input.proposals.map((p) => ({
      cells: [
        p.schedule,
        p.internalNumber ?? "",
        PROPOSAL_KIND_LABEL[p.kind],
        PROPOSAL_STATUS_LABEL[p.status],
        p.committee,
        p.area,
        p.title,
        referencesText(p.references),
        p.text,
      ],
    })),
  };
  return {
    title: `BUDGET ${firstYear}-${lastYear}`,
    meta: { municipality: input.municipality },
    blocks: [index, ...input.proposals.map((p) => amountSheet(p, input.period))],
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ReadWorkbook {
  period?: ProposalPeriod;
  /** In the order of the "Forslag" sheet. */
  proposals: Proposal[];
  errors: FileError[];
}

/** Excel's column letter for a 0-based index: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return "";
  return typeof cell === "number" ? String(cell) : cell;
}

const fold = (s: string) => s.trim().replace(/\s+/gu, " ").toLocaleLowerCase("da");

function parseStatus(label: string): ProposalStatus | undefined {
  const wanted = fold(label);
  return PROPOSAL_STATUSES.find((s) => fold(PROPOSAL_STATUS_LABEL[s]) === wanted || s === wanted);
}

function parseKind(label: string): ProposalKind | undefined {
  return parseProposalKind(label) ?? PROPOSAL_KINDS.find((k) => k === fold(label));
}

/** "Alternativ til skema 8.1.2. 01; Henviser til skema 2.1.2. 03" back to references. */
function parseReferences(text: string): { refs: ProposalReference[]; problem?: string } {
  const refs: ProposalReference[] = [];
  for (const part of text.split(/[;\n]/u)) {
    const s = part.trim();
    if (s === "") continue;
    const m = /^(alternativ til|henviser til)\s+(?:skema\s+)?(.+)$/iu.exec(s);
    const schedule = m ? normalizeScheduleNumber(m[2] ?? "") : undefined;
    if (!m || schedule === undefined) {
      return {
        refs,
        problem: `»${s}« er ikke en henvisning; skriv fx »Alternativ til skema 8.1.2. 01« eller »Henviser til skema 2.1.2. 03«, adskilt af semikolon`,
      };
    }
    if (refs.some((r) => r.schedule === schedule)) {
      return { refs, problem: `skema ${schedule} står to gange i henvisningerne` };
    }
    refs.push({ schedule, relation: fold(m[1] ?? "") === "alternativ til" ? "alternative_to" : "related" });
  }
  // In schedule order, as they are stored and read back.
  return { refs: refs.sort((a, b) => (a.schedule < b.schedule ? -1 : a.schedule > b.schedule ? 1 : 0)) };
}

interface IndexRow {
  line: number;
  proposal: Proposal;
}

function readIndex(
  fileName: string,
  rows: readonly SourceRow[],
  sheet: string,
  errors: FileError[],
): { period?: ProposalPeriod; rows: IndexRow[]; mentioned: Set<string> | null } {
  const at = (line: number | undefined, column: string | undefined, reason: string) => {
    errors.push({
      file: fileName,
      sheet,
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      reason,
    });
  };
  const headerIndex = rows.findIndex((r) => r.cells.some((c) => fold(cellText(c)) === "skema"));
  if (headerIndex < 0) {
    at(
      undefined,
      undefined,
      `overskriftsrækken med kolonnerne ${INDEX_COLUMNS.map((c) => `»${COLUMNS[c]}«`).join(", ")} mangler`,
    );
    return { rows: [], mentioned: null };
  }
  const header = rows[headerIndex] as SourceRow;
  let period: ProposalPeriod | undefined;
  for (const r of rows.slice(0, headerIndex)) {
    for (const c of r.cells) {
      const m = /budget\s+(\d{4})\s*[-\u2013]\s*(\d{4})/iu.exec(cellText(c));
      if (m && !period) period = { firstYear: Number(m[1]), lastYear: Number(m[2]) };
    }
  }
  if (!period) {
    at(1, undefined, 'overskriften "BUDGET 2023-2026" (budgetperioden) mangler over tabellen');
  } else if (period.firstYear > period.lastYear || period.firstYear < 1990 || period.lastYear > 2110) {
    at(1, undefined, `budgetperioden ${period.firstYear}-${period.lastYear} er ikke en gyldig periode`);
    period = undefined;
  }
  const position = new Map<Column, number>();
  header.cells.forEach((c, i) => {
    const name = fold(cellText(c));
    const col = INDEX_COLUMNS.find((k) => fold(COLUMNS[k]) === name);
    if (col === undefined) return;
    if (position.has(col)) at(header.line, columnLetter(i), `kolonnen "${COLUMNS[col]}" står to gange`);
    else position.set(col, i);
  });
  const missing = INDEX_COLUMNS.filter((c) => !position.has(c) && !OPTIONAL_COLUMNS.has(c));
  for (const c of missing)
    at(header.line, COLUMNS[c], `kolonnen "${COLUMNS[c]}" mangler i overskriftsrækken`);
  const seen = new Map<string, number>();
  // Without the columns the rows cannot be read, nor the sheets matched to them.
  if (missing.length > 0)
    return period ? { period, rows: [], mentioned: null } : { rows: [], mentioned: null };

  const out: IndexRow[] = [];
  for (const row of rows.slice(headerIndex + 1)) {
    const get = (c: Column) => {
      const i = position.get(c);
      return i === undefined ? "" : cellText(row.cells[i]);
    };
    const problem = (c: Column, reason: string) => at(row.line, COLUMNS[c], reason);
    const before = errors.length;
    const rawSchedule = get("schedule").trim();
    const schedule = normalizeScheduleNumber(rawSchedule);
    if (rawSchedule === "") problem("schedule", "skemanummeret mangler");
    else if (schedule === undefined)
      problem("schedule", `»${rawSchedule}« er ikke et skemanummer som 2.1.2. 05`);
    else if (seen.has(schedule))
      problem("schedule", `skema ${schedule} står også i linje ${seen.get(schedule)}`);
    else seen.set(schedule, row.line);
    const kindText = get("kind").trim();
    const kind = parseKind(kindText);
    if (!kind) {
      problem(
        "kind",
        kindText === ""
          ? "forslagsarten mangler"
          : `»${kindText}« er ikke en forslagsart; brug ${PROPOSAL_KINDS.map((k) => PROPOSAL_KIND_LABEL[k]).join(", ")}`,
      );
    }
    const statusText = get("status").trim();
    const status = statusText === "" ? "submitted" : parseStatus(statusText);
    if (!status) {
      problem(
        "status",
        `»${statusText}« er ikke en status; brug ${PROPOSAL_STATUSES.map((s) => PROPOSAL_STATUS_LABEL[s]).join(", ")}`,
      );
    }
    const title = get("title").trim();
    if (title === "") problem("title", "titlen mangler");
    else if (title.length > 300) problem("title", "titlen må højst have 300 tegn");
    const committee = get("committee").trim();
    if (committee === "") problem("committee", "udvalget mangler");
    else if (committee.length > 200) problem("committee", "udvalget må højst have 200 tegn");
    const area = get("area").trim();
    if (area.length > 200) problem("area", "området må højst have 200 tegn");
    const internalNumber = get("internalNumber").trim();
    if (internalNumber.length > 50) problem("internalNumber", "det interne nummer må højst have 50 tegn");
    const text = get("text").replace(/\r\n?/gu, "\n");
    if (text.length > 50_000) problem("text", "teksten må højst have 50.000 tegn");
    const refs = parseReferences(get("references"));
    if (refs.problem) problem("references", refs.problem);
    else if (schedule !== undefined && refs.refs.some((r) => r.schedule === schedule)) {
      problem("references", `skema ${schedule} kan ikke henvise til sig selv`);
    }
    if (errors.length > before || !schedule || !kind || !status) continue;
    const proposal: Proposal = {
      schedule,
      kind,
      title,
      text,
      committee,
      area,
      lines: [],
      status,
      references: refs.refs,
    };
    if (internalNumber !== "") proposal.internalNumber = internalNumber;
    out.push({ line: row.line, proposal });
  }
  if (out.length === 0 && errors.length === 0) at(undefined, undefined, "arket indeholder ingen forslag");
  const mentioned = new Set(seen.keys());
  return period ? { period, rows: out, mentioned } : { rows: out, mentioned };
}

/** The lines of one proposal's sheet. */
function readAmounts(
  fileName: string,
  rows: readonly SourceRow[],
  sheet: string,
  errors: FileError[],
): ProposalLine[] {
  const at = (line: number | undefined, column: string | undefined, reason: string) => {
    errors.push({
      file: fileName,
      sheet,
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      reason,
    });
  };
  const headerIndex = rows.findIndex((r) => fold(cellText(r.cells[0])) === "budgetoverslag");
  if (headerIndex < 0) {
    at(undefined, undefined, "overskriftsrækken »Budgetoverslag | 2023 | … | I alt« mangler");
    return [];
  }
  let unit: "kr" | "tkr" | "mio" = UNIT;
  for (const r of rows.slice(0, headerIndex)) {
    const m = /^\s*beløb\s+(i\s+.+)$/iu.exec(cellText(r.cells[0]));
    const parsed = m ? parseUnit(m[1] ?? "") : undefined;
    if (m && !parsed)
      at(r.line, "A", `»${cellText(r.cells[0]).trim()}« er ikke en kendt enhed; brug fx »Beløb i 1.000 kr.«`);
    if (parsed) unit = parsed;
  }
  const header = rows[headerIndex] as SourceRow;
  /** Column index → year; the "I alt" column and unnamed columns are not read. */
  const years = new Map<number, number>();
  const ignored = new Set<number>();
  const bad = new Set<number>();
  header.cells.forEach((c, i) => {
    if (i === 0) return;
    const text = cellText(c).trim();
    if (text === "" || fold(text) === "i alt") {
      ignored.add(i);
      return;
    }
    const year = /^\d{4}$/u.test(text) ? Number(text) : Number.NaN;
    if (Number.isNaN(year) || year < 1990 || year > 2110) {
      bad.add(i);
      at(header.line, columnLetter(i), `overskriften »${text}« er hverken et årstal eller »I alt«`);
    } else if ([...years.values()].includes(year)) {
      bad.add(i);
      at(header.line, columnLetter(i), `året ${year} står i to kolonner`);
    } else years.set(i, year);
  });

  const lines: ProposalLine[] = [];
  let totalRow: number | undefined;
  for (const row of rows.slice(headerIndex + 1)) {
    const name = cellText(row.cells[0]).trim();
    if (totalRow !== undefined) {
      at(
        row.line,
        undefined,
        `uventet række efter »I alt« (linje ${totalRow}); linjerne skal stå over »I alt«`,
      );
      continue;
    }
    if (fold(name) === "i alt") {
      totalRow = row.line;
      continue;
    }
    if (name.length > 300) at(row.line, "Budgetoverslag", "linjens navn må højst have 300 tegn");
    const amounts = new Map<number, bigint>();
    row.cells.forEach((cell, i) => {
      if (i === 0 || isEmptyCell(cell) || bad.has(i)) return;
      const year = years.get(i);
      if (year === undefined) {
        if (!ignored.has(i) || cellText(header.cells[i]).trim() === "") {
          at(
            row.line,
            columnLetter(i),
            `kolonnen har ikke et årstal i overskriften, men cellen har »${cellText(cell)}«`,
          );
        }
        return;
      }
      const parsed = parseAmountOre(cell, unit, "da");
      if (!parsed.ok) {
        at(row.line, String(year), `${parsed.reason}; beløbene er i ${unitLabel(unit)}`);
      } else if (parsed.ore >= MAX_ORE || parsed.ore <= -MAX_ORE) {
        at(row.line, String(year), `»${cellText(cell)}« er for stort et beløb`);
      } else amounts.set(year, parsed.ore);
    });
    lines.push({ name, amounts });
  }
  if (lines.length > 50)
    at(undefined, undefined, `arket har ${lines.length} linjer; et forslag kan højst have 50`);
  return lines;
}

/**
 * Reads the workbook's sheets (see the layout above) into proposals, as submitted unless the
 * "Status" column says otherwise. Any problem is an error; the proposals are then incomplete and
 * must not be stored.
 */
export function readCatalogueWorkbook(
  fileName: string,
  sheets: readonly { sheet: string; rows: SourceRow[] }[],
): ReadWorkbook {
  const errors: FileError[] = [];
  const index = sheets.find((s) => fold(s.sheet) === fold(INDEX_SHEET));
  if (!index) {
    errors.push({
      file: fileName,
      reason: `projektmappen har intet ark »${INDEX_SHEET}« med forslagenes skema, art, udvalg, område, titel og tekst; hent kataloget som Excel i Bevilling for at se opstillingen`,
    });
    return { proposals: [], errors };
  }
  const read = readIndex(fileName, index.rows, index.sheet, errors);
  const bySchedule = new Map<string, { sheet: string; rows: SourceRow[] }>();
  for (const s of sheets) {
    if (s === index) continue;
    const schedule = parseScheduleNumber(s.sheet);
    // Other sheets (the user's own notes) are not part of the catalogue.
    if (schedule === undefined) continue;
    const other = bySchedule.get(schedule);
    if (other) {
      errors.push({
        file: fileName,
        sheet: s.sheet,
        reason: `arket er skema ${schedule} ligesom arket »${other.sheet}«`,
      });
      continue;
    }
    bySchedule.set(schedule, s);
  }
  const listed = new Set<string>();
  for (const { line, proposal } of read.rows) {
    listed.add(proposal.schedule);
    const s = bySchedule.get(proposal.schedule);
    if (!s) {
      errors.push({
        file: fileName,
        sheet: index.sheet,
        line,
        column: COLUMNS.schedule,
        reason: `arket »Skema ${proposal.schedule}« med forslagets beløb mangler`,
      });
      continue;
    }
    proposal.lines = readAmounts(fileName, s.rows, s.sheet, errors);
  }
  for (const [schedule, s] of bySchedule) {
    // A row that could not be read has its own error already.
    if (read.mentioned !== null && !listed.has(schedule) && !read.mentioned.has(schedule)) {
      errors.push({
        file: fileName,
        sheet: s.sheet,
        reason: `skema ${schedule} står ikke i arket »${index.sheet}«; tilføj en række med skemaets art, udvalg, område, titel og tekst`,
      });
    }
  }
  const proposals = read.rows.map((r) => r.proposal);
  return read.period ? { period: read.period, proposals, errors } : { proposals, errors };
}
