import { ROUTES } from "./api/index.ts";
import type { RouteInfo } from "./routes.ts";

export { BODY_LIMIT, buildApp } from "./app.ts";
export { OidcClient, OidcError, oidcSettingsFromEnv } from "./oidc.ts";
export { buildOpenApi } from "./openapi.ts";
export type { Access, RouteInfo } from "./routes.ts";
export { ACCESS_LEVELS } from "./routes.ts";

/** Every route with the permission it needs, for tests and for the command line. */
export function listRoutes(): RouteInfo[] {
  return ROUTES.map((r) => ({ method: r.method, url: r.url, access: r.access, summary: r.summary }));
}
