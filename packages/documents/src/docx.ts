/**
 * A Doc as a Word document (.docx): the title in Word's Title style, headings in the built-in
 * Heading 1–3 styles (with outline levels, so Word's navigation pane and table of contents see
 * them), real tables with the header rows repeated on every page and figures right-aligned,
 * Danish as the proofing language, and "Side x af y" in the footer.
 *
 * Deterministic: the core properties are written without dates and the zip entries carry the
 * zip epoch, so the same Doc gives the same bytes.
 */

import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import { normalizeZipTimestamps } from "./deterministic.ts";
import { assertValidDoc, type Block, type Doc, type TableBlock, tableHeaderRows } from "./model.ts";

const LANGUAGE = "da-DK";
const FONT = "Calibri";
// A4 with 2 cm margins, in twentieths of a point.
const PAGE = { width: 11906, height: 16838, margin: 1134 };
const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;
const FIGURE_COLUMN_WIDTH = 1150;
const ORDERED_LIST = "nummereret-liste";

const ORDERED_LEVELS = [
  { format: LevelFormat.DECIMAL, text: "%1." },
  { format: LevelFormat.LOWER_LETTER, text: "%2)" },
  { format: LevelFormat.LOWER_ROMAN, text: "%3." },
  { format: LevelFormat.DECIMAL, text: "%4." },
] as const;

const HEADING_LEVEL = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
} as const;

function xml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** docProps/core.xml without the created/modified dates docx would stamp with the current time. */
function coreProperties(doc: Doc): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xml(doc.title)}</dc:title>` +
    (doc.subtitle === undefined ? "" : `<dc:subject>${xml(doc.subtitle)}</dc:subject>`) +
    `<dc:creator>${xml(doc.meta.municipality)}</dc:creator>` +
    `<dc:language>${LANGUAGE}</dc:language>` +
    "</cp:coreProperties>"
  );
}

/** The document as .docx bytes. */
export async function renderDocx(doc: Doc): Promise<Uint8Array> {
  assertValidDoc(doc);
  const children: (Paragraph | Table)[] = [new Paragraph({ heading: HeadingLevel.TITLE, text: doc.title })];
  if (doc.subtitle !== undefined) children.push(new Paragraph({ style: "Subtitle", text: doc.subtitle }));
  let orderedLists = 0;
  for (const block of doc.blocks) {
    if (block.type === "list" && block.ordered) orderedLists++;
    children.push(...render(block, orderedLists));
  }
  const file = new Document({
    title: doc.title,
    creator: doc.meta.municipality,
    styles: {
      default: {
        document: { run: { font: FONT, size: 22, language: { value: LANGUAGE } } },
        title: { run: { size: 48, bold: true, color: "000000" }, paragraph: { spacing: { after: 120 } } },
        heading1: headingStyle(32, 0),
        heading2: headingStyle(26, 1),
        heading3: headingStyle(22, 2),
        caption: { run: { italics: true, size: 20, color: "404040" }, paragraph: { keepNext: true } },
      },
      paragraphStyles: [
        {
          id: "Subtitle",
          name: "Subtitle",
          basedOn: "Normal",
          next: "Normal",
          quickFormat: true,
          run: { size: 28, color: "404040" },
          paragraph: { spacing: { after: 240 } },
        },
        {
          id: "Note",
          name: "Note",
          basedOn: "Normal",
          next: "Normal",
          run: { italics: true, size: 20 },
        },
      ],
    },
    numbering: {
      config: [
        {
          reference: ORDERED_LIST,
          // One level per nesting depth the model allows, each indented further.
          levels: ORDERED_LEVELS.map((l, level) => ({
            level,
            format: l.format,
            text: l.text,
            alignment: AlignmentType.LEFT,
            style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
          })),
        },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({
                    size: 18,
                    children: ["Side ", PageNumber.CURRENT, " af ", PageNumber.TOTAL_PAGES],
                  }),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  const bytes = await Packer.pack(file, "uint8array", false, [
    { path: "docProps/core.xml", data: coreProperties(doc) },
  ]);
  return normalizeZipTimestamps(bytes);
}

function headingStyle(size: number, outlineLevel: number) {
  return {
    run: { size, bold: true, color: "1F4D78" },
    // Word knows its built-in headings' levels, but other readers look for the outline level.
    paragraph: { outlineLevel, keepNext: true, keepLines: true, spacing: { before: 240, after: 120 } },
  };
}

function render(block: Block, orderedLists: number): (Paragraph | Table)[] {
  switch (block.type) {
    case "heading":
      return [new Paragraph({ heading: HEADING_LEVEL[block.level], text: block.text })];
    case "paragraph":
      return [
        new Paragraph({
          spacing: { after: 120 },
          children: block.runs.map((r) => new TextRun({ text: r.text, bold: r.bold, italics: r.italic })),
        }),
      ];
    case "list":
      return block.items.map((text, i) => {
        const level = block.levels?.[i] ?? 0;
        return new Paragraph({
          text,
          ...(block.ordered
            ? { numbering: { reference: ORDERED_LIST, level, instance: orderedLists } }
            : { bullet: { level } }),
        });
      });
    case "table":
      return table(block);
    case "note":
      return [new Paragraph({ style: "Note", text: block.text })];
    case "pageBreak":
      return [new Paragraph({ children: [new PageBreak()] })];
  }
}

function columnWidths(t: TableBlock): number[] {
  const figures = t.columns.filter((c) => c.align === "right").length;
  const texts = t.columns.length - figures;
  // Figures get a fixed width and text columns share the rest, unless that leaves too little.
  if (texts === 0 || figures * FIGURE_COLUMN_WIDTH > TEXT_WIDTH * 0.7) {
    return t.columns.map(() => Math.floor(TEXT_WIDTH / t.columns.length));
  }
  const text = Math.floor((TEXT_WIDTH - figures * FIGURE_COLUMN_WIDTH) / texts);
  return t.columns.map((c) => (c.align === "right" ? FIGURE_COLUMN_WIDTH : text));
}

function table(t: TableBlock): (Paragraph | Table)[] {
  const widths = columnWidths(t);
  const cell = (text: string, i: number, bold: boolean) =>
    new TableCell({
      width: { size: widths[i] ?? 0, type: WidthType.DXA },
      children: [
        new Paragraph({
          alignment: t.columns[i]?.align === "right" ? AlignmentType.RIGHT : AlignmentType.LEFT,
          children: text === "" ? [] : [new TextRun({ text, ...(bold ? { bold: true } : {}) })],
        }),
      ],
    });
  const header = tableHeaderRows(t).map(
    (cells) =>
      new TableRow({ tableHeader: true, cantSplit: true, children: cells.map((c, i) => cell(c, i, true)) }),
  );
  const body = t.rows.map((row) => {
    const bold = (row.kind ?? "body") !== "body";
    return new TableRow({ cantSplit: true, children: row.cells.map((c, i) => cell(c, i, bold)) });
  });
  const out: (Paragraph | Table)[] = [];
  if (t.caption !== undefined) out.push(new Paragraph({ style: "Caption", text: t.caption }));
  out.push(
    new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      rows: [...header, ...body],
    }),
  );
  // Word needs a paragraph between two tables, or it merges them; the note or an empty one.
  out.push(new Paragraph({ style: t.note === undefined ? undefined : "Note", text: t.note ?? "" }));
  return out;
}
