/**
 * The OpenAPI 3.1 document, written from the route registry. Schemas describe what a client
 * sends (zod's input side): a query value that the server turns into a list is a string here.
 */
import { z } from "zod";
import type { Route, Tag } from "./routes.ts";

type JsonSchema = Record<string, unknown>;

const TAG_DESCRIPTIONS: Record<Tag, string> = {
  System: "Driftsstatus og API-beskrivelse",
  Kommuner: "Kommuner og deres indstillinger",
  Organisation: "Udvalg, bevillingsområder, enheder og konti",
  Oversigt: "Flerårsoversigter som tabel, CSV eller Excel",
  Import: "Indlæsning af filer og gemte indlæsningsopsætninger",
  Prisindeks: "Pris- og lønindeks til omregning mellem prisniveauer",
  Eksport: "Kommunens data som filer",
  Revisionsspor: "Hvem ændrede hvad og hvornår, og historikken for hvert budgettal",
  Adgang: "Login, brugere, roller og API-nøgler",
  Budgetforslag: "Forslagskataloget: forslag, linjer, beløb og kontroller",
  Budgetaftaler:
    "Budgetaftalen som scenarie: reguleringer, DUT-midler, puljer, virkning, sammenligning og vedtagelse",
  Bemærkninger: "Budgetbemærkninger: brugerskrevne afsnit og de genererede dokumenter",
  Bevillinger: "Tillægsbevillinger, overførsler og det korrigerede budget",
};

function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    target: "draft-2020-12",
    // A transform or refinement has no JSON Schema form; its input type is what a client needs.
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const js = toJsonSchema(schema);
  const properties = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

export function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, "{$1}");
}

function operationId(route: Route): string {
  const words = route.url
    .replace(/^\/api\//, "")
    .split(/[/.-]/)
    .filter((w) => w !== "")
    .map((w) => (w.startsWith(":") ? `by-${w.slice(1)}` : w))
    .flatMap((w) => w.split("-"));
  return [route.method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join("");
}

const ERROR_REF = { $ref: "#/components/schemas/Fejl" };

function errorResponse(description: string): JsonSchema {
  return { description, content: { "application/json": { schema: ERROR_REF } } };
}

function operation(route: Route): JsonSchema {
  const hasInput = route.params !== undefined || route.query !== undefined || route.body !== undefined;
  const mediaTypes = route.response.mediaTypes ?? ["application/json"];
  const responses: Record<string, JsonSchema> = {
    [String(route.response.status ?? 200)]: {
      description: route.response.description,
      content: Object.fromEntries(mediaTypes.map((t) => [t, {}])),
    },
  };
  if (hasInput) responses["400"] = errorResponse("Ugyldig forespørgsel (issues) eller fil (errors)");
  if (route.params) responses["404"] = errorResponse("Findes ikke");
  for (const [status, description] of Object.entries(route.response.errors ?? {})) {
    responses[status] = errorResponse(description);
  }
  if (route.body) responses["413"] = errorResponse("Forespørgslen er for stor");
  if (route.access !== "public") {
    responses["401"] = errorResponse("Ikke logget ind (code: unauthenticated)");
    responses["403"] = errorResponse("Ingen adgang (code: forbidden, password_change_required eller csrf)");
  }
  responses["500"] = errorResponse("Intern fejl");
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    "x-access": route.access,
    ...(route.scope ? { "x-scope": "enhed" } : {}),
    ...(route.access === "public" ? { security: [] } : {}),
    parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: toJsonSchema(route.body) } },
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApi(routes: readonly Route[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.url);
    const item = paths[path] ?? {};
    item[route.method.toLowerCase()] = operation(route);
    paths[path] = item;
  }
  const issue = {
    type: "object",
    properties: { field: { type: "string" }, reason: { type: "string" } },
    required: ["field", "reason"],
  };
  const fileError = {
    type: "object",
    properties: {
      file: { type: "string" },
      sheet: { type: "string", description: "Arket i en Excel-projektmappe" },
      line: { type: "integer" },
      column: { type: "string" },
      field: { type: "string" },
      reason: { type: "string" },
    },
    required: ["file", "reason"],
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Bevilling",
      version: "0.1.0",
      description:
        "Budget og økonomistyring for danske kommuner. Beløb sendes som strenge med heltal (øre eller afrundede " +
        "enheder), så intet øre går tabt. x-access angiver den rettighed, et kald kræver (public, published, " +
        "signedIn, read, unitWrite, write, admin); x-scope, at en budgetansvarlig kun når sine egne enheder. " +
        "Log ind med en sessionscookie (POST /api/session; ændringer sender x-csrf-token) eller en API-nøgle " +
        "(Authorization: Bearer bvl_…).",
    },
    tags: Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
    paths,
    security: [{ session: [] }, { token: [] }],
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "bevilling_session" },
        token: { type: "http", scheme: "bearer", description: "API-nøgle: bvl_…" },
      },
      schemas: {
        Fejl: {
          type: "object",
          properties: {
            error: { type: "string", description: "Beskeden til brugeren" },
            issues: { type: "array", items: issue, description: "Fejl i forespørgslens felter" },
            errors: { type: "array", items: fileError, description: "Fejl i en importeret fil" },
            omitted: { type: "integer", description: "Fejl ud over dem, der er vist" },
          },
          required: ["error"],
        },
      },
    },
  };
}
