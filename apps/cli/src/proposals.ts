/**
 * The proposals catalogue at the command line: list a catalogue with its totals, list the
 * consistency checks' findings (exit 1 when there are warnings, so a script can stop on them),
 * and import a catalogue in its printed text form.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { formatAmount } from "@bevilling/core";
import { formatFileError } from "@bevilling/io";
import {
  catalogueDocument,
  type DocumentFormat,
  getCatalogue,
  ImportFailed,
  importCatalogue,
  requireMunicipality,
} from "@bevilling/services";
import { cliActor } from "./actor.ts";
import { required, str, UsageError } from "./args.ts";
import type { Command } from "./commands.ts";
import { renderTable } from "./table.ts";

/** Exit code 1 with the findings already printed. */
export class CatalogueWarnings extends Error {}

export const proposalsCommand: Command = {
  name: "proposals",
  summary: "Forslagskataloget: proposals list | check | import FIL | document --format pdf --out FIL",
  usage:
    "bevilling proposals list -m 330 [--catalogue 'Budget 2023-2026']\n" +
    "  bevilling proposals check -m 330      (afslutter med 1, hvis der er advarsler)\n" +
    "  bevilling proposals import katalog.txt -m 330   (eller katalog.xlsx i eksportens opstilling)\n" +
    "  bevilling proposals document -m 330 --format pdf --out katalog.pdf   (docx, pdf, html, xlsx)",
  options: {
    municipality: { type: "string", short: "m" },
    catalogue: { type: "string" },
    format: { type: "string" },
    out: { type: "string" },
  },
  positionals: 2,
  async run({ db, io, values, positionals }) {
    const [action, file] = positionals;
    const m = await requireMunicipality(db.db, required(values.municipality, "municipality"));
    if (action === "import") {
      if (!file) throw new UsageError("angiv filen");
      // The printed text form, or the Excel workbook the export writes (recognised by its content).
      const r = await importCatalogue(
        db.db,
        m,
        { fileName: basename(file), bytes: new Uint8Array(readFileSync(file)) },
        cliActor(),
      ).catch((e: unknown) => {
        // Each error with file, line and field; main() then prints the summary and exits 1.
        if (e instanceof ImportFailed) for (const fe of e.errors) io.err(formatFileError(fe));
        throw e;
      });
      io.out(`${r.catalogue}: ${r.created} nye, ${r.updated} ændrede, ${r.unchanged} uændrede forslag`);
      return;
    }
    if (action === "document") {
      const format = required(values.format, "format");
      if (!["docx", "pdf", "html", "xlsx"].includes(format)) {
        throw new UsageError(`--format skal være docx, pdf, html eller xlsx (ikke "${format}")`);
      }
      const file = await catalogueDocument(db.db, m, format as DocumentFormat, str(values.catalogue));
      const out = str(values.out) ?? file.fileName;
      writeFileSync(out, file.bytes);
      io.out(`Skrev ${out}`);
      return;
    }
    const c = await getCatalogue(db.db, m, str(values.catalogue));
    if (c.catalogue === null) {
      io.out(`${m.name} Kommune har ingen forslagskataloger.`);
      return;
    }
    if (action === "list") {
      const years = c.proposals[0]?.totals.map((t) => t.year) ?? [];
      io.out(`${c.catalogue} (beløb i 1.000 kr.)`);
      io.out(
        renderTable(
          [["Skema", "Titel", "Status", ...years.map(String), "I alt"]],
          c.proposals.map((p) => [
            p.schedule,
            p.title.length > 40 ? `${p.title.slice(0, 39)}…` : p.title,
            p.statusLabel,
            ...years.map((y) => formatAmount(p.totals.find((t) => t.year === y)?.amount ?? 0n, "tkr")),
            formatAmount(p.total, "tkr"),
          ]),
          { rightFrom: 3 },
        ),
      );
      return;
    }
    if (action === "check") {
      if (c.warnings.length === 0) {
        io.out(`${c.catalogue}: ingen bemærkninger.`);
        return;
      }
      for (const w of c.warnings) io.out(`${w.severity === "warning" ? "ADVARSEL" : "Bemærk"}: ${w.message}`);
      if (c.warnings.some((w) => w.severity === "warning")) {
        throw new CatalogueWarnings(`${c.warnings.filter((w) => w.severity === "warning").length} advarsler`);
      }
      return;
    }
    throw new UsageError(`angiv list, check, import eller document${action ? ` (ikke "${action}")` : ""}`);
  },
};
