/** The application's addresses: which view an address shows, and the addresses of the views. */
export type Route =
  | { name: "home" }
  | { name: "overview"; code: string; nodeId: number | null }
  | { name: "import"; code: string }
  | { name: "proposals"; code: string }
  | { name: "remarks"; code: string }
  | { name: "appropriations"; code: string }
  | { name: "agreements"; code: string }
  | { name: "agreement"; code: string; id: number }
  | { name: "agreementCompare"; code: string }
  | { name: "signIn" }
  | { name: "password" }
  | { name: "users" }
  | { name: "user"; id: number }
  | { name: "tokens" }
  | { name: "notFound" };

function segment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

export function matchRoute(path: string): Route {
  const parts = path.replace(/\/+$/, "").split("/").slice(1);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "")) return { name: "home" };
  const joined = parts.join("/");
  if (joined === "log-ind") return { name: "signIn" };
  if (joined === "konto/adgangskode") return { name: "password" };
  if (joined === "admin/brugere") return { name: "users" };
  if (joined === "admin/noegler") return { name: "tokens" };
  if (
    parts.length === 3 &&
    parts[0] === "admin" &&
    parts[1] === "brugere" &&
    /^\d{1,9}$/.test(parts[2] ?? "")
  ) {
    return { name: "user", id: Number(parts[2]) };
  }
  if (parts[0] !== "kommune" || parts[1] === undefined) return { name: "notFound" };
  const code = segment(parts[1]);
  if (code === undefined || code === "") return { name: "notFound" };
  if (parts.length === 2) return { name: "overview", code, nodeId: null };
  if (parts.length === 3 && parts[2] === "import") return { name: "import", code };
  if (parts.length === 3 && parts[2] === "forslag") return { name: "proposals", code };
  if (parts.length === 3 && parts[2] === "bemaerkninger") return { name: "remarks", code };
  if (parts.length === 3 && parts[2] === "bevillinger") return { name: "appropriations", code };
  if (parts[2] === "budgetaftale") {
    if (parts.length === 3) return { name: "agreements", code };
    if (parts.length === 4 && parts[3] === "sammenlign") return { name: "agreementCompare", code };
    if (parts.length === 4 && /^[1-9]\d{0,8}$/.test(parts[3] ?? "")) {
      return { name: "agreement", code, id: Number(parts[3]) };
    }
  }
  if (parts.length === 4 && parts[2] === "enhed" && /^\d{1,9}$/.test(parts[3] ?? "")) {
    return { name: "overview", code, nodeId: Number(parts[3]) };
  }
  return { name: "notFound" };
}

export function municipalityHref(code: string): string {
  return `/kommune/${encodeURIComponent(code)}`;
}

export function importHref(code: string): string {
  return `${municipalityHref(code)}/import`;
}

/**
 * The proposals catalogue: ?katalog= the catalogue (none: the newest), ?forslag= the proposal to
 * show (the page scrolls to it and focuses it).
 */
export function proposalsHref(
  code: string,
  opts: { catalogue?: string | null; proposal?: number | null } = {},
): string {
  const q = new URLSearchParams();
  if (opts.catalogue) q.set("katalog", opts.catalogue);
  if (opts.proposal !== undefined && opts.proposal !== null) q.set("forslag", String(opts.proposal));
  const search = q.toString();
  return `${municipalityHref(code)}/forslag${search === "" ? "" : `?${search}`}`;
}

/** The page's query: the catalogue asked for and the proposal to show (a positive whole number). */
export function parseProposalsQuery(query: URLSearchParams): {
  catalogue: string | null;
  proposal: number | null;
} {
  const catalogue = query.get("katalog")?.trim() ?? "";
  const proposal = query.get("forslag") ?? "";
  return {
    catalogue: catalogue === "" ? null : catalogue,
    proposal: /^[1-9]\d{0,8}$/.test(proposal) ? Number(proposal) : null,
  };
}

/** The budget agreements (scenarios) of a municipality, one of them, and two side by side. */
export function agreementsHref(code: string): string {
  return `${municipalityHref(code)}/budgetaftale`;
}

export function agreementHref(code: string, id: number): string {
  return `${agreementsHref(code)}/${id}`;
}

export function agreementCompareHref(code: string, a?: number | null, b?: number | null): string {
  const q = new URLSearchParams();
  if (a !== undefined && a !== null) q.set("a", String(a));
  if (b !== undefined && b !== null) q.set("b", String(b));
  const search = q.toString();
  return `${agreementsHref(code)}/sammenlign${search === "" ? "" : `?${search}`}`;
}

/** ?a=&b= of the comparison: positive whole numbers, else null. */
export function parseCompareQuery(query: URLSearchParams): { a: number | null; b: number | null } {
  const id = (v: string | null) => (v !== null && /^[1-9]\d{0,8}$/.test(v) ? Number(v) : null);
  return { a: id(query.get("a")), b: id(query.get("b")) };
}

export const USERS_PATH = "/admin/brugere";
export const TOKENS_PATH = "/admin/noegler";

export function userHref(id: number): string {
  return `${USERS_PATH}/${id}`;
}
