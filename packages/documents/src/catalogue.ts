/**
 * The proposals catalogue ("forslagskatalog") in seed 003's form: a cover with "BUDGET 2023-2026",
 * then per proposal, each on its own page, the kind ("Driftsforslag"), "Skema 2.1.2. 01",
 * "Økonomiudvalget - Administration", the title ("3106 // Medarbejderkommunikation"), the text,
 * "Beløb i 1.000 kr." and the amount table with one row per line and the "I alt" row.
 */

import { formatQuanta, unitDecimals, unitLabel, unitQuantum } from "@bevilling/core";
import { type Block, type Doc, heading, list, pageBreak, paragraph, type TableBlock } from "./model.ts";
import { roundCrossTable } from "./table-rounding.ts";

export interface YearAmount {
  year: number;
  /** Øre. */
  amount: bigint;
}

/** One proposal, with the fields of the services' proposalView (packages/services/src/proposals.ts). */
export interface CatalogueProposal {
  /** "2.1.2. 01". */
  schedule: string;
  /** The municipality's own number, printed before the title as "3106 // …". */
  internalNumber: string | null;
  /** "Driftsforslag". */
  kindLabel: string;
  title: string;
  /** Paragraphs separated by blank lines; lines starting with "- " are list items. */
  text: string;
  committee: string;
  area: string;
  lines: { name: string; amounts: YearAmount[]; total: bigint }[];
  /** Per year, the sum of the lines. */
  totals: YearAmount[];
  total: bigint;
}

export interface CatalogueInput {
  /** "Budget 2023-2026". */
  catalogue: string;
  period: { firstYear: number; lastYear: number };
  /** The author as printed, e.g. "Slagelse Kommune". */
  municipality: string;
  proposals: CatalogueProposal[];
}

// Seed 003 prints its tables in 1.000 kr.
const UNIT = "tkr";

/** The catalogue as a document, ready for any of the renderers. */
export function proposalCatalogueDocument(input: CatalogueInput): Doc {
  const { firstYear, lastYear } = input.period;
  const kinds = distinct(input.proposals.map((p) => p.kindLabel));
  const committees = distinct(input.proposals.map((p) => p.committee));
  const blocks: Block[] = [];
  if (committees.length > 0) blocks.push(paragraph(committees.join(", ")));
  blocks.push(paragraph(input.municipality));
  if (input.proposals.length === 0) blocks.push(paragraph("Kataloget indeholder ingen forslag."));
  for (const p of input.proposals) {
    blocks.push(pageBreak, ...proposalBlocks(p, input.period));
  }
  const doc: Doc = {
    title: `BUDGET ${firstYear}-${lastYear}`,
    meta: { municipality: input.municipality },
    blocks,
  };
  if (kinds.length > 0) doc.subtitle = kinds.join(", ");
  return doc;
}

function proposalBlocks(p: CatalogueProposal, period: CatalogueInput["period"]): Block[] {
  const where = p.area.trim() === "" ? p.committee : `${p.committee} - ${p.area}`;
  const title = p.internalNumber ? `${p.internalNumber} // ${p.title}` : p.title;
  return [
    heading(1, p.kindLabel),
    paragraph(`Skema ${p.schedule}`, { italic: true }),
    paragraph(where, { italic: true }),
    heading(2, title),
    ...textBlocks(p.text),
    amountTable(p, period),
  ];
}

/**
 * The text as paragraphs (split on blank lines). Within a paragraph, lines starting with "- "
 * or "• " become a bulleted list and the other lines run together as one paragraph, as the
 * lines of a printed paragraph were only wrapped.
 */
export function textBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of text.split(/\r?\n\s*\r?\n/u)) {
    let prose: string[] = [];
    let items: string[] = [];
    const flush = () => {
      if (prose.length > 0) blocks.push(paragraph(prose.join(" ")));
      if (items.length > 0) blocks.push(list(items));
      prose = [];
      items = [];
    };
    for (const raw of chunk.split(/\r?\n/u)) {
      const line = raw.trim();
      if (line === "") continue;
      const item = /^[-•]\s+(.*)$/u.exec(line);
      if (item) {
        if (prose.length > 0) flush();
        items.push(item[1] ?? "");
      } else {
        if (items.length > 0) flush();
        prose.push(line);
      }
    }
    flush();
  }
  return blocks;
}

/**
 * "Budgetoverslag | 2023 | … | 2026 | I alt", a row per line and the "I alt" row, in 1.000 kr.
 *
 * The whole table is rounded at once (roundCrossTable) so that it adds up as printed: each
 * line's years sum to its printed total, each year's lines sum to the printed "I alt", and both
 * margins sum to the grand total. Amounts in whole thousands print exactly, so seed 003's
 * figures come out unchanged. One deliberate difference: seed 003 prints the yearly "I alt"
 * figures without a thousands separator ("4500"); we print every figure the same way ("4.500").
 *
 * An empty cell (a line without an amount that year) stays empty, as in seed 003; the "I alt"
 * row prints every year, 0 included.
 */
export function amountTable(p: CatalogueProposal, period: CatalogueInput["period"]): TableBlock {
  const where = `Skema ${p.schedule}`;
  const years = tableYears(p, period);
  const lines = p.lines.map((line, i) => {
    const byYear = new Map<number, bigint>();
    for (const { year, amount } of line.amounts) {
      if (byYear.has(year)) throw new Error(`${where}, linje ${i + 1}: året ${year} står to gange`);
      byYear.set(year, amount);
    }
    const sum = [...byYear.values()].reduce((a, b) => a + b, 0n);
    if (sum !== line.total) {
      throw new Error(
        `${where}, linje ${i + 1}: totalen er ${line.total} øre, men årene summer til ${sum} øre`,
      );
    }
    return { name: line.name, byYear };
  });
  for (const { year, amount } of p.totals) {
    const sum = lines.reduce((a, l) => a + (l.byYear.get(year) ?? 0n), 0n);
    if (sum !== amount) {
      throw new Error(`${where}: "I alt" for ${year} er ${amount} øre, men linjerne summer til ${sum} øre`);
    }
  }
  const grand = lines.reduce((a, l) => a + [...l.byYear.values()].reduce((x, y) => x + y, 0n), 0n);
  if (grand !== p.total) {
    throw new Error(`${where}: "I alt" er ${p.total} øre, men linjerne summer til ${grand} øre`);
  }

  const rounded = roundCrossTable(
    lines.map((l) => years.map((y) => l.byYear.get(y) ?? 0n)),
    unitQuantum(UNIT),
  );
  const figure = (quanta: bigint) => formatQuanta(quanta, unitDecimals(UNIT));
  const printedLine = (i: number) => rounded.cells[i] ?? [];
  return {
    type: "table",
    name: where,
    caption: `Beløb i ${unitLabel(UNIT)}`,
    columns: [
      { header: "Budgetoverslag", align: "left" },
      ...years.map((y) => ({ header: String(y), align: "right" as const })),
      { header: "I alt", align: "right" },
    ],
    rows: [
      ...lines.map((l, i) => ({
        cells: [
          l.name,
          ...years.map((y, k) => (l.byYear.has(y) ? figure(printedLine(i)[k] ?? 0n) : "")),
          figure(rounded.rowTotals[i] ?? 0n),
        ],
      })),
      {
        kind: "total" as const,
        // Without lines the rounding has no columns; the years then print 0.
        cells: [
          "I alt",
          ...years.map((_, k) => figure(rounded.columnTotals[k] ?? 0n)),
          figure(rounded.total),
        ],
      },
    ],
  };
}

/** The period's years, and any other year a line or total has (so the table still adds up). */
function tableYears(p: CatalogueProposal, period: CatalogueInput["period"]): number[] {
  const years = new Set<number>();
  for (let y = period.firstYear; y <= period.lastYear; y++) years.add(y);
  for (const line of p.lines) for (const { year } of line.amounts) years.add(year);
  for (const { year } of p.totals) years.add(year);
  return [...years].sort((a, b) => a - b);
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ""))];
}
