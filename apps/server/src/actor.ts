/**
 * Who the audit trail names as the author of a change made through the API: the signed-in user
 * (kind "user") or the API token (kind "token") behind the request.
 */
import type { Actor } from "@bevilling/core";
import { actorOfPrincipal } from "@bevilling/services";
import type { FastifyRequest } from "fastify";

export function actorOf(req: FastifyRequest): Actor {
  return actorOfPrincipal(req.principal);
}
