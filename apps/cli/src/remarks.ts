/**
 * The budget remarks at the command line: write a committee's remarks (seed 000's form) or
 * areas' remarks (seed 001's form) as a document, and list a node's sections.
 */
import { writeFileSync } from "node:fs";
import { findNodeByCode } from "@bevilling/db";
import {
  areaRemarksDocument,
  committeeRemarksDocument,
  type DocumentFormat,
  getRemarks,
  requireMunicipality,
} from "@bevilling/services";
import { int, required, str, UsageError } from "./args.ts";
import type { Command } from "./commands.ts";

const FORMATS = ["docx", "pdf", "html", "xlsx"];

export const remarksCommand: Command = {
  name: "remarks",
  summary: "Budgetbemærkninger: remarks document KOMMUNE --committee|--area|--all-areas | list",
  usage:
    "bevilling remarks document 340 --committee OEU --year 2025 --format pdf --out oeu.pdf\n" +
    "  bevilling remarks document 326 --area JOB --format docx      (ét område)\n" +
    "  bevilling remarks document 326 --area OEU --format html      (alle udvalgets områder)\n" +
    "  bevilling remarks document 326 --all-areas --format xlsx     (alle udvalgs områder)\n" +
    "  bevilling remarks list 326 --node JOB [--year 2024]          (afsnittene og de dannede sætninger)\n" +
    "  Kommunen kan også angives med -m. Uden --year: kommunens budgetår.",
  options: {
    municipality: { type: "string", short: "m" },
    committee: { type: "string" },
    area: { type: "string" },
    "all-areas": { type: "boolean" },
    node: { type: "string" },
    year: { type: "string" },
    format: { type: "string" },
    out: { type: "string" },
  },
  positionals: 2,
  async run({ db, io, values, positionals }) {
    const [action, positional] = positionals;
    const code = positional ?? str(values.municipality);
    if (code === undefined) throw new UsageError("angiv kommunen (fx 340 eller -m 340)");
    const m = await requireMunicipality(db.db, code);
    const year = int(values.year, "year") ?? m.settings.budgetYear;
    if (action === "document") {
      const format = required(values.format, "format");
      if (!FORMATS.includes(format)) {
        throw new UsageError(`--format skal være docx, pdf, html eller xlsx (ikke "${format}")`);
      }
      const committee = str(values.committee);
      const area = str(values.area);
      const all = values["all-areas"] === true;
      if ([committee !== undefined, area !== undefined, all].filter(Boolean).length !== 1) {
        throw new UsageError("angiv præcis én af --committee, --area og --all-areas");
      }
      const file = committee
        ? await committeeRemarksDocument(db.db, m, committee, year, format as DocumentFormat)
        : await areaRemarksDocument(db.db, m, all ? "all" : (area as string), year, format as DocumentFormat);
      const out = str(values.out) ?? file.fileName;
      writeFileSync(out, file.bytes);
      io.out(`Skrev ${out}`);
      return;
    }
    if (action === "list") {
      const nodeCode = required(values.node, "node");
      const node = await findNodeByCode(db.db, m.id, nodeCode);
      if (!node) throw new UsageError(`enheden "${nodeCode}" findes ikke i ${m.name}`);
      const r = await getRemarks(db.db, node.id, year);
      io.out(`${r.node.name}, bemærkninger til budget ${r.budgetYear}`);
      if (r.generated.kind === "area") {
        io.out(r.generated.netBudget);
        for (const s of r.generated.basis) io.out(`  ${s}`);
      } else if (r.generated.agreement) {
        io.out(`Budgetaftalen ${r.generated.agreement.budgetYear}:`);
        for (const s of r.generated.agreement.items) io.out(`  - ${s}`);
      }
      if (r.sections.length === 0) io.out("Ingen afsnit.");
      for (const s of r.sections) {
        const first = s.body.split(/\r?\n/u).find((l) => l.trim() !== "") ?? "";
        io.out(
          `${s.id}\t${s.kindLabel}${s.heading ? `: ${s.heading}` : ""} (version ${s.version})\t${first.slice(0, 60)}`,
        );
      }
      return;
    }
    throw new UsageError(`angiv document eller list${action ? ` (ikke "${action}")` : ""}`);
  },
};
