import { type Column, isUnitScoped, type OrgNode, parseColumn, type SpendingCategory } from "@bevilling/core";
import {
  type AccountRow,
  accountsOfNode,
  childrenOf,
  getNode,
  historyOf,
  listAccounts,
  listNodes,
  nodesWithinUnits,
} from "@bevilling/db";
import {
  authorize,
  exportOverview,
  figureEditSchema,
  getOverview,
  listFigures,
  NotFound,
  setFigure,
} from "@bevilling/services";
import { z } from "zod";
import { actorOf } from "../actor.ts";
import { resolveMunicipality } from "../resolve.ts";
import { defineRoute } from "../routes.ts";
import {
  byMunicipality,
  byNode,
  municipalityParams,
  nodeParams,
  quote,
  wordList,
  yearOf,
  yearQuerySchema,
} from "../schemas.ts";
import { entryView } from "./audit.ts";
import { sendFile } from "./files.ts";

function nodeView(n: OrgNode) {
  return {
    id: n.id,
    parentId: n.parentId,
    kind: n.kind,
    code: n.code,
    name: n.name,
    validFrom: n.validFrom,
    validTo: n.validTo,
    sortOrder: n.sortOrder,
  };
}

function accountView(a: AccountRow) {
  return {
    id: a.id,
    code: a.code,
    funktion: a.funktion,
    dranst: a.dranst,
    art: a.art,
    gruppering: a.gruppering,
    costCentre: a.cost_centre,
    project: a.project,
    name: a.name,
    category: a.category,
    indexGroup: a.index_group,
  };
}

const CATEGORY_WORDS: Record<string, SpendingCategory> = {
  service: "service",
  serviceudgifter: "service",
  transfer: "transfer",
  overførsel: "transfer",
  overførsler: "transfer",
  capital: "capital",
  anlæg: "capital",
  financing: "financing",
  finansiering: "financing",
};

const MAX_COLUMNS = 30;

const columnsSchema = z.string().transform((s, ctx): Column[] => {
  const parts = s
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) {
    ctx.addIssue({ code: "custom", message: "er tom; skriv fx 2023:regnskab,2025:budget" });
    return z.NEVER;
  }
  if (parts.length > MAX_COLUMNS) {
    ctx.addIssue({ code: "custom", message: `højst ${MAX_COLUMNS} kolonner` });
    return z.NEVER;
  }
  const columns: Column[] = [];
  for (const p of parts) {
    const c = parseColumn(p);
    if (c && yearOf(String(c.year)) !== undefined) columns.push(c);
    else {
      ctx.addIssue({
        code: "custom",
        message: `${quote(p)} er ikke en kolonne; skriv år:art, fx 2025:budget, 2023:regnskab eller 2024:oprindeligt`,
      });
    }
  }
  return columns;
});

const priceYearSchema = z.string().transform((s, ctx): number | "current" => {
  const t = s.trim().toLowerCase();
  if (t === "current" || t === "løbende") return "current";
  const y = yearOf(t);
  if (y !== undefined) return y;
  ctx.addIssue({
    code: "custom",
    message: `${quote(s)} er hverken et årstal (fx 2025) eller "current" (løbende priser)`,
  });
  return z.NEVER;
});

const overviewQuery = z.object({
  priceYear: priceYearSchema.optional().meta({
    description: 'Prisniveau: et år, eller "current" for løbende priser. Standard: kommunens prisår.',
  }),
  unit: z
    .enum(["kr", "tkr", "mio"], { error: 'skal være "kr", "tkr" eller "mio"' })
    .default("tkr")
    .meta({ description: "Enhed: kr., 1.000 kr. eller mio. kr." }),
  columns: columnsSchema.optional().meta({
    description:
      "Kolonner som år:art, kommasepareret (fx 2023:actual,2024:original eller 2023:regnskab,2025:budget)",
    examples: ["2023:actual,2024:original,2025:budget"],
  }),
  categories: wordList(CATEGORY_WORDS, "brug service, transfer, capital eller financing")
    .optional()
    .meta({ description: "Udgiftstyper, kommasepareret: service, transfer, capital, financing" }),
  rows: z
    .enum(["children", "accounts"], {
      error: 'skal være "children" (underliggende enheder) eller "accounts" (konti)',
    })
    .default("children")
    .meta({ description: "Rækker pr. underliggende enhed eller pr. konto" }),
  format: z
    .enum(["json", "csv", "xlsx"], { error: 'skal være "json", "csv" eller "xlsx"' })
    .default("json")
    .meta({ description: "Svarets format; csv og xlsx hentes som fil" }),
});

export const nodeRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/organisation",
    summary: "Kommunens organisation som flad liste",
    description:
      "Alle enheder med overordnet enhed; roden er kommunen selv (parentId = null). En budgetansvarlig i en " +
      "ikke-offentliggjort kommune får sine enheders undertræer og vejen op til roden; enhederne på vejen " +
      "har readable: false.",
    tags: ["Organisation"],
    access: "published",
    scope: byMunicipality,
    filters: true,
    params: municipalityParams,
    response: { description: "Enhederne i organisationen" },
    handler: async ({ app, params, req }) => {
      const m = await resolveMunicipality(app.db, params.m);
      const nodes = await listNodes(app.db, m.id);
      const p = req.principal;
      if (m.settings.published || p.kind === "anonymous" || !isUnitScoped(p.role)) {
        return nodes.map((n) => ({ ...nodeView(n), readable: true }));
      }
      const readable = await nodesWithinUnits(
        app.db,
        p.units.map((u) => u.id),
      );
      const byId = new Map(nodes.map((n) => [n.id, n]));
      const shown = new Set<number>();
      for (const id of readable) {
        for (let cur = byId.get(id); cur && !shown.has(cur.id); ) {
          shown.add(cur.id);
          cur = cur.parentId === null ? undefined : byId.get(cur.parentId);
        }
      }
      return nodes
        .filter((n) => shown.has(n.id))
        .map((n) => ({ ...nodeView(n), readable: readable.has(n.id) }));
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id",
    summary: "Én enhed med sti fra roden og underliggende enheder",
    tags: ["Organisation"],
    access: "published",
    scope: byNode,
    params: nodeParams,
    response: { description: "Enheden, stien (rod → enhed) og børnene" },
    handler: async ({ app, params }) => {
      const node = await getNode(app.db, params.id);
      if (!node) throw new NotFound(`Enheden ${params.id} findes ikke`);
      const byId = new Map((await listNodes(app.db, node.municipalityId)).map((n) => [n.id, n]));
      const path: OrgNode[] = [];
      // The depth bound guards against a cycle in damaged data looping forever.
      for (let cur = byId.get(node.id); cur && path.length < 64; ) {
        path.unshift(cur);
        cur = cur.parentId === null ? undefined : byId.get(cur.parentId);
      }
      return {
        node: { ...nodeView(node), municipalityId: node.municipalityId },
        path: path.map(nodeView),
        children: (await childrenOf(app.db, node.id)).map(nodeView),
      };
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/municipalities/:m/accounts",
    summary: "Kommunens kontoplan",
    description: "Kontoplanen er den autoriserede, så alle med adgang til en del af kommunen kan læse den.",
    tags: ["Organisation"],
    access: "published",
    scope: byMunicipality,
    filters: true,
    params: municipalityParams,
    response: { description: "Kontiene sorteret efter kontonummer" },
    handler: async ({ app, params }) => {
      const m = await resolveMunicipality(app.db, params.m);
      return (await listAccounts(app.db, m.id)).map(accountView);
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/accounts",
    summary: "Konti knyttet direkte til en enhed",
    tags: ["Organisation"],
    access: "published",
    scope: byNode,
    params: nodeParams,
    response: { description: "Enhedens konti" },
    handler: async ({ app, params }) => {
      if (!(await getNode(app.db, params.id))) throw new NotFound(`Enheden ${params.id} findes ikke`);
      return (await accountsOfNode(app.db, params.id)).map(accountView);
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/overview",
    summary: "Flerårsoversigt for en enhed",
    description:
      "Én række pr. underliggende enhed (eller konto), én kolonne pr. år og beløbsart, i valgt prisniveau og enhed. " +
      "Tabellen afrundes, så den summer som trykt. Beløb i JSON er strenge (øre og afrundede værdier er heltal).",
    tags: ["Oversigt"],
    access: "published",
    scope: byNode,
    params: nodeParams,
    query: overviewQuery,
    response: {
      description: "Oversigten, eller filen med den som CSV eller Excel",
      mediaTypes: [
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      ],
    },
    handler: async ({ app, params, query, reply }) => {
      const o = await getOverview(app.db, {
        nodeId: params.id,
        priceYear: query.priceYear,
        unit: query.unit,
        columns: query.columns,
        categories: query.categories,
        rows: query.rows,
      });
      if (query.format === "json") return o;
      return sendFile(reply, await exportOverview(o, query.format));
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/figures",
    summary: "Enhedens egne budgettal med version",
    description:
      "Tallene bogført direkte på enheden (ikke dens undertræ) pr. konto, år og beløbsart, med den version, en " +
      "rettelse skal bygge på. editable: om den, der spørger, må rette enhedens budget- og overslagstal.",
    tags: ["Organisation"],
    access: "read",
    scope: byNode,
    params: nodeParams,
    query: z.object({ year: yearQuerySchema.optional().meta({ description: "Kun dette år" }) }),
    response: { description: "Tallene; beløb i øre som strenge" },
    handler: async ({ app, params, query, req }) => {
      const figures = await listFigures(app.db, params.id, query.year);
      const editable = await authorize(app.db, req.principal, "unitWrite", { nodeId: params.id }).then(
        () => true,
        () => false,
      );
      return { nodeId: params.id, editable, figures };
    },
  }),
  defineRoute({
    method: "PUT",
    url: "/api/nodes/:id/figures",
    summary: "Ret ét budget- eller overslagstal",
    description:
      "Ændringen angiver den version, den bygger på (null for et nyt tal), og en begrundelse. Er tallet ændret " +
      "siden, afvises den med 409 og tallet, som det er nu, så man kan genindlæse eller flette. Ændringen står " +
      "i revisionssporet med gammel og ny værdi.",
    tags: ["Organisation"],
    access: "unitWrite",
    scope: byNode,
    params: nodeParams,
    body: figureEditSchema.strict(),
    response: {
      description: "Tallet, som det er efter ændringen",
      errors: { 409: "Tallet er ændret af en anden efter den angivne version" },
    },
    handler: async ({ app, params, body, req }) => setFigure(app.db, params.id, body, actorOf(req)),
  }),
  defineRoute({
    method: "GET",
    url: "/api/nodes/:id/changes",
    summary: "Historikken for en enhed",
    description: "Revisionssporets poster om enheden selv (oprettelse, navn, placering), ældste først.",
    tags: ["Revisionsspor"],
    access: "read",
    scope: byNode,
    params: nodeParams,
    response: { description: "Posterne, ældste først" },
    handler: async ({ app, params }) => {
      if (!(await getNode(app.db, params.id))) throw new NotFound(`Enheden ${params.id} findes ikke`);
      return (await historyOf(app.db, "org_node", String(params.id))).map(entryView);
    },
  }),
];
