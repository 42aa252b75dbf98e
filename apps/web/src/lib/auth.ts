/**
 * Who may do what, as far as the screen needs to know (the server decides; this only hides what
 * would be refused), and the pure parts of signing in: safe return addresses, waiting times,
 * password rules and the server's field issues.
 */
import type { MessageKey } from "../i18n/da.ts";
import type { Issue, Role } from "./types.ts";

export const ROLES: readonly Role[] = [
  "administrator",
  "okonomi",
  "budgetansvarlig",
  "sekretariat",
  "politiker",
];

export function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}

type WithRole = { role: Role } | null | undefined;

/** The import page, saving mappings, the price index. */
export function canImport(user: WithRole): boolean {
  return user?.role === "administrator" || user?.role === "okonomi";
}

/** The proposals catalogue: every signed-in role but budgetansvarlig (the server says 403). */
export function canReadProposals(user: WithRole): boolean {
  return user !== null && user !== undefined && user.role !== "budgetansvarlig";
}

/** Editing proposals and importing a catalogue. */
export function canEditProposals(user: WithRole): boolean {
  return canImport(user);
}

/** Budget agreements (scenarios are negotiation material): every signed-in role but budgetansvarlig. */
export function canReadAgreements(user: WithRole): boolean {
  return user !== null && user !== undefined && user.role !== "budgetansvarlig";
}

/** Creating, editing, deleting and adopting budget agreements. */
export function canWriteAgreements(user: WithRole): boolean {
  return canImport(user);
}

/** The appropriations page (the municipality's list): every signed-in role but budgetansvarlig. */
export function canReadAppropriations(user: WithRole): boolean {
  return user !== null && user !== undefined && user.role !== "budgetansvarlig";
}

/** Giving appropriations and setting an area's carry-over. */
export function canEditAppropriations(user: WithRole): boolean {
  return canImport(user);
}

/** Typing in budget figures (a budgetansvarlig only in their own units; the server says where). */
export function canEditFigures(user: WithRole): boolean {
  return canImport(user) || user?.role === "budgetansvarlig";
}

/** Users and API tokens. */
export function isAdministrator(user: WithRole): boolean {
  return user?.role === "administrator";
}

/** Only a budgetansvarlig is tied to units; every other role must have none. */
export function roleNeedsUnits(role: Role): boolean {
  return role === "budgetansvarlig";
}

export const SIGN_IN_PATH = "/log-ind";
export const PASSWORD_PATH = "/konto/adgangskode";

/**
 * A return address from the query (?til=) if it is a path on this site: starting with one "/"
 * (not "//" or "/\", which browsers read as another host), without control characters, and not
 * the sign-in page itself. Anything else gives "/".
 */
export function safeReturnPath(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return "/";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (!raw.startsWith("/") || raw.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(raw)) return "/";
  try {
    const url = new URL(raw, "https://bevilling.invalid");
    if (url.origin !== "https://bevilling.invalid") return "/";
    if (url.pathname === SIGN_IN_PATH || url.pathname === PASSWORD_PATH) return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}

function withReturn(base: string, returnTo: string | undefined): string {
  if (returnTo === undefined) return base;
  const safe = safeReturnPath(returnTo);
  return safe === "/" ? base : `${base}?til=${encodeURIComponent(safe)}`;
}

/** /log-ind?til=<the page to come back to>. */
export function signInHref(returnTo?: string): string {
  return withReturn(SIGN_IN_PATH, returnTo);
}

/** /konto/adgangskode?til=<the page to go on to after a forced change>. */
export function passwordHref(returnTo?: string): string {
  return withReturn(PASSWORD_PATH, returnTo);
}

/** The server's start of an OIDC sign-in, coming back to returnTo. */
export function oidcStartHref(returnTo: string): string {
  return `/api/auth/oidc/start?returnTo=${encodeURIComponent(safeReturnPath(returnTo))}`;
}

/** Whole minutes to wait after too many failed attempts (at least 1). */
export function retryMinutes(seconds: number | undefined): number {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return 1;
  return Math.max(1, Math.ceil(seconds / 60));
}

export const MIN_PASSWORD_LENGTH = 10;

export type PasswordField = "currentPassword" | "newPassword" | "repeat";

/** The checks the browser can make before asking the server: filled in, long enough, repeated. */
export function checkNewPassword(input: {
  currentPassword: string;
  newPassword: string;
  repeat: string;
  username?: string | undefined;
}): Partial<Record<PasswordField, MessageKey>> {
  const problems: Partial<Record<PasswordField, MessageKey>> = {};
  if (input.currentPassword === "") problems.currentPassword = "password.needCurrent";
  // Length in characters as the user sees them (an emoji is one), like the server counts.
  if ([...input.newPassword].length < MIN_PASSWORD_LENGTH) problems.newPassword = "password.tooShort";
  else if (
    input.username !== undefined &&
    input.newPassword.trim().toLowerCase() === input.username.trim().toLowerCase()
  ) {
    problems.newPassword = "password.isUsername";
  }
  if (input.repeat !== input.newPassword) problems.repeat = "password.mismatch";
  return problems;
}

/**
 * The server's issues by form field: "body.newPassword" → newPassword. Issues on fields the form
 * does not show are collected under "" (shown with the form's general error).
 */
export function issuesByField<F extends string>(
  issues: readonly Issue[] | undefined,
  fields: readonly F[],
): Partial<Record<F | "", string[]>> {
  const out: Partial<Record<F | "", string[]>> = {};
  for (const issue of issues ?? []) {
    const name = issue.field.replace(/^body\./, "").split(".")[0] ?? "";
    const key = (fields as readonly string[]).includes(name) ? (name as F) : "";
    const list = out[key] ?? [];
    list.push(key === "" && issue.field !== "" ? `${issue.field}: ${issue.reason}` : issue.reason);
    out[key] = list;
  }
  return out;
}
