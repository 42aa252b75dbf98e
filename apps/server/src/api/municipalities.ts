import type { Municipality } from "@bevilling/core";
import { type Database, findMunicipality, listMunicipalities } from "@bevilling/db";
import {
  changeSettings,
  createMunicipalitySchema,
  ensureMunicipality,
  NotFound,
  requireMunicipality,
} from "@bevilling/services";
import type { Kysely } from "kysely";
import { z } from "zod";
import { actorOf } from "../actor.ts";
import { Conflict } from "../errors.ts";
import { defineRoute } from "../routes.ts";
import { municipalityParams } from "../schemas.ts";

/**
 * The address names a municipality by code or name first, as people write them; a bare number
 * that is no code falls back to the id. Three digits are always read as a code.
 */
export async function resolveMunicipality(db: Kysely<Database>, m: string): Promise<Municipality> {
  try {
    return await requireMunicipality(db, m);
  } catch (e) {
    if (e instanceof NotFound && /^\d{1,9}$/.test(m)) return requireMunicipality(db, Number(m));
    throw e;
  }
}

function view(m: Municipality) {
  return { id: m.id, code: m.code, name: m.name, settings: m.settings };
}

/** Every setting optional; the merged result is validated whole by changeSettings. */
const settingsPatchSchema = z
  .object({
    budgetYear: z.number().int().min(2000).max(2100).optional(),
    firstYear: z.number().int().min(1990).max(2100).optional(),
    lastYear: z.number().int().min(1990).max(2110).optional(),
    defaultPriceYear: z.number().int().min(1990).max(2110).optional(),
    signConvention: z.enum(["overspend_negative", "overspend_positive"]).optional(),
    priceIndexRule: z.enum(["total", "by_group"]).optional(),
  })
  .strict();

export const municipalityRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/municipalities",
    summary: "Alle kommuner",
    tags: ["Kommuner"],
    access: "read",
    response: { description: "Kommunerne med id, kode, navn og indstillinger" },
    handler: async ({ app }) => (await listMunicipalities(app.db)).map(view),
  }),
  defineRoute({
    method: "POST",
    url: "/api/municipalities",
    summary: "Opret en kommune",
    description: "Kommunen får sin rodenhed og eksempel-prisindekset med det samme.",
    tags: ["Kommuner"],
    access: "admin",
    body: createMunicipalitySchema.strict(),
    response: {
      status: 201,
      description: "Den oprettede kommune",
      errors: { 409: "Kommunekoden findes allerede" },
    },
    handler: async ({ app, body, req }) => {
      if (await findMunicipality(app.db, body.code)) {
        throw new Conflict(`Kommunekoden ${body.code} findes allerede`);
      }
      const { municipality, created } = await ensureMunicipality(app.db, body, actorOf(req));
      // ensureMunicipality also matches names; a code equal to another municipality's name lands here.
      if (!created) throw new Conflict(`Kommunen ${body.code} findes allerede`);
      return view(municipality);
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m",
    summary: "Én kommune",
    tags: ["Kommuner"],
    access: "read",
    params: municipalityParams,
    response: { description: "Kommunen med indstillinger" },
    handler: async ({ app, params }) => view(await resolveMunicipality(app.db, params.m)),
  }),
  defineRoute({
    method: "PATCH",
    url: "/api/municipalities/:m/settings",
    summary: "Ret kommunens indstillinger",
    description:
      "Budgetår, år i spil, standardprisniveau, hvilket prisindeks der anvendes (samlet eller pr. artsgruppe) " +
      "og fortegnet for merforbrug i tekster. Resultatet valideres samlet.",
    tags: ["Kommuner"],
    access: "admin",
    params: municipalityParams,
    body: settingsPatchSchema,
    response: { description: "Kommunen med de nye indstillinger" },
    handler: async ({ app, params, body, req }) => {
      const m = await resolveMunicipality(app.db, params.m);
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      return view(await changeSettings(app.db, m, patch, actorOf(req)));
    },
  }),
];
