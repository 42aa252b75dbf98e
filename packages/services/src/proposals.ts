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
  agreementsUsingProposal,
  appendAudit,
  type Database,
  deleteProposalRow,
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
import { type FileError, readXlsxSheets } from "@bevilling/io";
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { catalogueWorkbookDoc, readCatalogueWorkbook } from "./catalogue-xlsx.ts";
import { BadRequest, Conflict, NotFound } from "./errors.ts";
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
/** The amounts alone, to tell an amount change from a change of text. */
function linesContent(p: Proposal): string {
  return canonicalJson(p.lines.map((l) => ({ ...l, amounts: [...l.amounts] })));
}

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
 * (their version rises), and the same file twice changes nothing. The printed catalogue does not
 * carry the decision, so a status set in Bevilling stays; nor does it name its references (they
 * are a reading of the text), so references corrected in Bevilling stay while the text is the same.
 */
export async function importCatalogueText(
  db: Kysely<Database>,
  m: Municipality,
  file: { fileName: string; text: string },
  actor: Actor,
): Promise<CatalogueImportResult> {
  const parsed = parseCatalogueText(file.text);
  // A text without schedules is one of the parser's problems (field "skema", no line).
  const errors: FileError[] = parsed.problems.map((p) => ({
    file: file.fileName,
    ...(p.line === undefined ? {} : { line: p.line }),
    field: p.field,
    reason: p.reason,
  }));
  if (!parsed.period) errors.push({ file: file.fileName, reason: 'overskriften "BUDGET 2023-2026" mangler' });
  if (errors.length > 0 || !parsed.period) throw new ImportFailed(errors);
  return storeCatalogue(
    db,
    m,
    {
      fileName: file.fileName,
      sha256: createHash("sha256").update(file.text).digest("hex"),
      period: parsed.period,
      proposals: parsed.proposals,
      merge: (read, existing) => ({
        ...read,
        status: existing.status,
        references: read.text === existing.text ? existing.references : read.references,
      }),
    },
    actor,
  );
}

function sameLines(a: Proposal, b: Proposal): boolean {
  const view = (p: Proposal) =>
    canonicalJson(p.lines.map((l) => ({ name: l.name, amounts: [...l.amounts] })));
  return view(a) === view(b);
}

/**
 * Imports a catalogue from an Excel workbook in the layout the Excel export writes (sheet
 * "Forslag" and a sheet per proposal, see catalogue-xlsx.ts), so a catalogue can be exported,
 * edited in Excel and read back. One transaction; any error in the workbook stores nothing. As with
 * the text form, the same workbook twice changes nothing and a stored proposal keeps its status
 * (new proposals take the Status column's). The workbook's "I alt" figures are sums and are not
 * read: while a proposal's lines are unchanged it keeps the totals its source printed, to check
 * against; changed lines replace them, as when the lines are edited in Bevilling.
 */
export async function importCatalogueXlsx(
  db: Kysely<Database>,
  m: Municipality,
  file: { fileName: string; bytes: Uint8Array },
  actor: Actor,
): Promise<CatalogueImportResult> {
  const read = await readXlsxSheets(file.bytes);
  if ("errors" in read) {
    throw new ImportFailed(
      read.errors.map((e) => ({
        file: file.fileName,
        ...(e.sheet !== undefined ? { sheet: e.sheet } : {}),
        ...(e.line > 0 ? { line: e.line } : {}),
        reason: e.reason,
      })),
    );
  }
  const parsed = readCatalogueWorkbook(file.fileName, read.sheets);
  if (parsed.errors.length > 0 || !parsed.period) {
    const limit = 1000;
    throw new ImportFailed(parsed.errors.slice(0, limit), Math.max(0, parsed.errors.length - limit));
  }
  return storeCatalogue(
    db,
    m,
    {
      fileName: file.fileName,
      sha256: createHash("sha256").update(file.bytes).digest("hex"),
      period: parsed.period,
      proposals: parsed.proposals,
      merge: (read, existing) => {
        const p: Proposal = { ...read, status: existing.status };
        if (sameLines(read, existing)) {
          // The stored lines carry the totals their source printed; the workbook's are only sums.
          p.lines = existing.lines;
          if (existing.printedTotals) p.printedTotals = existing.printedTotals;
        }
        return p;
      },
    },
    actor,
  );
}

/** True for the bytes of a zip archive, which every .xlsx is. */
function looksLikeXlsx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
}

/**
 * Imports a catalogue file of either form: an Excel workbook (.xlsx, recognised by its content)
 * or the printed text form (UTF-8).
 */
export async function importCatalogue(
  db: Kysely<Database>,
  m: Municipality,
  file: { fileName: string; bytes: Uint8Array },
  actor: Actor,
): Promise<CatalogueImportResult> {
  if (looksLikeXlsx(file.bytes) || /\.xlsx$/iu.test(file.fileName))
    return importCatalogueXlsx(db, m, file, actor);
  const text = new TextDecoder("utf-8").decode(file.bytes);
  return importCatalogueText(db, m, { fileName: file.fileName, text }, actor);
}

/**
 * Stores a catalogue read from a file in one transaction: new schedules are created, stored ones
 * replaced when `merge(read, stored)` differs from what is stored, the rest left alone.
 */
async function storeCatalogue(
  db: Kysely<Database>,
  m: Municipality,
  input: {
    fileName: string;
    sha256: string;
    period: ProposalPeriod;
    proposals: readonly Proposal[];
    merge: (read: Proposal, stored: Proposal) => Proposal;
  },
  actor: Actor,
): Promise<CatalogueImportResult> {
  const { fileName, sha256, period } = input;
  const catalogue = catalogueName(period);
  return db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, m.id);
    const storedList = await loadProposals(trx, { municipalityId: m.id, catalogue }, { forUpdate: true });
    const stored = new Map(storedList.map((s) => [s.proposal.schedule, s]));
    let nextPosition = storedList.reduce((max, s) => Math.max(max, s.position + 1), 0);
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    const result: Proposal[] = [];
    for (const read of input.proposals) {
      const existing = stored.get(read.schedule);
      const p: Proposal = existing ? input.merge(read, existing.proposal) : read;
      result.push(p);
      if (!existing) {
        const id = await insertProposal(trx, {
          municipalityId: m.id,
          catalogue,
          period,
          position: nextPosition++,
          proposal: p,
        });
        await appendAudit(trx, {
          actor,
          municipalityId: m.id,
          entityType: "proposal",
          entityId: id,
          action: "create",
          after: auditView(p),
          reason: `Indlæst fra ${fileName}`,
        });
        created++;
      } else if (content(existing.proposal) !== content(p)) {
        if (linesContent(existing.proposal) !== linesContent(p) || existing.proposal.status !== p.status) {
          await refuseAmountChangeWhenAdopted(trx, existing.id, existing.proposal.schedule);
        }
        await replaceProposal(trx, existing.id, p);
        await appendAudit(trx, {
          actor,
          municipalityId: m.id,
          entityType: "proposal",
          entityId: existing.id,
          action: "update",
          before: auditView(existing.proposal),
          after: auditView(p),
          reason: `Indlæst fra ${fileName}`,
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
        after: { fileName, sha256, created, updated, unchanged },
      });
    }
    return { catalogue, period, created, updated, unchanged, warnings: checkCatalogue(result, period) };
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

const scheduleSchema = z
  .string()
  .trim()
  .refine((s) => normalizeScheduleNumber(s) !== undefined, "skal være et skemanummer som 2.1.2. 05");

const linesSchema = z
  .array(
    z.object({
      name: z.string().trim().max(300),
      amounts: z
        .array(z.object({ year: z.number().int().min(1990).max(2110), amount: amountSchema }))
        .max(20),
    }),
  )
  .max(50);

const referencesSchema = z
  .array(
    z.object({
      schedule: scheduleSchema,
      relation: z.enum(["alternative_to", "related"], {
        error: 'skal være "alternative_to" (alternativ til) eller "related" (henviser til)',
      }),
    }),
  )
  .max(50);

export const proposalEditSchema = z.object({
  version: z.number().int().positive(),
  reason: z.string().trim().max(500, "højst 500 tegn").optional(),
  schedule: scheduleSchema.optional(),
  internalNumber: z.string().trim().max(50).nullable().optional(),
  kind: z.enum(PROPOSAL_KINDS as [string, ...string[]]).optional(),
  status: z.enum(PROPOSAL_STATUSES as [string, ...string[]]).optional(),
  title: z.string().trim().min(1, "mangler").max(300).optional(),
  text: z.string().max(50_000).optional(),
  committee: z.string().trim().min(1).max(200).optional(),
  area: z.string().trim().min(1).max(200).optional(),
  lines: linesSchema.optional(),
  references: referencesSchema.optional(),
});

export type ProposalEdit = z.output<typeof proposalEditSchema>;

export const proposalCreateSchema = z.object({
  catalogue: z.string().trim().min(1, "mangler").max(100),
  schedule: scheduleSchema,
  internalNumber: z.string().trim().max(50).nullable().optional(),
  kind: z.enum(PROPOSAL_KINDS as [string, ...string[]]),
  status: z.enum(PROPOSAL_STATUSES as [string, ...string[]]).default("draft"),
  title: z.string().trim().min(1, "mangler").max(300),
  text: z.string().max(50_000).default(""),
  committee: z.string().trim().min(1, "mangler").max(200),
  area: z.string().trim().min(1, "mangler").max(200),
  lines: linesSchema.default([]),
  references: referencesSchema.default([]),
  reason: z.string().trim().max(500, "højst 500 tegn").optional(),
});

export type ProposalCreate = z.input<typeof proposalCreateSchema>;

export const proposalDeleteSchema = z.object({
  version: z.coerce.number().int().positive(),
  reason: z.string().trim().max(500, "højst 500 tegn").optional(),
});

export type ProposalDelete = z.input<typeof proposalDeleteSchema>;

function linesOf(lines: z.output<typeof linesSchema>): Proposal["lines"] {
  return lines.map((l) => ({
    name: l.name,
    amounts: new Map(l.amounts.map((a) => [a.year, BigInt(a.amount)])),
  }));
}

/**
 * References in canonical form; a reference to the proposal itself or a schedule named twice is
 * refused with the field that says so.
 */
function referencesOf(refs: z.output<typeof referencesSchema>, own: string): Proposal["references"] {
  const out: Proposal["references"] = [];
  const issues: { field: string; reason: string }[] = [];
  refs.forEach((r, i) => {
    const schedule = normalizeScheduleNumber(r.schedule) as string;
    if (schedule === own) {
      issues.push({
        field: `body.references.${i}.schedule`,
        reason: "et forslag kan ikke henvise til sig selv",
      });
    } else if (out.some((x) => x.schedule === schedule)) {
      issues.push({ field: `body.references.${i}.schedule`, reason: `skema ${schedule} står to gange` });
    } else out.push({ schedule, relation: r.relation });
  });
  if (issues.length > 0) {
    throw new BadRequest(`Henvisningerne er ikke i orden: ${issues.map((x) => x.reason).join("; ")}`, issues);
  }
  // In schedule order, as they are read back: the same references in another order are no change.
  return out.sort((a, b) => (a.schedule < b.schedule ? -1 : a.schedule > b.schedule ? 1 : 0));
}

/** Refuses a schedule that another proposal of the catalogue has (the database would too, less kindly). */
async function assertScheduleFree(
  trx: Transaction<Database>,
  m: Municipality,
  catalogue: string,
  schedule: string,
  exceptId?: number,
): Promise<void> {
  let q = trx
    .selectFrom("proposal")
    .select("id")
    .where("municipality_id", "=", m.id)
    .where("catalogue", "=", catalogue)
    .where("schedule", "=", schedule);
  if (exceptId !== undefined) q = q.where("id", "<>", exceptId);
  if (await q.executeTakeFirst()) {
    throw new BadRequest(`Skema ${schedule} findes allerede i ${catalogue}`, [
      { field: "body.schedule", reason: `skema ${schedule} findes allerede i kataloget` },
    ]);
  }
}

/**
 * Changes a proposal. `version` is the version the user edited; a stale one is refused with the
 * proposal as it is now. Lines given replace the lines (the printed totals then no longer apply:
 * they described the source, and the lines are no longer the source's). References given replace
 * the references.
 */
export async function updateProposal(
  db: Kysely<Database>,
  m: Municipality,
  id: number,
  edit: ProposalEdit,
  actor: Actor,
): Promise<ProposalView> {
  await db.transaction().execute(async (trx) => {
    // Serialised with adoption, which reads the proposals' lines under the same lock.
    await lockMunicipalityWrites(trx, m.id);
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
      next.lines = linesOf(edit.lines);
      delete next.printedTotals;
    }
    if (edit.references !== undefined) next.references = referencesOf(edit.references, next.schedule);
    if (content(next) === content(before)) return;
    if (linesContent(next) !== linesContent(before) || next.status !== before.status) {
      await refuseAmountChangeWhenAdopted(trx, id, before.schedule);
    }
    if (next.schedule !== before.schedule) await assertScheduleFree(trx, m, sp.catalogue, next.schedule, id);
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

/**
 * Adds a proposal to a catalogue: an existing one, or a new one named "Budget 2025-2028" after
 * its budget period. It comes last in the catalogue and, unless told otherwise, as a draft.
 */
export async function createProposal(
  db: Kysely<Database>,
  m: Municipality,
  input: ProposalCreate,
  actor: Actor,
): Promise<ProposalView> {
  const r = proposalCreateSchema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ field: ["body", ...i.path].join("."), reason: i.message }));
    throw new BadRequest(
      `Forslaget er ikke udfyldt korrekt: ${issues.map((i) => i.reason).join("; ")}`,
      issues,
    );
  }
  const c = r.data;
  const schedule = normalizeScheduleNumber(c.schedule) as string;
  const proposal: Proposal = {
    schedule,
    kind: c.kind as Proposal["kind"],
    title: c.title,
    text: c.text.replace(/\r\n?/gu, "\n"),
    committee: c.committee,
    area: c.area,
    lines: linesOf(c.lines),
    status: c.status as Proposal["status"],
    references: referencesOf(c.references, schedule),
  };
  if (c.internalNumber !== undefined && c.internalNumber !== null && c.internalNumber !== "") {
    proposal.internalNumber = c.internalNumber;
  }
  const id = await db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, m.id);
    const existing = (await listCatalogues(trx, m.id)).find((x) => x.catalogue === c.catalogue);
    let period: ProposalPeriod;
    if (existing) period = { firstYear: existing.firstYear, lastYear: existing.lastYear };
    else {
      const named = /^budget\s+(\d{4})\s*[-\u2013]\s*(\d{4})$/iu.exec(c.catalogue);
      const first = Number(named?.[1]);
      const last = Number(named?.[2]);
      if (!named || first > last || first < 1990 || last > 2110) {
        throw new BadRequest(`Kataloget "${c.catalogue}" findes ikke i ${m.name} Kommune`, [
          {
            field: "body.catalogue",
            reason: "ukendt katalog; et nyt katalog hedder efter budgetperioden, fx Budget 2025-2028",
          },
        ]);
      }
      period = { firstYear: first, lastYear: last };
    }
    const catalogue = existing ? existing.catalogue : catalogueName(period);
    await assertScheduleFree(trx, m, catalogue, schedule);
    const last = await trx
      .selectFrom("proposal")
      .select((eb) => eb.fn.max("position").as("position"))
      .where("municipality_id", "=", m.id)
      .where("catalogue", "=", catalogue)
      .executeTakeFirst();
    const position = last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
    const newId = await insertProposal(trx, { municipalityId: m.id, catalogue, period, position, proposal });
    await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "proposal",
      entityId: newId,
      action: "create",
      after: auditView(proposal),
      reason: c.reason,
    });
    return newId;
  });
  return getProposal(db, m, id);
}

/** Thrown by the database when a row that others refer to is deleted (here: an agreement's item). */
function isForeignKeyViolation(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === "23503";
}

/**
 * Deletes a proposal, by the version the user saw (a stale one is refused with the current
 * proposal). A proposal that a budget agreement uses is refused (409) with the agreements named:
 * the agreement must let go of it first. Recorded in the audit trail with everything it held.
 */
export async function deleteProposal(
  db: Kysely<Database>,
  m: Municipality,
  id: number,
  input: ProposalDelete,
  actor: Actor,
): Promise<void> {
  const r = proposalDeleteSchema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ field: ["query", ...i.path].join("."), reason: i.message }));
    throw new BadRequest(issues.map((i) => i.reason).join("; "), issues);
  }
  await db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, m.id);
    const [sp] = await loadProposals(trx, { municipalityId: m.id, id }, { forUpdate: true });
    if (!sp) throw new NotFound(`Forslaget ${id} findes ikke i ${m.name} Kommune`);
    if (sp.version !== r.data.version) {
      throw new Conflict("Forslaget er ændret af en anden, efter du hentede det", proposalView(sp));
    }
    const usedBy = await agreementsUsing(trx, id);
    const refuse = (names: readonly string[]) =>
      new Conflict(
        `Skema ${sp.proposal.schedule} indgår i ${
          names.length === 0
            ? "en budgetaftale"
            : `${names.length === 1 ? "budgetaftalen" : "budgetaftalerne"} ${names.map((n) => `»${n}«`).join(", ")}`
        } og kan ikke slettes. Fjern forslaget fra aftalen først.`,
        proposalView(sp),
        { agreements: names },
      );
    if (usedBy.length > 0) throw refuse(usedBy);
    try {
      await deleteProposalRow(trx, id);
    } catch (e) {
      // An agreement that took the proposal in meanwhile: the foreign key refuses, say why.
      if (isForeignKeyViolation(e)) throw refuse([]);
      throw e;
    }
    await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "proposal",
      entityId: id,
      action: "delete",
      before: toJsonValue({
        ...(auditView(sp.proposal) as object),
        catalogue: sp.catalogue,
        version: sp.version,
      }),
      after: null,
      reason: r.data.reason,
    });
  });
}

/** The names of the budget agreements with an item that is this proposal. */
async function agreementsUsing(trx: Transaction<Database>, proposalId: number): Promise<string[]> {
  return (await agreementsUsingProposal(trx, proposalId)).map((a) => a.name);
}

/**
 * An adopted agreement reads its proposals' lines, so once a proposal is adopted its amounts and
 * status are part of the budget's history: changing them would silently rewrite what was adopted
 * (the adoption trace would no longer match the agreement). Text and title may still be corrected.
 */
async function refuseAmountChangeWhenAdopted(
  trx: Transaction<Database>,
  id: number,
  schedule: string,
): Promise<void> {
  const adopted = (await agreementsUsingProposal(trx, id)).filter((a) => a.status === "adopted");
  if (adopted.length === 0) return;
  throw new Conflict(
    `Skema ${schedule} er vedtaget i budgetaftalen »${adopted[0]?.name}«, og dets beløb og status kan ikke længere ændres. Ændringer af det vedtagne budget gives som tillægsbevillinger.`,
    undefined,
    { agreements: adopted.map((a) => a.name) },
  );
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
  if (format === "xlsx") {
    // The workbook is for editing and reading back in: every field, every amount exact.
    const workbook = catalogueWorkbookDoc({
      period: first?.period ?? { firstYear: 0, lastYear: 0 },
      municipality: `${m.name} Kommune`,
      proposals: c.proposals,
    });
    return {
      fileName: `${catalogueSlug(m, c.catalogue)}.xlsx`,
      contentType: DOCUMENT_TYPES.xlsx,
      bytes: await renderXlsx(workbook),
    };
  }
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
        : await renderDocx(doc);
  return {
    fileName: `${catalogueSlug(m, c.catalogue)}.${format}`,
    contentType: DOCUMENT_TYPES[format],
    bytes,
  };
}

function catalogueSlug(m: Municipality, catalogue: string): string {
  return `forslagskatalog-${m.code}-${catalogue.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}
