/**
 * The permission check every API route goes through: the route's declared access level against
 * the principal's role (core/access.ts), then, for roles limited to units, the thing the request
 * is about against the principal's units. Anonymous callers reach published municipalities only.
 */
import { type Access, admitsAnonymous, isUnitScoped, roleAdmits } from "@bevilling/core";
import { type Database, findMunicipality, municipalityOfNode, nodeWithinUnits } from "@bevilling/db";
import type { Kysely } from "kysely";
import type { Principal } from "./auth.ts";
import { Forbidden, Unauthenticated } from "./errors.ts";

/** What a request is about, as far as permissions go. */
export type Target = { nodeId: number } | { municipalityId: number } | null;

export interface AuthorizeOptions {
  /**
   * The handler narrows its answer to what the principal may see (the municipality list, the
   * organisation tree), so a unit-limited principal may call it without a target in scope.
   */
  filters?: boolean;
}

export const PASSWORD_CHANGE_REQUIRED = "Du skal vælge en ny adgangskode, før du kan fortsætte";

async function isPublished(db: Kysely<Database>, municipalityId: number | undefined): Promise<boolean> {
  if (municipalityId === undefined) return false;
  const m = await findMunicipality(db, municipalityId);
  return m?.settings.published === true;
}

async function municipalityOf(db: Kysely<Database>, target: Target): Promise<number | undefined> {
  if (target === null) return undefined;
  if ("municipalityId" in target) return target.municipalityId;
  // A node that does not exist belongs to no municipality: refused like any node out of reach, so
  // the answer does not tell those who may not look whether it exists (those who may get 404).
  return municipalityOfNode(db, target.nodeId);
}

/** Throws Unauthenticated (401) or Forbidden (403); returns when the call may proceed. */
export async function authorize(
  db: Kysely<Database>,
  principal: Principal,
  access: Access,
  target: Target,
  opts: AuthorizeOptions = {},
): Promise<void> {
  if (access === "public") return;
  if (principal.kind === "anonymous") {
    if (!admitsAnonymous(access)) throw new Unauthenticated();
    if (opts.filters && target === null) return;
    if (await isPublished(db, await municipalityOf(db, target))) return;
    throw new Unauthenticated();
  }
  if (principal.kind === "user" && principal.mustChangePassword && access !== "signedIn") {
    throw new Forbidden(PASSWORD_CHANGE_REQUIRED, "password_change_required");
  }
  if (!roleAdmits(access, principal.role)) throw new Forbidden();
  if (!isUnitScoped(principal.role) || access === "signedIn") return;

  const unitIds = principal.units.map((u) => u.id);
  if (target !== null && "nodeId" in target) {
    const municipalityId = await municipalityOf(db, target);
    if (await nodeWithinUnits(db, target.nodeId, unitIds)) return;
    if (access === "published" && (await isPublished(db, municipalityId))) return;
    throw new Forbidden();
  }
  if (target === null) {
    if (opts.filters) return;
    throw new Forbidden();
  }
  if (opts.filters && principal.units.some((u) => u.municipalityId === target.municipalityId)) return;
  if (access === "published" && (await isPublished(db, target.municipalityId))) return;
  throw new Forbidden();
}
