/**
 * The proposals catalogue: reading a catalogue in its printed text form (seed 003's layout),
 * storing it, the consistency checks a careful finance officer makes, and editing a proposal with
 * optimistic concurrency. Every change is in the audit trail, in the same transaction.
 */
import { createHash } from "node:crypto";
import {
  type Actor,
  canonicalJson,
  checkCatalogue,
  checkProposal,
  lineTotal,
  type Municipality,
  normalizeScheduleNumber,
  PROPOSAL_KIND_LABEL,
  PROPOSAL_KINDS,
  PROPOSAL_STATUS_LABEL,
  PROPOSAL_STATUSES,
  type Proposal,
  type ProposalPeriod,
  type ProposalWarning,
  parseCatalogueText,
  proposalTotal,
  proposalYearTotals,
  toJsonValue,
} from "@bevilling/core";
import {
  appendAudit,
  type Database,
  insertProposal,
  listCatalogues,
  loadProposals,
  lockMunicipalityWrites,
  replaceProposal,
  type StoredProposal,
} from "@bevilling/db";
import {
  proposalCatalogueDocument,
  renderDocx,
  renderHtml,
  renderPdf,
  renderXlsx,
} from "@bevilling/documents";
import type { FileError } from "@bevilling/io";
import type { Kysely } from "kysely";
import { z } from "zod";
import { Conflict, NotFound } from "./errors.ts";
import type { ExportFile } from "./export.ts";
import { ImportFailed } from "./import.ts";

/** The proposal as the API and the audit trail show it: years as lists, totals computed. */
export function proposalView(sp: StoredProposal, warnings: ProposalWarning[] = []) {
  const p = sp.proposal;
  const years: number[] = [];
  for (let y = sp.period.firstYear; y <= sp.period.lastYear; y++) years.push(y);
  const totals = proposalYearTotals(p, years);
  return {
    id: sp.id,
    catalogue: sp.catalogue,
    period: sp.period,
    version: sp.version,
    updatedAt: sp.updatedAt,
    schedule: p.schedule,
    internalNumber: p.internalNumber ?? null,
    kind: p.kind,
    kindLabel: PROPOSAL_KIND_LABEL[p.kind],
    title: p.title,
    text: p.text,
    committee: p.committee,
    area: p.area,
    status: p.status,
    statusLabel: PROPOSAL_STATUS_LABEL[p.status],
    lines: p.lines.map((l) => ({
      name: l.name,
      amounts: [...l.amounts].map(([year, amount]) => ({ year, amount })),
      total: lineTotal(l),
    })),
    totals: [...totals].map(([year, amount]) => ({ year, amount })),
    total: proposalTotal(p),
    references: p.references,
    warnings,
  };
}

export type ProposalView = ReturnType<typeof proposalView>;

function catalogueName(period: ProposalPeriod): string {
  return `Budget ${period.firstYear}-${period.lastYear}`;
}

/** What is compared to decide whether an imported proposal changes the stored one. */
function content(p: Proposal): string {
  return canonicalJson({
    ...p,
    lines: p.lines.map((l) => ({ ...l, amounts: [...l.amounts] })),
    printedTotals: p.printedTotals
      ? { total: p.printedTotals.total, perYear: [...p.printedTotals.perYear] }
      : undefined,
  });
}

function auditView(p: Proposal) {
  return toJsonValue({
    schedule: p.schedule,
    internalNumber: p.internalNumber ?? null,
    title: p.title,
    text: p.text,
    references: p.references,
    kind: p.kind,
    status: p.status,
    committee: p.committee,
    area: p.area,
    lines: p.lines.map((l) => ({ name: l.name, amounts: Object.fromEntries(l.amounts) })),
    total: proposalTotal(p),
  });
}

export interface CatalogueImportResult {
  catalogue: string;
  period: ProposalPeriod;
  created: number;
  updated: number;
  unchanged: number;
  warnings: ProposalWarning[];
}

/**
 * Imports a catalogue printed as text. Nothing is stored when the file cannot be read whole;
 * proposals already stored under the same schedule are replaced when their content differs
 * (their version rises), and the same file twice changes nothing.
 */
export async function importCatalogueText(
  db: Kysely<Database>,
  m: Municipality,
  file: { fileName: string; text: string },
  actor: Actor,
): Promise<CatalogueImportResult> {
  const parsed = parseCatalogueText(file.text);
  const errors: FileError[] = parsed.problems.map((reason) => ({ file: file.fileName, reason }));
  if (!parsed.period) errors.push({ file: file.fileName, reason: 'overskriften "BUDGET 2023-2026" mangler' });
  if (parsed.proposals.length === 0)
    errors.push({ file: file.fileName, reason: "filen indeholder ingen skemaer" });
  if (errors.length > 0 || !parsed.period) throw new ImportFailed(errors);
  const period = parsed.period;
  const catalogue = catalogueName(period);
  const sha256 = createHash("sha256").update(file.text).digest("hex");
  return db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, m.id);
    const stored = new Map(
      (await loadProposals(trx, { municipalityId: m.id, catalogue }, { forUpdate: true })).map((s) => [
        s.proposal.schedule,
        s,
      ]),
    );
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    for (const [position, read] of parsed.proposals.entries()) {
      const existing = stored.get(read.schedule);
      // The printed catalogue does not carry the decision: a status set in Bevilling stays.
      const p: Proposal = existing ? { ...read, status: existing.proposal.status } : read;
      if (!existing) {
        const id = await insertProposal(trx, {
          municipalityId: m.id,
          catalogue,
          period,
          position,
          proposal: p,
        });
        await appendAudit(trx, {
          actor,
          municipalityId: m.id,
          entityType: "proposal",
          entityId: id,
          action: "create",
          after: auditView(p),
          reason: `Indlæst fra ${file.fileName}`,
        });
        created++;
      } else if (content(existing.proposal) !== content(p)) {
        await replaceProposal(trx, existing.id, p);
        await appendAudit(trx, {
          actor,
          municipalityId: m.id,
          entityType: "proposal",
          entityId: existing.id,
          action: "update",
          before: auditView(existing.proposal),
          after: auditView(p),
          reason: `Indlæst fra ${file.fileName}`,
        });
        updated++;
      } else unchanged++;
    }
    if (created + updated > 0) {
      await appendAudit(trx, {
        actor,
        municipalityId: m.id,
        entityType: "proposal_catalogue",
        entityId: catalogue,
        action: "import",
        after: { fileName: file.fileName, sha256, created, updated, unchanged },
      });
    }
    return {
      catalogue,
      period,
      created,
      updated,
      unchanged,
      warnings: checkCatalogue(parsed.proposals, period),
    };
  });
}

/** Every catalogue of the municipality, with its proposals and the checks' findings. */
export async function getCatalogue(db: Kysely<Database>, m: Municipality, catalogue?: string) {
  const catalogues = await listCatalogues(db, m.id);
  const chosen = catalogue ?? catalogues.at(-1)?.catalogue;
  if (chosen === undefined) return { catalogues, catalogue: null, proposals: [], warnings: [] };
  const stored = await loadProposals(db, { municipalityId: m.id, catalogue: chosen });
  if (stored.length === 0) throw new NotFound(`Kataloget "${chosen}" findes ikke i ${m.name} Kommune`);
  const period = stored[0]?.period as ProposalPeriod;
  const warnings = checkCatalogue(
    stored.map((s) => s.proposal),
    period,
  );
  const bySchedule = (schedule: string) => warnings.filter((w) => w.schedule === schedule);
  return {
    catalogues,
    catalogue: chosen,
    proposals: stored.map((s) => proposalView(s, bySchedule(s.proposal.schedule))),
    warnings,
  };
}

export async function getProposal(db: Kysely<Database>, m: Municipality, id: number): Promise<ProposalView> {
  const [sp] = await loadProposals(db, { municipalityId: m.id, id });
  if (!sp) throw new NotFound(`Forslaget ${id} findes ikke i ${m.name} Kommune`);
  return proposalView(sp, checkProposal(sp.proposal, sp.period));
}

const amountSchema = z.string().regex(/^-?\d{1,17}$/, "skal være et helt antal øre");

export const proposalEditSchema = z.object({
  version: z.number().int().positive(),
  reason: z.string().trim().max(500, "højst 500 tegn").optional(),
  schedule: z
    .string()
    .trim()
    .refine((s) => normalizeScheduleNumber(s) !== undefined, "skal være et skemanummer som 2.1.2. 05")
    .optional(),
  internalNumber: z.string().trim().max(50).nullable().optional(),
  kind: z.enum(PROPOSAL_KINDS as [string, ...string[]]).optional(),
  status: z.enum(PROPOSAL_STATUSES as [string, ...string[]]).optional(),
  title: z.string().trim().min(1, "mangler").max(300).optional(),
  text: z.string().max(50_000).optional(),
  committee: z.string().trim().min(1).max(200).optional(),
  area: z.string().trim().min(1).max(200).optional(),
  lines: z
    .array(
      z.object({
        name: z.string().trim().max(300),
        amounts: z
          .array(z.object({ year: z.number().int().min(1990).max(2110), amount: amountSchema }))
          .max(20),
      }),
    )
    .max(50)
    .optional(),
});

export type ProposalEdit = z.output<typeof proposalEditSchema>;

/**
 * Changes a proposal. `version` is the version the user edited; a stale one is refused with the
 * proposal as it is now. Lines given replace the lines (the printed totals then no longer apply:
 * they described the source, and the lines are no longer the source's).
 */
export async function updateProposal(
  db: Kysely<Database>,
  m: Municipality,
  id: number,
  edit: ProposalEdit,
  actor: Actor,
): Promise<ProposalView> {
  await db.transaction().execute(async (trx) => {
    const [sp] = await loadProposals(trx, { municipalityId: m.id, id }, { forUpdate: true });
    if (!sp) throw new NotFound(`Forslaget ${id} findes ikke i ${m.name} Kommune`);
    if (sp.version !== edit.version) {
      throw new Conflict("Forslaget er ændret af en anden, efter du hentede det", proposalView(sp));
    }
    const before = sp.proposal;
    const next: Proposal = {
      ...before,
      ...(edit.schedule !== undefined ? { schedule: normalizeScheduleNumber(edit.schedule) as string } : {}),
      ...(edit.kind !== undefined ? { kind: edit.kind as Proposal["kind"] } : {}),
      ...(edit.status !== undefined ? { status: edit.status as Proposal["status"] } : {}),
      ...(edit.title !== undefined ? { title: edit.title } : {}),
      ...(edit.text !== undefined ? { text: edit.text } : {}),
      ...(edit.committee !== undefined ? { committee: edit.committee } : {}),
      ...(edit.area !== undefined ? { area: edit.area } : {}),
    };
    if (edit.internalNumber !== undefined) {
      if (edit.internalNumber === null || edit.internalNumber === "") delete next.internalNumber;
      else next.internalNumber = edit.internalNumber;
    }
    if (edit.lines !== undefined) {
      next.lines = edit.lines.map((l) => ({
        name: l.name,
        amounts: new Map(l.amounts.map((a) => [a.year, BigInt(a.amount)])),
      }));
      delete next.printedTotals;
    }
    if (content(next) === content(before)) return;
    await replaceProposal(trx, id, next);
    await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "proposal",
      entityId: id,
      action: "update",
      before: auditView(before),
      after: auditView(next),
      reason: edit.reason,
    });
  });
  return getProposal(db, m, id);
}

export type DocumentFormat = "docx" | "pdf" | "html" | "xlsx";

const DOCUMENT_TYPES: Record<DocumentFormat, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pdf: "application/pdf",
  html: "text/html; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** The catalogue in seed 003's form, generated from the stored proposals (never typed). */
export async function catalogueDocument(
  db: Kysely<Database>,
  m: Municipality,
  format: DocumentFormat,
  catalogue?: string,
): Promise<ExportFile> {
  const c = await getCatalogue(db, m, catalogue);
  if (c.catalogue === null) throw new NotFound(`${m.name} Kommune har ingen forslagskataloger`);
  const first = c.proposals[0];
  const doc = proposalCatalogueDocument({
    catalogue: c.catalogue,
    period: first?.period ?? { firstYear: 0, lastYear: 0 },
    municipality: `${m.name} Kommune`,
    proposals: c.proposals,
  });
  const bytes =
    format === "html"
      ? new TextEncoder().encode(renderHtml(doc))
      : format === "pdf"
        ? await renderPdf(doc)
        : format === "docx"
          ? await renderDocx(doc)
          : await renderXlsx(doc);
  const slug = `forslagskatalog-${m.code}-${c.catalogue.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return { fileName: `${slug}.${format}`, contentType: DOCUMENT_TYPES[format], bytes };
}
