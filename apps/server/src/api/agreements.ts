/**
 * Budget agreements (budgetaftaler): scenarios, their effect while edited, comparison, adoption.
 * Scenarios are negotiation material: every route needs a signed-in role (never published), and
 * reading is municipality-wide, so a budgetansvarlig gets none of it.
 *
 * Refusals follow the agreements contract: { error: code, message, issues? | problems? | current? }.
 * The bodies are read by the service (paths like "items.3.pattern"); the routes declare them for
 * the API description only.
 */
import {
  type AgreementAdoptInput,
  AgreementBadRequest,
  type AgreementCreateInput,
  type AgreementPreviewInput,
  type AgreementSaveInput,
  adoptAgreement,
  agreementAdoption,
  agreementAdoptSchema,
  agreementCreateSchema,
  agreementHistory,
  agreementPreviewSchema,
  agreementSaveSchema,
  BadRequest,
  compareAgreements,
  createAgreement,
  deleteAgreement,
  getAgreement,
  listAgreements,
  NotFound,
  previewAgreement,
  saveAgreement,
} from "@bevilling/services";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { actorOf } from "../actor.ts";
import { resolveMunicipality } from "../resolve.ts";
import { defineRoute } from "../routes.ts";
import { byMunicipality, idSchema, municipalityParams, yearQuerySchema } from "../schemas.ts";
import { entryView } from "./audit.ts";

const agreementParams = municipalityParams.extend({
  id: idSchema.meta({ description: "Budgetaftalens id", examples: ["1"] }),
});

const versionQuery = z
  .string()
  .regex(/^\d{1,9}$/, "skal være et positivt heltal")
  .transform(Number)
  .meta({ description: "Den version, man har set", examples: ["3"] });

/**
 * A body the service reads itself, so its refusals name paths as the contract writes them
 * ("items.3.pattern"); the API description still shows the schema.
 */
function readByService(schema: z.ZodType, description: string) {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: "input",
    target: "draft-2020-12",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return z.unknown().meta({ ...json, description });
}

/** Runs the handler and answers its refusals in the contract's form. */
async function answer<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof AgreementBadRequest) return reply.code(400).send(e.body);
    if (e instanceof BadRequest) {
      return reply.code(400).send({ error: e.message, message: e.message, issues: e.details });
    }
    if (e instanceof NotFound) return reply.code(404).send({ error: e.message, message: e.message });
    throw e;
  }
}

const ITEMS_TEXT =
  "Punkterne (items) er forslag (kind proposal: proposalId og evt. ændrede beløb i overrides pr. linje og år), " +
  "reguleringer (adjustment: pattern, en dansk beløbstekst som »-0,323 mio. kr. årligt fra 2026 og frem«), " +
  "DUT-midler (dut: amounts pr. år og evt. onwards »og fremefter«) og demografipuljer (pool: amounts pr. år). " +
  "Beløb er øre som strenge. key er punktets faste nøgle (a-z, 0-9, bindestreg).";

const ANSWER_TEXT =
  "Svaret er aftalen med punkterne (hvert med områdets navn, sætningen som bemærkningerne skriver den og beløbene " +
  "i hvert år af budgetperioden), virkningen pr. år for hvert udvalg, område og enhed, på det samlede budget og " +
  "på servicerammen, og problemerne; virkningen er null, når der er problemer.";

export const agreementRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/agreements",
    summary: "Budgetaftaler og scenarier",
    description: "Kommunens budgetaftaler, nyeste budgetår først og derefter efter navn. Aldrig offentlige.",
    tags: ["Budgetaftaler"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    query: z.object({ year: yearQuerySchema.optional().meta({ description: "Kun dette budgetår" }) }),
    response: {
      description: "{ agreements }: hver aftales navn, budgetår, status, version og antal punkter",
    },
    handler: async ({ app, params, query }) =>
      listAgreements(app.db, await resolveMunicipality(app.db, params.m), query.year),
  }),
  defineRoute({
    method: "POST",
    url: "/api/municipalities/:m/agreements",
    summary: "Opret et scenarie til en budgetaftale",
    description:
      "Et nyt scenarie for budgetåret (perioden er budgetåret og de tre overslagsår), tomt eller med punkterne " +
      `fra en anden af kommunens aftaler (copyFrom). ${ANSWER_TEXT}`,
    tags: ["Budgetaftaler"],
    access: "write",
    scope: byMunicipality,
    params: municipalityParams,
    body: readByService(agreementCreateSchema, "{ name, budgetYear, copyFrom? }"),
    response: { status: 201, description: "Aftalen, dens virkning og problemer" },
    handler: async ({ app, params, body, req, reply }) =>
      answer(reply, async () =>
        createAgreement(
          app.db,
          await resolveMunicipality(app.db, params.m),
          body as AgreementCreateInput,
          actorOf(req),
        ),
      ),
  }),
  defineRoute({
    method: "POST",
    url: "/api/municipalities/:m/agreements/preview",
    summary: "Beregn et scenarie uden at gemme det",
    description:
      "Det, redigeringen viser, mens der skrives: punkterne, virkningen og problemerne for et scenarie, der ikke " +
      `gemmes. ${ITEMS_TEXT} En beløbstekst, der ikke kan læses, afvises med 400 og stien til feltet.`,
    tags: ["Budgetaftaler"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    body: readByService(agreementPreviewSchema, "{ budgetYear, items }"),
    response: { description: "{ items, effect, problems }" },
    handler: async ({ app, params, body, reply }) =>
      answer(reply, async () =>
        previewAgreement(app.db, await resolveMunicipality(app.db, params.m), body as AgreementPreviewInput),
      ),
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/agreements/compare",
    summary: "Sammenlign to scenarier",
    description:
      "To af kommunens aftaler side om side pr. enhed og år: a, b og forskellen a − b, også for det samlede " +
      "budget og servicerammen. Har en af dem problemer, er rækkerne tomme, og problemerne vises.",
    tags: ["Budgetaftaler"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    query: z.object({
      a: idSchema.meta({ description: "Den første aftales id" }),
      b: idSchema.meta({ description: "Den anden aftales id" }),
    }),
    response: { description: "Sammenligningen" },
    handler: async ({ app, params, query, reply }) =>
      answer(reply, async () =>
        compareAgreements(app.db, await resolveMunicipality(app.db, params.m), query.a, query.b),
      ),
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/agreements/:id",
    summary: "Én budgetaftale med virkning og problemer",
    description: ANSWER_TEXT,
    tags: ["Budgetaftaler"],
    access: "read",
    scope: byMunicipality,
    params: agreementParams,
    response: { description: "{ agreement, effect, problems }" },
    handler: async ({ app, params, reply }) =>
      answer(reply, async () => getAgreement(app.db, await resolveMunicipality(app.db, params.m), params.id)),
  }),
  defineRoute({
    method: "PUT",
    url: "/api/municipalities/:m/agreements/:id",
    summary: "Gem et scenarie",
    description:
      `Navn og alle punkter. ${ITEMS_TEXT} Et scenarie med problemer (ukendt område, et forslag vedtaget to gange ` +
      "…) kan gemmes som kladde; problemerne står i svaret. version er den version, man har rettet i; er aftalen " +
      "ændret siden, afvises det med 409 og aftalen, som den er nu (current). En vedtaget aftale kan ikke ændres.",
    tags: ["Budgetaftaler"],
    access: "write",
    scope: byMunicipality,
    params: agreementParams,
    body: readByService(agreementSaveSchema, "{ version, name, items }"),
    response: {
      description: "{ agreement, effect, problems }",
      errors: { 409: "Ændret af en anden imens (conflict, med current) eller vedtaget (adopted)" },
    },
    handler: async ({ app, params, body, req, reply }) =>
      answer(reply, async () =>
        saveAgreement(
          app.db,
          await resolveMunicipality(app.db, params.m),
          params.id,
          body as AgreementSaveInput,
          actorOf(req),
        ),
      ),
  }),
  defineRoute({
    method: "DELETE",
    url: "/api/municipalities/:m/agreements/:id",
    summary: "Slet et scenarie",
    description: "Kun scenarier; en vedtaget aftale bliver stående (409 adopted).",
    tags: ["Budgetaftaler"],
    access: "write",
    scope: byMunicipality,
    params: agreementParams,
    query: z.object({ version: versionQuery }),
    response: {
      status: 204,
      description: "Slettet",
      errors: { 409: "Ændret af en anden imens (conflict) eller vedtaget (adopted)" },
    },
    handler: async ({ app, params, query, req, reply }) =>
      answer(reply, async () => {
        await deleteAgreement(
          app.db,
          await resolveMunicipality(app.db, params.m),
          params.id,
          query.version,
          actorOf(req),
        );
        return reply.code(204).send();
      }),
  }),
  defineRoute({
    method: "POST",
    url: "/api/municipalities/:m/agreements/:id/adopt",
    summary: "Vedtag budgetaftalen",
    description:
      "mode apply: grundbudgettet (budget i budgetåret, overslag i de tre år efter, i budgetårets priser) plus " +
      "aftalen bliver det vedtagne budget; budgetårets tal skrives også som oprindeligt budget, det korrigerede " +
      "budget bliver oprindeligt budget plus bevillinger, hvert ændret tal føres tilbage til de punkter, der " +
      "ændrede det, og vedtagne forslag får status. mode record: aftalen er vedtaget uden for Bevilling, og tallene " +
      "er indlæst som vedtagne; kun status ændres. Alt i én transaktion.",
    tags: ["Budgetaftaler"],
    access: "write",
    scope: byMunicipality,
    params: agreementParams,
    body: readByService(agreementAdoptSchema, "{ version, mode }"),
    response: {
      description: "{ agreement, changedFigures }",
      errors: {
        409: "Budgetåret har allerede en vedtaget aftale (already_adopted), eller aftalen er ændret imens (conflict)",
      },
    },
    handler: async ({ app, params, body, req, reply }) =>
      answer(reply, async () =>
        adoptAgreement(
          app.db,
          await resolveMunicipality(app.db, params.m),
          params.id,
          body as AgreementAdoptInput,
          actorOf(req),
        ),
      ),
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/agreements/:id/adoption",
    summary: "Hvad vedtagelsen ændrede",
    description:
      "Hvert budgettal, vedtagelsen ændrede: grundbudget, vedtaget budget og de punkter, der ændrede det. Tom for " +
      "scenarier og for aftaler registreret som vedtaget uden for Bevilling.",
    tags: ["Budgetaftaler"],
    access: "read",
    scope: byMunicipality,
    params: agreementParams,
    response: { description: "{ figures }" },
    handler: async ({ app, params, reply }) =>
      answer(reply, async () =>
        agreementAdoption(app.db, await resolveMunicipality(app.db, params.m), params.id),
      ),
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/agreements/:id/history",
    summary: "Historikken for en budgetaftale",
    tags: ["Budgetaftaler"],
    access: "read",
    scope: byMunicipality,
    params: agreementParams,
    response: { description: "{ entries }: revisionssporets poster om aftalen, ældste først" },
    handler: async ({ app, params, reply }) =>
      answer(reply, async () => ({
        entries: (await agreementHistory(app.db, await resolveMunicipality(app.db, params.m), params.id)).map(
          entryView,
        ),
      })),
  }),
];
