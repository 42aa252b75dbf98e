/**
 * A Doc as PDF, with pdfmake 0.3 on the server. pdfmake's Node entry (`require("pdfmake")`) is a
 * shared instance: fonts and access policies are set on it, createPdf(definition) lays the
 * document out, and getBuffer() returns the bytes.
 *
 * Fonts are PDF's built-in standard 14 (Helvetica), so nothing is embedded or read from disk:
 * pdfmake passes the font names to PDFKit, which has their metrics. Their encoding is WinAnsi
 * (Windows-1252), which covers Danish (æøåÆØÅ) and the usual typography (– “ ” € …); any other
 * character is replaced by its closest WinAnsi spelling (see toWinAnsi) rather than printed as
 * garbage. The access policies refuse every URL and every file except those font names.
 *
 * Deterministic: PDFKit insists on a creation date (it also derives the file ID from it), so it
 * gets fixedDate().
 */

import { createRequire } from "node:module";
import { fixedDate } from "./deterministic.ts";
import {
  type Align,
  assertValidDoc,
  type Block,
  type Doc,
  type ListNode,
  nestList,
  type TableBlock,
  tableHeaderRows,
} from "./model.ts";

// --- The small part of pdfmake's API used here (pdfmake 0.3 ships no types). -----------------

type PdfText = string | PdfInline[];

interface PdfInline {
  text: string;
  bold?: boolean;
  italics?: boolean;
}

interface PdfNode {
  text?: PdfText;
  style?: string | string[];
  ul?: (PdfText | PdfNode)[];
  ol?: (PdfText | PdfNode)[];
  table?: {
    headerRows: number;
    dontBreakRows?: boolean;
    keepWithHeaderRows?: number;
    widths: (number | "auto" | "*")[];
    body: PdfCell[][];
  };
  layout?: PdfTableLayout;
  pageBreak?: "before" | "after";
  headlineLevel?: number;
  id?: string;
  outline?: boolean;
  outlineParentId?: string;
  margin?: number[];
}

interface PdfCell {
  text: PdfText;
  alignment?: "left" | "right" | "center";
  bold?: boolean;
}

interface PdfTableLayout {
  hLineWidth: (i: number, node: { table: { body: unknown[] } }) => number;
  vLineWidth: () => number;
  hLineColor?: () => string;
  paddingTop?: () => number;
  paddingBottom?: () => number;
}

interface PdfFooter {
  text: string;
  alignment: "center";
  fontSize: number;
  margin: number[];
}

interface PdfDefinition {
  info: Record<string, string | Date>;
  language: string;
  pageSize: "A4";
  pageMargins: number[];
  defaultStyle: Record<string, unknown>;
  styles: Record<string, Record<string, unknown>>;
  footer: (currentPage: number, pageCount: number) => PdfFooter;
  pageBreakBefore: (
    node: { headlineLevel?: number },
    rest: { getFollowingNodesOnPage(): unknown[] },
  ) => boolean;
  content: PdfNode[];
}

interface PdfOutput {
  getBuffer(): Promise<Uint8Array>;
}

interface PdfMake {
  addFonts(fonts: Record<string, Record<"normal" | "bold" | "italics" | "bolditalics", string>>): void;
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
  setLocalAccessPolicy(policy: (path: string) => boolean): void;
  createPdf(definition: PdfDefinition): PdfOutput;
}

// --- Setup -----------------------------------------------------------------------------------

const FONT = "Helvetica";
const STANDARD_FONTS = {
  normal: "Helvetica",
  bold: "Helvetica-Bold",
  italics: "Helvetica-Oblique",
  bolditalics: "Helvetica-BoldOblique",
};
const FONT_NAMES = new Set(Object.values(STANDARD_FONTS));

let instance: PdfMake | undefined;

function pdfmake(): PdfMake {
  if (!instance) {
    const loaded = createRequire(import.meta.url)("pdfmake") as PdfMake;
    loaded.addFonts({ [FONT]: STANDARD_FONTS });
    loaded.setUrlAccessPolicy(() => false);
    loaded.setLocalAccessPolicy((path) => FONT_NAMES.has(path));
    instance = loaded;
  }
  return instance;
}

// --- WinAnsi -----------------------------------------------------------------------------------

// What Windows-1252 puts at 0x80–0x9F, where Latin-1 has control codes.
const CP1252_EXTRAS = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");
const REPLACEMENTS: Readonly<Record<string, string>> = {
  "\u2212": "-", // minus sign
  "\u2010": "-",
  "\u2011": "-",
  "\u2192": "->",
  "\u2190": "<-",
  "\u2264": "<=",
  "\u2265": ">=",
  "\u2260": "!=",
  "\u2248": "~",
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
};

function inWinAnsi(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || CP1252_EXTRAS.has(ch);
}

/**
 * The text in characters the standard 14 fonts can show: WinAnsi characters as they are,
 * others by a replacement ("≥" → ">="), their compatibility form without accents ("ő" → "o",
 * thin space → space) or "?"; control and zero-width characters are left out.
 */
export function toWinAnsi(text: string): string {
  let out = "";
  for (const ch of text) {
    if (ch === "\n" || ch === "\t") out += ch;
    // Control and invisible formatting characters (soft hyphen aside) would print as boxes.
    else if (/^[\p{Cc}\p{Cf}]$/u.test(ch) && ch !== "\u00ad") continue;
    else if (inWinAnsi(ch)) out += ch;
    else if (REPLACEMENTS[ch] !== undefined) out += REPLACEMENTS[ch];
    else {
      const base = ch.normalize("NFKD").replace(/\p{M}/gu, "");
      out += base !== "" && [...base].every(inWinAnsi) ? base : "?";
    }
  }
  return out;
}

// --- Layout ------------------------------------------------------------------------------------

// Points; A4 is 595 wide.
const MARGIN = 56;
const TEXT_WIDTH = 595 - 2 * MARGIN;
const FIGURE_WIDTH = 52;

const STYLES: Record<string, Record<string, unknown>> = {
  title: { fontSize: 22, bold: true, margin: [0, 0, 0, 6] },
  subtitle: { fontSize: 14, color: "#404040", margin: [0, 0, 0, 12] },
  h1: { fontSize: 16, bold: true, color: "#1f4d78", margin: [0, 12, 0, 6] },
  h2: { fontSize: 13, bold: true, color: "#1f4d78", margin: [0, 10, 0, 4] },
  h3: { fontSize: 11, bold: true, margin: [0, 8, 0, 4] },
  paragraph: { margin: [0, 0, 0, 6] },
  list: { margin: [0, 0, 0, 6] },
  caption: { italics: true, fontSize: 9, color: "#404040", margin: [0, 6, 0, 2] },
  table: { fontSize: 9, margin: [0, 0, 0, 4] },
  note: { italics: true, fontSize: 9, margin: [0, 0, 0, 6] },
};

/** Lines under the header and above totals only, as in a printed budget. */
function tableLayout(headerRows: number, totalRows: ReadonlySet<number>): PdfTableLayout {
  return {
    hLineWidth: (i, node) =>
      i === headerRows || totalRows.has(i) ? 1 : i === 0 || i === node.table.body.length ? 0 : 0.25,
    vLineWidth: () => 0,
    hLineColor: () => "#555555",
    paddingTop: () => 2,
    paddingBottom: () => 2,
  };
}

/** The document as PDF bytes. */
export async function renderPdf(doc: Doc): Promise<Uint8Array> {
  assertValidDoc(doc);
  const content: PdfNode[] = [{ text: toWinAnsi(doc.title), style: "title" }];
  if (doc.subtitle !== undefined) content.push({ text: toWinAnsi(doc.subtitle), style: "subtitle" });
  // Headings become the PDF's bookmarks, nested by level.
  const parents: (string | undefined)[] = [];
  let headings = 0;
  for (const b of doc.blocks) {
    if (b.type === "heading") {
      const id = `overskrift-${++headings}`;
      const parent = parents[b.level - 1];
      parents[b.level] = id;
      parents.length = b.level + 1;
      content.push({
        text: toWinAnsi(b.text),
        style: `h${b.level}`,
        headlineLevel: b.level,
        id,
        outline: true,
        ...(parent === undefined ? {} : { outlineParentId: parent }),
      });
    } else {
      content.push(...render(b));
    }
  }
  const output = pdfmake().createPdf({
    info: {
      title: toWinAnsi(doc.title),
      author: toWinAnsi(doc.meta.municipality),
      ...(doc.subtitle === undefined ? {} : { subject: toWinAnsi(doc.subtitle) }),
      creator: "Bevilling",
      creationDate: fixedDate(),
    },
    language: "da-DK",
    pageSize: "A4",
    pageMargins: [MARGIN, MARGIN, MARGIN, 64],
    defaultStyle: { font: FONT, fontSize: 10, lineHeight: 1.15 },
    styles: STYLES,
    footer: (currentPage, pageCount) => ({
      text: `Side ${currentPage} af ${pageCount}`,
      alignment: "center",
      fontSize: 8,
      margin: [0, 24, 0, 0],
    }),
    // A heading (or caption) is never the last thing on a page.
    pageBreakBefore: (node, rest) =>
      node.headlineLevel !== undefined && rest.getFollowingNodesOnPage().length === 0,
    content,
  });
  return new Uint8Array(await output.getBuffer());
}

function render(b: Exclude<Block, { type: "heading" }>): PdfNode[] {
  switch (b.type) {
    case "paragraph":
      return [
        {
          text: b.runs.map((r) => ({
            text: toWinAnsi(r.text),
            ...(r.bold ? { bold: true } : {}),
            ...(r.italic ? { italics: true } : {}),
          })),
          style: "paragraph",
        },
      ];
    case "list": {
      const items = pdfList(nestList(b), b.ordered === true);
      return [b.ordered ? { ol: items, style: "list" } : { ul: items, style: "list" }];
    }
    case "table":
      return table(b);
    case "note":
      return [{ text: toWinAnsi(b.text), style: "note" }];
    case "pageBreak":
      return [{ text: "", pageBreak: "after" }];
  }
}

/** pdfmake nests a list by putting the sub-list right after the item it belongs to. */
function pdfList(items: readonly ListNode[], ordered: boolean): (PdfText | PdfNode)[] {
  return items.flatMap((n) => {
    const text = toWinAnsi(n.text);
    if (n.children.length === 0) return [text];
    const below = pdfList(n.children, ordered);
    return [text, ordered ? { ol: below } : { ul: below }];
  });
}

/** Figures get the same width in every table, so tables line up; text columns share the rest. */
function columnWidths(t: TableBlock): (number | "auto" | "*")[] {
  const figures = t.columns.filter((c) => c.align === "right").length;
  const fits = figures < t.columns.length && figures * FIGURE_WIDTH <= TEXT_WIDTH * 0.7;
  return t.columns.map((c) => (c.align === "left" ? "*" : fits ? FIGURE_WIDTH : "auto"));
}

function table(t: TableBlock): PdfNode[] {
  const header = tableHeaderRows(t);
  const align = (i: number): Align => t.columns[i]?.align ?? "left";
  const totals = new Set<number>();
  t.rows.forEach((row, r) => {
    if (row.kind === "total") totals.add(header.length + r);
  });
  const body: PdfCell[][] = [
    ...header.map((cells) => cells.map((c, i) => ({ text: toWinAnsi(c), alignment: align(i), bold: true }))),
    ...t.rows.map((row) =>
      row.cells.map((c, i) => ({
        text: toWinAnsi(c),
        alignment: align(i),
        ...((row.kind ?? "body") === "body" ? {} : { bold: true }),
      })),
    ),
  ];
  const out: PdfNode[] = [];
  // headlineLevel keeps the caption off the foot of a page, with its table (see pageBreakBefore).
  if (t.caption !== undefined) out.push({ text: toWinAnsi(t.caption), style: "caption", headlineLevel: 4 });
  out.push({
    style: "table",
    table: {
      headerRows: header.length,
      keepWithHeaderRows: 1,
      dontBreakRows: true,
      widths: columnWidths(t),
      body,
    },
    layout: tableLayout(header.length, totals),
  });
  if (t.note !== undefined) out.push({ text: toWinAnsi(t.note), style: "note" });
  return out;
}
