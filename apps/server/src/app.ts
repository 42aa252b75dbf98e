import type { Database } from "@bevilling/db";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Kysely } from "kysely";
import { ROUTES } from "./api/index.ts";
import { installErrorHandling } from "./errors.ts";
import { BODY_LIMIT } from "./limits.ts";
import { loggedUrl } from "./logging.ts";
import { buildOpenApi } from "./openapi.ts";
import { type AppContext, type AuthConfig, registerRoute, requireAccess } from "./routes.ts";
import { installSessions } from "./session.ts";
import { registerWeb } from "./web.ts";

export { BODY_LIMIT, loggedUrl };

/** The API serves JSON and downloads only, so nothing in a reply may run, load or be framed. */
const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

/** Øre amounts are bigint and must reach the client exactly: as decimal strings, never as floats. */
function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

const LOG_SERIALIZERS = {
  req(req: { method: string; url: string; ip?: string }) {
    return { method: req.method, url: loggedUrl(req.url), remoteAddress: req.ip };
  },
};

export async function buildApp(opts: {
  db: Kysely<Database>;
  logger?: boolean | object;
  /** The built web application to serve at "/", if any. */
  webRoot?: string | undefined;
  auth?: Partial<AuthConfig>;
  /** Behind a reverse proxy: trust its X-Forwarded-* headers (a hop count: 1 for one proxy). */
  trustProxy?: boolean | number;
}): Promise<FastifyInstance> {
  const logger =
    opts.logger === true
      ? { serializers: LOG_SERIALIZERS }
      : opts.logger && typeof opts.logger === "object"
        ? { ...opts.logger, serializers: LOG_SERIALIZERS }
        : false;
  const app = Fastify({
    logger: logger as FastifyServerOptions["logger"],
    bodyLimit: BODY_LIMIT,
    // A hop count N trusts the N nearest proxies and no address the client wrote itself.
    trustProxy:
      typeof opts.trustProxy === "number"
        ? (_address: string, hop: number) => hop < (opts.trustProxy as number)
        : (opts.trustProxy ?? false),
  });
  const auth: AuthConfig = {
    secureCookies: opts.auth?.secureCookies ?? false,
    oidc: opts.auth?.oidc ?? null,
  };
  app.setReplySerializer((payload) => JSON.stringify(payload, bigintAsString));
  app.addHook("onSend", async (req, reply, payload) => {
    // The web application's pages set their own, less strict policy (registerWeb).
    const own = reply.getHeader("content-security-policy");
    reply.headers(SECURITY_HEADERS);
    if (own) reply.header("content-security-policy", own);
    if (auth.secureCookies || req.protocol === "https") {
      reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
    }
    // Answers depend on who asks: no shared cache may keep one for the next person.
    if (req.url.startsWith("/api/")) reply.header("cache-control", "no-store");
    return payload;
  });
  app.addHook("onRoute", requireAccess);
  installErrorHandling(app, BODY_LIMIT);
  installSessions(app, opts.db);

  let openapi: object | undefined;
  const ctx: AppContext = {
    db: opts.db,
    auth,
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
