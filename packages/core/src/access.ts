/**
 * Who may do what. Every HTTP route declares one access level; this table says which roles a
 * level admits. It is the whole policy for roles: the server only looks levels up here, and the
 * route-by-role matrix test states the expected answers independently of this table.
 *
 * Unit scope is the second half: a budgetansvarlig (and a token made for one) holds a set of
 * units and may reach only those units and their subtrees. That check needs the organisation,
 * so it happens in the server against the database (services/access.ts); here only the rule.
 */

export type Role = "administrator" | "okonomi" | "budgetansvarlig" | "sekretariat" | "politiker";
export const ROLES: readonly Role[] = [
  "administrator",
  "okonomi",
  "budgetansvarlig",
  "sekretariat",
  "politiker",
];

export const ROLE_LABEL: Record<Role, string> = {
  administrator: "Administrator",
  okonomi: "Økonomi",
  budgetansvarlig: "Budgetansvarlig",
  sekretariat: "Sekretariat",
  politiker: "Politiker",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/**
 * - public: anyone, signed in or not (health, the API description, signing in).
 * - published: anyone may read what a municipality has published; signed-in roles as for read.
 * - signedIn: any signed-in user or token (own session, own password).
 * - read: every role; a budgetansvarlig only inside the assigned units.
 * - unitWrite: changing budget figures of a unit: økonomi, administrator, and a budgetansvarlig
 *   inside the assigned units.
 * - write: the municipality's budget as a whole (imports, mappings, price indexes): økonomi and
 *   administrator.
 * - admin: users, tokens, municipalities and their settings, the whole audit trail.
 */
export type Access = "public" | "published" | "signedIn" | "read" | "unitWrite" | "write" | "admin";
export const ACCESS_LEVELS: readonly Access[] = [
  "public",
  "published",
  "signedIn",
  "read",
  "unitWrite",
  "write",
  "admin",
];

const ADMITS: Record<Access, readonly Role[]> = {
  public: ROLES,
  published: ROLES,
  signedIn: ROLES,
  read: ROLES,
  unitWrite: ["administrator", "okonomi", "budgetansvarlig"],
  write: ["administrator", "okonomi"],
  admin: ["administrator"],
};

/** Whether the level lets an anonymous caller in at all (published still needs a published target). */
export function admitsAnonymous(access: Access): boolean {
  return access === "public" || access === "published";
}

export function roleAdmits(access: Access, role: Role): boolean {
  return ADMITS[access].includes(role);
}

/** A role whose reach is limited to assigned units. */
export function isUnitScoped(role: Role): boolean {
  return role === "budgetansvarlig";
}

/** Roles that may be given units; every other role must have none. */
export function roleTakesUnits(role: Role): boolean {
  return isUnitScoped(role);
}

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/**
 * Problems with a new password, in Danish; empty when it is acceptable. Length is what matters
 * (NIST SP 800-63B); composition rules are left out on purpose, they make passwords weaker.
 */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push(`skal have mindst ${MIN_PASSWORD_LENGTH} tegn`);
  if (length > MAX_PASSWORD_LENGTH) problems.push(`må højst have ${MAX_PASSWORD_LENGTH} tegn`);
  const lower = password.toLowerCase();
  if (username !== "" && lower.includes(username.toLowerCase()))
    problems.push("må ikke indeholde brugernavnet");
  if (length >= MIN_PASSWORD_LENGTH && new Set(lower).size < 4) problems.push("har for få forskellige tegn");
  return problems;
}
