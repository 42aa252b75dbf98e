/**
 * "Ret forslag": title, text, kind, status, committee, area, internal number and the lines (name
 * and an amount per year in 1.000 kr., typed the Danish way and read to øre exactly), with a
 * reason for the history. Only the changed fields are sent, with the version that was fetched; a
 * 409 shows the current proposal next to mine and offers to reload or merge (three-way, the lines
 * as one field); a 400's issues are shown at their fields.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { ConflictChoices, ConflictPanel } from "../components/Conflict.tsx";
import { FormError, SelectBox, TextAreaField, TextField } from "../components/Fields.tsx";
import { t } from "../i18n/da.ts";
import { apiSend, asApiError } from "../lib/api.ts";
import { MAX_REASON } from "../lib/figures.ts";
import {
  type Choice,
  changedFields,
  type MergeResult,
  mergeChanges,
  resolveConflicts,
} from "../lib/merge.ts";
import {
  amountKey,
  EDIT_FIELDS,
  editableOf,
  editValueText,
  emptyLine,
  type FormProblems,
  formOf,
  formYears,
  kindLabel,
  PROPOSAL_KINDS,
  PROPOSAL_STATUSES,
  type ProposalEditable,
  type ProposalForm,
  proposalFieldLabel,
  proposalIssues,
  readForm,
  type ServerProblems,
  statusLabel,
} from "../lib/proposals.ts";
import type { ProposalKind, ProposalStatus, ProposalView } from "../lib/types.ts";

interface Conflict {
  /** What I edited from, what I wanted, and what the server has now. */
  base: ProposalView;
  mine: ProposalEditable;
  current: ProposalView;
  merge: MergeResult<ProposalEditable>;
  choices: Record<string, Choice>;
}

const NO_PROBLEMS: FormProblems = { fields: {}, amounts: {} };
const NO_SERVER_PROBLEMS: ServerProblems = { fields: {}, lines: {}, general: [] };

function joined(a: string | undefined, b: readonly string[] | undefined): string | undefined {
  const all = [...(a ? [a] : []), ...(b ?? [])];
  return all.length === 0 ? undefined : all.join(" ");
}

export function ProposalEditForm({
  url,
  initial,
  onSaved,
  onReloaded,
  onCancel,
}: {
  /** The proposal's address in the API (PATCH). */
  url: string;
  initial: ProposalView;
  onSaved: (saved: ProposalView) => void;
  /** The form now shows the current proposal (after a 409): the page may show it too. */
  onReloaded: (current: ProposalView) => void;
  onCancel: () => void;
}) {
  const [loaded, setLoaded] = useState(initial);
  const [years, setYears] = useState(() => formYears(initial));
  const [form, setForm] = useState<ProposalForm>(() => formOf(editableOf(initial), formYears(initial)));
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<FormProblems>(NO_PROBLEMS);
  const [server, setServer] = useState<ServerProblems>(NO_SERVER_PROBLEMS);
  const [general, setGeneral] = useState<string[]>([]);
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<Conflict | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const lineList = useRef<HTMLOListElement>(null);
  const focusLine = useRef<string | null>(null);
  const ids = { heading: useId(), linesHelp: useId() };

  useEffect(() => {
    heading.current?.focus();
  }, []);

  // A line just added: its name field takes focus.
  useEffect(() => {
    const key = focusLine.current;
    if (key === null) return;
    focusLine.current = null;
    lineList.current?.querySelector<HTMLInputElement>(`[data-line="${key}"] input`)?.focus();
  });

  const clearProblems = () => {
    setProblems(NO_PROBLEMS);
    setServer(NO_SERVER_PROBLEMS);
    setGeneral([]);
    setReasonError(undefined);
  };

  const showCurrent = (current: ProposalView, message: string) => {
    const y = formYears(current);
    setLoaded(current);
    setYears(y);
    setForm(formOf(editableOf(current), y));
    setConflict(undefined);
    clearProblems();
    setStatus(message);
    onReloaded(current);
  };

  const send = async (base: ProposalView, mine: ProposalEditable) => {
    const changes = changedFields(editableOf(base), mine);
    if (Object.keys(changes).length === 0) {
      setStatus(t("proposals.noChanges"));
      return;
    }
    setBusy(true);
    clearProblems();
    setStatus("");
    const why = reason.trim();
    try {
      const saved = await apiSend<ProposalView>("PATCH", url, {
        version: base.version,
        ...changes,
        ...(why === "" ? {} : { reason: why }),
      });
      setConflict(undefined);
      onSaved(saved);
    } catch (err) {
      const apiError = asApiError(err);
      const current = apiError.body.current as ProposalView | undefined;
      if (apiError.status === 409 && current && typeof current.version === "number") {
        setConflict({
          base,
          mine,
          current,
          merge: mergeChanges(editableOf(base), mine, editableOf(current)),
          choices: {},
        });
      } else {
        const byField = proposalIssues(apiError.body.issues, changes.lines);
        setServer(byField);
        setReasonError(byField.fields.reason?.join(" "));
        setGeneral([apiError.message, ...byField.general]);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy || conflict) return;
    clearProblems();
    const read = readFormChecked();
    if (!read) return;
    void send(loaded, read);
  };

  /** The form read back, or undefined after marking what is wrong (focus goes to the first). */
  const readFormChecked = (): ProposalEditable | undefined => {
    const r = readForm(form, years);
    const tooLong = [...reason.trim()].length > MAX_REASON;
    if (r.ok && !tooLong) return r.value;
    setProblems(r.ok ? NO_PROBLEMS : r.problems);
    if (tooLong) setReasonError(t("proposals.reasonTooLong"));
    setGeneral([t("form.fixFields")]);
    setTimeout(() => {
      document.querySelector<HTMLElement>("[data-testid=proposal-form] [aria-invalid=true]")?.focus();
    }, 0);
    return undefined;
  };

  const setLine = (
    index: number,
    change: (l: ProposalForm["lines"][number]) => ProposalForm["lines"][number],
  ) => setForm({ ...form, lines: form.lines.map((l, i) => (i === index ? change(l) : l)) });

  const conflictRows = conflict
    ? EDIT_FIELDS.map((f) => ({
        label: proposalFieldLabel(f),
        current: editValueText(f, editableOf(conflict.current)[f]),
        mine: editValueText(f, conflict.mine[f]),
      }))
    : [];

  return (
    <section className="proposal-edit" aria-labelledby={ids.heading}>
      <h3 id={ids.heading} ref={heading} tabIndex={-1}>
        {t("proposals.editTitle", { schedule: loaded.schedule })}
      </h3>
      <form onSubmit={submit} noValidate data-testid="proposal-form">
        <FormError messages={general} />
        <TextField
          label={t("proposals.field.title")}
          value={form.title}
          onChange={(title) => setForm({ ...form, title })}
          autoComplete="off"
          required
          maxLength={300}
          size={60}
          error={joined(problems.fields.title && t(problems.fields.title), server.fields.title)}
          data-testid="proposal-title"
        />
        <div className="field-row">
          <TextField
            label={t("proposals.field.internalNumber")}
            value={form.internalNumber}
            onChange={(internalNumber) => setForm({ ...form, internalNumber })}
            autoComplete="off"
            maxLength={50}
            size={10}
            help={t("proposals.field.internalNumberHelp")}
            error={server.fields.internalNumber}
          />
          <SelectBox<ProposalKind>
            label={t("proposals.field.kind")}
            value={form.kind}
            options={PROPOSAL_KINDS.map((k) => [k, kindLabel(k)] as const)}
            onChange={(kind) => setForm({ ...form, kind })}
            error={server.fields.kind?.join(" ")}
            testId="proposal-kind"
          />
          <SelectBox<ProposalStatus>
            label={t("proposals.field.status")}
            value={form.status}
            options={PROPOSAL_STATUSES.map((s) => [s, statusLabel(s)] as const)}
            onChange={(status) => setForm({ ...form, status })}
            error={server.fields.status?.join(" ")}
            testId="proposal-status-select"
          />
        </div>
        <div className="field-row">
          <TextField
            label={t("proposals.field.committee")}
            value={form.committee}
            onChange={(committee) => setForm({ ...form, committee })}
            autoComplete="off"
            required
            maxLength={200}
            error={joined(problems.fields.committee && t(problems.fields.committee), server.fields.committee)}
          />
          <TextField
            label={t("proposals.field.area")}
            value={form.area}
            onChange={(area) => setForm({ ...form, area })}
            autoComplete="off"
            required
            maxLength={200}
            error={joined(problems.fields.area && t(problems.fields.area), server.fields.area)}
          />
        </div>
        <TextAreaField
          label={t("proposals.field.text")}
          value={form.text}
          onChange={(text) => setForm({ ...form, text })}
          help={t("proposals.field.textHelp")}
          error={server.fields.text?.join(" ")}
          maxLength={50_000}
          rows={10}
          testId="proposal-text"
        />
        <fieldset className="proposal-lines">
          <legend>{t("proposals.field.lines")}</legend>
          <p id={ids.linesHelp} className="help">
            {t("proposals.field.linesHelp")}
          </p>
          {server.fields.lines ? <p className="field-error">{server.fields.lines.join(" ")}</p> : null}
          {form.lines.length === 0 ? <p>{t("proposals.noLines")}</p> : null}
          <ol className="rows" ref={lineList}>
            {form.lines.map((line, i) => {
              const n = i + 1;
              const lineProblems = server.lines[i];
              return (
                <li key={line.key} data-line={line.key}>
                  <fieldset className="row-fieldset" data-testid="proposal-line">
                    <legend>{t("proposals.field.line", { n })}</legend>
                    <TextField
                      label={t("proposals.field.lineName")}
                      value={line.name}
                      onChange={(name) => setLine(i, (l) => ({ ...l, name }))}
                      autoComplete="off"
                      maxLength={300}
                      size={36}
                      data-testid="proposal-line-name"
                    />
                    {years.map((year) => {
                      const problem = problems.amounts[amountKey(i, year)];
                      return (
                        <TextField
                          key={year}
                          label={t("proposals.field.amount", { year })}
                          value={line.amounts[year] ?? ""}
                          onChange={(v) =>
                            setLine(i, (l) => ({ ...l, amounts: { ...l.amounts, [year]: v } }))
                          }
                          inputMode="decimal"
                          autoComplete="off"
                          size={9}
                          error={problem ? t(problem) : undefined}
                          data-testid="proposal-amount"
                          data-year={year}
                        />
                      );
                    })}
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => {
                        setForm({ ...form, lines: form.lines.filter((_, j) => j !== i) });
                        setStatus(t("proposals.lineRemoved", { n }));
                        setTimeout(() => {
                          const rest = lineList.current?.querySelectorAll<HTMLInputElement>("li input");
                          (rest?.[0] ?? document.getElementById(`${ids.linesHelp}-add`))?.focus();
                        }, 0);
                      }}
                    >
                      {t("proposals.removeLine", { n })}
                    </button>
                    {lineProblems ? <p className="field-error">{lineProblems.join(" ")}</p> : null}
                  </fieldset>
                </li>
              );
            })}
          </ol>
          <button
            id={`${ids.linesHelp}-add`}
            type="button"
            className="secondary"
            onClick={() => {
              const line = emptyLine(years);
              focusLine.current = line.key;
              setForm({ ...form, lines: [...form.lines, line] });
              setStatus(t("proposals.lineAdded", { n: form.lines.length + 1 }));
            }}
            data-testid="proposal-add-line"
          >
            {t("proposals.addLine")}
          </button>
        </fieldset>
        <TextAreaField
          label={t("proposals.field.reason")}
          value={reason}
          onChange={setReason}
          help={t("proposals.field.reasonHelp")}
          error={reasonError}
          maxLength={MAX_REASON}
          testId="proposal-reason"
        />
        <p className="actions">
          <button type="submit" disabled={busy || conflict !== undefined} data-testid="proposal-save">
            {busy ? t("proposals.saving") : t("proposals.save")}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            {t("form.cancel")}
          </button>
        </p>
        <p role="status" className="form-status" data-testid="proposal-save-status">
          {status}
        </p>
      </form>
      {conflict ? (
        <ConflictPanel
          message={t("conflict.proposal", { schedule: conflict.current.schedule })}
          rows={conflictRows}
          busy={busy}
          onReload={() => showCurrent(conflict.current, t("conflict.reloaded"))}
          onMerge={() => {
            const resolved = resolveConflicts(conflict.merge, conflict.choices);
            const y = formYears(conflict.current, resolved.lines);
            setYears(y);
            setForm(formOf(resolved, y));
            if (Object.keys(changedFields(editableOf(conflict.current), resolved)).length === 0) {
              showCurrent(conflict.current, t("conflict.nothingLeft"));
              return;
            }
            void send(conflict.current, resolved);
          }}
        >
          <ConflictChoices
            conflicts={conflict.merge.conflicts}
            choices={conflict.choices}
            onChoose={(key, choice) =>
              setConflict({ ...conflict, choices: { ...conflict.choices, [key]: choice } })
            }
            labelOf={(path) => proposalFieldLabel(path.join("."))}
            textOf={(path, v) => editValueText(path.join("."), v)}
          />
        </ConflictPanel>
      ) : null}
    </section>
  );
}
