import type { Municipality } from "@bevilling/core";
import {
  type Database,
  getMapping,
  getSavedMapping,
  historyOf,
  listImports,
  listMappings,
} from "@bevilling/db";
import {
  inspectFile,
  type Mapping,
  mappingSchema,
  NotFound,
  parseMapping,
  runImport,
  STANDARD_MAPPINGS,
  saveMappingAs,
} from "@bevilling/services";
import type { Kysely } from "kysely";
import { z } from "zod";
import { actorOf } from "../actor.ts";
import { RequestInvalid } from "../errors.ts";
import { BODY_LIMIT } from "../limits.ts";
import { resolveMunicipality } from "../resolve.ts";
import { defineRoute } from "../routes.ts";
import { base64Schema, byMunicipality, municipalityParams, nameSchema, quote } from "../schemas.ts";
import { entryView } from "./audit.ts";

/** A dry run exists to show what the file will become, so it shows some rows unless told otherwise. */
const DRY_RUN_PREVIEW_ROWS = 20;

function isStandard(name: string): boolean {
  return Object.hasOwn(STANDARD_MAPPINGS, name);
}

const importBody = z
  .strictObject({
    fileName: z
      .string()
      .trim()
      .min(1, "mangler")
      .max(255, "må højst have 255 tegn")
      .meta({ description: "Filens navn; endelsen (.csv, .xlsx) afgør, hvordan den læses" }),
    content: base64Schema,
    mapping: mappingSchema
      .optional()
      .meta({ description: "Indlæsningsopsætningen (i stedet for mappingName)" }),
    mappingName: nameSchema
      .optional()
      .meta({ description: "Navnet på en gemt opsætning eller en standardopsætning (i stedet for mapping)" }),
    dryRun: z.boolean().default(false).meta({ description: "Kontrollér og vis filen uden at gemme noget" }),
    previewRows: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .optional()
      .meta({
        description: `Antal rækker i forhåndsvisningen (standard ${DRY_RUN_PREVIEW_ROWS} ved dryRun, ellers 0)`,
      }),
    saveMappingAs: nameSchema
      .refine((n) => !isStandard(n), "navnet er forbeholdt en standardopsætning")
      .optional()
      .meta({ description: "Gem opsætningen under dette navn, når importen lykkes" }),
  })
  .superRefine((b, ctx) => {
    if ((b.mapping === undefined) === (b.mappingName === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["mapping"],
        message: "angiv præcis én af mapping (en opsætning) og mappingName (navnet på en gemt opsætning)",
      });
    }
  });

async function namedMapping(db: Kysely<Database>, m: Municipality, name: string): Promise<Mapping> {
  const spec = isStandard(name) ? STANDARD_MAPPINGS[name] : await getMapping(db, m.id, name);
  if (spec === undefined) {
    throw new RequestInvalid([
      { field: "body.mappingName", reason: `opsætningen ${quote(name)} findes ikke` },
    ]);
  }
  const parsed = parseMapping(spec);
  if (!parsed.ok) {
    // A stored mapping can fall behind a stricter schema; say what to fix rather than fail inside the import.
    throw new RequestInvalid(
      parsed.errors.map((reason) => ({
        field: "body.mappingName",
        reason: `den gemte opsætning: ${reason}`,
      })),
    );
  }
  return parsed.mapping;
}

const mappingParams = municipalityParams.extend({
  name: nameSchema.meta({ description: "Opsætningens navn" }),
});

const inspectBody = z.strictObject({
  fileName: z.string().trim().min(1, "mangler").max(255, "må højst have 255 tegn"),
  content: base64Schema,
  sheet: z
    .union([z.string().min(1), z.number().int().min(1)])
    .optional()
    .meta({ description: "Ark (navn eller nummer fra 1)" }),
  separator: z.enum([";", ",", "\t"]).optional(),
  encoding: z.enum(["utf-8", "windows-1252"]).optional(),
});

export const importRoutes = [
  defineRoute({
    method: "POST",
    url: "/api/files/inspect",
    summary: "Se en fils kolonner og første rækker",
    description:
      "Til opsætning af en import: overskriften og de første 20 rækker, som de vil blive læst. Intet gemmes.",
    tags: ["Import"],
    access: "write",
    bodyLimit: BODY_LIMIT,
    body: inspectBody,
    response: { description: "Overskrift, de første rækker, antal rækker, tegnsæt og skilletegn" },
    handler: async ({ body }) => {
      const opts: Parameters<typeof inspectFile>[1] = {};
      if (body.sheet !== undefined) opts.sheet = body.sheet;
      if (body.separator) opts.separator = body.separator;
      if (body.encoding) opts.encoding = body.encoding;
      return inspectFile({ fileName: body.fileName, bytes: Buffer.from(body.content, "base64") }, opts);
    },
  }),
  defineRoute({
    method: "POST",
    url: "/api/municipalities/:m/imports",
    summary: "Importér en fil (CSV eller Excel)",
    description:
      "Hele filen kontrolleres først. Er blot én linje forkert, gemmes intet, og svaret lister alle fejl med fil, " +
      "linje, kolonne og årsag. Samme fil to gange giver unchanged: true anden gang.",
    tags: ["Import"],
    access: "write",
    scope: byMunicipality,
    bodyLimit: BODY_LIMIT,
    params: municipalityParams,
    body: importBody,
    response: { description: "Resultatet: rækker, ændringer og evt. forhåndsvisning" },
    handler: async ({ app, params, body, req }) => {
      const m = await resolveMunicipality(app.db, params.m);
      const mapping = body.mapping ?? (await namedMapping(app.db, m, body.mappingName as string));
      const result = await runImport(
        app.db,
        m,
        { fileName: body.fileName, bytes: Buffer.from(body.content, "base64") },
        mapping,
        {
          dryRun: body.dryRun,
          previewRows: body.previewRows ?? (body.dryRun ? DRY_RUN_PREVIEW_ROWS : 0),
          actor: actorOf(req),
        },
      );
      let savedMapping: string | undefined;
      if (body.saveMappingAs !== undefined && !body.dryRun) {
        await saveMappingAs(app.db, m, body.saveMappingAs, mapping, actorOf(req));
        savedMapping = body.saveMappingAs;
      }
      return { ...result, dryRun: body.dryRun, ...(savedMapping !== undefined ? { savedMapping } : {}) };
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/imports",
    summary: "De seneste importer",
    tags: ["Import"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    response: { description: "Op til 100 importer, nyeste først" },
    handler: async ({ app, params }) => {
      const m = await resolveMunicipality(app.db, params.m);
      return (await listImports(app.db, m.id)).map((r) => ({
        id: r.id,
        kind: r.kind,
        fileName: r.file_name,
        sha256: r.sha256,
        rowCount: r.row_count,
        changedCount: r.changed_count,
        createdAt: r.created_at,
      }));
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/mappings",
    summary: "Gemte opsætninger og standardopsætningerne",
    tags: ["Import"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    response: {
      description: "Opsætningerne; standard: true for dem, der læser Bevillings egne eksportfiler",
    },
    handler: async ({ app, params }) => {
      const m = await resolveMunicipality(app.db, params.m);
      const saved = (await listMappings(app.db, m.id)).map((s) => ({
        name: s.name,
        standard: false,
        mapping: s.spec,
        updatedAt: s.updatedAt,
        version: s.version,
      }));
      const standard = Object.entries(STANDARD_MAPPINGS).map(([name, mapping]) => ({
        name,
        standard: true,
        mapping,
      }));
      return [...saved, ...standard];
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/mappings/:name",
    summary: "Én opsætning",
    tags: ["Import"],
    access: "read",
    scope: byMunicipality,
    params: mappingParams,
    response: { description: "Opsætningen" },
    handler: async ({ app, params }) => {
      const m = await resolveMunicipality(app.db, params.m);
      if (isStandard(params.name))
        return { name: params.name, standard: true, mapping: STANDARD_MAPPINGS[params.name] };
      const saved = await getSavedMapping(app.db, m.id, params.name);
      if (saved === undefined) throw new NotFound(`Opsætningen ${quote(params.name)} findes ikke`);
      return { name: params.name, standard: false, mapping: saved.spec, version: saved.version };
    },
  }),
  defineRoute({
    method: "PUT",
    url: "/api/municipalities/:m/mappings/:name",
    summary: "Gem en opsætning under et navn",
    description:
      "Opsætningen kontrolleres, før den gemmes. version er den version, man har rettet i (null for et nyt navn); " +
      "er opsætningen ændret eller oprettet af en anden imens, afvises det med 409 og opsætningen, som den er nu.",
    tags: ["Import"],
    access: "write",
    scope: byMunicipality,
    params: mappingParams,
    body: z.strictObject({
      mapping: mappingSchema,
      version: z.number().int().positive().nullable(),
      reason: z.string().trim().max(500, "højst 500 tegn").optional(),
    }),
    response: {
      description: "Den gemte opsætning med standardværdier udfyldt og dens nye version",
      errors: { 409: "Opsætningen er ændret af en anden efter den angivne version" },
    },
    handler: async ({ app, params, body, req }) => {
      if (isStandard(params.name)) {
        throw new RequestInvalid([
          { field: "params.name", reason: "navnet er forbeholdt en standardopsætning" },
        ]);
      }
      const m = await resolveMunicipality(app.db, params.m);
      const saved = await saveMappingAs(
        app.db,
        m,
        params.name,
        body.mapping,
        actorOf(req),
        body.reason,
        body.version,
      );
      return { name: params.name, standard: false, mapping: body.mapping, version: saved.version };
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/mappings/:name/history",
    summary: "Historikken for en gemt opsætning",
    tags: ["Import"],
    access: "read",
    scope: byMunicipality,
    params: mappingParams,
    response: { description: "Revisionssporets poster om opsætningen, ældste først" },
    handler: async ({ app, params }) => {
      const m = await resolveMunicipality(app.db, params.m);
      const saved = await getSavedMapping(app.db, m.id, params.name);
      if (saved === undefined) throw new NotFound(`Opsætningen ${quote(params.name)} findes ikke`);
      return (await historyOf(app.db, "import_mapping", String(saved.id))).map(entryView);
    },
  }),
];
