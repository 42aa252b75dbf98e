import { ACTOR_KIND_LABEL, type JsonValue } from "@bevilling/core";
import { type AuditLogEntry, listAudit, listMunicipalities, verifyAudit } from "@bevilling/db";
import { requireMunicipality } from "@bevilling/services";
import { int, str, UsageError } from "./args.ts";
import type { Command } from "./commands.ts";
import { renderTable } from "./table.ts";

/** The chain is broken: exit 1 with the first broken record and why. */
export class AuditBroken extends Error {
  constructor(
    readonly id: number,
    readonly reason: string,
  ) {
    super(`Revisionssporet er brudt ved post ${id}: ${reason}`);
    this.name = "AuditBroken";
  }
}

const ENTITY_LABEL: Record<string, string> = {
  import: "import",
  municipality: "kommune",
  org_node: "enhed",
  import_mapping: "opsætning",
  price_index: "prisindeks",
  user: "bruger",
  api_token: "API-nøgle",
  amount: "budgettal",
};

const IMPORT_KIND_LABEL: Record<string, string> = {
  organisation: "organisation",
  accounts: "kontoplan",
  amounts: "beløb",
  monthly: "månedsforbrug",
};

type Obj = { [key: string]: JsonValue };

function obj(v: JsonValue | null): Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
}

function show(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return "–";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** "budgetYear 2025 → 2026, lastYear 2028 → 2029": the keys whose values differ. */
function diff(before: Obj, after: Obj, skip: readonly string[] = []): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !skip.includes(k));
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k} ${show(before[k])} → ${show(after[k])}`)
    .join(", ");
}

/** One line saying what a record changed. */
export function describeChange(e: AuditLogEntry): string {
  const before = obj(e.before);
  const after = obj(e.after);
  let text: string;
  switch (`${e.entityType}/${e.action}`) {
    case "import/import": {
      const c = obj(after.changed ?? null);
      const parts = (
        [
          ["nodes", "enhed", "enheder"],
          ["accounts", "konto", "konti"],
          ["amounts", "beløb", "beløb"],
          ["months", "månedsbeløb", "månedsbeløb"],
        ] as const
      )
        .filter(([k]) => typeof c[k] === "number" && c[k] !== 0)
        .map(([k, one, many]) => `${c[k]} ${c[k] === 1 ? one : many}`);
      const kind = IMPORT_KIND_LABEL[show(after.kind)] ?? show(after.kind);
      const rows = after.rows === 1 ? "1 række" : `${show(after.rows)} rækker`;
      text = `${show(after.fileName)} (${kind}, ${rows}): ${parts.length ? `${parts.join(", ")} ændret` : "ingen ændringer"}`;
      break;
    }
    case "municipality/create":
      text = `oprettet: ${show(after.name)} (${show(after.code)})`;
      break;
    case "municipality/settings":
      text = `indstillinger: ${diff(before, after) || "uændret"}`;
      break;
    case "org_node/create":
      text = `oprettet: ${show(after.code)} ${show(after.name)} under ${show(after.parentCode)}`;
      break;
    case "org_node/update":
      text = `${show(after.code)}: ${diff(before, after, ["parentId"]) || "uændret"}`;
      break;
    case "import_mapping/create":
    case "import_mapping/update":
      text = `opsætningen "${show(after.name)}" ${e.action === "create" ? "oprettet" : "ændret"}`;
      break;
    case "price_index/import":
      text =
        `prisindeks "${show(after.name)}" (${show(after.points)} indekstal) fra ${show(after.fileName)}` +
        (e.before ? `; før: "${show(before.name)}" (${show(before.points)} indekstal)` : "");
      break;
    default:
      text = e.action;
  }
  return e.reason ? `${text}. Begrundelse: ${e.reason}` : text;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Local time as 2025-03-01 14:05:09. */
function when(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export const auditCommand: Command = {
  name: "audit",
  summary: "Revisionssporet: audit verify (kontrollér kæden) | audit log (hvem ændrede hvad og hvornår)",
  usage:
    "bevilling audit verify\n" +
    "  bevilling audit log [-m 340] [--entity TYPE --id ID] [--limit 50]\n" +
    "    TYPE: import, municipality, org_node, import_mapping, price_index",
  options: {
    municipality: { type: "string", short: "m" },
    entity: { type: "string" },
    id: { type: "string" },
    limit: { type: "string" },
  },
  positionals: 1,
  async run({ db, io, values, positionals }) {
    const action = positionals[0];
    if (action === "verify") {
      const r = await verifyAudit(db.db);
      if (!r.ok) throw new AuditBroken(r.firstBrokenId, r.reason);
      io.out(`Revisionssporet er intakt: ${r.count} poster`);
      if (r.count > 0) io.out(`Seneste hash: ${r.head}`);
      return;
    }
    if (action !== "log")
      throw new UsageError(`angiv verify eller log${action ? ` (ikke "${action}")` : ""}`);
    const entityType = str(values.entity);
    const entityId = str(values.id);
    if (entityId !== undefined && entityType === undefined) throw new UsageError("--id kræver --entity");
    const limit = int(values.limit, "limit") ?? 50;
    if (limit < 1) throw new UsageError("--limit skal være mindst 1");
    const code = str(values.municipality);
    const m = code === undefined ? undefined : await requireMunicipality(db.db, code);
    const entries = await listAudit(db.db, { municipalityId: m?.id, entityType, entityId, limit });
    if (entries.length === 0) {
      io.out("Ingen poster i revisionssporet.");
      return;
    }
    const codes = new Map((await listMunicipalities(db.db)).map((x) => [x.id, x.code]));
    io.out(
      renderTable(
        [["Post", "Tidspunkt", "Hvem", "Kommune", "Hvad", "Ændring"]],
        entries.map((e) => [
          String(e.id),
          when(e.at),
          `${e.actor.name} (${ACTOR_KIND_LABEL[e.actor.kind]})`,
          e.municipalityId === null ? "" : (codes.get(e.municipalityId) ?? String(e.municipalityId)),
          `${ENTITY_LABEL[e.entityType] ?? e.entityType} ${e.entityId}`,
          describeChange(e),
        ]),
        { rightFrom: 99 },
      ),
    );
  },
};
