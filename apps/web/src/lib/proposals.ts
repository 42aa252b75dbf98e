/**
 * The pure parts of the proposals catalogue: the years and rows of a proposal's amount table
 * (øre → 1.000 kr. exactly), its text as paragraphs and lists, the checks' counts, and the edit
 * form (what is edited, read back to øre with BigInt, compared and merged after a 409; the lines
 * are one field, so a 409 where both changed lines asks which lines to keep).
 */
import { type MessageKey, t } from "../i18n/da.ts";
import { valueText } from "./audit.ts";
import { formatOreThousands, thousandDecimals } from "./format.ts";
import { oreToThousandInput, parseThousandKroner } from "./kroner.ts";
import type {
  Issue,
  ProposalKind,
  ProposalStatus,
  ProposalView,
  ProposalWarning,
  YearAmount,
} from "./types.ts";

export const PROPOSAL_KINDS: readonly ProposalKind[] = [
  "drift",
  "anlaeg",
  "udvidelse",
  "reduktion",
  "investering",
];

export const PROPOSAL_STATUSES: readonly ProposalStatus[] = [
  "draft",
  "submitted",
  "adopted",
  "adopted_changed",
  "rejected",
];

export function isProposalKind(v: unknown): v is ProposalKind {
  return typeof v === "string" && (PROPOSAL_KINDS as readonly string[]).includes(v);
}

export function isProposalStatus(v: unknown): v is ProposalStatus {
  return typeof v === "string" && (PROPOSAL_STATUSES as readonly string[]).includes(v);
}

/** "Driftsforslag", "Anlægsforslag", …; anything else as it is. */
export function kindLabel(kind: string): string {
  return isProposalKind(kind) ? t(`proposals.kind.${kind}`) : kind;
}

/** "Kladde", "Indsendt", "Vedtaget", "Vedtaget med ændringer", "Forkastet"; anything else as it is. */
export function statusLabel(status: string): string {
  return isProposalStatus(status) ? t(`proposals.statusLabel.${status}`) : status;
}

/** The title as the catalogue prints it: "3106 // Medarbejderkommunikation". */
export function proposalHeading(p: Pick<ProposalView, "title" | "internalNumber">): string {
  const n = p.internalNumber?.trim();
  return n ? `${n} // ${p.title}` : p.title;
}

/** The element id of a proposal on the page (a warning links to it). */
export function proposalAnchor(id: number): string {
  return `forslag-${id}`;
}

// ---------------------------------------------------------------------------------------------
// The amount table

/**
 * The table's years: the budget period, plus any year outside it that a line or a total has an
 * amount in (the checks warn about those; the table shows them rather than hide them).
 */
export function proposalYears(p: Pick<ProposalView, "period" | "lines" | "totals">): number[] {
  const years = new Set<number>();
  for (let y = p.period.firstYear; y <= p.period.lastYear; y++) years.add(y);
  for (const l of p.lines) for (const a of l.amounts) years.add(a.year);
  for (const a of p.totals) years.add(a.year);
  return [...years].sort((a, b) => a - b);
}

export interface TableRow {
  /** The line's name as printed ("" for a line without a name). */
  name: string;
  /** A name for the row header when the line has none: "Linje 2 (uden navn)". */
  label: string;
  /** Øre per year of the table's years; null: an empty cell (no amount that year). */
  cells: (string | null)[];
  total: string;
}

export interface ProposalTable {
  years: number[];
  /** The decimals every amount prints exactly with in 1.000 kr. (0 for whole thousands, at most 3). */
  decimals: number;
  lines: TableRow[];
  /** The "I alt" row: the sum of the lines per year (0 where no line has an amount). */
  total: TableRow;
}

function sumOre(values: Iterable<string>): string {
  let sum = 0n;
  for (const v of values) sum += BigInt(v);
  return sum.toString();
}

/** The rows of "Budgetoverslag | years… | I alt": one per line, then "I alt". */
export function proposalTable(p: Pick<ProposalView, "period" | "lines" | "totals" | "total">): ProposalTable {
  const years = proposalYears(p);
  const lines: TableRow[] = p.lines.map((l, i) => {
    const byYear = new Map(l.amounts.map((a) => [a.year, a.amount]));
    return {
      name: l.name,
      label: l.name.trim() === "" ? t("proposals.unnamedLine", { n: i + 1 }) : l.name,
      cells: years.map((y) => byYear.get(y) ?? null),
      total: l.total,
    };
  });
  const serverTotals = new Map(p.totals.map((a) => [a.year, a.amount]));
  const totalCells = years.map((y, j) => serverTotals.get(y) ?? sumOre(lines.map((r) => r.cells[j] ?? "0")));
  const total: TableRow = {
    name: t("proposals.total"),
    label: t("proposals.total"),
    cells: totalCells,
    total: p.total,
  };
  const all = [...lines, total].flatMap((r) => [...r.cells.filter((c): c is string => c !== null), r.total]);
  return { years, decimals: thousandDecimals(all, 3), lines, total };
}

/** An amount of the table in 1.000 kr.; an empty cell stays empty. */
export function cellText(ore: string | null, decimals: number): string {
  return ore === null ? "" : formatOreThousands(ore, decimals);
}

// ---------------------------------------------------------------------------------------------
// The text

export type TextBlock = { type: "paragraph"; text: string } | { type: "list"; items: string[] };

const BULLET = /^\s*[-–•*]\s+/;

/**
 * The text as the catalogue prints it: paragraphs separated by blank lines; a run of lines that
 * begin with "- " is a list. Single line breaks inside a paragraph are kept (the page shows them).
 */
export function textBlocks(text: string): TextBlock[] {
  const out: TextBlock[] = [];
  for (const chunk of text.replace(/\r\n?/g, "\n").split(/\n[ \t]*\n/)) {
    let paragraph: string[] = [];
    let items: string[] = [];
    const flush = () => {
      if (paragraph.length > 0) out.push({ type: "paragraph", text: paragraph.join("\n") });
      if (items.length > 0) out.push({ type: "list", items });
      paragraph = [];
      items = [];
    };
    for (const raw of chunk.split("\n")) {
      const line = raw.trim();
      if (line === "") continue;
      if (BULLET.test(line)) {
        if (paragraph.length > 0) flush();
        items.push(line.replace(BULLET, ""));
      } else {
        if (items.length > 0) flush();
        paragraph.push(line);
      }
    }
    flush();
  }
  // A list split by blank lines (seed 003 puts one between some of its items) stays one list.
  return out.reduce<TextBlock[]>((acc, b) => {
    const prev = acc.at(-1);
    if (prev?.type === "list" && b.type === "list")
      acc[acc.length - 1] = { type: "list", items: [...prev.items, ...b.items] };
    else acc.push(b);
    return acc;
  }, []);
}

// ---------------------------------------------------------------------------------------------
// The checks

export function severityLabel(severity: ProposalWarning["severity"]): string {
  return severity === "info" ? t("proposals.severity.info") : t("proposals.severity.warning");
}

/** "2 advarsler og 1 bemærkning" as the summary's sentence. */
export function checksSummary(warnings: readonly ProposalWarning[]): string {
  const w = warnings.filter((x) => x.severity !== "info").length;
  const i = warnings.length - w;
  return t("proposals.checksSummary", {
    warnings: w === 1 ? t("proposals.warningOne") : t("proposals.warningMany", { count: w }),
    infos: i === 1 ? t("proposals.infoOne") : t("proposals.infoMany", { count: i }),
  });
}

/** Warnings first, then notes; otherwise in the server's order (the catalogue's). */
export function sortWarnings(warnings: readonly ProposalWarning[]): ProposalWarning[] {
  return [...warnings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "info" ? 1 : -1));
}

/** The proposal a finding is about: the first with its schedule (a duplicate schedule has several). */
export function proposalForSchedule<P extends Pick<ProposalView, "schedule">>(
  proposals: readonly P[],
  schedule: string,
): P | undefined {
  const key = schedule.trim();
  return proposals.find((p) => p.schedule.trim() === key);
}

// ---------------------------------------------------------------------------------------------
// Editing

export type ReferenceRelation = ProposalView["references"][number]["relation"];

export const REFERENCE_RELATIONS: readonly ReferenceRelation[] = ["alternative_to", "related"];

export interface EditableReference {
  /** As typed ("8.1.2 01"); the server writes it canonically ("8.1.2. 01"). */
  schedule: string;
  relation: ReferenceRelation;
}

export interface EditableLine {
  name: string;
  /** Ascending by year; only the years with an amount. */
  amounts: YearAmount[];
}

/** The fields the edit form changes, in the shape that is compared, merged and sent. */
export interface ProposalEditable extends Record<string, unknown> {
  schedule: string;
  title: string;
  text: string;
  kind: ProposalKind;
  status: ProposalStatus;
  committee: string;
  area: string;
  internalNumber: string | null;
  lines: EditableLine[];
  references: EditableReference[];
}

export type EditField =
  | "schedule"
  | "title"
  | "text"
  | "kind"
  | "status"
  | "committee"
  | "area"
  | "internalNumber"
  | "lines"
  | "references";

export const EDIT_FIELDS: readonly EditField[] = [
  "schedule",
  "title",
  "text",
  "kind",
  "status",
  "committee",
  "area",
  "internalNumber",
  "lines",
  "references",
];

function normalText(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

function normalLine(name: string, amounts: readonly YearAmount[]): EditableLine {
  return {
    name: name.trim(),
    amounts: [...amounts]
      .map((a) => ({ year: a.year, amount: BigInt(a.amount).toString() }))
      .sort((a, b) => a.year - b.year),
  };
}

/** A proposal's editable fields, normalised so that an untouched form compares equal. */
export function editableOf(p: ProposalView): ProposalEditable {
  const n = p.internalNumber?.trim() ?? "";
  return {
    schedule: p.schedule.trim(),
    title: p.title.trim(),
    text: normalText(p.text),
    kind: p.kind,
    status: p.status,
    committee: p.committee.trim(),
    area: p.area.trim(),
    internalNumber: n === "" ? null : n,
    lines: p.lines.map((l) => normalLine(l.name, l.amounts)),
    references: p.references.map((r) => ({ schedule: r.schedule.trim(), relation: r.relation })),
  };
}

export interface FormLine {
  /** React's key; stays with the line when others are removed. */
  key: string;
  name: string;
  /** Year → what is typed, in 1.000 kr. ("" for no amount). */
  amounts: Record<number, string>;
}

export interface FormReference {
  /** React's key. */
  key: string;
  schedule: string;
  relation: ReferenceRelation;
}

export interface ProposalForm {
  schedule: string;
  title: string;
  text: string;
  kind: ProposalKind;
  status: ProposalStatus;
  committee: string;
  area: string;
  internalNumber: string;
  lines: FormLine[];
  references: FormReference[];
}

let lineKeys = 0;

/** A key for a line new to the form. */
export function newLineKey(): string {
  lineKeys += 1;
  return `line-${lineKeys}`;
}

export function emptyReference(): FormReference {
  return { key: newLineKey(), schedule: "", relation: "alternative_to" };
}

/** A blank proposal in a catalogue, for the form that creates one (a draft, no lines). */
export function blankProposal(catalogue: string, period: ProposalView["period"]): ProposalView {
  return {
    id: 0,
    catalogue,
    period,
    version: 0,
    updatedAt: "",
    schedule: "",
    internalNumber: null,
    kind: "drift",
    kindLabel: kindLabel("drift"),
    title: "",
    text: "",
    committee: "",
    area: "",
    status: "draft",
    statusLabel: statusLabel("draft"),
    lines: [],
    totals: [],
    total: "0",
    references: [],
    warnings: [],
  };
}

/** The budget period a catalogue's name gives ("Budget 2025-2028"); undefined for another name. */
export function periodOfCatalogue(name: string): ProposalView["period"] | undefined {
  const m = /^\s*budget\s+(\d{4})\s*[-\u2013]\s*(\d{4})\s*$/i.exec(name);
  if (!m) return undefined;
  const firstYear = Number(m[1]);
  const lastYear = Number(m[2]);
  return firstYear <= lastYear && lastYear - firstYear < 20 ? { firstYear, lastYear } : undefined;
}

export function emptyLine(years: readonly number[]): FormLine {
  return { key: newLineKey(), name: "", amounts: Object.fromEntries(years.map((y) => [y, ""])) };
}

/** The form's years: those of the proposal (and of the lines being edited, if any lie outside). */
export function formYears(p: ProposalView, also: readonly EditableLine[] = []): number[] {
  const years = new Set(proposalYears(p));
  for (const l of also) for (const a of l.amounts) years.add(a.year);
  return [...years].sort((a, b) => a - b);
}

/** The form filled from editable values: amounts in 1.000 kr., exactly ("0,5" for 50.000.000 øre). */
export function formOf(e: ProposalEditable, years: readonly number[]): ProposalForm {
  return {
    schedule: e.schedule,
    title: e.title,
    text: e.text,
    kind: e.kind,
    status: e.status,
    committee: e.committee,
    area: e.area,
    internalNumber: e.internalNumber ?? "",
    lines: e.lines.map((l) => {
      const byYear = new Map(l.amounts.map((a) => [a.year, a.amount]));
      return {
        key: newLineKey(),
        name: l.name,
        amounts: Object.fromEntries(
          years.map((y) => {
            const ore = byYear.get(y);
            return [y, ore === undefined ? "" : oreToThousandInput(ore)];
          }),
        ),
      };
    }),
    references: e.references.map((r) => ({ key: newLineKey(), schedule: r.schedule, relation: r.relation })),
  };
}

/** The key of one amount field's problem: line index and year. */
export function amountKey(line: number, year: number): string {
  return `${line}:${year}`;
}

export interface FormProblems {
  fields: Partial<Record<"schedule" | "title" | "committee" | "area", MessageKey>>;
  amounts: Record<string, MessageKey>;
}

export type ReadForm = { ok: true; value: ProposalEditable } | { ok: false; problems: FormProblems };

/** The form read back: trimmed text fields, amounts to øre (BigInt, exact); empty amounts are absent. */
export function readForm(form: ProposalForm, years: readonly number[]): ReadForm {
  const problems: FormProblems = { fields: {}, amounts: {} };
  if (form.schedule.trim() === "") problems.fields.schedule = "proposals.needSchedule";
  if (form.title.trim() === "") problems.fields.title = "proposals.needTitle";
  if (form.committee.trim() === "") problems.fields.committee = "proposals.needCommittee";
  if (form.area.trim() === "") problems.fields.area = "proposals.needArea";
  const lines: EditableLine[] = form.lines.map((l, i) => {
    const amounts: YearAmount[] = [];
    for (const year of years) {
      const typed = l.amounts[year] ?? "";
      if (typed.trim() === "") continue;
      const parsed = parseThousandKroner(typed);
      if (parsed.ok) amounts.push({ year, amount: parsed.ore });
      else problems.amounts[amountKey(i, year)] = parsed.error;
    }
    return normalLine(l.name, amounts);
  });
  if (Object.keys(problems.fields).length > 0 || Object.keys(problems.amounts).length > 0) {
    return { ok: false, problems };
  }
  const n = form.internalNumber.trim();
  return {
    ok: true,
    value: {
      schedule: form.schedule.trim(),
      title: form.title.trim(),
      text: normalText(form.text),
      kind: form.kind,
      status: form.status,
      committee: form.committee.trim(),
      area: form.area.trim(),
      internalNumber: n === "" ? null : n,
      lines,
      // A row left without a schedule is no reference.
      references: form.references
        .filter((r) => r.schedule.trim() !== "")
        .map((r) => ({ schedule: r.schedule.trim(), relation: r.relation })),
    },
  };
}

const FIELD_LABELS: Record<string, MessageKey> = {
  title: "proposals.field.title",
  text: "proposals.field.text",
  kind: "proposals.field.kind",
  status: "proposals.field.status",
  committee: "proposals.field.committee",
  area: "proposals.field.area",
  internalNumber: "proposals.field.internalNumber",
  lines: "proposals.field.lines",
  references: "proposals.field.references",
  schedule: "proposals.field.schedule",
  total: "proposals.field.total",
  reason: "proposals.field.reason",
};

/** A field's Danish name, in the form, the 409 panel and the history ("lines.0" → the lines). */
export function proposalFieldLabel(field: string): string {
  const key = FIELD_LABELS[field.split(".")[0] ?? ""];
  return key ? t(key) : field;
}

function amountText(ore: string): string {
  return formatOreThousands(ore, thousandDecimals([ore]));
}

/** Lines as one line of text: "2 direktører: 2023: 3.000, 2024: 3.000; 1 direktør: …" (1.000 kr.). */
export function linesText(lines: readonly EditableLine[]): string {
  if (lines.length === 0) return t("audit.none");
  return lines
    .map((l, i) => {
      const name = l.name === "" ? t("proposals.unnamedLine", { n: i + 1 }) : l.name;
      const amounts = l.amounts.map((a) => `${a.year}: ${amountText(a.amount)}`).join(", ");
      return amounts === "" ? name : `${name}: ${amounts}`;
    })
    .join("; ");
}

/** "Alternativ til skema 8.1.2. 01; Henviser til skema 2.1.2. 03" ("—" for none). */
export function referencesText(refs: readonly EditableReference[]): string {
  if (refs.length === 0) return t("audit.none");
  return refs.map((r) => t(`proposals.ref.${r.relation}`, { schedule: r.schedule })).join("; ");
}

function isReferenceList(value: unknown): value is EditableReference[] {
  return (
    Array.isArray(value) &&
    value.every(
      (r) =>
        typeof r === "object" &&
        r !== null &&
        typeof (r as { schedule?: unknown }).schedule === "string" &&
        REFERENCE_RELATIONS.includes((r as { relation?: unknown }).relation as ReferenceRelation),
    )
  );
}

/** An editable field's value as text for the 409 panel and its choices. */
export function editValueText(field: string, value: unknown): string {
  if (field === "kind" && typeof value === "string") return kindLabel(value);
  if (field === "status" && typeof value === "string") return statusLabel(value);
  if (field === "lines" && Array.isArray(value)) return linesText(value as EditableLine[]);
  if (field.split(".")[0] === "references" && isReferenceList(value)) return referencesText(value);
  return valueText(value);
}

/**
 * Lines as the audit trail stores them ({name, amounts: {"2023": "60000000"}}) as EditableLines;
 * undefined when the value has another shape.
 */
function auditLines(value: unknown): EditableLine[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: EditableLine[] = [];
  for (const l of value) {
    if (typeof l !== "object" || l === null) return undefined;
    const { name, amounts } = l as { name?: unknown; amounts?: unknown };
    if (typeof name !== "string" || typeof amounts !== "object" || amounts === null) return undefined;
    const list: YearAmount[] = Array.isArray(amounts)
      ? (amounts as YearAmount[])
      : Object.entries(amounts as Record<string, unknown>).map(([year, amount]) => ({
          year: Number(year),
          amount: String(amount),
        }));
    if (!list.every((a) => Number.isInteger(a.year) && /^-?\d+$/.test(String(a.amount)))) return undefined;
    out.push(normalLine(name, list));
  }
  return out;
}

/** A value of the proposal's history in Danish: kinds and statuses by name, amounts in 1.000 kr. */
export function auditValueText(field: string, value: unknown): string {
  const top = field.split(".")[0];
  if (top === "lines") {
    const lines = auditLines(value);
    if (lines) return linesText(lines);
  }
  if (
    top === "total" &&
    (typeof value === "string" || typeof value === "number") &&
    /^-?\d+$/.test(String(value))
  ) {
    return amountText(String(value));
  }
  return editValueText(field, value);
}

export interface ServerProblems {
  fields: Partial<Record<EditField | "reason" | "catalogue", string[]>>;
  /** By line index: the server's reasons about one line, with the year or field named. */
  lines: Record<number, string[]>;
  /** By index of the references sent: the server's reasons about one reference. */
  references: Record<number, string[]>;
  general: string[];
}

/**
 * A 400's issues by form field: "body.title" → title, "body.lines.0.amounts.1.amount" → line 1,
 * named by the year that was sent there. Issues on anything else go with the general error.
 */
export function proposalIssues(
  issues: readonly Issue[] | undefined,
  sent?: readonly EditableLine[],
): ServerProblems {
  const out: ServerProblems = { fields: {}, lines: {}, references: {}, general: [] };
  for (const issue of issues ?? []) {
    const path = issue.field.replace(/^body\./, "").split(".");
    const [head, index, sub, subIndex] = path;
    if (head === "lines" && index !== undefined && /^\d+$/.test(index)) {
      const i = Number(index);
      let what = proposalFieldLabel("lines");
      if (sub === "name") what = t("proposals.field.lineName");
      else if (sub === "amounts") {
        const year = subIndex === undefined ? undefined : sent?.[i]?.amounts[Number(subIndex)]?.year;
        what = year === undefined ? t("proposals.field.lines") : String(year);
      }
      const list = out.lines[i] ?? [];
      list.push(t("proposals.lineIssue", { field: what, reason: issue.reason }));
      out.lines[i] = list;
    } else if (head === "references" && index !== undefined && /^\d+$/.test(index)) {
      const i = Number(index);
      out.references[i] = [...(out.references[i] ?? []), issue.reason];
    } else if (
      head !== undefined &&
      ((EDIT_FIELDS as readonly string[]).includes(head) || head === "reason" || head === "catalogue")
    ) {
      const key = head as EditField | "reason" | "catalogue";
      out.fields[key] = [...(out.fields[key] ?? []), issue.reason];
    } else {
      out.general.push(issue.field === "" ? issue.reason : `${issue.field}: ${issue.reason}`);
    }
  }
  return out;
}
