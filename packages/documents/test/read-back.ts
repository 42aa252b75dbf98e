/**
 * Reading rendered files back, as a reader (or a screen reader, or Excel) would see them.
 */
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { extractText, getDocumentProxy, getMeta } from "unpdf";

function unescapeXml(text: string): string {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");
}

/** The text of every <w:t> in a piece of WordprocessingML. */
function wordText(xml: string): string {
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/gu)].map((m) => unescapeXml(m[1] ?? "")).join("");
}

export interface WordParagraph {
  style: string | undefined;
  text: string;
}

export interface WordDocument {
  documentXml: string;
  stylesXml: string;
  coreXml: string;
  /** Body paragraphs outside tables. */
  paragraphs: WordParagraph[];
  /** Tables as rows of cell texts, with whether the row repeats as a header. */
  tables: { header: boolean; cells: string[]; alignments: string[] }[][];
}

export async function readDocx(bytes: Uint8Array): Promise<WordDocument> {
  const zip = await JSZip.loadAsync(bytes);
  const part = async (path: string) => {
    const file = zip.file(path);
    if (!file) throw new Error(`${path} mangler i DOCX-filen`);
    return file.async("string");
  };
  const documentXml = await part("word/document.xml");
  const body = documentXml.replace(/<w:tbl>.*?<\/w:tbl>/gsu, "");
  const paragraphs = [...body.matchAll(/<w:p>(.*?)<\/w:p>/gsu)].map((m) => ({
    style: /<w:pStyle w:val="([^"]+)"\/>/u.exec(m[1] ?? "")?.[1],
    text: wordText(m[1] ?? ""),
  }));
  const tables = [...documentXml.matchAll(/<w:tbl>(.*?)<\/w:tbl>/gsu)].map((t) =>
    [...(t[1] ?? "").matchAll(/<w:tr>(.*?)<\/w:tr>/gsu)].map((r) => {
      const cells = [...(r[1] ?? "").matchAll(/<w:tc>(.*?)<\/w:tc>/gsu)].map((c) => c[1] ?? "");
      return {
        header: (r[1] ?? "").includes("<w:tblHeader/>"),
        cells: cells.map(wordText),
        alignments: cells.map((c) => /<w:jc w:val="([^"]+)"\/>/u.exec(c)?.[1] ?? ""),
      };
    }),
  );
  return {
    documentXml,
    stylesXml: await part("word/styles.xml"),
    coreXml: await part("docProps/core.xml"),
    paragraphs,
    tables,
  };
}

/** The text of each page, as pdf.js (through unpdf) extracts it. */
export async function readPdf(bytes: Uint8Array): Promise<string[]> {
  // pdf.js takes ownership of the buffer it is given, so hand it a copy.
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: false });
  return text;
}

/** The document information dictionary (Title, Author, …) and the catalogue's language. */
export async function readPdfInfo(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const { info } = await getMeta(await getDocumentProxy(new Uint8Array(bytes)));
  return info;
}

/** The bookmarks, as [title, [child titles]]. */
export async function readPdfOutline(bytes: Uint8Array): Promise<[string, string[]][]> {
  const outline = await (await getDocumentProxy(new Uint8Array(bytes))).getOutline();
  return (outline ?? []).map((o) => [o.title, o.items.map((i) => i.title)]);
}

export async function readXlsx(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as Parameters<ExcelJS.Xlsx["load"]>[0]);
  return wb;
}

/** The HTML tables as caption and rows of cell texts (tags stripped, entities decoded). */
export function htmlTables(html: string): { caption: string | undefined; rows: string[][] }[] {
  const text = (s: string) => unescapeXml(s.replace(/<[^>]*>/gu, "").replaceAll("&#39;", "'"));
  return [...html.matchAll(/<table>(.*?)<\/table>/gsu)].map((t) => ({
    caption: /<caption>(.*?)<\/caption>/su.exec(t[1] ?? "")?.[1],
    rows: [...(t[1] ?? "").matchAll(/<tr[^>]*>(.*?)<\/tr>/gsu)].map((r) =>
      [...(r[1] ?? "").matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gsu)].map((c) => text(c[1] ?? "")),
    ),
  }));
}
