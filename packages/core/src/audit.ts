/**
 * The audit trail's pure half: who may be named as the author of a change, the record that is
 * hashed, and the canonical JSON every hash is computed over. Hashing itself (SHA-256) happens
 * in packages/db, which may use node:crypto; core stays free of I/O and Node imports.
 *
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, bigint as a decimal
 * string ("123"), Date as its ISO string, undefined object properties left out (as JSON does).
 * It is stable under a round trip through PostgreSQL's jsonb: parsing the text and writing it
 * canonically again gives the same text, which is what lets a stored record be re-hashed.
 */
import type { AmountKind } from "./amounts.ts";

export type ActorKind = "user" | "token" | "cli" | "system";
export const ACTOR_KINDS: readonly ActorKind[] = ["user", "token", "cli", "system"];

/** Who made a change: a signed-in user, an API token, someone at the command line, or the system. */
export interface Actor {
  kind: ActorKind;
  /** A stable identifier (user id, token id) when there is one. */
  id?: string;
  /** A readable name: the user's name, the OS user at the command line, "api", "demo". */
  name: string;
}

/** Who did it, and why when they said so: what every writing service takes. */
export interface ChangeContext {
  actor: Actor;
  reason?: string | undefined;
}

/** Changes the system makes by itself when nobody else is named (demo data, tools). */
export const SYSTEM_ACTOR: Actor = Object.freeze<Actor>({ kind: "system", name: "system" });

export const ACTOR_KIND_LABEL: Record<ActorKind, string> = {
  user: "bruger",
  token: "nøgle",
  cli: "kommandolinje",
  system: "system",
};

/** A plain JSON value, as stored in jsonb and read back. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** prev_hash of the first record: 64 zeros. */
export const GENESIS_HASH = "0".repeat(64);

/** Everything of one audit record that its hash covers (the id and the hash itself excepted). */
export interface AuditRecord {
  /** ISO 8601 in UTC with milliseconds, e.g. 2025-03-01T12:00:00.000Z. */
  at: string;
  actor: { kind: ActorKind; id: string | null; name: string };
  municipalityId: number | null;
  entityType: string;
  entityId: string;
  action: string;
  before: JsonValue | null;
  after: JsonValue | null;
  reason: string | null;
}

export class CanonicalJsonError extends Error {
  override name = "CanonicalJsonError";
}

/** Canonical JSON text of a value (see the module comment). Throws on what JSON cannot hold. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, new Set());
  return out.join("");
}

function write(v: unknown, out: string[], ancestors: Set<object>): void {
  switch (typeof v) {
    case "string":
      out.push(JSON.stringify(v));
      return;
    case "boolean":
      out.push(v ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(v)) throw new CanonicalJsonError(`${v} kan ikke skrives som JSON`);
      out.push(JSON.stringify(v));
      return;
    case "bigint":
      out.push(`"${v.toString()}"`);
      return;
    case "object":
      break;
    default:
      throw new CanonicalJsonError(`en værdi af typen ${typeof v} kan ikke skrives som JSON`);
  }
  if (v === null) {
    out.push("null");
    return;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new CanonicalJsonError("en ugyldig dato kan ikke skrives som JSON");
    out.push(JSON.stringify(v.toISOString()));
    return;
  }
  if (ancestors.has(v)) throw new CanonicalJsonError("værdien refererer til sig selv");
  ancestors.add(v);
  if (Array.isArray(v)) {
    out.push("[");
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(",");
      const item: unknown = v[i];
      // As JSON.stringify: a hole or undefined in an array is null.
      if (item === undefined) out.push("null");
      else write(item, out, ancestors);
    }
    out.push("]");
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new CanonicalJsonError(
        `et objekt af typen ${(v as object).constructor?.name ?? "ukendt"} kan ikke skrives som JSON`,
      );
    }
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort(compareCodeUnits);
    out.push("{");
    keys.forEach((k, i) => {
      if (i > 0) out.push(",");
      out.push(JSON.stringify(k), ":");
      write(o[k], out, ancestors);
    });
    out.push("}");
  }
  ancestors.delete(v);
}

/** String order by UTF-16 code units, spelled out so it never depends on a locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The value as the database will hand it back: plain JSON (bigint as strings, no undefined). */
export function toJsonValue(value: unknown): JsonValue {
  return JSON.parse(canonicalJson(value)) as JsonValue;
}

/** The text a record's hash is computed over: the previous hash followed by the record's canonical JSON. */
export function auditPayload(prevHash: string, r: AuditRecord): string {
  return (
    prevHash +
    canonicalJson({
      at: r.at,
      actor: { kind: r.actor.kind, id: r.actor.id, name: r.actor.name },
      municipalityId: r.municipalityId,
      entityType: r.entityType,
      entityId: r.entityId,
      action: r.action,
      before: r.before,
      after: r.after,
      reason: r.reason,
    })
  );
}

/** One changed budget figure, as amount_history keeps it. */
export interface AmountChange {
  nodeId: number;
  accountId: number | null;
  year: number;
  kind: AmountKind;
  /** null when the figure did not exist before. */
  oldAmount: bigint | null;
  newAmount: bigint | null;
  oldPriceYear: number | null;
  newPriceYear: number | null;
}

function compareChanges(a: AmountChange, b: AmountChange): number {
  return (
    a.nodeId - b.nodeId ||
    (a.accountId ?? -1) - (b.accountId ?? -1) ||
    a.year - b.year ||
    compareCodeUnits(a.kind, b.kind) ||
    compareCodeUnits(String(a.oldAmount), String(b.oldAmount)) ||
    compareCodeUnits(String(a.newAmount), String(b.newAmount)) ||
    (a.oldPriceYear ?? -1) - (b.oldPriceYear ?? -1) ||
    (a.newPriceYear ?? -1) - (b.newPriceYear ?? -1)
  );
}

/**
 * The canonical list of an import's amount changes, whose SHA-256 the import's audit record
 * carries (after.changesSha256): the rows sorted by node, account (none first), year and kind,
 * each as [nodeId, accountId, year, kind, oldAmount, newAmount, oldPriceYear, newPriceYear].
 * The order is defined here, so it does not matter in which order the database returns them.
 */
export function canonicalAmountChanges(changes: readonly AmountChange[]): string {
  const sorted = [...changes].sort(compareChanges);
  // canonicalJson of each row, written out by hand: an import can change a million figures.
  const big = (v: bigint | null) => (v === null ? "null" : `"${v.toString()}"`);
  const int = (v: number | null) => (v === null ? "null" : JSON.stringify(v));
  const parts = sorted.map(
    (c) =>
      `[${int(c.nodeId)},${int(c.accountId)},${int(c.year)},${JSON.stringify(c.kind)},${big(c.oldAmount)},` +
      `${big(c.newAmount)},${int(c.oldPriceYear)},${int(c.newPriceYear)}]`,
  );
  return `[${parts.join(",")}]`;
}
