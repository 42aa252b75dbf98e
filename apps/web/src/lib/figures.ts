/** The budget figures of one unit: their keys, order, names and the API's addresses for them. */
import { t } from "../i18n/da.ts";
import type { AmountKind, EditableKind, Figure } from "./types.ts";

export const EDITABLE_KINDS: readonly EditableKind[] = ["budget", "estimate"];
const KIND_ORDER: readonly AmountKind[] = ["actual", "original", "corrected", "budget", "estimate"];

/** What identifies a figure: the account (null: on the unit itself), the year and the kind. */
export interface FigureKey {
  accountId: number | null;
  year: number;
  kind: AmountKind;
}

export function figureKey(f: FigureKey): string {
  return `${f.accountId ?? "-"}:${f.year}:${f.kind}`;
}

export function isEditableKind(kind: AmountKind): kind is EditableKind {
  return (EDITABLE_KINDS as readonly string[]).includes(kind);
}

/** Without account first, then by account number, kind (actual … estimate) and year. */
export function sortFigures(figures: readonly Figure[]): Figure[] {
  return [...figures].sort(
    (a, b) =>
      (a.accountCode === null ? 0 : 1) - (b.accountCode === null ? 0 : 1) ||
      (a.accountCode ?? "").localeCompare(b.accountCode ?? "", "da", { numeric: true }) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.year - b.year,
  );
}

/** "konto 51010 Løn" or "uden konto". */
export function accountText(f: {
  accountId: number | null;
  accountCode: string | null;
  accountName: string | null;
}) {
  if (f.accountId === null) return t("figures.noAccountLabel");
  const code = f.accountCode ?? String(f.accountId);
  return f.accountName
    ? t("figures.accountNamed", { code, name: f.accountName })
    : t("figures.accountLabel", { code });
}

/** "Budget 2026, konto 51010 Løn": a figure's name in headings, buttons and messages. */
export function figureLabel(
  f: FigureKey & { accountCode: string | null; accountName: string | null },
): string {
  return t("figures.label", { kind: t(`amountKind.${f.kind}`), year: f.year, account: accountText(f) });
}

export function figuresUrl(nodeId: number, year: number | undefined): string {
  return `/api/nodes/${nodeId}/figures${year === undefined ? "" : `?year=${year}`}`;
}

/** GET /api/nodes/:id/history for one figure (accountId left out: the figure without account). */
export function figureHistoryUrl(nodeId: number, key: FigureKey): string {
  const q = new URLSearchParams();
  if (key.accountId !== null) q.set("accountId", String(key.accountId));
  q.set("year", String(key.year));
  q.set("kind", key.kind);
  return `/api/nodes/${nodeId}/history?${q.toString()}`;
}

export const MAX_REASON = 500;

/** The reason a change needs: 1–500 characters after trimming; undefined when it is fine. */
export function reasonProblem(reason: string): "figures.needReason" | "figures.reasonTooLong" | undefined {
  const r = reason.trim();
  if (r === "") return "figures.needReason";
  if ([...r].length > MAX_REASON) return "figures.reasonTooLong";
  return undefined;
}
