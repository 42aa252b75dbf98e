import { DATA_SETS, type DataSet, exportData } from "@bevilling/services";
import { z } from "zod";
import { resolveMunicipality } from "../resolve.ts";
import { defineRoute } from "../routes.ts";
import { byMunicipality, municipalityParams, wordList } from "../schemas.ts";
import { sendFile } from "./files.ts";

const SET_WORDS: Record<string, DataSet> = {
  organisation: "organisation",
  accounts: "accounts",
  kontoplan: "accounts",
  amounts: "amounts",
  beløb: "amounts",
  monthly: "monthly",
  månedsforbrug: "monthly",
};

const exportQuery = z
  .object({
    sets: wordList(SET_WORDS, `brug ${DATA_SETS.join(", ")}`)
      .optional()
      .meta({ description: `Datasæt, kommasepareret: ${DATA_SETS.join(", ")}. Standard: alle` }),
    format: z
      .enum(["xlsx", "csv"], { error: 'skal være "xlsx" eller "csv"' })
      .default("xlsx")
      .meta({ description: "xlsx (et ark pr. datasæt) eller csv (ét datasæt)" }),
  })
  .superRefine((q, ctx) => {
    if (q.format === "csv" && (q.sets ?? DATA_SETS).length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["sets"],
        message: "en CSV-fil rummer ét datasæt: vælg organisation, accounts, amounts eller monthly",
      });
    }
  });

export const exportRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/export",
    summary: "Eksportér kommunens data",
    description: "Filerne læses tilbage med standardopsætningerne, så en eksport også er en sikkerhedskopi.",
    tags: ["Eksport"],
    access: "read",
    scope: byMunicipality,
    params: municipalityParams,
    query: exportQuery,
    response: {
      description: "Excel-filen eller CSV-filen",
      mediaTypes: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"],
    },
    handler: async ({ app, params, query, reply }) => {
      const m = await resolveMunicipality(app.db, params.m);
      return sendFile(reply, await exportData(app.db, m, query.sets ?? DATA_SETS, query.format));
    },
  }),
];
