/**
 * Reading the audit trail: which fields an entry changed (from its before and after), values as
 * short Danish text, actions and actors by name.
 */
import { type MessageKey, t } from "../i18n/da.ts";
import type { Actor } from "./types.ts";

export interface FieldChange {
  /** Dotted path of the field ("role", "format.separator"); "" for a value that is not an object. */
  field: string;
  before: unknown;
  after: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function walk(path: string, before: unknown, after: unknown, out: FieldChange[]): void {
  if (same(before, after)) return;
  const b = before ?? undefined;
  const a = after ?? undefined;
  // An object on both sides (or created from nothing, or deleted) is listed field by field.
  if ((isPlainObject(b) || b === undefined) && (isPlainObject(a) || a === undefined) && (b || a)) {
    const bo = b ?? {};
    const ao = a ?? {};
    const keys = [...new Set([...Object.keys(bo), ...Object.keys(ao)])];
    for (const k of keys) walk(path === "" ? k : `${path}.${k}`, bo[k], ao[k], out);
    return;
  }
  out.push({ field: path, before, after });
}

/** The fields an audit entry changed, in the order they appear; nothing for equal values. */
export function auditChanges(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk("", before, after, out);
  return out;
}

const MAX_TEXT = 200;

/** A value from the audit trail as short text: "—" for none, ja/nej, lists joined by commas. */
export function valueText(v: unknown): string {
  let text: string;
  if (v === null || v === undefined || v === "") text = t("audit.none");
  else if (typeof v === "boolean") text = v ? t("audit.yes") : t("audit.no");
  else if (typeof v === "string") text = v;
  else if (typeof v === "number" || typeof v === "bigint") text = String(v);
  else if (Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null)) {
    text = v.length === 0 ? t("audit.none") : v.map((x) => String(x)).join(", ");
  } else text = JSON.stringify(v);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

const ACTIONS: Record<string, MessageKey> = {
  create: "audit.action.create",
  update: "audit.action.update",
  delete: "audit.action.delete",
  import: "audit.action.import",
  settings: "audit.action.settings",
  revoke: "audit.action.revoke",
  set: "audit.action.set",
  password_reset: "audit.action.passwordReset",
  password_change: "audit.action.passwordChange",
  disable: "audit.action.disable",
  enable: "audit.action.enable",
};

/** "create" → "Oprettet"; an action without a Danish name is shown as it is. */
export function actionText(action: string): string {
  const key = ACTIONS[action];
  return key ? t(key) : action;
}

const ACTOR_KINDS: Record<string, MessageKey> = {
  user: "audit.actor.user",
  token: "audit.actor.token",
  cli: "audit.actor.cli",
  system: "audit.actor.system",
};

/** "Hanne Jensen (bruger)". */
export function actorText(actor: Actor): string {
  const key = ACTOR_KINDS[actor.kind];
  return t("audit.actorText", { name: actor.name, kind: key ? t(key) : actor.kind });
}
