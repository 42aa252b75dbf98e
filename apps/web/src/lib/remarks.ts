/**
 * The budget remarks page's pure parts: the API's shapes, the page's address, which committees
 * and areas can be chosen, a section's plain text as paragraphs and (nested) lists the way the
 * documents print it, and the order sent when a section moves.
 */
import { type MessageKey, t } from "../i18n/da.ts";
import { municipalityHref } from "./paths.ts";
import type { NodeKind, OrgNode } from "./types.ts";

export type RemarkKind = "intro" | "section" | "subsection" | "description" | "development" | "basis";

/** The kinds offered for a committee and for an area, in the order they make sense there. */
export const COMMITTEE_KINDS: readonly RemarkKind[] = ["intro", "section", "subsection"];
export const AREA_KINDS: readonly RemarkKind[] = [
  "description",
  "development",
  "basis",
  "section",
  "subsection",
];

export function remarkKindLabel(kind: string): string {
  const key = `remarks.kind.${kind}` as MessageKey;
  return kind in KIND_KEYS ? t(key) : kind;
}

const KIND_KEYS: Record<RemarkKind, true> = {
  intro: true,
  section: true,
  subsection: true,
  description: true,
  development: true,
  basis: true,
};

export interface RemarkSection {
  id: number;
  nodeId: number;
  budgetYear: number;
  kind: RemarkKind;
  kindLabel: string;
  heading: string;
  body: string;
  position: number;
  version: number;
  updatedAt: string;
}

export type RemarksGenerated =
  | { kind: "committee"; agreement: { name: string; budgetYear: number; items: string[] } | null }
  | { kind: "area"; netBudget: string; basis: string[] };

/** GET /api/nodes/:id/remarks. */
export interface RemarksAnswer {
  node: { id: number; code: string; name: string; kind: NodeKind };
  municipality: { code: string; name: string };
  budgetYear: number;
  sections: RemarkSection[];
  generated: RemarksGenerated;
}

// ---------------------------------------------------------------------------------------------
// The address

/** /kommune/:code/bemaerkninger?enhed=<node id>&aar=<budget year>. */
export function remarksHref(code: string, opts: { node?: number | null; year?: number | null } = {}): string {
  const q = new URLSearchParams();
  if (opts.node !== undefined && opts.node !== null) q.set("enhed", String(opts.node));
  if (opts.year !== undefined && opts.year !== null) q.set("aar", String(opts.year));
  const search = q.toString();
  return `${municipalityHref(code)}/bemaerkninger${search === "" ? "" : `?${search}`}`;
}

/** The node (a positive whole number) and the year (four digits) asked for, else null. */
export function parseRemarksQuery(query: URLSearchParams): { node: number | null; year: number | null } {
  const node = query.get("enhed") ?? "";
  const year = query.get("aar") ?? "";
  return {
    node: /^[1-9]\d{0,8}$/.test(node) ? Number(node) : null,
    year: /^(19|20|21)\d\d$/.test(year) ? Number(year) : null,
  };
}

/** A generated document of a node: the committee's remarks, or the areas' remarks below it. */
export function remarksDocumentHref(
  nodeId: number,
  form: "committee" | "areas",
  format: string,
  year: number,
): string {
  return `/api/nodes/${nodeId}/remarks/${form}-document?format=${encodeURIComponent(format)}&year=${year}`;
}

// ---------------------------------------------------------------------------------------------
// What can be chosen

export interface RemarkTarget {
  node: OrgNode;
  /** Areas are listed under their committee. */
  level: 0 | 1;
}

/**
 * The committees and their areas that exist in the year, in the organisation's order, as far
 * as the user may read them (a budgetansvarlig: their own areas, whose committees are not).
 */
export function remarkTargets(nodes: readonly OrgNode[], year: number): RemarkTarget[] {
  const exists = (n: OrgNode) => n.validFrom <= year && (n.validTo === null || year <= n.validTo);
  const byParent = new Map<number | null, OrgNode[]>();
  for (const n of nodes) {
    const list = byParent.get(n.parentId) ?? [];
    list.push(n);
    byParent.set(n.parentId, list);
  }
  const sorted = (list: readonly OrgNode[]) =>
    [...list].sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code, "da"));
  const out: RemarkTarget[] = [];
  const readable = (n: OrgNode) => n.readable !== false;
  for (const c of sorted(nodes.filter((n) => n.kind === "committee" && exists(n)))) {
    const areas = sorted(byParent.get(c.id) ?? []).filter(
      (a) => a.kind === "area" && exists(a) && readable(a),
    );
    if (readable(c)) out.push({ node: c, level: 0 });
    for (const a of areas) out.push({ node: a, level: readable(c) ? 1 : 0 });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A section's text

export interface ListItem {
  text: string;
  children: ListItem[];
}

export type BodyBlock = { type: "paragraph"; text: string } | { type: "list"; items: ListItem[] };

/**
 * The plain text as the documents print it (documents' remarkTextBlocks): paragraphs split on
 * blank lines, their lines run together; "- " bullets, indented one or two spaces one level
 * deeper, never more than one below the bullet before.
 */
export function bodyBlocks(text: string): BodyBlock[] {
  const out: BodyBlock[] = [];
  for (const chunk of text.replace(/\r\n?/g, "\n").split(/\n[ \t]*\n/)) {
    let prose: string[] = [];
    let flat: { text: string; level: number }[] = [];
    const flush = () => {
      if (prose.length > 0) out.push({ type: "paragraph", text: prose.join(" ") });
      if (flat.length > 0) out.push({ type: "list", items: nest(flat) });
      prose = [];
      flat = [];
    };
    for (const raw of chunk.split("\n")) {
      if (raw.trim() === "") continue;
      const bullet = /^([ \t]*)[-•][ \t]+(.*)$/.exec(raw.replace(/\s+$/, ""));
      if (bullet) {
        if (prose.length > 0) flush();
        const indent = (bullet[1] ?? "").replaceAll("\t", "  ").length;
        const before = flat.at(-1)?.level ?? -1;
        flat.push({ text: (bullet[2] ?? "").trim(), level: Math.min(Math.ceil(indent / 2), before + 1, 3) });
      } else {
        if (flat.length > 0) flush();
        prose.push(raw.trim());
      }
    }
    flush();
  }
  return out;
}

function nest(flat: readonly { text: string; level: number }[]): ListItem[] {
  const top: ListItem[] = [];
  const open: ListItem[][] = [top];
  for (const { text, level } of flat) {
    open.length = level + 1;
    const item: ListItem = { text, children: [] };
    (open[level] ?? top).push(item);
    open[level + 1] = item.children;
  }
  return top;
}

// ---------------------------------------------------------------------------------------------
// Moving

/** The order to send when the section at `index` moves by `delta` (-1 up, 1 down); null: it cannot. */
export function movedOrder(
  sections: readonly Pick<RemarkSection, "id" | "version">[],
  index: number,
  delta: -1 | 1,
): { id: number; version: number }[] | null {
  const to = index + delta;
  if (index < 0 || index >= sections.length || to < 0 || to >= sections.length) return null;
  const order = sections.map((s) => ({ id: s.id, version: s.version }));
  const [moved] = order.splice(index, 1);
  if (!moved) return null;
  order.splice(to, 0, moved);
  return order;
}

// ---------------------------------------------------------------------------------------------
// The settings the frame sentence reads

/** GET and PUT /api/municipalities/:m/remarks/settings. */
export interface RemarkSettings {
  priceBasis: string | null;
  frameBudgetAreas: { id: number; code: string; name: string }[];
}

/** PUT /api/nodes/:id/remarks/frame-budget. */
export interface FrameBudgetAnswer {
  nodeId: number;
  code: string;
  name: string;
  frameBudget: boolean;
}

export const MAX_PRICE_BASIS = 200;

export function hasFrameBudget(settings: RemarkSettings, nodeId: number): boolean {
  return settings.frameBudgetAreas.some((a) => a.id === nodeId);
}

/**
 * The price basis as the form sends it: trimmed, and an empty field as null (the frame sentence
 * then leaves out the clause about price adjustment); null when it equals what is stored.
 */
export function priceBasisChange(typed: string, stored: string | null): { priceBasis: string | null } | null {
  const value = typed.trim() === "" ? null : typed.trim();
  return value === (stored ?? null) ? null : { priceBasis: value };
}
