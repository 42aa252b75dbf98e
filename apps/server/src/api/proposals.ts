/**
 * The proposals catalogue: reading it with the consistency checks, importing (printed text or the
 * Excel workbook the export writes), creating, editing, deleting, history.
 */
import { historyOf } from "@bevilling/db";
import {
  catalogueDocument,
  createProposal,
  deleteProposal,
  getCatalogue,
  getProposal,
  importCatalogue,
  proposalCreateSchema,
  proposalDeleteSchema,
  proposalEditSchema,
  updateProposal,
} from "@bevilling/services";
import { z } from "zod";
import { actorOf } from "../actor.ts";
import { resolveMunicipality } from "../resolve.ts";
import { defineRoute } from "../routes.ts";
import { base64Schema, byMunicipality, idSchema, municipalityParams } from "../schemas.ts";
import { entryView } from "./audit.ts";
import { sendFile } from "./files.ts";

const proposalParams = municipalityParams.extend({ id: idSchema.meta({ description: "Forslagets id" }) });

export const proposalRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/proposals",
    summary: "Forslagskataloget med kontrollerne",
    description:
      "Et katalogs forslag med linjer, beløb pr. år (øre som strenge), totaler beregnet af linjerne og de " +
      "advarsler, en omhyggelig økonom ville give: linjetotaler, forslagets I alt, tal i teksten, der ikke " +
      "stemmer med tabellen, og beløb uden for budgetperioden. Uden catalogue: det nyeste katalog.",
    tags: ["Budgetforslag"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    query: z.object({ catalogue: z.string().trim().min(1).max(100).optional() }),
    response: { description: "Kataloget, dets forslag og advarslerne" },
    handler: async ({ app, params, query }) =>
      getCatalogue(app.db, await resolveMunicipality(app.db, params.m), query.catalogue),
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/proposals/document",
    summary: "Forslagskataloget som dokument",
    description:
      "Kataloget i den trykte form (skemahoved, udvalg og område, titel, tekst og beløbstabellen i 1.000 kr. " +
      "med I alt), dannet af de gemte forslag: Word (DOCX), PDF, HTML eller Excel (tabellerne).",
    tags: ["Budgetforslag"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    query: z.object({
      format: z.enum(["docx", "pdf", "html", "xlsx"], {
        error: 'skal være "docx", "pdf", "html" eller "xlsx"',
      }),
      catalogue: z.string().trim().min(1).max(100).optional(),
    }),
    response: {
      description: "Dokumentet som fil",
      mediaTypes: [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
        "text/html",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      ],
    },
    handler: async ({ app, params, query, reply }) => {
      const m = await resolveMunicipality(app.db, params.m);
      return sendFile(reply, await catalogueDocument(app.db, m, query.format, query.catalogue));
    },
  }),
  defineRoute({
    method: "POST",
    url: "/api/municipalities/:m/proposals/import",
    summary: "Indlæs et forslagskatalog (trykt tekstform eller Excel)",
    description:
      "Teksten har katalogets opstilling (BUDGET 2023-2026, Driftsforslag, Skema 2.1.2. 01, udvalg - område, " +
      "titel, tekst, Beløb i 1.000 kr. og tabellen). En Excel-projektmappe (.xlsx, kendes på indholdet) har " +
      "eksportens opstilling: arket Forslag med skema, internt nummer, art, status, udvalg, område, titel, " +
      "henvisninger og tekst, og et ark pr. skema med beløbstabellen. Kan filen ikke læses helt, gemmes intet, " +
      "og fejlene nævner ark, linje og kolonne. Samme fil igen ændrer intet; ændrede skemaer får en ny version; " +
      "et forslag beholder den status, det har fået i Bevilling.",
    tags: ["Budgetforslag"],
    access: "write",
    scope: byMunicipality,
    bodyLimit: 10 * 1024 * 1024,
    params: municipalityParams,
    body: z.strictObject({ fileName: z.string().trim().min(1).max(255), content: base64Schema }),
    response: { description: "Hvor mange forslag der blev oprettet, ændret og var uændrede, og advarslerne" },
    handler: async ({ app, params, body, req }) => {
      const m = await resolveMunicipality(app.db, params.m);
      const bytes = new Uint8Array(Buffer.from(body.content, "base64"));
      return importCatalogue(app.db, m, { fileName: body.fileName, bytes }, actorOf(req));
    },
  }),
  defineRoute({
    method: "POST",
    url: "/api/municipalities/:m/proposals",
    summary: "Opret et forslag",
    description:
      "Forslaget kommer sidst i kataloget catalogue (et eksisterende, eller et nyt navngivet efter " +
      "budgetperioden, fx Budget 2025-2028), som kladde, hvis intet andet er angivet. Skemanummeret skal være " +
      "ledigt i kataloget. Beløb i øre som strenge.",
    tags: ["Budgetforslag"],
    access: "write",
    scope: byMunicipality,
    params: municipalityParams,
    body: proposalCreateSchema.strict(),
    response: { status: 201, description: "Forslaget, som det er gemt" },
    handler: async ({ app, params, body, req }) =>
      createProposal(app.db, await resolveMunicipality(app.db, params.m), body, actorOf(req)),
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/proposals/:id",
    summary: "Ét forslag med advarsler",
    tags: ["Budgetforslag"],
    access: "read",
    scope: byMunicipality,
    params: proposalParams,
    response: { description: "Forslaget" },
    handler: async ({ app, params }) =>
      getProposal(app.db, await resolveMunicipality(app.db, params.m), params.id),
  }),
  defineRoute({
    method: "PATCH",
    url: "/api/municipalities/:m/proposals/:id",
    summary: "Ret et forslag",
    description:
      "Titel, tekst, art, status, udvalg, område, skemanummer, linjer (beløb i øre som strenge) og henvisninger " +
      "(skema og relation: alternative_to = alternativ til, related = henviser til). version er " +
      "den version, man har rettet i; er forslaget ændret siden, afvises det med 409 og forslaget, som det er nu.",
    tags: ["Budgetforslag"],
    access: "write",
    scope: byMunicipality,
    params: proposalParams,
    body: proposalEditSchema.strict(),
    response: {
      description: "Forslaget efter ændringen",
      errors: { 409: "Forslaget er ændret af en anden imens" },
    },
    handler: async ({ app, params, body, req }) =>
      updateProposal(app.db, await resolveMunicipality(app.db, params.m), params.id, body, actorOf(req)),
  }),
  defineRoute({
    method: "DELETE",
    url: "/api/municipalities/:m/proposals/:id",
    summary: "Slet et forslag",
    description:
      "version er den version, man har set; er forslaget ændret siden, afvises det med 409 og forslaget, som " +
      "det er nu. Et forslag, der indgår i en budgetaftale, kan ikke slettes (409, aftalerne nævnes). " +
      "Sletningen står i revisionssporet med alt, forslaget indeholdt.",
    tags: ["Budgetforslag"],
    access: "write",
    scope: byMunicipality,
    params: proposalParams,
    query: proposalDeleteSchema,
    response: {
      status: 204,
      description: "Forslaget er slettet",
      errors: { 409: "Forslaget er ændret imens, eller det indgår i en budgetaftale" },
    },
    handler: async ({ app, params, query, req }) => {
      await deleteProposal(
        app.db,
        await resolveMunicipality(app.db, params.m),
        params.id,
        query,
        actorOf(req),
      );
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/proposals/:id/history",
    summary: "Historikken for et forslag",
    tags: ["Budgetforslag"],
    access: "read",
    scope: byMunicipality,
    params: proposalParams,
    response: { description: "Revisionssporets poster om forslaget, ældste først" },
    handler: async ({ app, params }) => {
      await getProposal(app.db, await resolveMunicipality(app.db, params.m), params.id);
      return (await historyOf(app.db, "proposal", String(params.id))).map(entryView);
    },
  }),
];
