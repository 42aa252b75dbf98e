/**
 * The overview's "Budgettal og historik" (visning=tal): a unit's own figures for one year, each
 * with its history; budget and estimate figures can be corrected (amount in kroner typed the
 * Danish way, and a reason) or added, by those the server marks as allowed. A correction that
 * meets someone else's (409) shows both and offers to reload or to keep mine on top of theirs.
 * Below: the unit's own history.
 */
import { type FormEvent, useId, useRef, useState } from "react";
import { AuditList } from "../components/AuditList.tsx";
import { ConflictPanel } from "../components/Conflict.tsx";
import { FormError, SelectBox, TextAreaField, TextField } from "../components/Fields.tsx";
import { ScrollTable } from "../components/ScrollTable.tsx";
import { ErrorState, Loading } from "../components/States.tsx";
import { t } from "../i18n/da.ts";
import { apiSend, asApiError, useApi } from "../lib/api.ts";
import { actorText } from "../lib/audit.ts";
import { canEditFigures, issuesByField } from "../lib/auth.ts";
import {
  EDITABLE_KINDS,
  type FigureKey,
  figureHistoryUrl,
  figureKey,
  figureLabel,
  figuresUrl,
  isEditableKind,
  MAX_REASON,
  reasonProblem,
  sortFigures,
} from "../lib/figures.ts";
import { formatDateTime, formatOre } from "../lib/format.ts";
import { oreToInput, parseKroner } from "../lib/kroner.ts";
import { useSession } from "../lib/session.ts";
import type { Account, EditableKind, Figure, FigureChange, Municipality, NodeFigures } from "../lib/types.ts";

/** Gives focus back to where it was (the button that opened a form), if that is still there. */
function rememberFocus(): () => void {
  const el = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return () => {
    if (el?.isConnected) el.focus();
  };
}

function yearsOf(m: Municipality, also: number): number[] {
  const years: number[] = [];
  for (let y = m.settings.firstYear; y <= m.settings.lastYear; y++) years.push(y);
  if (!years.includes(also)) years.push(also);
  return years.sort((a, b) => a - b);
}

function FigureHistory({
  nodeId,
  figure,
  onClose,
}: {
  nodeId: number;
  figure: FigureKey & { accountCode: string | null; accountName: string | null };
  onClose: () => void;
}) {
  const res = useApi<FigureChange[]>(figureHistoryUrl(nodeId, figure));
  const headingId = useId();
  const label = figureLabel(figure);
  const changes = res.data && !res.stale ? res.data : undefined;
  return (
    <section className="figure-detail" aria-labelledby={headingId} data-testid="figure-history">
      <h3 id={headingId} tabIndex={-1} data-autofocus="history">
        {t("figures.historyFor", { figure: label })}
      </h3>
      <div aria-busy={res.loading}>
        {res.error ? <ErrorState error={res.error} onRetry={res.reload} /> : null}
        {res.loading && !changes ? <Loading /> : null}
        {changes && changes.length === 0 ? <p>{t("history.empty")}</p> : null}
        {changes && changes.length > 0 ? (
          <ScrollTable label={t("history.caption")}>
            <table className="data">
              <caption>{t("history.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("history.when")}</th>
                  <th scope="col">{t("history.who")}</th>
                  <th scope="col" className="num">
                    {t("history.before")}
                  </th>
                  <th scope="col" className="num">
                    {t("history.after")}
                  </th>
                  <th scope="col">{t("history.reason")}</th>
                  <th scope="col">{t("history.file")}</th>
                </tr>
              </thead>
              <tbody>
                {changes.map((c) => {
                  const priceNote = (y: number | null) =>
                    y !== null && c.oldPriceYear !== c.newPriceYear
                      ? ` (${t("history.priceYear", { year: y })})`
                      : "";
                  return (
                    <tr key={c.auditId}>
                      <th scope="row" className="nowrap">
                        <time dateTime={c.at}>{formatDateTime(c.at)}</time>
                      </th>
                      <td>{actorText(c.actor)}</td>
                      <td className="num">
                        {c.oldAmount === null ? t("audit.none") : formatOre(c.oldAmount)}
                        {priceNote(c.oldPriceYear)}
                      </td>
                      <td className="num">
                        {c.newAmount === null ? t("audit.none") : formatOre(c.newAmount)}
                        {priceNote(c.newPriceYear)}
                      </td>
                      <td>{c.reason ?? t("audit.none")}</td>
                      <td>{c.fileName ?? t("audit.none")}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollTable>
        ) : null}
      </div>
      <p>
        <button type="button" className="secondary" onClick={onClose}>
          {t("figures.closeHistory")}
        </button>
      </p>
    </section>
  );
}

/** What the form edits: an existing figure, or a new one (account, kind and year chosen). */
type Target = { type: "edit"; figure: Figure } | { type: "new" };

interface SentFigure {
  accountId: number | null;
  year: number;
  kind: EditableKind;
  amount: string;
  reason: string;
  accountCode: string | null;
  accountName: string | null;
}

interface FigureConflict {
  sent: SentFigure;
  current: Figure | null;
  changedBy: string | undefined;
  changedAt: string | undefined;
}

function conflictMessage(c: FigureConflict): string {
  if (c.current === null) return t("conflict.figureGone");
  if (c.changedBy && c.changedAt) {
    return t("conflict.figureBy", { who: c.changedBy, when: formatDateTime(c.changedAt) });
  }
  if (c.changedBy) return t("conflict.figureWho", { who: c.changedBy });
  return t("conflict.figure");
}

function FigureForm({
  nodeId,
  nodeName,
  target,
  year,
  years,
  existing,
  onSaved,
  onReload,
  onCancel,
}: {
  nodeId: number;
  nodeName: string;
  target: Target;
  year: number;
  years: readonly number[];
  existing: readonly Figure[];
  onSaved: (f: Figure, label: string) => void;
  onReload: (current: Figure | null, label: string) => void;
  onCancel: () => void;
}) {
  const isNew = target.type === "new";
  const accounts = useApi<Account[]>(isNew ? `/api/nodes/${nodeId}/accounts` : null, { cache: true });
  const [accountId, setAccountId] = useState("");
  const [kind, setKind] = useState<EditableKind>("budget");
  const [newYear, setNewYear] = useState(year);
  const [amount, setAmount] = useState(target.type === "edit" ? oreToInput(target.figure.amount) : "");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<{ amount?: string; reason?: string; general: string[] }>({
    general: [],
  });
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<FigureConflict | undefined>();
  const amountRef = useRef<HTMLInputElement>(null);
  const headingId = useId();

  const account =
    target.type === "edit"
      ? {
          accountId: target.figure.accountId,
          accountCode: target.figure.accountCode,
          accountName: target.figure.accountName,
        }
      : (() => {
          const a = accounts.data?.find((x) => String(x.id) === accountId);
          return a
            ? { accountId: a.id, accountCode: a.code, accountName: a.name }
            : { accountId: null, accountCode: null, accountName: null };
        })();
  const key: FigureKey =
    target.type === "edit"
      ? { accountId: target.figure.accountId, year: target.figure.year, kind: target.figure.kind }
      : { accountId: account.accountId, year: newYear, kind };
  const label = figureLabel({ ...key, ...account });
  const clash = isNew ? existing.find((f) => figureKey(f) === figureKey(key)) : undefined;

  const send = async (sent: SentFigure, version: number | null) => {
    setBusy(true);
    setErrors({ general: [] });
    try {
      const saved = await apiSend<Figure>("PUT", `/api/nodes/${nodeId}/figures`, {
        accountId: sent.accountId,
        year: sent.year,
        kind: sent.kind,
        amount: sent.amount,
        version,
        reason: sent.reason,
      });
      setConflict(undefined);
      onSaved(saved, figureLabel({ ...sent, kind: sent.kind }));
    } catch (err) {
      const apiError = asApiError(err);
      if (apiError.status === 409) {
        setConflict({
          sent,
          current: (apiError.body.current as Figure | null | undefined) ?? null,
          changedBy: apiError.body.changedBy,
          changedAt: apiError.body.changedAt,
        });
      } else {
        const byField = issuesByField(apiError.body.issues, ["amount", "reason"] as const);
        setErrors({
          ...(byField.amount ? { amount: byField.amount.join(" ") } : {}),
          ...(byField.reason ? { reason: byField.reason.join(" ") } : {}),
          general: [apiError.message, ...(byField[""] ?? [])],
        });
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy || conflict) return;
    const parsed = parseKroner(amount);
    const reasonKey = reasonProblem(reason);
    if (!parsed.ok || reasonKey) {
      setErrors({
        ...(parsed.ok ? {} : { amount: t(parsed.error) }),
        ...(reasonKey ? { reason: t(reasonKey) } : {}),
        general: [t("form.fixFields")],
      });
      if (!parsed.ok) amountRef.current?.focus();
      return;
    }
    const sent: SentFigure = {
      ...account,
      year: key.year,
      kind: target.type === "edit" && isEditableKind(target.figure.kind) ? target.figure.kind : kind,
      amount: parsed.ore,
      reason: reason.trim(),
    };
    void send(sent, target.type === "edit" ? target.figure.version : null);
  };

  return (
    <section className="figure-detail" aria-labelledby={headingId} data-testid="figure-form">
      <h3 id={headingId} tabIndex={-1} data-autofocus="form">
        {isNew ? t("figures.newTitle", { name: nodeName }) : t("figures.editTitle", { figure: label })}
      </h3>
      <form onSubmit={submit} noValidate>
        <FormError messages={errors.general} />
        {isNew ? (
          <div className="field-row">
            <SelectBox
              label={t("figures.accountChoice")}
              value={accountId}
              options={[
                ["", t("figures.noAccountChoice")],
                ...[...(accounts.data ?? [])]
                  .sort((a, b) => a.code.localeCompare(b.code, "da", { numeric: true }))
                  .map((a) => [String(a.id), a.name ? `${a.code} ${a.name}` : a.code] as const),
              ]}
              onChange={setAccountId}
              testId="figure-account"
            />
            <SelectBox
              label={t("figures.kindChoice")}
              value={kind}
              options={EDITABLE_KINDS.map((k) => [k, t(`amountKind.${k}`)] as const)}
              onChange={setKind}
              testId="figure-kind"
            />
            <SelectBox
              label={t("figures.yearChoice")}
              value={String(newYear)}
              options={years.map((y) => [String(y), String(y)] as const)}
              onChange={(v) => setNewYear(Number(v))}
              testId="figure-year"
            />
          </div>
        ) : null}
        {accounts.error ? <ErrorState error={accounts.error} onRetry={accounts.reload} /> : null}
        {clash ? (
          <p className="info" data-testid="figure-exists">
            {t("figures.exists", { figure: label })}
          </p>
        ) : null}
        <TextField
          label={t("figures.amountInput")}
          value={amount}
          onChange={setAmount}
          inputMode="decimal"
          autoComplete="off"
          required
          help={
            <>
              {t("figures.amountHelp")}
              {target.type === "edit" ? (
                <>
                  {" "}
                  {t("figures.currentAmount", {
                    amount: formatOre(target.figure.amount),
                    priceYear: target.figure.priceYear,
                  })}
                </>
              ) : null}
            </>
          }
          error={errors.amount}
          inputRef={amountRef}
          data-testid="figure-amount"
        />
        <TextAreaField
          label={t("figures.reason")}
          value={reason}
          onChange={setReason}
          help={t("figures.reasonHelp")}
          error={errors.reason}
          maxLength={MAX_REASON}
          required
          testId="figure-reason"
        />
        <p className="actions">
          <button type="submit" disabled={busy || conflict !== undefined} data-testid="figure-save">
            {busy ? t("figures.saving") : t("figures.save")}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            {t("form.cancel")}
          </button>
        </p>
      </form>
      {conflict ? (
        <ConflictPanel
          message={conflictMessage(conflict)}
          rows={[
            {
              label: t("figures.amount"),
              current: conflict.current ? formatOre(conflict.current.amount) : t("audit.none"),
              mine: formatOre(conflict.sent.amount),
            },
          ]}
          busy={busy}
          onReload={() => onReload(conflict.current, label)}
          onMerge={() => void send(conflict.sent, conflict.current?.version ?? null)}
          mergeHelp={t("conflict.mergeFigureHelp")}
        />
      ) : null}
    </section>
  );
}

export function FiguresPanel({
  municipality: m,
  nodeId,
  nodeName,
  year: askedYear,
  onYear,
  onChanged,
}: {
  municipality: Municipality;
  nodeId: number;
  nodeName: string;
  year: number | undefined;
  onYear: (year: number) => void;
  /** After a figure is saved: the overview's sums have changed. */
  onChanged: () => void;
}) {
  const session = useSession();
  const year = askedYear ?? m.settings.budgetYear;
  const years = yearsOf(m, year);
  const res = useApi<NodeFigures>(figuresUrl(nodeId, year));
  const data = res.data && !res.stale && res.data.nodeId === nodeId ? res.data : undefined;
  const [history, setHistory] = useState<{ figure: Figure; restore: () => void } | undefined>();
  const [form, setForm] = useState<{ target: Target; restore: () => void } | undefined>();
  const [refresh, setRefresh] = useState(0);
  const [status, setStatus] = useState("");
  const [unitHistoryOpen, setUnitHistoryOpen] = useState(false);
  const ids = { title: useId(), year: useId(), unitHistory: useId(), unitHistoryTitle: useId() };
  const mayEdit = data?.editable === true && canEditFigures(session.user);
  const figures = data ? sortFigures(data.figures) : [];

  // The heading of a newly opened history or form takes focus, so keyboard users land in it.
  const focusDetail = (which: "form" | "history") =>
    setTimeout(() => {
      document.querySelector<HTMLElement>(`.figures-panel [data-autofocus="${which}"]`)?.focus();
    }, 0);

  return (
    <section className="figures-panel" aria-labelledby={ids.title} data-testid="figures-section">
      <h2 id={ids.title}>{t("figures.title")}</h2>
      <p className="lead">{t("figures.intro")}</p>
      <div className="field-inline">
        <label htmlFor={ids.year}>{t("figures.year")}</label>
        <select
          id={ids.year}
          value={year}
          onChange={(e) => {
            setHistory(undefined);
            setForm(undefined);
            setStatus("");
            onYear(Number(e.target.value));
          }}
          data-testid="figures-year"
        >
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
      <p role="status" className="figures-status" data-testid="figures-status">
        {status}
      </p>
      <div aria-busy={res.loading}>
        {res.loading ? <Loading /> : null}
        {res.error ? <ErrorState error={res.error} onRetry={res.reload} /> : null}
        {data && figures.length === 0 ? <p>{t("figures.empty", { name: nodeName, year })}</p> : null}
        {data && figures.length > 0 ? (
          <ScrollTable label={t("figures.caption", { name: nodeName, year })}>
            <table className="data figures" data-testid="figures-table">
              <caption>{t("figures.caption", { name: nodeName, year })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("figures.account")}</th>
                  <th scope="col">{t("figures.kind")}</th>
                  <th scope="col" className="num">
                    {t("figures.amount")}
                  </th>
                  <th scope="col">{t("figures.priceYear")}</th>
                  <th scope="col">{t("figures.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {figures.map((f) => {
                  const key = figureKey(f);
                  const label = figureLabel(f);
                  const historyOpen = history !== undefined && figureKey(history.figure) === key;
                  return (
                    <tr key={key} data-testid="figure-row" data-figure={key}>
                      <th scope="row">
                        {f.accountId === null
                          ? t("figures.noAccount")
                          : `${f.accountCode ?? f.accountId}${f.accountName ? ` ${f.accountName}` : ""}`}
                      </th>
                      <td>{t(`amountKind.${f.kind}`)}</td>
                      <td className="num">{formatOre(f.amount)}</td>
                      <td>{t("history.priceYear", { year: f.priceYear })}</td>
                      <td className="row-actions">
                        <button
                          type="button"
                          className="secondary small"
                          aria-expanded={historyOpen}
                          onClick={() => {
                            if (historyOpen) {
                              history.restore();
                              setHistory(undefined);
                              return;
                            }
                            setHistory({ figure: f, restore: rememberFocus() });
                            focusDetail("history");
                          }}
                          data-testid="figure-history-button"
                        >
                          {t("figures.history")}
                          <span className="visually-hidden"> – {label}</span>
                        </button>
                        {mayEdit && isEditableKind(f.kind) ? (
                          <button
                            type="button"
                            className="secondary small"
                            onClick={() => {
                              setStatus("");
                              setForm({ target: { type: "edit", figure: f }, restore: rememberFocus() });
                              focusDetail("form");
                            }}
                            data-testid="figure-edit-button"
                          >
                            {t("figures.edit")}
                            <span className="visually-hidden"> – {label}</span>
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollTable>
        ) : null}
        {data && mayEdit ? (
          <>
            <p className="help">{t("figures.hint")}</p>
            <p>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setStatus("");
                  setForm({ target: { type: "new" }, restore: rememberFocus() });
                  focusDetail("form");
                }}
                data-testid="figure-new-button"
              >
                {t("figures.new")}
              </button>
            </p>
          </>
        ) : null}
      </div>
      {form ? (
        <FigureForm
          key={
            form.target.type === "edit"
              ? `edit:${figureKey(form.target.figure)}:${form.target.figure.version}`
              : "new"
          }
          nodeId={nodeId}
          nodeName={nodeName}
          target={form.target}
          year={year}
          years={years}
          existing={figures}
          onSaved={(saved, label) => {
            setStatus(t("figures.saved", { figure: label, amount: formatOre(saved.amount) }));
            form.restore();
            setForm(undefined);
            setRefresh((n) => n + 1);
            res.reload();
            onChanged();
          }}
          onReload={(current, label) => {
            setStatus(
              current
                ? t("figures.reloadedNow", { figure: label, amount: formatOre(current.amount) })
                : t("figures.reloaded"),
            );
            form.restore();
            setForm(undefined);
            setRefresh((n) => n + 1);
            res.reload();
            onChanged();
          }}
          onCancel={() => {
            form.restore();
            setForm(undefined);
          }}
        />
      ) : null}
      {history ? (
        <FigureHistory
          key={`${figureKey(history.figure)}:${refresh}`}
          nodeId={nodeId}
          figure={history.figure}
          onClose={() => {
            history.restore();
            setHistory(undefined);
          }}
        />
      ) : null}
      <section className="unit-history" aria-labelledby={ids.unitHistoryTitle}>
        <h3 id={ids.unitHistoryTitle}>{t("unitHistory.title")}</h3>
        <p>
          <button
            type="button"
            className="secondary"
            aria-expanded={unitHistoryOpen}
            aria-controls={ids.unitHistory}
            onClick={() => setUnitHistoryOpen(!unitHistoryOpen)}
            data-testid="unit-history-toggle"
          >
            {unitHistoryOpen ? t("unitHistory.hide") : t("unitHistory.show")}
          </button>
        </p>
        <div id={ids.unitHistory}>
          {unitHistoryOpen ? (
            <AuditList key={refresh} url={`/api/nodes/${nodeId}/changes`} testId="unit-history" />
          ) : null}
        </div>
      </section>
    </section>
  );
}
