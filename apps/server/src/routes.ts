/**
 * The route registry. Every endpoint is one declaration: method, address, Danish summary, the
 * permission it needs, zod schemas for its input and a description of its answer. The same
 * declaration registers the fastify route, validates the request and writes the OpenAPI
 * document, so the documentation, the validation and the access rules cannot drift apart.
 */
import { ACCESS_LEVELS, type Access } from "@bevilling/core";
import type { Database } from "@bevilling/db";
import { authorize, Forbidden, NotFound, type Principal, type Target } from "@bevilling/services";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { Kysely } from "kysely";
import { z } from "zod";
import { type Issue, RequestInvalid } from "./errors.ts";
import { resolveMunicipality } from "./resolve.ts";
import { checkCsrf } from "./session.ts";

export type { Access };
export { ACCESS_LEVELS };

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Who is asking: set for every request by the session hook (session.ts). */
    principal: Principal;
  }
}

/** Requests without a larger limit of their own may carry at most this much. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * What a request is about, for the unit check: a node, or a municipality by code (or id) as
 * written in the address. null: the installation as a whole.
 */
export type ScopeRef = { node: number } | { municipality: string } | null;

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type Tag =
  | "System"
  | "Kommuner"
  | "Organisation"
  | "Oversigt"
  | "Import"
  | "Prisindeks"
  | "Eksport"
  | "Revisionsspor"
  | "Adgang"
  | "Budgetforslag"
  | "Budgetaftaler"
  | "Bemærkninger"
  | "Bevillinger";

export interface ResponseSpec {
  /** Status of a successful answer (default 200). */
  status?: number;
  description: string;
  /** Media types of the answer when it is not (only) JSON, e.g. file downloads. */
  mediaTypes?: readonly string[];
  /** Error answers particular to the route (status → description), for the documentation. */
  errors?: Readonly<Record<number, string>>;
}

export interface AppContext {
  db: Kysely<Database>;
  auth: AuthConfig;
  /** The OpenAPI document, built once from the registry. */
  openapi(): object;
}

/** How sessions behave and whether a municipality's identity provider is configured. */
export interface AuthConfig {
  /** Mark cookies Secure and send HSTS: on whenever Bevilling is reached over https. */
  secureCookies: boolean;
  oidc: OidcSignIn | null;
}

/** The part of the OpenID Connect client the routes use (oidc.ts implements it). */
export interface OidcSignIn {
  label: string;
  redirectUri: string;
  start(): Promise<{ url: string; pending: { state: string; nonce: string; codeVerifier: string } }>;
  finish(
    callbackUrl: URL,
    pending: { state: string; nonce: string; codeVerifier: string },
  ): Promise<{ issuer: string; subject: string; username: string | null }>;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  app: AppContext;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
> {
  method: Method;
  url: `/api/${string}`;
  summary: string;
  description?: string;
  tags: readonly Tag[];
  /** Who may call the route (core/access.ts). Required: a route without it is refused at start. */
  access: Access;
  /**
   * What the request is about, from its parsed address and query: a unit-limited caller (a
   * budgetansvarlig) gets through only when it lies in their units. Without it the route is
   * about the installation as a whole, which unit-limited callers may not call unless `filters`.
   */
  scope?: (input: { params: Out<P>; query: Out<Q> }) => ScopeRef;
  /** The handler itself narrows the answer to what the caller may see (see services/access.ts). */
  filters?: boolean;
  /** Largest request body in bytes (default DEFAULT_BODY_LIMIT). */
  bodyLimit?: number;
  params?: P;
  query?: Q;
  body?: B;
  response: ResponseSpec;
  /** Returns the JSON answer, or the reply itself after sending something else (a file). */
  handler(input: HandlerInput<Out<P>, Out<Q>, Out<B>>): Promise<unknown>;
}

/** A declared route with its input types erased, as kept in the registry. */
export interface Route {
  method: Method;
  url: `/api/${string}`;
  summary: string;
  description?: string;
  tags: readonly Tag[];
  access: Access;
  scope?: (input: { params: unknown; query: unknown }) => ScopeRef;
  filters?: boolean;
  bodyLimit?: number;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: ResponseSpec;
  handler(input: HandlerInput<unknown, unknown, unknown>): Promise<unknown>;
}

export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): Route {
  // The handler is only ever called with input parsed by the route's own schemas.
  return spec as unknown as Route;
}

const daLocale = z.locales.da().localeError;

/** zod's Danish messages, except that a missing value says so plainly instead of "fik undefined". */
const danishErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "invalid_type" && issue.input === undefined) return "mangler";
  return daLocale(issue);
};

type Part = "params" | "query" | "body";

function toIssues(part: Part, error: z.ZodError): Issue[] {
  return error.issues.flatMap((i): Issue[] => {
    const path = [part, ...i.path.map(String)];
    if (i.code === "unrecognized_keys") {
      return i.keys.map((k) => ({ field: [...path, k].join("."), reason: "ukendt felt" }));
    }
    return [{ field: path.join("."), reason: i.message }];
  });
}

function parseInput<S extends z.ZodType>(
  part: Part,
  schema: S,
  value: unknown,
  issues: Issue[],
): z.output<S> {
  const r = schema.safeParse(value, { error: danishErrors });
  if (r.success) return r.data;
  issues.push(...toIssues(part, r.error));
  return undefined as z.output<S>;
}

async function targetOf(db: Kysely<Database>, ref: ScopeRef): Promise<Target> {
  if (ref === null) return null;
  if ("node" in ref) return { nodeId: ref.node };
  try {
    return { municipalityId: (await resolveMunicipality(db, ref.municipality)).id };
  } catch (e) {
    // An unknown municipality is no one's (ids start at 1): refused like one out of reach, so only
    // callers who may look learn that it does not exist, from the handler's own 404.
    if (e instanceof NotFound) return { municipalityId: 0 };
    throw e;
  }
}

/**
 * The order matters: who may call the route at all is settled before anything of the request is
 * read, so a refused caller learns nothing from validation messages; the unit check needs the
 * parsed address; the body is read last.
 */
export function registerRoute(app: FastifyInstance, ctx: AppContext, route: Route): void {
  app.route({
    method: route.method,
    url: route.url,
    config: { access: route.access },
    bodyLimit: route.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Before the body is read: a caller who may not call the route at all cannot make the server
    // receive and parse up to the route's body limit (60 MB for imports) first.
    onRequest: async (req) => {
      await authorize(ctx.db, req.principal, route.access, null, { filters: true });
      if (route.method !== "GET" && !checkCsrf(req)) {
        throw new Forbidden("Forespørgslen mangler et gyldigt CSRF-token; genindlæs siden", "csrf");
      }
    },
    handler: async (req, reply) => {
      const principal = req.principal;
      const issues: Issue[] = [];
      const params = route.params ? parseInput("params", route.params, req.params, issues) : undefined;
      const query = route.query ? parseInput("query", route.query, req.query, issues) : undefined;
      if (issues.length > 0) throw new RequestInvalid(issues);
      const ref = route.scope ? route.scope({ params, query }) : null;
      await authorize(ctx.db, principal, route.access, await targetOf(ctx.db, ref), {
        filters: route.filters === true,
      });
      const body = route.body ? parseInput("body", route.body, req.body, issues) : undefined;
      if (issues.length > 0) throw new RequestInvalid(issues);
      const result = await route.handler({ params, query, body, app: ctx, req, reply });
      if (result === reply) return reply;
      if (route.response.status !== undefined) reply.code(route.response.status);
      return result;
    },
  });
}

/**
 * onRoute hook: a route without a valid permission is refused when it is registered, so one
 * cannot slip in unnoticed before sign-in starts enforcing them.
 */
export function requireAccess(route: RouteOptions): void {
  const access = route.config?.access;
  if (access === undefined || !ACCESS_LEVELS.includes(access)) {
    throw new Error(`Ruten ${String(route.method)} ${route.url} mangler en gyldig adgang (access)`);
  }
}

export interface RouteInfo {
  method: Method;
  url: string;
  access: Access;
  summary: string;
}
