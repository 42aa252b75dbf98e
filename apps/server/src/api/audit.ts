/**
 * The audit trail, read-only: a municipality's records (admin), the records about one entity,
 * and the history of one budget figure with every old and new value.
 */
import { AMOUNT_KINDS, parseAmountKind } from "@bevilling/core";
import { type AuditLogEntry, historyOf, listAudit } from "@bevilling/db";
import { Forbidden, figureHistory } from "@bevilling/services";
import { z } from "zod";
import { resolveMunicipality } from "../resolve.ts";
import { defineRoute } from "../routes.ts";
import {
  byMunicipality,
  byNode,
  idSchema,
  municipalityParams,
  nodeParams,
  quote,
  yearQuerySchema,
} from "../schemas.ts";

export function entryView(e: AuditLogEntry) {
  return {
    id: e.id,
    at: e.at,
    actor: e.actor,
    municipalityId: e.municipalityId,
    entityType: e.entityType,
    entityId: e.entityId,
    action: e.action,
    before: e.before,
    after: e.after,
    reason: e.reason,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** What finance staff may look up; users, tokens and municipalities are the administrator's. */
const BUDGET_ENTITIES = new Set([
  "import",
  "org_node",
  "import_mapping",
  "price_index",
  "amount",
  "proposal",
  "proposal_catalogue",
]);

const entityType = z.string().trim().min(1, "mangler").max(50, "må højst have 50 tegn").meta({
  description: "Hvad posten handler om: import, municipality, org_node, import_mapping, price_index",
});

const entityId = z.string().trim().min(1, "mangler").max(100, "må højst have 100 tegn").meta({
  description: "Id'et på det, posten handler om (fx importens eller enhedens id)",
});

const auditQuery = z.object({
  entityType: entityType.optional(),
  entityId: entityId.optional(),
  before: idSchema.optional().meta({ description: "Kun poster med mindre id (til at bladre tilbage)" }),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, "skal være et helt tal")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, "skal være mellem 1 og 1000")
    .optional()
    .meta({ description: "Højst så mange poster (standard 100, højst 1000)" }),
});

const kindSchema = z.string().transform((s, ctx) => {
  const k = parseAmountKind(s);
  if (k === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `${quote(s)} er ikke en beløbsart; brug ${AMOUNT_KINDS.join(", ")} (eller regnskab, budget, overslag ...)`,
    });
    return z.NEVER;
  }
  return k;
});

const figureQuery = z.object({
  accountId: idSchema
    .optional()
    .meta({ description: "Kontoens id; uden: beløbet bogført direkte på enheden", examples: ["7"] }),
  year: yearQuerySchema.meta({ description: "Året", examples: ["2025"] }),
  kind: kindSchema.meta({ description: `Beløbsarten: ${AMOUNT_KINDS.join(", ")}`, examples: ["budget"] }),
});

export const auditRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/audit",
    summary: "Kommunens revisionsspor",
    description:
      "Hvem ændrede hvad og hvornår, nyeste først: importer, indstillinger, enheder, opsætninger og prisindeks, " +
      "med værdierne før og efter og en evt. begrundelse. Hver post bærer sin hash og den foregående posts hash.",
    tags: ["Revisionsspor"],
    access: "admin",
    scope: byMunicipality,
    params: municipalityParams,
    query: auditQuery,
    response: { description: "Posterne, nyeste først" },
    handler: async ({ app, params, query }) => {
      const m = await resolveMunicipality(app.db, params.m);
      const entries = await listAudit(app.db, {
        municipalityId: m.id,
        entityType: query.entityType,
        entityId: query.entityId,
        beforeId: query.before,
        limit: query.limit ?? 100,
      });
      return entries.map(entryView);
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/audit/history",
    summary: "Historikken for én ting",
    description:
      "Alle poster om én enhed, import, opsætning, kommune, bruger eller ét prisindeks, ældste først. " +
      "For økonomi og administratorer; andre bruger historikken på enheden, tallet eller opsætningen.",
    tags: ["Revisionsspor"],
    access: "write",
    query: z.object({ entityType, entityId }),
    response: { description: "Posterne, ældste først" },
    handler: async ({ app, query, req }) => {
      const p = req.principal;
      const admin = p.kind !== "anonymous" && p.role === "administrator";
      if (!admin && !BUDGET_ENTITIES.has(query.entityType)) {
        throw new Forbidden("Kun administratorer kan se historikken for brugere, nøgler og kommuner");
      }
      return (await historyOf(app.db, query.entityType, query.entityId)).map(entryView);
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/history",
    summary: "Historikken for ét budgettal",
    description:
      "Hver ændring af enhedens beløb for et år og en beløbsart (evt. på én konto): gammel og ny værdi i øre " +
      "(som strenge), prisniveau, hvem, hvornår og fra hvilken fil. Ældste først.",
    tags: ["Revisionsspor"],
    access: "read",
    scope: byNode,
    params: nodeParams,
    query: figureQuery,
    response: { description: "Ændringerne, ældste først" },
    handler: async ({ app, params, query }) =>
      figureHistory(app.db, {
        nodeId: params.id,
        accountId: query.accountId ?? null,
        year: query.year,
        kind: query.kind,
      }),
  }),
];
