/**
 * /kommune/:code/budgetaftale/:id: one budget agreement. Its items in a table, each opening
 * into an editing row; the effect per year on every committee and area, the service frame and
 * the total, which follows the editing (POST …/preview, debounced, older answers ignored)
 * before anything is saved; the problems, each linking to its item; saving with the version
 * (409: reload, or keep mine); adoption behind a dialog, and after it the trace of every
 * changed figure. Adopted agreements, and every agreement for sekretariat and politiker, are
 * shown read-only.
 */
import { type FormEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { ConflictPanel } from "../../components/Conflict.tsx";
import { FormError, SelectBox, TextField } from "../../components/Fields.tsx";
import { ScrollTable } from "../../components/ScrollTable.tsx";
import { ErrorState, errorTitle, Loading } from "../../components/States.tsx";
import { t } from "../../i18n/da.ts";
import {
  type AgreementAnswer,
  agreementsUrl,
  agreementUrl,
  agreementYears,
  areaOptions,
  type Computed,
  computeEffect,
  emptyItem,
  errorCode,
  errorMessage,
  formOfItem,
  ITEM_KINDS,
  type ItemForm,
  type ItemInput,
  type ItemKind,
  type ItemProblem,
  issuesOf,
  itemAnchor,
  itemIssue,
  kindText,
  moneyDecimals,
  newItemKey,
  type PreviewAnswer,
  type PreviewSend,
  type ProposalLines,
  readItem,
  readItems,
  statusText,
  thousands,
} from "../../lib/agreements.ts";
import { apiGet, apiSend, asApiError, useApi } from "../../lib/api.ts";
import { canWriteAgreements } from "../../lib/auth.ts";
import { formatDateTime } from "../../lib/format.ts";
import { useTitle } from "../../lib/hooks.ts";
import { agreementCompareHref, agreementsHref } from "../../lib/paths.ts";
import { Link } from "../../lib/router.tsx";
import { useSession } from "../../lib/session.ts";
import type { Municipality, OrgNode, ProposalCatalogue } from "../../lib/types.ts";
import { AdoptDialog } from "./AdoptDialog.tsx";
import { AdoptionTrace } from "./AdoptionTrace.tsx";
import { EffectTable, type SelectedCell } from "./EffectTable.tsx";
import { ItemEditor, type ProposalChoice } from "./ItemEditor.tsx";

/** How long typing pauses before the effect is computed again. */
const PREVIEW_DELAY_MS = 150;

function computedOf(answer: AgreementAnswer): Computed {
  return {
    items: new Map(answer.agreement.items.map((i) => [i.key, i])),
    effect: answer.effect,
    problems: answer.problems,
    excluded: [],
  };
}

function isAnswer(v: unknown): v is AgreementAnswer {
  return typeof v === "object" && v !== null && typeof (v as AgreementAnswer).agreement?.version === "number";
}

interface Conflict {
  current: AgreementAnswer;
  name: string;
  items: ItemInput[];
}

export function AgreementEditor({
  municipality,
  nodes,
  id,
}: {
  municipality: Municipality;
  nodes: readonly OrgNode[];
  id: number;
}) {
  const url = agreementUrl(municipality.code, id);
  const res = useApi<AgreementAnswer>(url);
  const answer = res.data && !res.stale ? res.data : undefined;
  useTitle(
    answer ? null : res.error ? errorTitle(res.error) : `${t("agreements.title")} – ${municipality.name}`,
  );
  const back = { href: agreementsHref(municipality.code), label: t("agreements.toList") };
  if (res.error) {
    return (
      <div className="agreement-page" data-testid="agreement-page">
        <h1>{errorTitle(res.error)}</h1>
        <ErrorState error={res.error} onRetry={res.reload} wayOn={back} />
      </div>
    );
  }
  if (!answer) {
    return (
      <div className="agreement-page" data-testid="agreement-page" aria-busy="true">
        <h1>{t("agreements.title")}</h1>
        <Loading />
      </div>
    );
  }
  return <Editor municipality={municipality} nodes={nodes} initial={answer} />;
}

function Editor({
  municipality: m,
  nodes,
  initial,
}: {
  municipality: Municipality;
  nodes: readonly OrgNode[];
  initial: AgreementAnswer;
}) {
  const session = useSession();
  const mayWrite = canWriteAgreements(session.user);
  const url = agreementUrl(m.code, initial.agreement.id);
  const [saved, setSaved] = useState(initial);
  const [name, setName] = useState(initial.agreement.name);
  const [forms, setForms] = useState<ItemForm[]>(() => initial.agreement.items.map(formOfItem));
  const [computed, setComputed] = useState<Computed>(() => computedOf(initial));
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<SelectedCell | null>(null);
  const [showRequired, setShowRequired] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const [general, setGeneral] = useState<string[]>([]);
  const [nameError, setNameError] = useState<string[]>([]);
  const [conflict, setConflict] = useState<Conflict | undefined>();
  const [newKind, setNewKind] = useState<ItemKind>("adjustment");
  const [adopting, setAdopting] = useState(false);
  const focusKey = useRef<{ key: string; editor: boolean } | null>(null);
  const editorHeadings = useRef(new Map<string, HTMLElement>());
  const addButton = useRef<HTMLButtonElement>(null);
  const ids = { items: useId(), effect: useId(), problems: useId(), adopt: useId(), adoptHelp: useId() };

  const a = saved.agreement;
  const years = useMemo(() => agreementYears(a.budgetYear), [a.budgetYear]);
  const editable = mayWrite && a.status === "scenario";
  useTitle(`${a.name} – ${t("agreements.title")} – ${m.name}`);

  // The catalogue's proposals to choose from: the catalogue of the agreement's period if there is one.
  const proposalsUrl = `/api/municipalities/${encodeURIComponent(m.code)}/proposals`;
  const catalogue = useApi<ProposalCatalogue>(editable ? proposalsUrl : null);
  const periodCatalogue = catalogue.data?.catalogues.find((c) => c.firstYear === a.budgetYear)?.catalogue;
  const better = useApi<ProposalCatalogue>(
    editable && periodCatalogue !== undefined && periodCatalogue !== catalogue.data?.catalogue
      ? `${proposalsUrl}?catalogue=${encodeURIComponent(periodCatalogue)}`
      : null,
  );
  const shownCatalogue = better.data ?? catalogue.data;
  const proposals: ProposalChoice[] | undefined = shownCatalogue
    ? shownCatalogue.proposals.map((p) => ({ id: p.id, schedule: p.schedule, title: p.title, area: p.area }))
    : catalogue.error
      ? []
      : undefined;

  const linesOf = useCallback(
    (proposalId: string): ProposalLines | undefined => {
      if (proposalId === "") return undefined;
      const fromCatalogue = shownCatalogue?.proposals.find((p) => String(p.id) === proposalId)?.lines;
      if (fromCatalogue) return fromCatalogue;
      for (const item of computed.items.values()) {
        if (item.proposal && String(item.proposal.id) === proposalId) return item.proposal.lines;
      }
      return undefined;
    },
    [shownCatalogue, computed.items],
  );

  // What the preview is asked about: the items the form can read (complete ones), as JSON.
  const bodyOf = useCallback(
    (list: readonly ItemForm[]): string =>
      JSON.stringify(
        list.flatMap((f) => {
          const r = readItem(f, years, { forPreview: true, proposalLines: linesOf(f.proposalId) });
          return r.ok ? [r.input] : [];
        }),
      ),
    [years, linesOf],
  );
  const body = bodyOf(forms);
  const sentKeys = useMemo(() => new Set((JSON.parse(body) as ItemInput[]).map((i) => i.key)), [body]);
  // An agreement stored with problems has no effect: ask for the effect of its other items at once.
  const sentBody = useRef<string | null>(null);
  if (sentBody.current === null) sentBody.current = initial.effect === null ? "" : body;
  const [appliedBody, setAppliedBody] = useState<string>(sentBody.current);
  const seq = useRef(0);

  useEffect(() => {
    if (body === sentBody.current) return;
    const send: PreviewSend = async (request) => {
      try {
        const answer = await apiSend<PreviewAnswer>("POST", `${agreementsUrl(m.code)}/preview`, request);
        return { ok: true, answer };
      } catch (err) {
        const e = asApiError(err);
        return { ok: false, status: e.status, body: e.body as unknown as Record<string, unknown> };
      }
    };
    const timer = setTimeout(() => {
      sentBody.current = body;
      const mine = ++seq.current;
      computeEffect(a.budgetYear, JSON.parse(body) as ItemInput[], send).then(
        (c) => {
          // An older answer arriving after a newer request is ignored.
          if (seq.current !== mine) return;
          setComputed(c);
          setAppliedBody(body);
        },
        () => undefined,
      );
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [body, a.budgetYear, m.code]);

  // Changed is what would save differently: a field typed back to its value is no change.
  const meaning = useCallback(
    (list: readonly ItemForm[]) =>
      JSON.stringify(
        list.map((f) => {
          const r = readItem(f, years, { proposalLines: linesOf(f.proposalId) });
          return r.ok ? r.input : f;
        }),
      ),
    [years, linesOf],
  );
  const savedMeaning = useMemo(() => meaning(a.items.map(formOfItem)), [meaning, a.items]);
  const dirty = editable && (name.trim() !== a.name || meaning(forms) !== savedMeaning);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  // After showing an item (from a problem or a contribution), focus it once it is on the page.
  useEffect(() => {
    const target = focusKey.current;
    if (!target) return;
    focusKey.current = null;
    const el = target.editor
      ? editorHeadings.current.get(target.key)
      : document.getElementById(itemAnchor(target.key));
    el?.scrollIntoView({ block: "center" });
    el?.focus({ preventScroll: true });
  });

  const [, setFocusTick] = useState(0);
  const showItem = (key: string) => {
    focusKey.current = { key, editor: false };
    if (editable && !open.has(key)) setOpen((prev) => new Set(prev).add(key));
    // A render, so the effect above moves focus even when nothing else changes.
    else setFocusTick((n) => n + 1);
  };

  /** The server's agreement becomes what the form shows (after saving, reloading or adopting). */
  const accept = (answer: AgreementAnswer, message: string) => {
    const nextForms = answer.agreement.items.map(formOfItem);
    setSaved(answer);
    setName(answer.agreement.name);
    setForms(nextForms);
    setConflict(undefined);
    setShowRequired(false);
    setGeneral([]);
    setNameError([]);
    setStatus(message);
    const nextBody = bodyOf(nextForms);
    if (answer.effect !== null) {
      seq.current++;
      sentBody.current = nextBody;
      setComputed(computedOf(answer));
      setAppliedBody(nextBody);
    } else {
      // Problems: the preview computes the effect of the other items.
      sentBody.current = "";
    }
  };

  const save = async (base: AgreementAnswer) => {
    if (busy) return;
    setShowRequired(true);
    const wanted = name.trim();
    const read = readItems(forms, years, linesOf);
    const nameProblems = wanted === "" ? [t("agreements.needName")] : [];
    setNameError(nameProblems);
    if (!read.ok || nameProblems.length > 0) {
      if (!read.ok) setOpen((prev) => new Set([...prev, ...read.problems.keys()]));
      setGeneral([t("form.fixFields")]);
      setTimeout(() => {
        document.querySelector<HTMLElement>("[data-testid=agreement-form] [aria-invalid=true]")?.focus();
      }, 0);
      return;
    }
    setBusy(true);
    setGeneral([]);
    setStatus("");
    try {
      const answer = await apiSend<AgreementAnswer>("PUT", url, {
        version: base.agreement.version,
        name: wanted,
        items: read.items,
      });
      accept(answer, t("agreements.saved", { name: answer.agreement.name }));
    } catch (err) {
      const e = asApiError(err);
      const errBody = e.body as unknown as Record<string, unknown>;
      const code = errorCode(errBody);
      const message = errorMessage(errBody, e.message);
      if (e.status === 409 && code !== "adopted" && isAnswer(errBody.current)) {
        setConflict({ current: errBody.current, name: wanted, items: read.items });
      } else if (e.status === 409 && code === "adopted") {
        // Adopted meanwhile: nothing more to save; show it as it is now.
        const current = isAnswer(errBody.current)
          ? errBody.current
          : await apiGet<AgreementAnswer>(url).catch(() => undefined);
        if (current) accept(current, t("agreements.adoptedMeanwhile"));
        else setGeneral([message]);
      } else {
        const problems: ItemProblem[] = [];
        const rest: string[] = [];
        for (const issue of issuesOf(errBody)) {
          const at = itemIssue(issue.path);
          const item = at ? read.items[at.index] : undefined;
          if (at && item)
            problems.push({ code: "invalid", itemKey: item.key, field: at.field, message: issue.message });
          else if (issue.path === "name") setNameError([issue.message]);
          else rest.push(issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`);
        }
        if (problems.length > 0) {
          setComputed((c) => ({ ...c, problems: [...c.problems, ...problems] }));
          setOpen((prev) => new Set([...prev, ...problems.flatMap((p) => (p.itemKey ? [p.itemKey] : []))]));
        }
        setGeneral([message, ...rest]);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!editable || conflict) return;
    void save(saved);
  };

  const addItem = () => {
    const key = newItemKey(forms.map((f) => f.key));
    setForms([...forms, emptyItem(newKind, key)]);
    setOpen((prev) => new Set(prev).add(key));
    focusKey.current = { key, editor: true };
    setStatus(t("agreements.itemAdded", { n: forms.length + 1, kind: kindText(newKind) }));
  };

  const removeItem = (index: number) => {
    const removed = forms[index];
    if (!removed) return;
    const rest = forms.filter((_, i) => i !== index);
    setForms(rest);
    setOpen((prev) => {
      const next = new Set(prev);
      next.delete(removed.key);
      return next;
    });
    setStatus(t("agreements.itemRemoved", { n: index + 1 }));
    const next = rest[index] ?? rest[index - 1];
    if (next) focusKey.current = { key: next.key, editor: false };
    else setTimeout(() => addButton.current?.focus(), 0);
  };

  const problemsOf = (key: string) => computed.problems.filter((p) => p.itemKey === key);
  const itemNumber = new Map(forms.map((f, i) => [f.key, i + 1]));
  const itemDecimals = moneyDecimals(
    [...computed.items.values()].flatMap((i) => [...i.amounts.map((x) => x.amount), i.total]),
  );
  const updating = editable && body !== appliedBody;
  const columns = 3 + years.length + (editable ? 1 : 0);

  const effectCaption = `${t("agreements.effectCaption", { first: years[0] ?? "", last: years[years.length - 1] ?? "" })}${
    updating ? ` ${t("agreements.effectUpdating")}` : ""
  }`;

  const adoptBlocked = dirty
    ? t("agreements.adoptSaveFirst")
    : computed.problems.length > 0 || saved.problems.length > 0
      ? t("agreements.adoptProblemsFirst")
      : a.items.length === 0
        ? t("agreements.adoptEmpty")
        : null;

  return (
    <div className="agreement-page" data-testid="agreement-page">
      <p className="back-link">
        <Link to={agreementsHref(m.code)}>{t("agreements.toList")}</Link>
      </p>
      <h1 data-testid="agreement-title">{a.name}</h1>
      <p className="agreement-facts">
        <span className={`status-badge agreement-status-${a.status}`} data-testid="agreement-status">
          {statusText(a.status)}
        </span>{" "}
        {t("agreements.facts", {
          year: a.budgetYear,
          first: a.budgetYear,
          last: a.budgetYear + 3,
          when: formatDateTime(a.updatedAt),
        })}{" "}
        <Link to={agreementCompareHref(m.code, a.id)}>{t("agreements.compareWith")}</Link>
      </p>
      {a.status === "adopted" ? (
        <div className="message message-success" data-testid="agreement-adopted">
          <p>
            {t(a.adoptedMode === "record" ? "agreements.adoptedRecord" : "agreements.adoptedApply", {
              when: a.adoptedAt ? formatDateTime(a.adoptedAt) : "",
            })}
          </p>
        </div>
      ) : !mayWrite ? (
        <p className="info" data-testid="agreement-readonly">
          {t("agreements.readOnly")}
        </p>
      ) : null}

      {computed.problems.length > 0 ? (
        <section
          className="step agreement-problems"
          aria-labelledby={ids.problems}
          data-testid="agreement-problems"
        >
          <h2 id={ids.problems}>{t("agreements.problemsTitle", { count: computed.problems.length })}</h2>
          <ul className="checks">
            {computed.problems.map((p) => {
              const n = p.itemKey ? itemNumber.get(p.itemKey) : undefined;
              const form = p.itemKey ? forms.find((f) => f.key === p.itemKey) : undefined;
              return (
                <li
                  key={`${p.itemKey ?? ""}|${p.field ?? ""}|${p.code}|${p.message}`}
                  className="check check-warning"
                  data-testid="agreement-problem"
                >
                  {p.itemKey && n !== undefined ? (
                    <>
                      <a
                        href={`#${itemAnchor(p.itemKey)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          if (p.itemKey) showItem(p.itemKey);
                        }}
                      >
                        {t("agreements.problemItem", {
                          n,
                          label: form && form.label.trim() !== "" ? form.label : kindText(form?.kind ?? ""),
                        })}
                      </a>
                      : {p.message}
                    </>
                  ) : (
                    p.message
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}

      <form onSubmit={submit} noValidate data-testid="agreement-form">
        <FormError messages={general} />
        {editable ? (
          <TextField
            label={t("agreements.name")}
            value={name}
            onChange={setName}
            required
            maxLength={200}
            size={48}
            autoComplete="off"
            error={nameError}
            data-testid="agreement-name"
          />
        ) : null}
        <section className="agreement-items" aria-labelledby={ids.items}>
          <h2 id={ids.items}>{t("agreements.itemsTitle", { count: forms.length })}</h2>
          {forms.length === 0 ? (
            <p data-testid="items-empty">
              {editable ? t("agreements.itemsEmptyAdd") : t("agreements.itemsEmpty")}
            </p>
          ) : (
            <ScrollTable label={t("agreements.itemsCaption")}>
              <table className="data items-table" data-testid="items-table">
                <caption>{t("agreements.itemsCaption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("agreements.field.kind")}</th>
                    <th scope="col">{t("agreements.itemHead")}</th>
                    {years.map((y) => (
                      <th scope="col" className="num" key={y}>
                        {y}
                      </th>
                    ))}
                    <th scope="col" className="num">
                      {t("agreements.total")}
                    </th>
                    {editable ? (
                      <th scope="col">
                        <span className="visually-hidden">{t("agreements.actions")}</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {forms.map((f, i) => {
                    const n = i + 1;
                    const item = sentKeys.has(f.key) || !editable ? computed.items.get(f.key) : undefined;
                    const isOpen = editable && open.has(f.key);
                    const editRow = `${itemAnchor(f.key)}-edit`;
                    const problems = problemsOf(f.key);
                    const excluded = computed.excluded.includes(f.key);
                    const label = f.label.trim() === "" ? kindText(f.kind) : f.label;
                    const amounts = new Map(item?.amounts.map((x) => [x.year, x.amount]) ?? []);
                    const read = readItem(f, years, {
                      forPreview: true,
                      proposalLines: linesOf(f.proposalId),
                    });
                    return [
                      <tr
                        key={f.key}
                        className={isOpen ? "item-row open" : "item-row"}
                        data-testid="item-row"
                        data-key={f.key}
                      >
                        <td>{kindText(f.kind)}</td>
                        <th scope="row" id={itemAnchor(f.key)} tabIndex={-1} className="item-cell">
                          <span className="item-label" data-testid="item-label-text">
                            {label}
                          </span>
                          {f.area !== "" ? (
                            <span className="item-area"> – {item?.areaName ?? areaName(nodes, f.area)}</span>
                          ) : null}
                          {item ? (
                            <span className="item-sentence" data-testid="item-sentence">
                              {item.sentence}
                            </span>
                          ) : null}
                          {editable && !read.ok ? (
                            <span className="item-note">{t("agreements.itemIncomplete")}</span>
                          ) : excluded ? (
                            <span className="item-note">{t("agreements.itemExcluded")}</span>
                          ) : null}
                          {problems.length > 0 && !isOpen ? (
                            <span className="item-problems">
                              {problems.map((p) => (
                                <span key={`${p.code}|${p.message}`} className="field-error">
                                  {p.message}
                                </span>
                              ))}
                            </span>
                          ) : null}
                        </th>
                        {years.map((y) => (
                          <td key={y} className="num amount" data-year={y}>
                            {item && !excluded ? thousands(amounts.get(y) ?? "0", itemDecimals) : ""}
                          </td>
                        ))}
                        <td className="num amount">
                          {item && !excluded ? thousands(item.total, itemDecimals) : ""}
                        </td>
                        {editable ? (
                          <td>
                            <button
                              type="button"
                              className="secondary small"
                              aria-expanded={isOpen}
                              aria-controls={isOpen ? editRow : undefined}
                              onClick={() => {
                                setOpen((prev) => {
                                  const next = new Set(prev);
                                  if (isOpen) next.delete(f.key);
                                  else next.add(f.key);
                                  return next;
                                });
                                if (!isOpen) focusKey.current = { key: f.key, editor: true };
                              }}
                              data-testid="item-edit"
                            >
                              {isOpen ? t("agreements.closeItemShort") : t("agreements.editItemShort")}
                              <span className="visually-hidden">
                                {" "}
                                {t("agreements.itemNumber", { n, label })}
                              </span>
                            </button>
                          </td>
                        ) : null}
                      </tr>,
                      isOpen ? (
                        <tr key={`${f.key}-edit`} id={editRow} className="item-edit-row">
                          <td colSpan={columns}>
                            <ItemEditor
                              n={n}
                              form={f}
                              years={years}
                              areaGroups={areaGroups(nodes, a.budgetYear)}
                              proposals={proposals}
                              currentProposal={
                                item?.proposal
                                  ? {
                                      id: item.proposal.id,
                                      schedule: item.proposal.schedule,
                                      title: item.proposal.title,
                                      area: "",
                                    }
                                  : undefined
                              }
                              lines={linesOf(f.proposalId)}
                              problems={read.problems}
                              serverProblems={problems}
                              showRequired={showRequired}
                              onChange={(next) =>
                                setForms((list) => list.map((x) => (x.key === f.key ? next : x)))
                              }
                              onClose={() => {
                                setOpen((prev) => {
                                  const next = new Set(prev);
                                  next.delete(f.key);
                                  return next;
                                });
                                focusKey.current = { key: f.key, editor: false };
                              }}
                              onRemove={() => removeItem(i)}
                              headingRef={(el) => {
                                if (el) editorHeadings.current.set(f.key, el);
                                else editorHeadings.current.delete(f.key);
                              }}
                            />
                          </td>
                        </tr>
                      ) : null,
                    ];
                  })}
                </tbody>
              </table>
            </ScrollTable>
          )}
          {editable ? (
            <div className="field-row add-item">
              <SelectBox<ItemKind>
                label={t("agreements.newKind")}
                value={newKind}
                options={ITEM_KINDS.map((k) => [k, kindText(k)] as const)}
                onChange={setNewKind}
                testId="item-new-kind"
              />
              <button
                ref={addButton}
                type="button"
                className="secondary field-button"
                onClick={addItem}
                data-testid="item-add"
              >
                {t("agreements.addItem")}
              </button>
            </div>
          ) : null}
        </section>
        {editable ? (
          <div className="save-bar">
            <p className="actions">
              <button type="submit" disabled={busy || conflict !== undefined} data-testid="agreement-save">
                {busy ? t("agreements.saving") : t("agreements.save")}
              </button>
              <span className="muted" data-testid="agreement-dirty">
                {dirty ? t("agreements.unsaved") : t("agreements.allSaved")}
              </span>
            </p>
          </div>
        ) : null}
        <p role="status" className="form-status" data-testid="agreement-save-status">
          {status}
        </p>
      </form>
      {conflict ? (
        <ConflictPanel
          message={t("agreements.conflict", { name: conflict.current.agreement.name })}
          rows={[
            { label: t("agreements.name"), current: conflict.current.agreement.name, mine: conflict.name },
            {
              label: t("agreements.conflictItems"),
              current: conflict.current.agreement.items.map((x) => x.label).join("; "),
              mine: conflict.items.map((x) => x.label).join("; "),
            },
          ]}
          busy={busy}
          onReload={() => accept(conflict.current, t("conflict.reloaded"))}
          onOverwrite={() => {
            const current = conflict.current;
            setConflict(undefined);
            void save(current);
          }}
        />
      ) : null}

      <section className="effect-section" aria-labelledby={ids.effect} data-testid="effect-section">
        <h2 id={ids.effect}>{t("agreements.effectTitle")}</h2>
        <p className="help">{editable ? t("agreements.effectHelp") : t("agreements.effectHelpRead")}</p>
        {computed.excluded.length > 0 ? (
          <p className="info" data-testid="effect-excluded">
            {t("agreements.effectExcluded", {
              items: computed.excluded
                .map((k) => {
                  const f = forms.find((x) => x.key === k);
                  return f ? (f.label.trim() === "" ? kindText(f.kind) : f.label) : k;
                })
                .join(", "),
            })}
          </p>
        ) : null}
        {computed.effect ? (
          <EffectTable
            effect={computed.effect}
            caption={effectCaption}
            selected={selected}
            onSelect={setSelected}
            onShowItem={showItem}
            busy={updating}
          />
        ) : (
          <p className="message message-warning" data-testid="effect-none">
            {computed.error ? computed.error : t("agreements.effectNone")}
          </p>
        )}
      </section>

      {mayWrite && a.status === "scenario" ? (
        <section className="step adopt-section" aria-labelledby={ids.adopt}>
          <h2 id={ids.adopt}>{t("agreements.adoptHeading")}</h2>
          <p id={ids.adoptHelp} className="help">
            {adoptBlocked ?? t("agreements.adoptIntro", { year: a.budgetYear })}
          </p>
          <p className="actions">
            <button
              type="button"
              disabled={adoptBlocked !== null}
              aria-describedby={ids.adoptHelp}
              onClick={() => setAdopting(true)}
              data-testid="agreement-adopt"
            >
              {t("agreements.adoptButton")}
            </button>
          </p>
          <AdoptDialog
            url={url}
            agreement={a}
            open={adopting}
            onClose={() => setAdopting(false)}
            onAdopted={(r) => {
              setAdopting(false);
              accept(
                { ...saved, agreement: r.agreement },
                t("agreements.adoptedNow", { count: r.changedFigures }),
              );
              document.getElementById("main")?.focus({ preventScroll: true });
            }}
          />
        </section>
      ) : null}
      {a.status === "adopted" ? <AdoptionTrace key={a.version} url={url} agreement={a} /> : null}
    </div>
  );
}

/** An org node's name by its code (the code itself for one the organisation does not have). */
function areaName(nodes: readonly OrgNode[], code: string): string {
  return nodes.find((n) => n.code === code)?.name ?? code;
}

const areaCache = new WeakMap<readonly OrgNode[], Map<number, ReturnType<typeof areaOptions>>>();

/** The areas to choose from, computed once per organisation and year. */
function areaGroups(nodes: readonly OrgNode[], year: number): ReturnType<typeof areaOptions> {
  let byYear = areaCache.get(nodes);
  if (!byYear) {
    byYear = new Map();
    areaCache.set(nodes, byYear);
  }
  let groups = byYear.get(year);
  if (!groups) {
    groups = areaOptions(nodes, year);
    byYear.set(year, groups);
  }
  return groups;
}
