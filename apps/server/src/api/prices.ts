import { listIndexes } from "@bevilling/db";
import { importPriceIndex } from "@bevilling/services";
import { z } from "zod";
import { actorOf } from "../actor.ts";
import { resolveMunicipality } from "../resolve.ts";
import { defineRoute } from "../routes.ts";
import { base64Schema, byMunicipality, municipalityParams, nameSchema } from "../schemas.ts";

export const priceRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/price-indexes",
    summary: "Kommunens prisindeks",
    tags: ["Prisindeks"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    response: { description: "Indeksene; active: true for det, oversigterne bruger" },
    handler: async ({ app, params }) => {
      const m = await resolveMunicipality(app.db, params.m);
      return (await listIndexes(app.db, m.id)).map((i) => ({
        id: i.id,
        name: i.name,
        isExample: i.is_example,
        active: i.active,
      }));
    },
  }),
  defineRoute({
    method: "POST",
    url: "/api/municipalities/:m/price-indexes",
    summary: "Importér et prisindeks (P/L-tabel)",
    description:
      'En tabel med én række pr. år og én kolonne pr. indeksgruppe ("År;Samlet;Lønninger;..."). ' +
      "Indekset gemmes under navnet og bliver det aktive.",
    tags: ["Prisindeks"],
    access: "write",
    scope: byMunicipality,
    bodyLimit: 10 * 1024 * 1024,
    params: municipalityParams,
    body: z.strictObject({
      name: nameSchema.meta({ description: "Indeksets navn, fx KL juni 2025" }),
      fileName: z.string().trim().min(1, "mangler").max(255, "må højst have 255 tegn"),
      content: base64Schema,
    }),
    response: { status: 201, description: "Antal indlæste indekstal" },
    handler: async ({ app, params, body, req }) => {
      const m = await resolveMunicipality(app.db, params.m);
      const r = await importPriceIndex(
        app.db,
        m,
        { fileName: body.fileName, bytes: Buffer.from(body.content, "base64") },
        body.name,
        actorOf(req),
      );
      return { name: body.name, points: r.points };
    },
  }),
];
