/**
 * The budget remarks (budgetbemærkninger) as documents:
 *
 * - a committee's remarks in seed 000's form (Sorø, Økonomiudvalget 2025): the committee as the
 *   title, the introduction, "Budget for Økonomiudvalget:", "Note: Alle tal er i 2025-priser.",
 *   the multi-year table ("År | 2023 …" over "(1.000 kr.) | Regnskab | Budget - oprindeligt |
 *   Budget …", the committee's row first, then its areas), "Budgetaftalen 2025" with one bullet
 *   per adopted item, and the narrative sections;
 * - areas' remarks in seed 001's form (Kalundborg 2024): "Bemærkninger - Økonomiudvalget", then
 *   per area its name, "Samlet nettobudget for området: 50.190.100 kr.", "Budgetgrundlag" (the
 *   generated sentences and any text users added), "Beskrivelse af området" and "Udvikling og
 *   udfordringer", and at the end the net budgets as a table (the spreadsheet's content).
 *
 * The builders only arrange: figures arrive as exact øre and sentences already written (core's
 * remarks.ts); the tables are rounded here, once, so that they add up as printed and every
 * format prints the same figures.
 */

import { type AmountUnit, formatQuanta, unitDecimals, unitLabel, unitQuantum } from "@bevilling/core";
import {
  type Block,
  type Doc,
  type HeadingLevel,
  heading,
  MAX_LIST_LEVEL,
  note,
  pageBreak,
  paragraph,
  type TableBlock,
} from "./model.ts";
import { roundCrossTable } from "./table-rounding.ts";

/** What a user-written section is, which decides where it is printed. */
export type RemarkSectionKind = "intro" | "section" | "subsection" | "description" | "development" | "basis";

export const REMARK_SECTION_KINDS: readonly RemarkSectionKind[] = Object.freeze([
  "intro",
  "section",
  "subsection",
  "description",
  "development",
  "basis",
] as const);

/** The fixed headings of an area's remarks (seed 001). */
export const AREA_HEADINGS = Object.freeze({
  basis: "Budgetgrundlag",
  description: "Beskrivelse af området",
  development: "Udvikling og udfordringer",
});

export interface RemarkSectionInput {
  kind: RemarkSectionKind;
  /** May be empty: the section then continues what comes before it. */
  heading: string;
  /** Plain text: paragraphs separated by blank lines, "- " bullets, "  - " nested bullets. */
  body: string;
}

export interface CommitteeRemarksInput {
  /** The author as printed, e.g. "Sorø Kommune". */
  municipality: string;
  /** "Økonomiudvalget". */
  committee: string;
  budgetYear: number;
  /** "Alle tal er i 2025-priser." */
  priceNote: string;
  table: {
    unit: AmountUnit;
    /** One per column: the year and what it is ("Regnskab", "Budget - oprindeligt", "Budget"). */
    columns: { year: number; label: string }[];
    /** The committee's areas, each with one exact value in øre per column. */
    rows: { label: string; values: bigint[] }[];
  };
  /** The adopted budget agreement's items on the committee, written; null: none adopted. */
  agreement: { budgetYear: number; items: string[] } | null;
  /** In the order they are printed; "intro" sections come before the table wherever they are. */
  sections: RemarkSectionInput[];
}

export interface AreaRemarksArea {
  /** "Jobcenter". */
  name: string;
  /** The budget B of the area's whole subtree, exact øre; printed in whole kroner. */
  netBudget: bigint;
  /** The generated "Budgetgrundlag" sentences, one paragraph each. */
  basis: string[];
  sections: RemarkSectionInput[];
}

export interface AreaRemarksInput {
  municipality: string;
  budgetYear: number;
  /** One or more committees, each with the areas to print, in order. */
  committees: { name: string; areas: AreaRemarksArea[] }[];
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * A section's plain text as paragraphs and lists. Paragraphs are separated by blank lines; the
 * lines of a paragraph run together (they were only wrapped). A line starting with "- " or
 * "• " is a bullet; indented by one or two spaces it is nested one level, by three or four two
 * levels, never deeper than one below the bullet before it.
 */
export function remarkTextBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of text.split(/\r?\n[ \t]*\r?\n/u)) {
    let prose: string[] = [];
    let items: string[] = [];
    let levels: number[] = [];
    const flush = () => {
      if (prose.length > 0) blocks.push(paragraph(prose.join(" ")));
      if (items.length > 0) {
        blocks.push(levels.some((l) => l > 0) ? { type: "list", items, levels } : { type: "list", items });
      }
      prose = [];
      items = [];
      levels = [];
    };
    for (const raw of chunk.split(/\r?\n/u)) {
      if (raw.trim() === "") continue;
      const bullet = /^([ \t]*)[-•][ \t]+(.*)$/u.exec(raw.replace(/\s+$/u, ""));
      if (bullet) {
        if (prose.length > 0) flush();
        const indent = (bullet[1] ?? "").replaceAll("\t", "  ").length;
        const before = levels.length === 0 ? -1 : (levels[levels.length - 1] as number);
        levels.push(Math.min(Math.ceil(indent / 2), before + 1, MAX_LIST_LEVEL));
        items.push((bullet[2] ?? "").trim());
      } else {
        if (items.length > 0) flush();
        prose.push(raw.trim());
      }
    }
    flush();
  }
  return blocks;
}

/** A heading, or (below level 3, which documents do not have) a bold paragraph. */
function headingAt(level: number, text: string): Block {
  return level <= 3 ? heading(level as HeadingLevel, text) : paragraph(text, { bold: true });
}

function sectionBlocks(s: RemarkSectionInput, level: number): Block[] {
  const title = s.heading.trim();
  return [...(title === "" ? [] : [headingAt(level, title)]), ...remarkTextBlocks(s.body)];
}

// ---------------------------------------------------------------------------------------------
// A committee's remarks (seed 000)

/**
 * Seed 000's table: "År | 2023 | … | 2028" above "(1.000 kr.) | Regnskab | Budget - oprindeligt |
 * Budget | …", the committee's row (bold) and then its areas. Each year's column is rounded on its
 * own (roundCrossTable with one column), so the areas add up to the committee's printed figure
 * and every figure is within one unit of the exact one; a whole number of units prints exactly.
 */
export function committeeTable(input: CommitteeRemarksInput): TableBlock {
  const { unit, columns, rows } = input.table;
  rows.forEach((r, i) => {
    if (r.values.length !== columns.length) {
      throw new RangeError(
        `Række ${i + 1} (${r.label}) har ${r.values.length} beløb, men tabellen har ${columns.length} kolonner`,
      );
    }
  });
  const quantum = unitQuantum(unit);
  const decimals = unitDecimals(unit);
  const figure = (q: bigint) => formatQuanta(q, decimals);
  const rounded = columns.map((_, j) =>
    roundCrossTable(
      rows.map((r) => [r.values[j] as bigint]),
      quantum,
    ),
  );
  return {
    type: "table",
    name: `Budget for ${input.committee}`,
    columns: [
      { header: `(${unitLabel(unit)})`, align: "left" },
      ...columns.map((c) => ({ header: c.label, align: "right" as const })),
    ],
    headerRows: [["År", ...columns.map((c) => String(c.year))]],
    rows: [
      { kind: "total", cells: [input.committee, ...rounded.map((r) => figure(r.total))] },
      ...rows.map((r, i) => ({
        cells: [r.label, ...rounded.map((c) => figure(c.cells[i]?.[0] ?? 0n))],
      })),
    ],
  };
}

/** The lead of "Budgetaftalen 2025" (seed 000), with the year from the agreement. */
export function agreementLead(budgetYear: number): string {
  return `Med budgetaftalen for ${budgetYear} har kommunalbestyrelsen vedtaget en række reguleringer i budgettet. Disse består af:`;
}

/** A committee's remarks in seed 000's form, ready for any of the renderers. */
export function committeeRemarksDocument(input: CommitteeRemarksInput): Doc {
  const blocks: Block[] = [];
  const intro = input.sections.filter((s) => s.kind === "intro");
  const rest = input.sections.filter((s) => s.kind !== "intro");
  for (const s of intro) blocks.push(...sectionBlocks(s, 1));
  blocks.push(paragraph(`Budget for ${input.committee}:`), note(`Note: ${input.priceNote}`));
  blocks.push(committeeTable(input));
  if (input.agreement) {
    const year = input.agreement.budgetYear;
    blocks.push(heading(1, `Budgetaftalen ${year}`));
    if (input.agreement.items.length === 0) {
      blocks.push(
        paragraph(`Budgetaftalen for ${year} indeholder ingen reguleringer på ${input.committee}s område.`),
      );
    } else {
      blocks.push(paragraph(agreementLead(year)), { type: "list", items: [...input.agreement.items] });
    }
  }
  for (const s of rest) {
    const fallback = s.kind in AREA_HEADINGS ? AREA_HEADINGS[s.kind as keyof typeof AREA_HEADINGS] : "";
    const titled = s.heading.trim() === "" && fallback !== "" ? { ...s, heading: fallback } : s;
    blocks.push(...sectionBlocks(titled, s.kind === "subsection" ? 2 : 1));
  }
  return {
    title: input.committee,
    subtitle: `Bemærkninger til budget ${input.budgetYear}`,
    meta: { municipality: input.municipality },
    blocks,
  };
}

// ---------------------------------------------------------------------------------------------
// Areas' remarks (seed 001)

const AREA_GROUPS = ["basis", "description", "development"] as const;

/** "Samlet nettobudget for området: 50.190.100 kr." from whole kroner. */
export function netBudgetText(kroner: bigint): string {
  return `Samlet nettobudget for området: ${formatQuanta(kroner, 0)} kr.`;
}

function areaBlocks(area: AreaRemarksArea, kroner: bigint, level: number): Block[] {
  const blocks: Block[] = [headingAt(level, area.name), paragraph(netBudgetText(kroner))];
  for (const group of AREA_GROUPS) {
    const own = area.sections.filter((s) => s.kind === group);
    const generated = group === "basis" ? area.basis : [];
    if (own.length === 0 && generated.length === 0) continue;
    const title = AREA_HEADINGS[group];
    blocks.push(headingAt(level + 1, title));
    for (const sentence of generated) blocks.push(paragraph(sentence));
    for (const s of own) {
      const same = s.heading.trim().toLocaleLowerCase("da") === title.toLocaleLowerCase("da");
      blocks.push(...sectionBlocks(same ? { ...s, heading: "" } : s, level + 2));
    }
  }
  for (const s of area.sections.filter((x) => !(AREA_GROUPS as readonly string[]).includes(x.kind))) {
    blocks.push(...sectionBlocks(s, s.kind === "subsection" ? level + 2 : level + 1));
  }
  return blocks;
}

/**
 * Areas' remarks in seed 001's form. With one committee the document is "Bemærkninger -
 * {udvalg}" and each area a level-1 heading; with several, each committee gets a level-1
 * heading of that name (on a new page) and its areas level 2. Each committee's net budgets are
 * rounded to whole kroner together (roundCrossTable), so the sentences and the closing table
 * print the same figures and the table adds up to the committee's total as printed.
 */
export function areaRemarksDocument(input: AreaRemarksInput): Doc {
  const single = input.committees.length === 1 ? input.committees[0] : undefined;
  const level = single ? 1 : 2;
  const blocks: Block[] = [];
  const tables: TableBlock[] = [];
  input.committees.forEach((c, k) => {
    const rounded = roundCrossTable(
      c.areas.map((a) => [a.netBudget]),
      100n,
    );
    if (!single) {
      if (k > 0) blocks.push(pageBreak);
      blocks.push(heading(1, `Bemærkninger - ${c.name}`));
    }
    if (c.areas.length === 0)
      blocks.push(paragraph(`${c.name} har ingen bevillingsområder i ${input.budgetYear}.`));
    c.areas.forEach((a, i) => {
      blocks.push(...areaBlocks(a, rounded.cells[i]?.[0] ?? 0n, level));
    });
    tables.push({
      type: "table",
      name: `Nettobudget ${c.name}`,
      caption: `Samlet nettobudget ${input.budgetYear} pr. område, beløb i kr.`,
      columns: [
        { header: "Område", align: "left" },
        { header: "Budget", align: "right" },
      ],
      rows: [
        ...c.areas.map((a, i) => ({ cells: [a.name, formatQuanta(rounded.cells[i]?.[0] ?? 0n, 0)] })),
        { kind: "total" as const, cells: [`${c.name} i alt`, formatQuanta(rounded.total, 0)] },
      ],
    });
  });
  blocks.push(heading(1, "Samlet nettobudget pr. område"), ...tables);
  return {
    title: single ? `Bemærkninger - ${single.name}` : `Bemærkninger til budget ${input.budgetYear}`,
    subtitle: single ? `Budget ${input.budgetYear}` : input.municipality,
    meta: { municipality: input.municipality },
    blocks,
  };
}
