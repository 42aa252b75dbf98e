/**
 * "Ret forslag" and "Nyt forslag": schedule, title, text, kind, status, committee, area, internal
 * number, the lines (name and an amount per year in 1.000 kr., typed the Danish way and read to øre
 * exactly) and the references to other schedules (alternative to / refers to), with a reason for
 * the history. Editing sends only the changed fields, with the version that was fetched; a 409
 * shows the current proposal next to mine and offers to reload or merge (three-way, the lines and
 * the references each as one field). Creating sends everything to the catalogue named in the form.
 * A 400's issues are shown at their fields.
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
  emptyReference,
  type FormProblems,
  formOf,
  formYears,
  kindLabel,
  PROPOSAL_KINDS,
  PROPOSAL_STATUSES,
  type ProposalEditable,
  type ProposalForm,
  periodOfCatalogue,
  proposalFieldLabel,
  proposalIssues,
  proposalYears,
  REFERENCE_RELATIONS,
  type ReferenceRelation,
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
const NO_SERVER_PROBLEMS: ServerProblems = { fields: {}, lines: {}, references: {}, general: [] };

function joined(a: string | undefined, b: readonly string[] | undefined): string | undefined {
  const all = [...(a ? [a] : []), ...(b ?? [])];
  return all.length === 0 ? undefined : all.join(" ");
}

export function ProposalEditForm({
  url,
  initial,
  create,
  schedules = [],
  onSaved,
  onReloaded,
  onCancel,
}: {
  /** The proposal's address in the API (PATCH), or the catalogue's when creating (POST). */
  url: string;
  initial: ProposalView;
  /** Creating a proposal: the catalogues there are (the form names the one to add to). */
  create?: { catalogues: readonly { catalogue: string; firstYear: number; lastYear: number }[] };
  /** The catalogue's schedules, offered when typing a reference. */
  schedules?: readonly string[];
  onSaved: (saved: ProposalView) => void;
  /** The form now shows the current proposal (after a 409): the page may show it too. */
  onReloaded?: (current: ProposalView) => void;
  onCancel: () => void;
}) {
  const [loaded, setLoaded] = useState(initial);
  const [catalogue, setCatalogue] = useState(initial.catalogue);
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
  const ids = { heading: useId(), linesHelp: useId(), refsHelp: useId(), schedules: useId() };
  const refList = useRef<HTMLOListElement>(null);
  const focusRef = useRef<string | null>(null);

  // Creating: the years of the table follow the catalogue chosen (its budget period).
  const chooseCatalogue = (name: string) => {
    setCatalogue(name);
    const known = create?.catalogues.find((c) => c.catalogue === name.trim());
    const period = known ? { firstYear: known.firstYear, lastYear: known.lastYear } : periodOfCatalogue(name);
    if (period) setYears(proposalYears({ period, lines: [], totals: [] }));
  };

  useEffect(() => {
    heading.current?.focus();
  }, []);

  // A line or reference just added: its first field takes focus.
  useEffect(() => {
    const key = focusLine.current;
    if (key !== null) {
      focusLine.current = null;
      lineList.current?.querySelector<HTMLInputElement>(`[data-line="${key}"] input`)?.focus();
    }
    const ref = focusRef.current;
    if (ref !== null) {
      focusRef.current = null;
      refList.current?.querySelector<HTMLElement>(`[data-ref="${ref}"] select`)?.focus();
    }
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
    onReloaded?.(current);
  };

  /** The references sent, by their index in the form (rows without a schedule are not sent). */
  const sentReferenceRows = (): number[] =>
    form.references.flatMap((r, i) => (r.schedule.trim() === "" ? [] : [i]));

  const showIssues = (
    apiError: ReturnType<typeof asApiError>,
    sentLines: ProposalEditable["lines"] | undefined,
  ) => {
    const byField = proposalIssues(apiError.body.issues, sentLines);
    const rows = sentReferenceRows();
    const references: ServerProblems["references"] = {};
    for (const [i, reasons] of Object.entries(byField.references))
      references[rows[Number(i)] ?? Number(i)] = reasons;
    setServer({ ...byField, references });
    setReasonError(byField.fields.reason?.join(" "));
    setGeneral([apiError.message, ...byField.general]);
  };

  const sendNew = async (mine: ProposalEditable) => {
    setBusy(true);
    clearProblems();
    setStatus("");
    const why = reason.trim();
    try {
      const saved = await apiSend<ProposalView>("POST", url, {
        catalogue: catalogue.trim(),
        ...mine,
        ...(why === "" ? {} : { reason: why }),
      });
      onSaved(saved);
    } catch (err) {
      showIssues(asApiError(err), mine.lines);
    } finally {
      setBusy(false);
    }
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
        showIssues(apiError, changes.lines);
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
    if (create) void sendNew(read);
    else void send(loaded, read);
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

  const setReference = (index: number, change: Partial<{ schedule: string; relation: ReferenceRelation }>) =>
    setForm({ ...form, references: form.references.map((r, i) => (i === index ? { ...r, ...change } : r)) });

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
        {create ? t("proposals.createTitle") : t("proposals.editTitle", { schedule: loaded.schedule })}
      </h3>
      <form onSubmit={submit} noValidate data-testid="proposal-form">
        <FormError messages={general} />
        {create ? (
          <TextField
            label={t("proposals.field.catalogue")}
            value={catalogue}
            onChange={chooseCatalogue}
            autoComplete="off"
            required
            maxLength={100}
            size={24}
            help={t("proposals.field.catalogueHelp")}
            error={server.fields.catalogue}
            data-testid="proposal-catalogue"
          />
        ) : null}
        <TextField
          label={t("proposals.field.schedule")}
          value={form.schedule}
          onChange={(schedule) => setForm({ ...form, schedule })}
          autoComplete="off"
          required
          maxLength={30}
          size={12}
          help={t("proposals.field.scheduleHelp")}
          error={joined(problems.fields.schedule && t(problems.fields.schedule), server.fields.schedule)}
          data-testid="proposal-schedule"
        />
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
        <fieldset className="proposal-references">
          <legend>{t("proposals.field.references")}</legend>
          <p id={ids.refsHelp} className="help">
            {t("proposals.field.referencesHelp")}
          </p>
          {server.fields.references ? (
            <p className="field-error">{server.fields.references.join(" ")}</p>
          ) : null}
          {form.references.length === 0 ? <p>{t("proposals.noReferences")}</p> : null}
          <datalist id={ids.schedules}>
            {schedules
              .filter((s) => s !== loaded.schedule)
              .map((s) => (
                <option key={s} value={s} />
              ))}
          </datalist>
          <ol className="rows" ref={refList}>
            {form.references.map((ref, i) => {
              const n = i + 1;
              const refProblems = server.references[i];
              return (
                <li key={ref.key} data-ref={ref.key}>
                  <fieldset className="row-fieldset" data-testid="proposal-reference">
                    <legend>{t("proposals.field.reference", { n })}</legend>
                    <SelectBox<ReferenceRelation>
                      label={t("proposals.field.relation")}
                      value={ref.relation}
                      options={REFERENCE_RELATIONS.map((r) => [r, t(`proposals.relation.${r}`)] as const)}
                      onChange={(relation) => setReference(i, { relation })}
                      testId="proposal-reference-relation"
                    />
                    <TextField
                      label={t("proposals.field.refSchedule")}
                      value={ref.schedule}
                      onChange={(schedule) => setReference(i, { schedule })}
                      autoComplete="off"
                      list={ids.schedules}
                      maxLength={30}
                      size={12}
                      error={refProblems}
                      data-testid="proposal-reference-schedule"
                    />
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => {
                        setForm({ ...form, references: form.references.filter((_, j) => j !== i) });
                        setStatus(t("proposals.referenceRemoved", { n }));
                        setTimeout(() => {
                          const rest = refList.current?.querySelectorAll<HTMLElement>("li select");
                          (rest?.[0] ?? document.getElementById(`${ids.refsHelp}-add`))?.focus();
                        }, 0);
                      }}
                    >
                      {t("proposals.removeReference", { n })}
                    </button>
                  </fieldset>
                </li>
              );
            })}
          </ol>
          <button
            id={`${ids.refsHelp}-add`}
            type="button"
            className="secondary"
            onClick={() => {
              const ref = emptyReference();
              focusRef.current = ref.key;
              setForm({ ...form, references: [...form.references, ref] });
              setStatus(t("proposals.referenceAdded", { n: form.references.length + 1 }));
            }}
            data-testid="proposal-add-reference"
          >
            {t("proposals.addReference")}
          </button>
        </fieldset>
        <TextAreaField
          label={t("proposals.field.reason")}
          value={reason}
          onChange={setReason}
          help={create ? t("proposals.field.createReasonHelp") : t("proposals.field.reasonHelp")}
          error={reasonError}
          maxLength={MAX_REASON}
          testId="proposal-reason"
        />
        <p className="actions">
          <button type="submit" disabled={busy || conflict !== undefined} data-testid="proposal-save">
            {create
              ? busy
                ? t("proposals.creating")
                : t("proposals.createSave")
              : busy
                ? t("proposals.saving")
                : t("proposals.save")}
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
