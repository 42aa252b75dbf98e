/**
 * Every failure becomes a short Danish answer. Internals (stack traces, SQL, file paths) stay in
 * the server log: a reply only ever carries a message written for the user, plus the list of
 * problems when the user can fix them (fields of the request, lines of an import file).
 */
import { PriceIndexError } from "@bevilling/core";
import {
  BadRequest,
  Conflict,
  Forbidden,
  ImportFailed,
  NotFound,
  TooManyAttempts,
  Unauthenticated,
} from "@bevilling/services";
import type { FastifyError, FastifyInstance } from "fastify";
import { loggedUrl } from "./logging.ts";

export interface Issue {
  /** Where the problem is: "query.unit", "body.mapping.levels.0.kind", "params.id". */
  field: string;
  reason: string;
}

export const INVALID_REQUEST = "Ugyldig forespørgsel";
export const INTERNAL_ERROR = "Der opstod en intern fejl";

export class RequestInvalid extends Error {
  constructor(readonly issues: Issue[]) {
    super(INVALID_REQUEST);
    this.name = "RequestInvalid";
  }
}

export { Conflict };

interface ErrorAnswer {
  status: number;
  body: { error: string } & Record<string, unknown>;
  headers?: Record<string, string>;
}

const FASTIFY_MESSAGES: Record<string, { status: number; message: (limitMb: number) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    message: (mb) => `Forespørgslen er for stor: højst ${mb} MB (en fil fylder en tredjedel mere i base64)`,
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, message: () => "Forespørgslens JSON kan ikke læses" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, message: () => "Forespørgslen mangler sit JSON-indhold" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    message: () => "Indholdstypen understøttes ikke: send application/json",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    message: () => "Content-Length passer ikke med forespørgslens indhold",
  },
};

function isIssueList(value: unknown): value is Issue[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (i) =>
        typeof i === "object" && i !== null && typeof i.field === "string" && typeof i.reason === "string",
    )
  );
}

function answerFor(err: unknown, bodyLimit: number): ErrorAnswer | undefined {
  if (err instanceof RequestInvalid) return { status: 400, body: { error: err.message, issues: err.issues } };
  if (err instanceof ImportFailed) {
    return { status: 400, body: { error: err.message, errors: err.errors, omitted: err.omitted } };
  }
  if (err instanceof NotFound) return { status: 404, body: { error: err.message } };
  if (err instanceof BadRequest) {
    // Field problems from the services are answered like an invalid request's: { error, issues }.
    if (isIssueList(err.details)) return { status: 400, body: { error: err.message, issues: err.details } };
    return {
      status: 400,
      body: err.details === undefined ? { error: err.message } : { error: err.message, details: err.details },
    };
  }
  // A price year outside the index is the caller's choice, not a fault of the server.
  if (err instanceof PriceIndexError) return { status: 400, body: { error: err.message } };
  if (err instanceof Conflict) {
    const body: ErrorAnswer["body"] = { error: err.message, code: "conflict" };
    if (err.current !== undefined) body.current = err.current;
    for (const [k, v] of Object.entries(err.extra ?? {})) if (v !== undefined) body[k] = v;
    return { status: 409, body };
  }
  if (err instanceof Unauthenticated) {
    return { status: 401, body: { error: err.message, code: "unauthenticated" } };
  }
  if (err instanceof Forbidden) return { status: 403, body: { error: err.message, code: err.code } };
  if (err instanceof TooManyAttempts) {
    return {
      status: 429,
      body: { error: err.message, retryAfterSeconds: err.retryAfterSeconds },
      headers: { "retry-after": String(err.retryAfterSeconds) },
    };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("FST_")) {
    const known = FASTIFY_MESSAGES[code];
    if (known)
      return { status: known.status, body: { error: known.message(Math.floor(bodyLimit / 1024 / 1024)) } };
    const status = (err as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return { status, body: { error: "Forespørgslen kunne ikke behandles" } };
    }
  }
  // Two requests creating the same thing at once: the database's unique constraint decides.
  if (code === "23505") return { status: 409, body: { error: "Det findes allerede" } };
  return undefined;
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err, req, reply) => {
    const answer = answerFor(err, req.routeOptions?.bodyLimit ?? bodyLimit);
    if (answer) {
      if (answer.headers) reply.headers(answer.headers);
      return reply.code(answer.status).send(answer.body);
    }
    // Only the error and the request line are logged: request bodies hold municipal data.
    req.log.error({ err, method: req.method, url: loggedUrl(req.url) }, "uventet fejl");
    return reply.code(500).send({ error: INTERNAL_ERROR });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: `Adressen ${req.method} ${(req.url.split("?")[0] ?? "").slice(0, 200)} findes ikke` }),
  );
}
