/** The corrected budget: supplementary appropriations and carry-overs, and the area's carry-over setting. */
import {
  addAppropriation,
  appropriationSchema,
  carryOverSetting,
  carryOverSettingSchema,
  correctedBudget,
  listAppropriations,
  setCarryOverAllowed,
} from "@bevilling/services";
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

export const appropriationRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/appropriations",
    summary: "Tillægsbevillinger og overførsler",
    tags: ["Bevillinger"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    query: z.object({ year: yearQuerySchema.optional(), node: idSchema.optional() }),
    response: { description: "Bevillingerne i beslutningsorden; beløb i øre som strenge" },
    handler: async ({ app, params, query }) =>
      listAppropriations(app.db, await resolveMunicipality(app.db, params.m), {
        year: query.year,
        nodeId: query.node,
      }),
  }),
  defineRoute({
    method: "POST",
    url: "/api/municipalities/:m/appropriations",
    summary: "Giv en tillægsbevilling eller en overførsel",
    description:
      "Daterer og begrunder bevillingen og danner det korrigerede budget: oprindeligt budget plus alle " +
      "bevillinger på tallet. En overførsel fra sidste år kræver, at området må overføre, og kan højst være " +
      "mindreforbruget (korrigeret budget minus regnskab).",
    tags: ["Bevillinger"],
    access: "write",
    scope: byMunicipality,
    params: municipalityParams,
    body: appropriationSchema.strict(),
    response: { status: 201, description: "Bevillingen og det korrigerede budget" },
    handler: async ({ app, params, body, req }) =>
      addAppropriation(app.db, await resolveMunicipality(app.db, params.m), body, actorOf(req)),
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/corrected",
    summary: "Det korrigerede budget for en enhed",
    tags: ["Bevillinger"],
    access: "read",
    scope: byNode,
    params: nodeParams,
    query: z.object({ year: yearQuerySchema }),
    response: { description: "Pr. konto: oprindeligt budget, tillæg, overførsler og korrigeret budget" },
    handler: async ({ app, params, query }) => correctedBudget(app.db, params.id, query.year),
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/carry-over",
    summary: "Det bevillingsområde, hvis overførselsadgang gælder for enheden",
    description:
      "Området selv, eller for en enhed under et område dets nærmeste område; area er null for enheder over " +
      "områderne (udvalg, kommunen), som ikke kan overføre.",
    tags: ["Bevillinger"],
    access: "read",
    scope: byNode,
    params: nodeParams,
    response: { description: "Området og om det må overføre uforbrugte midler" },
    handler: async ({ app, params }) => carryOverSetting(app.db, params.id),
  }),
  defineRoute({
    method: "PUT",
    url: "/api/nodes/:id/carry-over",
    summary: "Må området overføre mindreforbrug?",
    tags: ["Bevillinger"],
    access: "write",
    scope: byNode,
    params: nodeParams,
    body: carryOverSettingSchema.strict(),
    response: { description: "Områdets indstilling" },
    handler: async ({ app, params, body, req }) => setCarryOverAllowed(app.db, params.id, body, actorOf(req)),
  }),
];
