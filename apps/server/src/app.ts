import type { Database } from "@bevilling/db";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Kysely } from "kysely";
import { ROUTES } from "./api/index.ts";
import { installErrorHandling } from "./errors.ts";
import { buildOpenApi } from "./openapi.ts";
import { type AppContext, registerRoute, requireAccess } from "./routes.ts";
import { registerWeb } from "./web.ts";

/** Room for a large ledger extract: a 45 MB file is 60 MB once base64-encoded in JSON. */
export const BODY_LIMIT = 60 * 1024 * 1024;

/** The API serves JSON and downloads only, so nothing in a reply may run, load or be framed. */
const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-frame-options": "DENY",
};

/** Øre amounts are bigint and must reach the client exactly: as decimal strings, never as floats. */
function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

export async function buildApp(opts: {
  db: Kysely<Database>;
  logger?: boolean | object;
  /** The built web application to serve at "/", if any. */
  webRoot?: string | undefined;
}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: (opts.logger ?? false) as FastifyServerOptions["logger"],
    bodyLimit: BODY_LIMIT,
  });
  app.setReplySerializer((payload) => JSON.stringify(payload, bigintAsString));
  app.addHook("onSend", async (_req, reply, payload) => {
    // The web application's pages set their own, less strict policy (registerWeb).
    const own = reply.getHeader("content-security-policy");
    reply.headers(SECURITY_HEADERS);
    if (own) reply.header("content-security-policy", own);
    return payload;
  });
  app.addHook("onRoute", requireAccess);
  installErrorHandling(app, BODY_LIMIT);

  let openapi: object | undefined;
  const ctx: AppContext = {
    db: opts.db,
    openapi: () => {
      openapi ??= buildOpenApi(ROUTES);
      return openapi;
    },
  };
  for (const route of ROUTES) registerRoute(app, ctx, route);
  if (opts.webRoot) registerWeb(app, opts.webRoot);
  await app.ready();
  return app;
}
