import { defineRoute } from "../routes.ts";

export const systemRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/health",
    summary: "Svarer, når serveren kører",
    tags: ["System"],
    access: "public",
    response: { description: 'Altid { "status": "ok" }' },
    handler: async () => ({ status: "ok" }),
  }),
  defineRoute({
    method: "GET",
    url: "/api/openapi.json",
    summary: "Beskrivelse af hele API'et (OpenAPI 3.1)",
    tags: ["System"],
    access: "public",
    response: { description: "OpenAPI-dokumentet" },
    handler: async ({ app }) => app.openapi(),
  }),
];
