/**
 * The budget remarks (budgetbemærkninger): the narrative sections users write per committee or
 * area and budget year (listed, added, changed with optimistic concurrency, moved, deleted, each
 * change in the audit trail in the same transaction), the two settings the generated
 * "Budgetgrundlag" sentence needs, and the documents:
 *
 * - committeeRemarksDocument: a committee's remarks in seed 000's form, the multi-year table
 *   from the overview at the budget year's prices and the adopted agreement's items on the
 *   committee, each written by core (remarkSentence);
 * - areaRemarksDocument: areas' remarks in seed 001's form, each area's net budget (budget B of
 *   its subtree), the frame sentence, the DUT sentences and pool texts of the adopted agreement.
 *
 * Nothing in a document is typed: figures come from the budget, sentences from the agreement,
 * and only the narrative sections are text users wrote.
 */
import {
  type Actor,
  type AgreementItem,
  type Column,
  dutRemark,
  frameBudgetSentence,
  isValidIn,
  type Municipality,
  type OrgNode,
  poolRemark,
  remarkSentence,
  standardColumns,
} from "@bevilling/core";
import {
  appendAudit,
  type Database,
  deleteRemarkSection as deleteSectionRow,
  findMunicipality,
  frameBudgetNodes,
  getNode,
  insertRemarkSection,
  listNodes,
  listRemarkSections,
  lockMunicipalityWrites,
  priceBasisOf,
  type RemarkSectionKindColumn,
  type StoredRemarkSection,
  setRemarkPositions,
  updateFrameBudget,
  updatePriceBasis,
  updateRemarkSection as updateSectionRow,
} from "@bevilling/db";
import {
  type AreaRemarksArea,
  type AreaRemarksInput,
  areaRemarksDocument as buildAreaRemarks,
  committeeRemarksDocument as buildCommitteeRemarks,
  type CommitteeRemarksInput,
  type Doc,
  netBudgetText,
  REMARK_SECTION_KINDS,
  renderDocx,
  renderHtml,
  renderPdf,
  renderXlsx,
  roundCrossTable,
} from "@bevilling/documents";
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { findAdoptedAgreement } from "./agreements.ts";
import { BadRequest, Conflict, NotFound, Unauthenticated } from "./errors.ts";
import { type ExportFile, slug } from "./export.ts";
import { getOverview } from "./overview.ts";
import type { DocumentFormat } from "./proposals.ts";

export type RemarkSectionKind = RemarkSectionKindColumn;

export const REMARK_SECTION_KIND_LABEL: Readonly<Record<RemarkSectionKind, string>> = Object.freeze({
  intro: "Indledning",
  section: "Afsnit",
  subsection: "Underafsnit",
  description: "Beskrivelse af området",
  development: "Udvikling og udfordringer",
  basis: "Budgetgrundlag (supplerende tekst)",
});

const MAX_BODY = 50_000;
const MAX_HEADING = 300;

const kindSchema = z.enum(REMARK_SECTION_KINDS as unknown as [RemarkSectionKind, ...RemarkSectionKind[]], {
  error: `skal være ${REMARK_SECTION_KINDS.join(", ")}`,
});
const yearSchema = z.number().int().min(1900, "skal være et årstal").max(2200, "skal være et årstal");
const headingSchema = z.string().trim().max(MAX_HEADING, `højst ${MAX_HEADING} tegn`);
const bodySchema = z.string().max(MAX_BODY, `højst ${MAX_BODY} tegn`);
const reasonSchema = z.string().trim().max(500, "højst 500 tegn").optional();

export const remarkSectionCreateSchema = z.object({
  year: yearSchema,
  kind: kindSchema,
  heading: headingSchema.default(""),
  body: bodySchema,
  reason: reasonSchema,
});
export type RemarkSectionCreate = z.input<typeof remarkSectionCreateSchema>;

export const remarkSectionEditSchema = z.object({
  version: z.number().int().positive(),
  kind: kindSchema.optional(),
  heading: headingSchema.optional(),
  body: bodySchema.optional(),
  reason: reasonSchema,
});
export type RemarkSectionEdit = z.input<typeof remarkSectionEditSchema>;

export const remarkOrderSchema = z.object({
  year: yearSchema,
  /** Every section of the node and year, in the new order, each with the version the user saw. */
  sections: z
    .array(z.object({ id: z.number().int().positive(), version: z.number().int().positive() }))
    .max(1000),
  reason: reasonSchema,
});
export type RemarkOrder = z.input<typeof remarkOrderSchema>;

export const frameBudgetSettingSchema = z.object({
  frameBudget: z.boolean({ error: "skal være true eller false" }),
  reason: reasonSchema,
});

export const priceBasisSettingSchema = z.object({
  /** null or "": the frame sentence leaves out the clause about price adjustment. */
  priceBasis: z.string().trim().max(200, "højst 200 tegn").nullable(),
  reason: reasonSchema,
});

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ field: ["body", ...i.path].join("."), reason: i.message }));
    throw new BadRequest(
      issues.map((i) => `${i.field.replace(/^body\./, "")}: ${i.reason}`).join("; "),
      issues,
    );
  }
  return r.data;
}

export function remarkSectionView(s: StoredRemarkSection) {
  return {
    id: s.id,
    nodeId: s.nodeId,
    budgetYear: s.budgetYear,
    kind: s.kind,
    kindLabel: REMARK_SECTION_KIND_LABEL[s.kind],
    heading: s.heading,
    body: s.body,
    position: s.position,
    version: s.version,
    updatedAt: s.updatedAt,
  };
}
export type RemarkSectionView = ReturnType<typeof remarkSectionView>;

function auditView(s: { kind: string; heading: string; body: string }) {
  return { kind: s.kind, heading: s.heading, body: s.body };
}

/** The node sections are written for: a committee or an area of a municipality. */
async function remarkNode(db: Kysely<Database>, nodeId: number) {
  const node = await getNode(db, nodeId);
  if (!node) throw new NotFound(`Enheden ${nodeId} findes ikke`);
  if (node.kind !== "committee" && node.kind !== "area") {
    throw new BadRequest(
      `${node.code} ${node.name} er hverken et udvalg eller et bevillingsområde; bemærkninger skrives for udvalg og områder`,
      [{ field: "nodeId", reason: "skal være et udvalg eller et bevillingsområde" }],
    );
  }
  return node;
}

async function sectionOf(
  db: Kysely<Database> | Transaction<Database>,
  municipalityId: number,
  nodeId: number,
  id: number,
  forUpdate = false,
) {
  const [s] = await listRemarkSections(db, { municipalityId, id }, { forUpdate });
  // A section of another node is not there, seen from this node's address.
  if (!s || s.nodeId !== nodeId)
    throw new NotFound(`Afsnittet ${id} findes ikke i bemærkningerne for enheden ${nodeId}`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Sections

/** The node's sections of a budget year and what the documents generate for it. */
export async function getRemarks(db: Kysely<Database>, nodeId: number, budgetYear?: number) {
  const node = await remarkNode(db, nodeId);
  const m = (await findMunicipality(db, node.municipalityId)) as Municipality;
  const year = budgetYear ?? m.settings.budgetYear;
  const sections = await listRemarkSections(db, {
    municipalityId: m.id,
    budgetYear: year,
    nodeIds: [node.id],
  });
  return {
    node: { id: node.id, code: node.code, name: node.name, kind: node.kind },
    municipality: { code: m.code, name: m.name },
    budgetYear: year,
    sections: sections.map(remarkSectionView),
    generated:
      node.kind === "committee"
        ? await committeePreview(db, m, node, year)
        : await areaPreview(db, m, node, year),
  };
}

export async function createRemarkSection(
  db: Kysely<Database>,
  nodeId: number,
  input: RemarkSectionCreate,
  actor: Actor,
): Promise<RemarkSectionView> {
  const data = parse(remarkSectionCreateSchema, input);
  const node = await remarkNode(db, nodeId);
  const id = await db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, node.municipalityId);
    const made = await insertRemarkSection(trx, {
      municipalityId: node.municipalityId,
      nodeId: node.id,
      budgetYear: data.year,
      kind: data.kind,
      heading: data.heading,
      body: data.body,
    });
    await appendAudit(trx, {
      actor,
      municipalityId: node.municipalityId,
      entityType: "remark_section",
      entityId: made,
      action: "create",
      after: { node: node.code, budgetYear: data.year, ...auditView(data) },
      reason: data.reason,
    });
    return made;
  });
  return remarkSectionView(await sectionOf(db, node.municipalityId, node.id, id));
}

/**
 * Changes a section's kind, heading or body. `version` is the version the user edited; a stale
 * one is refused (409) with the section as it is now. Changing nothing records nothing.
 */
export async function updateRemarkSection(
  db: Kysely<Database>,
  nodeId: number,
  id: number,
  edit: RemarkSectionEdit,
  actor: Actor,
): Promise<RemarkSectionView> {
  const data = parse(remarkSectionEditSchema, edit);
  const node = await remarkNode(db, nodeId);
  await db.transaction().execute(async (trx) => {
    const before = await sectionOf(trx, node.municipalityId, node.id, id, true);
    if (before.version !== data.version) {
      throw new Conflict("Afsnittet er ændret af en anden, efter du hentede det", remarkSectionView(before));
    }
    const next = {
      kind: data.kind ?? before.kind,
      heading: data.heading ?? before.heading,
      body: data.body ?? before.body,
    };
    if (next.kind === before.kind && next.heading === before.heading && next.body === before.body) return;
    await updateSectionRow(trx, id, next);
    await appendAudit(trx, {
      actor,
      municipalityId: node.municipalityId,
      entityType: "remark_section",
      entityId: id,
      action: "update",
      before: auditView(before),
      after: auditView(next),
      reason: data.reason,
    });
  });
  return remarkSectionView(await sectionOf(db, node.municipalityId, node.id, id));
}

/** Deletes a section, if it is still the version the user saw (else 409 with the current one). */
export async function deleteRemarkSection(
  db: Kysely<Database>,
  nodeId: number,
  id: number,
  version: number,
  actor: Actor,
  reason?: string,
): Promise<void> {
  const node = await remarkNode(db, nodeId);
  await db.transaction().execute(async (trx) => {
    const before = await sectionOf(trx, node.municipalityId, node.id, id, true);
    if (before.version !== version) {
      throw new Conflict("Afsnittet er ændret af en anden, efter du hentede det", remarkSectionView(before));
    }
    await deleteSectionRow(trx, id);
    await appendAudit(trx, {
      actor,
      municipalityId: node.municipalityId,
      entityType: "remark_section",
      entityId: id,
      action: "delete",
      before: { node: node.code, budgetYear: before.budgetYear, ...auditView(before) },
      reason,
    });
  });
}

/**
 * Puts the node's sections of a year in a new order. The order must name every section once,
 * each with the version the user saw; otherwise someone has changed them meanwhile (409 with the
 * sections as they are now).
 */
export async function reorderRemarkSections(
  db: Kysely<Database>,
  nodeId: number,
  input: RemarkOrder,
  actor: Actor,
): Promise<RemarkSectionView[]> {
  const data = parse(remarkOrderSchema, input);
  const node = await remarkNode(db, nodeId);
  await db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, node.municipalityId);
    const current = await listRemarkSections(
      trx,
      { municipalityId: node.municipalityId, budgetYear: data.year, nodeIds: [node.id] },
      { forUpdate: true },
    );
    const versions = new Map(current.map((s) => [s.id, s.version]));
    const ids = data.sections.map((s) => s.id);
    const same =
      ids.length === current.length &&
      new Set(ids).size === ids.length &&
      data.sections.every((s) => versions.get(s.id) === s.version);
    if (!same) {
      throw new Conflict(
        "Afsnittene er ændret af en anden, efter du hentede dem",
        current.map(remarkSectionView),
      );
    }
    const before = current.map((s) => s.id);
    if (before.every((id, i) => ids[i] === id)) return;
    await setRemarkPositions(trx, ids);
    await appendAudit(trx, {
      actor,
      municipalityId: node.municipalityId,
      entityType: "remark_section",
      entityId: `${node.id}:${data.year}`,
      action: "reorder",
      before: { node: node.code, budgetYear: data.year, order: before },
      after: { node: node.code, budgetYear: data.year, order: ids },
      reason: data.reason,
    });
  });
  return (
    await listRemarkSections(db, {
      municipalityId: node.municipalityId,
      budgetYear: data.year,
      nodeIds: [node.id],
    })
  ).map(remarkSectionView);
}

// ---------------------------------------------------------------------------------------------
// Settings

/** Whether an area has a frame budget (rammebudget); audited as entity "org_node". */
export async function setFrameBudget(
  db: Kysely<Database>,
  nodeId: number,
  input: z.input<typeof frameBudgetSettingSchema>,
  actor: Actor,
): Promise<{ nodeId: number; code: string; name: string; frameBudget: boolean }> {
  const data = parse(frameBudgetSettingSchema, input);
  const node = await getNode(db, nodeId);
  if (!node) throw new NotFound(`Enheden ${nodeId} findes ikke`);
  if (node.kind !== "area") {
    throw new BadRequest(
      `${node.code} ${node.name} er ikke et bevillingsområde; rammebudget sættes på området`,
      [{ field: "nodeId", reason: "skal være et bevillingsområde" }],
    );
  }
  await db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, node.municipalityId);
    const before = await updateFrameBudget(trx, nodeId, data.frameBudget);
    if (before === undefined) throw new NotFound(`Enheden ${nodeId} findes ikke`);
    if (before === data.frameBudget) return;
    await appendAudit(trx, {
      actor,
      municipalityId: node.municipalityId,
      entityType: "org_node",
      entityId: nodeId,
      action: "update",
      before: { frameBudget: before },
      after: { frameBudget: data.frameBudget },
      reason: data.reason,
    });
  });
  return { nodeId: node.id, code: node.code, name: node.name, frameBudget: data.frameBudget };
}

/** The municipality's remark settings: the basis of price adjustment and the areas with a frame budget. */
export async function getRemarkSettings(db: Kysely<Database>, m: Municipality) {
  const frame = await frameBudgetNodes(db, m.id);
  const nodes = await listNodes(db, m.id);
  return {
    priceBasis: await priceBasisOf(db, m.id),
    frameBudgetAreas: nodes
      .filter((n) => frame.has(n.id))
      .map((n) => ({ id: n.id, code: n.code, name: n.name })),
  };
}

/** What the price and wage adjustment follows ("KL's vejledning"); audited as entity "municipality". */
export async function setPriceBasis(
  db: Kysely<Database>,
  m: Municipality,
  input: z.input<typeof priceBasisSettingSchema>,
  actor: Actor,
) {
  const data = parse(priceBasisSettingSchema, input);
  const value = data.priceBasis === null || data.priceBasis === "" ? null : data.priceBasis;
  await db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, m.id);
    const before = await updatePriceBasis(trx, m.id, value);
    if (before === undefined) throw new NotFound(`Kommunen "${m.code}" findes ikke`);
    if (before === value) return;
    await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "municipality",
      entityId: m.id,
      action: "price_basis",
      before: { priceBasis: before },
      after: { priceBasis: value },
      reason: data.reason,
    });
  });
  return getRemarkSettings(db, m);
}

// ---------------------------------------------------------------------------------------------
// What the documents say

/** Seed 000 heads every budget column "Budget", the estimate years too. */
const COLUMN_LABEL: Readonly<Record<Column["kind"], string>> = {
  actual: "Regnskab",
  original: "Budget - oprindeligt",
  corrected: "Korrigeret budget",
  budget: "Budget",
  estimate: "Budget",
};

interface Org {
  nodes: OrgNode[];
  byId: Map<number, OrgNode>;
  byCode: Map<string, OrgNode>;
}

async function orgOf(db: Kysely<Database>, m: Municipality): Promise<Org> {
  const nodes = await listNodes(db, m.id);
  return {
    nodes,
    byId: new Map(nodes.map((n) => [n.id, n])),
    byCode: new Map(nodes.map((n) => [n.code, n])),
  };
}

/** Whether the node with `code` is `ancestor` or lies below it. */
function within(org: Org, code: string, ancestor: number): boolean {
  for (let n = org.byCode.get(code); n; n = n.parentId === null ? undefined : org.byId.get(n.parentId)) {
    if (n.id === ancestor) return true;
  }
  return false;
}

/** The adopted agreement's items on the node's subtree, in the agreement's order. */
async function adoptedItems(db: Kysely<Database>, m: Municipality, org: Org, nodeId: number, year: number) {
  const found = await findAdoptedAgreement(db, m, year);
  if (!found) return undefined;
  return {
    name: found.agreement.name,
    budgetYear: found.agreement.budgetYear,
    names: found.names,
    items: found.agreement.items.filter((item) => within(org, item.area, nodeId)),
  };
}

async function committeeInput(
  db: Kysely<Database>,
  m: Municipality,
  committee: OrgNode,
  year: number,
): Promise<CommitteeRemarksInput> {
  const org = await orgOf(db, m);
  const columns = standardColumns(year);
  const overview = await getOverview(db, { nodeId: committee.id, columns, priceYear: year, unit: "tkr" });
  const agreement = await adoptedItems(db, m, org, committee.id, year);
  const sections = await listRemarkSections(db, {
    municipalityId: m.id,
    budgetYear: year,
    nodeIds: [committee.id],
  });
  return {
    municipality: `${m.name} Kommune`,
    committee: committee.name,
    budgetYear: year,
    priceNote: overview.note,
    table: {
      unit: "tkr",
      columns: columns.map((c) => ({ year: c.year, label: COLUMN_LABEL[c.kind] })),
      rows: overview.rows.map((r) => ({ label: r.label, values: r.exact })),
    },
    agreement: agreement
      ? {
          budgetYear: agreement.budgetYear,
          items: agreement.items.map((item) => remarkSentence(item, agreement.names, { budgetYear: year })),
        }
      : null,
    sections: sections.map((s) => ({ kind: s.kind, heading: s.heading, body: s.body })),
  };
}

/** What a committee's document generates: the adopted agreement's bullets. */
async function committeePreview(db: Kysely<Database>, m: Municipality, committee: OrgNode, year: number) {
  const org = await orgOf(db, m);
  const agreement = await adoptedItems(db, m, org, committee.id, year);
  return {
    kind: "committee" as const,
    agreement: agreement
      ? {
          name: agreement.name,
          budgetYear: agreement.budgetYear,
          items: agreement.items.map((item) => remarkSentence(item, agreement.names, { budgetYear: year })),
        }
      : null,
  };
}

/** The sentence written for one of the agreement's items in an area's "Budgetgrundlag". */
function basisSentence(item: AgreementItem, names: ReadonlyMap<string, string>, year: number): string {
  if (item.kind === "dut") return dutRemark(item, names, { budgetYear: year });
  if (item.kind === "pool") return poolRemark(item, names, { budgetYear: year });
  return remarkSentence(item, names, { budgetYear: year });
}

interface AreaTarget {
  committee: OrgNode;
  areas: OrgNode[];
}

/**
 * Which areas a target names, grouped by committee: an area (or a unit's area) alone, a
 * committee's areas, or "all": every committee's areas, in the organisation's order. Only
 * nodes that exist in the budget year.
 */
function areaTargets(org: Org, target: string, year: number, municipality: string): AreaTarget[] {
  const children = (id: number) => org.nodes.filter((n) => n.parentId === id && isValidIn(n, year));
  const committees = org.nodes.filter((n) => n.kind === "committee" && isValidIn(n, year));
  const of = (c: OrgNode): AreaTarget => ({ committee: c, areas: children(c.id) });
  if (target.trim().toLowerCase() === "all" || target.trim().toLowerCase() === "alle") {
    return committees.map(of);
  }
  const node = org.byCode.get(target.trim());
  if (!node) throw new NotFound(`Enheden "${target}" findes ikke i ${municipality} Kommune`);
  if (node.kind === "committee") return [of(node)];
  if (node.kind === "municipality") return committees.map(of);
  let area: OrgNode | undefined = node;
  while (area && area.kind !== "area")
    area = area.parentId === null ? undefined : org.byId.get(area.parentId);
  if (!area) throw new BadRequest(`${node.code} ${node.name} ligger ikke under et bevillingsområde`);
  let committee: OrgNode | undefined = area.parentId === null ? undefined : org.byId.get(area.parentId);
  while (committee && committee.kind !== "committee") {
    committee = committee.parentId === null ? undefined : org.byId.get(committee.parentId);
  }
  const parent = committee ?? (org.byId.get(area.parentId ?? -1) as OrgNode);
  return [{ committee: parent, areas: [area] }];
}

async function areaInput(
  db: Kysely<Database>,
  m: Municipality,
  target: string,
  year: number,
): Promise<AreaRemarksInput> {
  const org = await orgOf(db, m);
  const targets = areaTargets(org, target, year, m.name);
  const found = await findAdoptedAgreement(db, m, year);
  const frame = await frameBudgetNodes(db, m.id);
  const priceBasis = await priceBasisOf(db, m.id);
  const areaIds = targets.flatMap((t) => t.areas.map((a) => a.id));
  const sections = await listRemarkSections(db, { municipalityId: m.id, budgetYear: year, nodeIds: areaIds });
  const columns: Column[] = [{ year, kind: "budget" }];
  const committees: AreaRemarksInput["committees"] = [];
  for (const t of targets) {
    const net = new Map<number, bigint>();
    for (const a of t.areas) {
      const o = await getOverview(db, { nodeId: a.id, columns, priceYear: year, unit: "kr" });
      net.set(a.id, o.total.exact[0] ?? 0n);
    }
    committees.push({
      name: t.committee.name,
      areas: t.areas.map(
        (a): AreaRemarksArea => ({
          name: a.name,
          netBudget: net.get(a.id) ?? 0n,
          basis: [
            ...(frame.has(a.id) ? [frameBudgetSentence(year, priceBasis)] : []),
            ...(found?.agreement.items ?? [])
              .filter((item) => within(org, item.area, a.id))
              .map((item) => basisSentence(item, found?.names ?? new Map(), year)),
          ],
          sections: sections
            .filter((s) => s.nodeId === a.id)
            .map((s) => ({ kind: s.kind, heading: s.heading, body: s.body })),
        }),
      ),
    });
  }
  return { municipality: `${m.name} Kommune`, budgetYear: year, committees };
}

/** What an area's remarks generate: the net budget sentence and the "Budgetgrundlag" sentences. */
async function areaPreview(db: Kysely<Database>, m: Municipality, area: OrgNode, year: number) {
  const input = await areaInput(db, m, area.code, year);
  const a = input.committees[0]?.areas[0];
  const kroner = roundCrossTable([[a?.netBudget ?? 0n]], 100n).total;
  return { kind: "area" as const, netBudget: netBudgetText(kroner), basis: a?.basis ?? [] };
}

const DOCUMENT_TYPES: Record<DocumentFormat, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pdf: "application/pdf",
  html: "text/html; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

async function render(doc: Doc, format: DocumentFormat, base: string): Promise<ExportFile> {
  const bytes =
    format === "html"
      ? new TextEncoder().encode(renderHtml(doc))
      : format === "pdf"
        ? await renderPdf(doc)
        : format === "docx"
          ? await renderDocx(doc)
          : await renderXlsx(doc);
  return { fileName: `${base}.${format}`, contentType: DOCUMENT_TYPES[format], bytes };
}

/** A committee's remarks in seed 000's form (committee by code), generated from the stored data. */
export async function committeeRemarksDocument(
  db: Kysely<Database>,
  m: Municipality,
  committeeCode: string,
  budgetYear: number,
  format: DocumentFormat,
): Promise<ExportFile> {
  const org = await orgOf(db, m);
  const committee = org.byCode.get(committeeCode.trim());
  if (!committee) throw new NotFound(`Udvalget "${committeeCode}" findes ikke i ${m.name} Kommune`);
  if (committee.kind !== "committee") {
    throw new BadRequest(`${committee.code} ${committee.name} er ikke et udvalg`, [
      { field: "committee", reason: "skal være et udvalg" },
    ]);
  }
  const doc = buildCommitteeRemarks(await committeeInput(db, m, committee, budgetYear));
  return render(doc, format, `bemaerkninger-${m.code}-${slug(committee.name)}-${budgetYear}`);
}

/**
 * Areas' remarks in seed 001's form: `area` is an area's code (that area), a committee's code
 * (its areas one after another) or "all" (every committee's areas).
 */
export async function areaRemarksDocument(
  db: Kysely<Database>,
  m: Municipality,
  area: string,
  budgetYear: number,
  format: DocumentFormat,
): Promise<ExportFile> {
  const input = await areaInput(db, m, area, budgetYear);
  const what = area.trim().toLowerCase() === "all" ? "alle" : slug(area);
  return render(buildAreaRemarks(input), format, `bemaerkninger-omraader-${m.code}-${what}-${budgetYear}`);
}

/** The document of a node: a committee's remarks, or the areas' remarks below the node. */
export async function nodeRemarksDocument(
  db: Kysely<Database>,
  nodeId: number,
  form: "committee" | "areas",
  budgetYear: number | undefined,
  format: DocumentFormat,
  opts: { anonymous?: boolean } = {},
): Promise<ExportFile> {
  const node = await getNode(db, nodeId);
  if (!node) throw new NotFound(`Enheden ${nodeId} findes ikke`);
  // A unit's address gives no area's remarks: they describe more than the unit.
  if (node.kind === "unit") {
    throw new BadRequest(`${node.code} ${node.name} er en enhed; bemærkninger dannes for udvalg og områder`, [
      { field: "id", reason: "skal være et udvalg, et bevillingsområde eller kommunen" },
    ]);
  }
  const m = (await findMunicipality(db, node.municipalityId)) as Municipality;
  const year = budgetYear ?? m.settings.budgetYear;
  // The sections are written before the budget is adopted; they become public with it. The
  // public sees a year's remarks only once its budget agreement is adopted (or registered).
  if (opts.anonymous && !(await findAdoptedAgreement(db, m, year))) {
    throw new Unauthenticated(
      `Bemærkningerne for ${year} offentliggøres med det vedtagne budget; log ind for at se udkastet`,
    );
  }
  if (form === "committee") return committeeRemarksDocument(db, m, node.code, year, format);
  return areaRemarksDocument(db, m, node.kind === "municipality" ? "all" : node.code, year, format);
}
