/**
 * A Doc as one standalone HTML5 page: lang="da", every text escaped, the title as <h1> and the
 * headings of level 1–3 as <h2>–<h4> (a page has one <h1>), tables with <caption>, <th scope>
 * and the first left-aligned column as row headers. No scripts, no style attributes: all
 * styling is in the one <style> element, so a strict Content-Security-Policy only has to allow
 * that.
 */

import {
  assertValidDoc,
  type Block,
  type Doc,
  type ListNode,
  nestList,
  type TableBlock,
  type TableRow,
  type TextRun,
  tableHeaderRows,
} from "./model.ts";

const CSS = `
body { font-family: Calibri, Carlito, "Segoe UI", Arial, sans-serif; line-height: 1.4; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 2rem; margin-bottom: 0.25rem; }
.subtitle { font-size: 1.25rem; margin-top: 0; }
h2 { font-size: 1.5rem; color: #1f4d78; margin-top: 2rem; }
h3 { font-size: 1.25rem; }
h4 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-style: italic; padding-bottom: 0.25rem; }
th, td { padding: 0.2rem 0.5rem; border-bottom: 1px solid #ccc; vertical-align: top; }
thead th { border-bottom: 2px solid #333; }
.left { text-align: left; }
.right { text-align: right; white-space: nowrap; width: 5.5em; }
tbody th { font-weight: normal; }
.total th, .total td, .subtotal th, .subtotal td { font-weight: bold; }
.total th, .total td { border-top: 2px solid #333; }
.note, .table-note { font-size: 0.9rem; font-style: italic; }
hr.page-break { border: 0; border-top: 1px dashed #bbb; margin: 2rem 0; }
@media print {
  body { margin: 0; max-width: none; }
  hr.page-break { border: 0; margin: 0; break-after: page; }
  h2, h3, h4, caption { break-after: avoid; }
  tr { break-inside: avoid; }
}
`.trim();

/** Escapes text for element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The document as a complete HTML5 page (UTF-8). */
export function renderHtml(doc: Doc): string {
  assertValidDoc(doc);
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="author" content="${escapeHtml(doc.meta.municipality)}">`,
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
  ];
  const header = [`<h1>${escapeHtml(doc.title)}</h1>`];
  if (doc.subtitle !== undefined) header.push(`<p class="subtitle">${escapeHtml(doc.subtitle)}</p>`);
  return [
    "<!DOCTYPE html>",
    '<html lang="da">',
    "<head>",
    ...head,
    "</head>",
    "<body>",
    "<header>",
    ...header,
    "</header>",
    "<main>",
    ...doc.blocks.map(block),
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function block(b: Block): string {
  switch (b.type) {
    case "heading":
      return `<h${b.level + 1}>${escapeHtml(b.text)}</h${b.level + 1}>`;
    case "paragraph":
      return `<p>${b.runs.map(run).join("")}</p>`;
    case "list":
      return htmlList(nestList(b), b.ordered ? "ol" : "ul");
    case "table":
      return table(b);
    case "note":
      return `<p class="note">${escapeHtml(b.text)}</p>`;
    case "pageBreak":
      return '<hr class="page-break">';
  }
}

function htmlList(items: readonly ListNode[], tag: "ol" | "ul"): string {
  const li = (n: ListNode) =>
    n.children.length === 0
      ? `<li>${escapeHtml(n.text)}</li>`
      : `<li>${escapeHtml(n.text)}\n${htmlList(n.children, tag)}\n</li>`;
  return `<${tag}>\n${items.map(li).join("\n")}\n</${tag}>`;
}

function run(r: TextRun): string {
  let html = escapeHtml(r.text);
  if (r.italic) html = `<em>${html}</em>`;
  if (r.bold) html = `<strong>${html}</strong>`;
  return html;
}

function table(t: TableBlock): string {
  // The first column names the row when it is text, so screen readers announce it with each figure.
  const rowHeaders = t.columns[0]?.align === "left";
  const align = (i: number) => t.columns[i]?.align ?? "left";
  const out: string[] = ["<table>"];
  if (t.caption !== undefined) out.push(`<caption>${escapeHtml(t.caption)}</caption>`);
  out.push("<thead>");
  for (const cells of tableHeaderRows(t)) {
    const ths = cells.map((c, i) => `<th scope="col" class="${align(i)}">${escapeHtml(c)}</th>`);
    out.push(`<tr>${ths.join("")}</tr>`);
  }
  out.push("</thead>", "<tbody>");
  for (const row of t.rows) out.push(bodyRow(row, rowHeaders, align));
  out.push("</tbody>", "</table>");
  if (t.note !== undefined) out.push(`<p class="table-note">${escapeHtml(t.note)}</p>`);
  return out.join("\n");
}

function bodyRow(row: TableRow, rowHeaders: boolean, align: (i: number) => string): string {
  const kind = row.kind ?? "body";
  // An empty first cell (a line without a name) is no header.
  const cells = row.cells.map((c, i) =>
    i === 0 && rowHeaders && c !== ""
      ? `<th scope="row" class="${align(i)}">${escapeHtml(c)}</th>`
      : `<td class="${align(i)}">${escapeHtml(c)}</td>`,
  );
  return `<tr${kind === "body" ? "" : ` class="${kind}"`}>${cells.join("")}</tr>`;
}
