/**
 * The budget remarks: a node's narrative sections (list, add, change, move, delete), the frame
 * sentence's settings, and the two generated documents.
 *
 * Who may do what:
 * - the documents are published with the budget: `published`, so anyone may fetch them for a
 *   published municipality once the year's budget agreement is adopted (before that they are
 *   drafts: 401), and signed-in roles as for reading (a budgetansvarlig their own units);
 * - the section lists (drafts included): `read`;
 * - writing sections: `unitWrite` scoped to the node, so a budgetansvarlig writes their own
 *   area's description; a committee's sections speak for the whole committee and take `write`
 *   (økonomi, administrator), which the handler checks on top of the route's level;
 * - the settings: `write`.
 */
import { isUnitScoped, roleAdmits } from "@bevilling/core";
import type { Database } from "@bevilling/db";
import { getNode } from "@bevilling/db";
import {
  createRemarkSection,
  deleteRemarkSection,
  Forbidden,
  frameBudgetSettingSchema,
  getRemarkSettings,
  getRemarks,
  NotFound,
  nodeRemarksDocument,
  type Principal,
  priceBasisSettingSchema,
  remarkOrderSchema,
  remarkSectionCreateSchema,
  remarkSectionEditSchema,
  reorderRemarkSections,
  setFrameBudget,
  setPriceBasis,
  updateRemarkSection,
} from "@bevilling/services";
import type { Kysely } from "kysely";
import { z } from "zod";
import { actorOf } from "../actor.ts";
import { resolveMunicipality } from "../resolve.ts";
import { defineRoute } from "../routes.ts";
import {
  byMunicipality,
  byNode,
  idSchema,
  municipalityParams,
  nodeParams,
  yearQuerySchema,
} from "../schemas.ts";
import { sendFile } from "./files.ts";

const sectionParams = nodeParams.extend({ section: idSchema.meta({ description: "Afsnittets id" }) });

const FORMATS = ["docx", "pdf", "html", "xlsx"] as const;
const documentQuery = z.object({
  format: z.enum(FORMATS, { error: 'skal være "docx", "pdf", "html" eller "xlsx"' }),
  year: yearQuerySchema.optional(),
});

const DOCUMENT_TYPES = [
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/pdf",
  "text/html",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
] as const;

/**
 * A committee's sections speak for the whole committee: a unit-limited caller (a budgetansvarlig
 * whose units include a committee) may write an area's sections but not a committee's.
 */
async function requireSectionWriter(
  db: Kysely<Database>,
  principal: Principal,
  nodeId: number,
): Promise<void> {
  const node = await getNode(db, nodeId);
  if (!node) throw new NotFound(`Enheden ${nodeId} findes ikke`);
  if (node.kind === "area" || principal.kind === "anonymous") return;
  if (isUnitScoped(principal.role) || !roleAdmits("write", principal.role)) {
    throw new Forbidden(
      "Et udvalgs bemærkninger rettes af økonomi; du kan rette dine egne områders bemærkninger",
    );
  }
}

export const remarkRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/remarks",
    summary: "Bemærkningernes afsnit for et udvalg eller et område",
    description:
      "Afsnittene, som brugerne skriver (i trykt rækkefølge, med version), og det, dokumenterne danner af data: " +
      "for et udvalg budgetaftalens punkter, for et område nettobudgettet og Budgetgrundlag (rammebudget, " +
      "DUT-midler, puljer). Uden year: kommunens budgetår.",
    tags: ["Bemærkninger"],
    access: "read",
    scope: byNode,
    params: nodeParams,
    query: z.object({ year: yearQuerySchema.optional() }),
    response: { description: "Afsnittene og de dannede sætninger" },
    handler: async ({ app, params, query }) => getRemarks(app.db, params.id, query.year),
  }),
  defineRoute({
    method: "POST",
    url: "/api/nodes/:id/remarks",
    summary: "Tilføj et afsnit til bemærkningerne",
    description:
      "Afsnittet kommer sidst. kind: intro, section, subsection, description (Beskrivelse af området), " +
      "development (Udvikling og udfordringer) eller basis (tekst til Budgetgrundlag). Teksten er almindelig tekst: " +
      'afsnit adskilt af tomme linjer, punkter med "- " og underpunkter med "  - ". Et udvalgs afsnit rettes af økonomi.',
    tags: ["Bemærkninger"],
    access: "unitWrite",
    scope: byNode,
    params: nodeParams,
    body: remarkSectionCreateSchema.strict(),
    response: { status: 201, description: "Afsnittet" },
    handler: async ({ app, params, body, req, reply }) => {
      await requireSectionWriter(app.db, req.principal, params.id);
      const made = await createRemarkSection(app.db, params.id, body, actorOf(req));
      return reply.code(201).send(made);
    },
  }),
  defineRoute({
    method: "PUT",
    url: "/api/nodes/:id/remarks/order",
    summary: "Flyt afsnittene",
    description:
      "Alle årets afsnit i den nye rækkefølge, hver med den version, man så. Er et afsnit ændret, tilføjet eller " +
      "slettet imens, afvises det med 409 og afsnittene, som de er nu.",
    tags: ["Bemærkninger"],
    access: "unitWrite",
    scope: byNode,
    params: nodeParams,
    body: remarkOrderSchema.strict(),
    response: {
      description: "Afsnittene i den nye rækkefølge",
      errors: { 409: "Afsnittene er ændret imens" },
    },
    handler: async ({ app, params, body, req }) => {
      await requireSectionWriter(app.db, req.principal, params.id);
      return reorderRemarkSections(app.db, params.id, body, actorOf(req));
    },
  }),
  defineRoute({
    method: "PATCH",
    url: "/api/nodes/:id/remarks/:section",
    summary: "Ret et afsnit",
    description:
      "Art, overskrift og tekst. version er den version, man har rettet i; er afsnittet ændret siden, afvises det " +
      "med 409 og afsnittet, som det er nu.",
    tags: ["Bemærkninger"],
    access: "unitWrite",
    scope: byNode,
    params: sectionParams,
    body: remarkSectionEditSchema.strict(),
    response: {
      description: "Afsnittet efter ændringen",
      errors: { 409: "Afsnittet er ændret af en anden imens" },
    },
    handler: async ({ app, params, body, req }) => {
      await requireSectionWriter(app.db, req.principal, params.id);
      return updateRemarkSection(app.db, params.id, params.section, body, actorOf(req));
    },
  }),
  defineRoute({
    method: "DELETE",
    url: "/api/nodes/:id/remarks/:section",
    summary: "Slet et afsnit",
    description: "version er den version, man så; er afsnittet ændret siden, afvises det med 409.",
    tags: ["Bemærkninger"],
    access: "unitWrite",
    scope: byNode,
    params: sectionParams,
    query: z.object({
      version: z
        .string()
        .regex(/^\d{1,9}$/, "skal være et positivt heltal")
        .transform(Number),
      reason: z.string().trim().max(500, "højst 500 tegn").optional(),
    }),
    response: {
      status: 204,
      description: "Slettet",
      errors: { 409: "Afsnittet er ændret af en anden imens" },
    },
    handler: async ({ app, params, query, req, reply }) => {
      await requireSectionWriter(app.db, req.principal, params.id);
      await deleteRemarkSection(app.db, params.id, params.section, query.version, actorOf(req), query.reason);
      return reply.code(204).send();
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/remarks/committee-document",
    summary: "Et udvalgs bemærkninger som dokument",
    description:
      "Udvalgets bemærkninger som trykt: indledningen, flerårstabellen i 1.000 kr. i budgetårets priser (udvalget og " +
      "dets områder, summerer som trykt), Budgetaftalen med et punkt pr. vedtaget regulering på udvalgets område " +
      "og afsnittene. Word (DOCX), PDF, HTML eller Excel (tabellen). Offentlig for en offentliggjort kommune, når " +
      "årets budgetaftale er vedtaget.",
    tags: ["Bemærkninger"],
    access: "published",
    scope: byNode,
    params: nodeParams,
    query: documentQuery,
    response: { description: "Dokumentet som fil", mediaTypes: DOCUMENT_TYPES },
    handler: async ({ app, params, query, reply, req }) =>
      sendFile(
        reply,
        await nodeRemarksDocument(app.db, params.id, "committee", query.year, query.format, {
          anonymous: req.principal.kind === "anonymous",
        }),
      ),
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/remarks/areas-document",
    summary: "Områdernes bemærkninger som dokument",
    description:
      "For et område dets bemærkninger, for et udvalg alle dets områder efter hinanden, for kommunen alle udvalgs " +
      "områder: områdets navn, Samlet nettobudget for området (budgettet i hele kroner), Budgetgrundlag " +
      "(rammebudget, DUT-midler og puljer fra den vedtagne budgetaftale), Beskrivelse af området og Udvikling og " +
      "udfordringer, og til sidst nettobudgetterne som tabel. Offentlig for en offentliggjort kommune, når årets " +
      "budgetaftale er vedtaget.",
    tags: ["Bemærkninger"],
    access: "published",
    scope: byNode,
    params: nodeParams,
    query: documentQuery,
    response: { description: "Dokumentet som fil", mediaTypes: DOCUMENT_TYPES },
    handler: async ({ app, params, query, reply, req }) =>
      sendFile(
        reply,
        await nodeRemarksDocument(app.db, params.id, "areas", query.year, query.format, {
          anonymous: req.principal.kind === "anonymous",
        }),
      ),
  }),
  defineRoute({
    method: "PUT",
    url: "/api/nodes/:id/remarks/frame-budget",
    summary: "Har området et rammebudget?",
    description:
      'Et område med rammebudget får Budgetgrundlags første sætning: "Budgettet er et rammebudget. …".',
    tags: ["Bemærkninger"],
    access: "write",
    scope: byNode,
    params: nodeParams,
    body: frameBudgetSettingSchema.strict(),
    response: { description: "Områdets indstilling" },
    handler: async ({ app, params, body, req }) => setFrameBudget(app.db, params.id, body, actorOf(req)),
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/remarks/settings",
    summary: "Bemærkningernes indstillinger",
    description:
      "Hvad pris- og lønfremskrivningen følger (fx KL's vejledning), og hvilke områder der har rammebudget.",
    tags: ["Bemærkninger"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    response: { description: "Indstillingerne" },
    handler: async ({ app, params }) =>
      getRemarkSettings(app.db, await resolveMunicipality(app.db, params.m)),
  }),
  defineRoute({
    method: "PUT",
    url: "/api/municipalities/:m/remarks/settings",
    summary: "Hvad følger pris- og lønfremskrivningen?",
    description:
      'Skrives i rammebudgettets sætning: "… pris- og lønfremskrevet i forhold til KL\'s vejledning." null udelader ' +
      "den del af sætningen.",
    tags: ["Bemærkninger"],
    access: "write",
    scope: byMunicipality,
    params: municipalityParams,
    body: priceBasisSettingSchema.strict(),
    response: { description: "Indstillingerne" },
    handler: async ({ app, params, body, req }) =>
      setPriceBasis(app.db, await resolveMunicipality(app.db, params.m), body, actorOf(req)),
  }),
];
