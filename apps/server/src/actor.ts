/**
 * Who the audit trail names as the author of a change made through the API. Until sign-in
 * arrives every request is the system's "api"; this is the one place that will then return the
 * signed-in user (kind "user") or the API token (kind "token").
 */
import type { Actor } from "@bevilling/core";
import type { FastifyRequest } from "fastify";

export function actorOf(_req: FastifyRequest): Actor {
  return { kind: "system", name: "api" };
}
