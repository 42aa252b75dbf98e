import { isUnitScoped, type Municipality } from "@bevilling/core";
import { findMunicipality, listMunicipalities } from "@bevilling/db";
import {
  changeSettings,
  createMunicipalitySchema,
  ensureMunicipality,
  type Principal,
} from "@bevilling/services";
import { z } from "zod";
import { actorOf } from "../actor.ts";
import { Conflict } from "../errors.ts";
import { resolveMunicipality } from "../resolve.ts";
import { defineRoute } from "../routes.ts";
import { byMunicipality, municipalityParams } from "../schemas.ts";

export { resolveMunicipality };

function view(m: Municipality) {
  return { id: m.id, code: m.code, name: m.name, settings: m.settings, version: m.version };
}

/** Anonymous callers see published municipalities; a budgetansvarlig also those of their units. */
function visibleTo(p: Principal, m: Municipality): boolean {
  if (m.settings.published) return true;
  if (p.kind === "anonymous") return false;
  if (isUnitScoped(p.role)) return p.units.some((u) => u.municipalityId === m.id);
  return true;
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
    published: z.boolean().optional(),
    version: z.number().int().positive().optional().meta({
      description: "Den version af indstillingerne, ændringen bygger på (409, hvis de er ændret siden)",
    }),
    reason: z.string().trim().max(500, "højst 500 tegn").optional(),
  })
  .strict();

export const municipalityRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/municipalities",
    summary: "Alle kommuner",
    description: "Uden login: kun de offentliggjorte kommuner.",
    tags: ["Kommuner"],
    access: "published",
    filters: true,
    response: { description: "Kommunerne med id, kode, navn og indstillinger" },
    handler: async ({ app, req }) =>
      (await listMunicipalities(app.db)).filter((m) => visibleTo(req.principal, m)).map(view),
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
    access: "published",
    scope: byMunicipality,
    filters: true,
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
    scope: byMunicipality,
    params: municipalityParams,
    body: settingsPatchSchema,
    response: {
      description: "Kommunen med de nye indstillinger",
      errors: { 409: "Indstillingerne er ændret, efter den angivne version blev hentet" },
    },
    handler: async ({ app, params, body, req }) => {
      const m = await resolveMunicipality(app.db, params.m);
      const { version, reason, ...rest } = body;
      const patch = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      return view(await changeSettings(app.db, m, patch, actorOf(req), reason, version));
    },
  }),
];
