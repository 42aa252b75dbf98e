/**
 * The document model: what a printed document says, independent of the file format. A builder
 * (such as proposalCatalogueDocument) produces a Doc; the renderers in docx.ts, pdf.ts, html.ts
 * and xlsx.ts turn the same Doc into Word, PDF, HTML and Excel.
 *
 * Table cells are already-formatted text ("1.200", "-13.200"), so every format prints exactly
 * the same figures and the rounding is decided once, by the builder. Text is plain: no markup,
 * no line breaks inside a block.
 */

export interface Doc {
  /** Printed at the top and used as the file's title (Word, PDF and HTML metadata). */
  title: string;
  subtitle?: string;
  meta: DocMeta;
  blocks: Block[];
}

export interface DocMeta {
  /** The author, e.g. "Slagelse Kommune". */
  municipality: string;
  /**
   * Deliberately impossible: output must be deterministic (the same Doc gives the same bytes),
   * so no renderer writes a timestamp. Put a date in the text if the document needs one.
   */
  generatedAt?: never;
}

export interface TextRun {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

export type HeadingLevel = 1 | 2 | 3;

export interface HeadingBlock {
  type: "heading";
  /** 1 is a top-level section; the document title sits above level 1. */
  level: HeadingLevel;
  text: string;
}

export interface ParagraphBlock {
  type: "paragraph";
  runs: TextRun[];
}

export interface ListBlock {
  type: "list";
  items: string[];
  /** Numbered instead of bulleted. */
  ordered?: boolean;
  /**
   * How deep each item is nested, one per item: 0 at the top, at most one deeper than the item
   * before it (seed 000's "- Kommunens administration" with " - Sagsbehandling" below). Absent:
   * every item at the top.
   */
  levels?: number[];
}

/** The deepest nesting a list may have (Word and pdfmake both go deeper; readers do not). */
export const MAX_LIST_LEVEL = 3;

export type Align = "left" | "right";

export interface TableColumn {
  header: string;
  /** Figures are right-aligned; the XLSX renderer writes right-aligned figures as numbers. */
  align: Align;
}

export type RowKind = "body" | "total" | "subtotal";

export interface TableRow {
  /** One already-formatted cell per column; "" for an empty cell. */
  cells: string[];
  /** Totals and subtotals are printed in bold. Default "body". */
  kind?: RowKind;
}

export interface TableBlock {
  type: "table";
  /** A short name where the table stands alone, e.g. a spreadsheet tab ("Skema 2.1.2. 01"). */
  name?: string;
  /** Printed above the table, e.g. "Beløb i 1.000 kr.". */
  caption?: string;
  columns: TableColumn[];
  /** Extra header rows printed above the column headers, one cell per column. */
  headerRows?: string[][];
  rows: TableRow[];
  /** Printed below the table. */
  note?: string;
}

export interface NoteBlock {
  type: "note";
  text: string;
}

export interface PageBreakBlock {
  type: "pageBreak";
}

export type Block = HeadingBlock | ParagraphBlock | ListBlock | TableBlock | NoteBlock | PageBreakBlock;

// ---------------------------------------------------------------------------------------------
// Small constructors, so builders read like the document they build.

export function heading(level: HeadingLevel, text: string): HeadingBlock {
  return { type: "heading", level, text };
}

export function paragraph(text: string, style: Omit<TextRun, "text"> = {}): ParagraphBlock {
  return { type: "paragraph", runs: [{ text, ...style }] };
}

export function list(items: string[], ordered = false): ListBlock {
  return ordered ? { type: "list", items, ordered } : { type: "list", items };
}

export function note(text: string): NoteBlock {
  return { type: "note", text };
}

export const pageBreak: PageBreakBlock = Object.freeze({ type: "pageBreak" });

// ---------------------------------------------------------------------------------------------
// Checks every renderer makes first, so a malformed Doc fails the same way in every format.

/** The header rows of a table, column headers last. */
export function tableHeaderRows(table: TableBlock): string[][] {
  return [...(table.headerRows ?? []), table.columns.map((c) => c.header)];
}

export function assertValidDoc(doc: Doc): void {
  doc.blocks.forEach((block, i) => {
    const where = `Blok ${i + 1}`;
    if (block.type === "heading" && ![1, 2, 3].includes(block.level)) {
      throw new RangeError(`${where}: overskriftsniveau skal være 1, 2 eller 3, ikke ${block.level}`);
    }
    if (block.type === "list" && block.levels !== undefined) {
      if (block.levels.length !== block.items.length) {
        throw new RangeError(
          `${where}: listen har ${block.items.length} punkter, men ${block.levels.length} niveauer`,
        );
      }
      block.levels.forEach((level, k) => {
        const before = k === 0 ? -1 : (block.levels?.[k - 1] ?? 0);
        if (!Number.isInteger(level) || level < 0 || level > MAX_LIST_LEVEL || level > before + 1) {
          throw new RangeError(
            `${where}: punkt ${k + 1} har niveau ${level}; det må højst være ét dybere end punktet før (og højst ${MAX_LIST_LEVEL})`,
          );
        }
      });
    }
    if (block.type === "table") {
      const n = block.columns.length;
      if (n === 0) throw new RangeError(`${where}: tabellen har ingen kolonner`);
      for (const [r, row] of (block.headerRows ?? []).entries()) {
        if (row.length !== n) {
          throw new RangeError(
            `${where}: overskriftsrække ${r + 1} har ${row.length} celler, forventede ${n}`,
          );
        }
      }
      for (const [r, row] of block.rows.entries()) {
        if (row.cells.length !== n) {
          throw new RangeError(`${where}: række ${r + 1} har ${row.cells.length} celler, forventede ${n}`);
        }
      }
    }
  });
}

/** A list item with the items nested below it. */
export interface ListNode {
  text: string;
  children: ListNode[];
}

/** A (valid) list's items as a tree, following `levels`. */
export function nestList(block: ListBlock): ListNode[] {
  const top: ListNode[] = [];
  const open: ListNode[][] = [top];
  block.items.forEach((text, i) => {
    const level = block.levels?.[i] ?? 0;
    open.length = level + 1;
    const node: ListNode = { text, children: [] };
    (open[level] ?? top).push(node);
    open[level + 1] = node.children;
  });
  return top;
}
