/**
 * Importing a price index: a table with one row per year and one column per index group, the
 * shape in which KL's P/L figures are usually kept ("År;Samlet;Lønninger;Varekøb;...").
 */
import { createHash } from "node:crypto";
import {
  type Actor,
  INDEX_GROUP_LABEL,
  INDEX_GROUPS,
  type IndexGroup,
  type Municipality,
  parseIndexPoints,
} from "@bevilling/core";
import { activeIndexSummary, appendAudit, type Database, saveIndex } from "@bevilling/db";
import { type FileError, readTable } from "@bevilling/io";
import type { Kysely } from "kysely";
import { ImportFailed } from "./import.ts";
import { cellText } from "./source.ts";

const GROUP_WORDS: Record<string, IndexGroup> = Object.fromEntries(
  INDEX_GROUPS.flatMap((g) => [
    [g, g],
    [INDEX_GROUP_LABEL[g].toLowerCase(), g],
  ]),
);
Object.assign(GROUP_WORDS, { samlet: "total", vægtet: "total", løn: "wages", overførsler: "transfers" });

export async function importPriceIndex(
  db: Kysely<Database>,
  m: Municipality,
  file: { fileName: string; bytes: Uint8Array },
  name: string,
  actor: Actor,
  reason?: string,
): Promise<{ points: number }> {
  const table = await readTable(file.bytes, file.fileName);
  if ("errors" in table) throw new ImportFailed(table.errors);
  const [head, ...rows] = table.rows;
  const errors: FileError[] = [];
  if (!head) throw new ImportFailed([{ file: file.fileName, reason: "Filen er tom" }]);
  const headers = head.cells.map(cellText);
  if ((headers[0] ?? "").toLowerCase() !== "år") {
    errors.push({
      file: file.fileName,
      line: head.line,
      column: headers[0] ?? "",
      reason: 'første kolonne skal hedde "År"',
    });
  }
  const groups = headers.slice(1).map((h) => GROUP_WORDS[h.toLowerCase()]);
  groups.forEach((g, i) => {
    if (!g)
      errors.push({
        file: file.fileName,
        line: head.line,
        column: headers[i + 1] ?? "",
        reason: `ukendt indeksgruppe (brug ${INDEX_GROUPS.map((x) => INDEX_GROUP_LABEL[x]).join(", ")})`,
      });
  });
  if (!groups.includes("total")) {
    errors.push({
      file: file.fileName,
      line: head.line,
      reason: 'indekset skal have en kolonne "Samlet (vægtet)"',
    });
  }
  const points: { group: IndexGroup; year: number; points: bigint }[] = [];
  for (const r of rows) {
    const year = cellText(r.cells[0]);
    if (!year) continue;
    if (!/^\d{4}$/.test(year)) {
      errors.push({ file: file.fileName, line: r.line, column: "År", reason: `"${year}" er ikke et årstal` });
      continue;
    }
    groups.forEach((g, i) => {
      const text = cellText(r.cells[i + 1]);
      if (!g || !text) return;
      const p = parseIndexPoints(text);
      if (p === undefined || p <= 0n) {
        errors.push({
          file: file.fileName,
          line: r.line,
          column: headers[i + 1] ?? "",
          reason: `"${text}" er ikke et positivt indeks`,
        });
      } else points.push({ group: g, year: Number(year), points: p });
    });
  }
  if (errors.length > 0) throw new ImportFailed(errors);
  await db.transaction().execute(async (trx) => {
    const before = await activeIndexSummary(trx, m.id);
    const id = await saveIndex(trx, m.id, name, points);
    await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "price_index",
      entityId: id,
      action: "import",
      before: before ? { name: before.name, isExample: before.isExample, points: before.points } : null,
      after: {
        name,
        points: points.length,
        fileName: file.fileName,
        sha256: createHash("sha256").update(file.bytes).digest("hex"),
      },
      reason,
    });
  });
  return { points: points.length };
}
