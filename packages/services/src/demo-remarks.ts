/**
 * The demo's user-written remarks, from the verbatim text files in ../demo (format in
 * ../demo/README.md): seed 000's introduction and sections for Sorø's finance committee, and
 * seed 001's "Beskrivelse af området" and "Udvikling og udfordringer" for Kalundborg's areas,
 * with the settings seed 001's frame sentence needs. Loading twice changes nothing: a node that
 * already has sections in the year keeps them, and a setting already set is not set again.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Actor } from "@bevilling/core";
import {
  type Database,
  findMunicipality,
  findNodeByCode,
  frameBudgetNodes,
  listRemarkSections,
  priceBasisOf,
  type RemarkSectionKindColumn,
} from "@bevilling/db";
import { REMARK_SECTION_KINDS } from "@bevilling/documents";
import type { FileError } from "@bevilling/io";
import type { Kysely } from "kysely";
import { ImportFailed } from "./import.ts";
import { createRemarkSection, setFrameBudget, setPriceBasis } from "./remarks.ts";

const DEMO_DIR = fileURLToPath(new URL("../demo/", import.meta.url));

export interface RemarksTextNode {
  code: string;
  budgetYear: number;
  /** "rammebudget" after the node: the area is governed by a frame budget. */
  frameBudget: boolean;
  sections: { kind: RemarkSectionKindColumn; heading: string; body: string }[];
}

const NODE_LINE = /^# (\S+) (\d{4})((?: \S+)*)\s*$/u;
const SECTION_LINE = /^## ([a-z]+)(?::[ \t]*(.*?))?\s*$/u;

/**
 * Reads remarks written as text: "# CODE YEAR [rammebudget]" starts a node's remarks, "## kind"
 * or "## kind: Heading" starts a section, every other line belongs to the section's body
 * (surrounding blank lines dropped). Text before the first "# " line is a preamble. Every
 * problem is reported with file and line; nothing is returned when there is one.
 */
export function parseRemarksText(text: string, fileName: string): RemarksTextNode[] {
  const errors: FileError[] = [];
  const nodes: RemarksTextNode[] = [];
  let section: { kind: RemarkSectionKindColumn; heading: string; lines: string[] } | undefined;
  let node: RemarksTextNode | undefined;
  const close = () => {
    if (section && node) {
      const body = section.lines.join("\n").replace(/^\s*\n|\s+$/gu, "");
      node.sections.push({ kind: section.kind, heading: section.heading, body });
    }
    section = undefined;
  };
  text
    .replace(/^\uFEFF/u, "")
    .split(/\r?\n/u)
    .forEach((line, i) => {
      const where = { file: fileName, line: i + 1 };
      if (line.startsWith("# ")) {
        close();
        const m = NODE_LINE.exec(line);
        const flags = (m?.[3] ?? "")
          .trim()
          .split(/\s+/u)
          .filter((f) => f !== "");
        if (!m || flags.some((f) => f !== "rammebudget")) {
          errors.push({ ...where, reason: `»${line}« skal være »# KODE ÅR« eller »# KODE ÅR rammebudget«` });
          node = undefined;
          return;
        }
        node = {
          code: m[1] as string,
          budgetYear: Number(m[2]),
          frameBudget: flags.length > 0,
          sections: [],
        };
        nodes.push(node);
      } else if (line.startsWith("## ")) {
        close();
        const m = SECTION_LINE.exec(line);
        const kind = m?.[1] as RemarkSectionKindColumn | undefined;
        if (!m || !kind || !(REMARK_SECTION_KINDS as readonly string[]).includes(kind)) {
          errors.push({
            ...where,
            reason: `»${line}« skal være »## art« eller »## art: Overskrift«, hvor art er ${REMARK_SECTION_KINDS.join(", ")}`,
          });
          return;
        }
        if (!node) {
          errors.push({ ...where, reason: "afsnittet står før den første »# KODE ÅR«-linje" });
          return;
        }
        section = { kind, heading: m[2] ?? "", lines: [] };
      } else if (section) {
        section.lines.push(line);
      } else if (node && line.trim() !== "") {
        errors.push({ ...where, reason: "teksten står uden for et afsnit; begynd afsnittet med »## art«" });
      }
    });
  close();
  if (errors.length > 0) throw new ImportFailed(errors);
  return nodes;
}

interface DemoRemarks {
  municipality: string;
  file: string;
  /** What the municipality's price and wage adjustment follows, as its remarks say. */
  priceBasis?: string;
}

export const DEMO_REMARKS: readonly DemoRemarks[] = [
  { municipality: "340", file: "soroe-bemaerkninger-2025.txt" },
  { municipality: "326", file: "kalundborg-bemaerkninger-2024.txt", priceBasis: "KL's vejledning" },
];

/** Loads the demo's remarks; returns how many sections and settings it added or changed. */
export async function loadDemoRemarks(db: Kysely<Database>, actor: Actor): Promise<number> {
  let changes = 0;
  for (const d of DEMO_REMARKS) {
    const m = await findMunicipality(db, d.municipality);
    if (!m) throw new Error(`Demokommunen ${d.municipality} findes ikke`);
    if (d.priceBasis !== undefined && (await priceBasisOf(db, m.id)) === null) {
      await setPriceBasis(db, m, { priceBasis: d.priceBasis }, actor);
      changes++;
    }
    const frame = await frameBudgetNodes(db, m.id);
    for (const n of parseRemarksText(readFileSync(`${DEMO_DIR}${d.file}`, "utf8"), d.file)) {
      const node = await findNodeByCode(db, m.id, n.code);
      if (!node) throw new Error(`${d.file}: enheden ${n.code} findes ikke i ${m.name}`);
      if (n.frameBudget) {
        if (!frame.has(node.id)) {
          await setFrameBudget(db, node.id, { frameBudget: true }, actor);
          changes++;
        }
      }
      const existing = await listRemarkSections(db, {
        municipalityId: m.id,
        budgetYear: n.budgetYear,
        nodeIds: [node.id],
      });
      if (existing.length > 0) continue;
      for (const s of n.sections) {
        await createRemarkSection(db, node.id, { year: n.budgetYear, ...s }, actor);
        changes++;
      }
    }
  }
  return changes;
}
