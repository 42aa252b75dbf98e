/**
 * /kommune/:code/bemaerkninger: the budget remarks. Choose a committee or an area and a budget
 * year; download the generated documents (Word, PDF, HTML, Excel; public for a published
 * municipality); see what the documents generate from data (the adopted agreement's bullets,
 * the net budget and "Budgetgrundlag"); and write the narrative sections: add, change heading
 * and text, move up and down, delete. Each change carries the section's version; a 409 shows
 * the current section next to mine and offers to reload or overwrite. Økonomi and administrator
 * write every section, a budgetansvarlig their own areas' (the server decides); økonomi and
 * administrator also set what the frame sentence under "Budgetgrundlag" reads (RemarkSettingsPanel).
 */
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { ConflictPanel } from "../components/Conflict.tsx";
import { FormError, SelectBox, TextAreaField, TextField } from "../components/Fields.tsx";
import { ErrorState, Loading } from "../components/States.tsx";
import { t } from "../i18n/da.ts";
import { apiSend, asApiError, useApi } from "../lib/api.ts";
import { canImport, issuesByField, signInHref } from "../lib/auth.ts";
import { useTitle } from "../lib/hooks.ts";
import {
  AREA_KINDS,
  type BodyBlock,
  bodyBlocks,
  COMMITTEE_KINDS,
  type FrameBudgetAnswer,
  hasFrameBudget,
  type ListItem,
  MAX_PRICE_BASIS,
  movedOrder,
  parseRemarksQuery,
  priceBasisChange,
  type RemarkKind,
  type RemarkSection,
  type RemarkSettings,
  type RemarksAnswer,
  remarkKindLabel,
  remarksDocumentHref,
  remarksHref,
  remarkTargets,
} from "../lib/remarks.ts";
import { Link, navigate, useLocation } from "../lib/router.tsx";
import { useSession } from "../lib/session.ts";
import type { Municipality, OrgNode } from "../lib/types.ts";

const DOCUMENT_FORMATS: readonly (readonly [string, string])[] = [
  ["docx", "Word"],
  ["pdf", "PDF"],
  ["html", "HTML"],
  ["xlsx", "Excel"],
];

const FIELDS = ["kind", "heading", "body"] as const;

function ListItems({ items }: { items: readonly ListItem[] }) {
  return (
    <ul>
      {items.map((item, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: items are positional.
        <li key={i}>
          {item.text}
          {item.children.length > 0 ? <ListItems items={item.children} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** A section's text as the documents print it. */
export function RemarkText({ blocks }: { blocks: readonly BodyBlock[] }) {
  return (
    <div className="remark-text">
      {blocks.map((b, i) =>
        b.type === "paragraph" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs are positional.
          <p key={i}>{b.text}</p>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs are positional.
          <ListItems key={i} items={b.items} />
        ),
      )}
    </div>
  );
}

interface Draft {
  kind: RemarkKind;
  heading: string;
  body: string;
}

function draftOf(s: Pick<RemarkSection, "kind" | "heading" | "body">): Draft {
  return { kind: s.kind, heading: s.heading, body: s.body };
}

/** Adds a section (no `section`) or changes one, with its version; 409: reload or overwrite. */
function SectionEditor({
  nodeId,
  year,
  kinds,
  section,
  onSaved,
  onCancel,
}: {
  nodeId: number;
  year: number;
  kinds: readonly RemarkKind[];
  section?: RemarkSection;
  onSaved: (message: string) => void;
  onCancel: () => void;
}) {
  const [base, setBase] = useState<RemarkSection | undefined>(section);
  const [draft, setDraft] = useState<Draft>(
    section ? draftOf(section) : { kind: kinds[0] ?? "section", heading: "", body: "" },
  );
  const [busy, setBusy] = useState(false);
  const [general, setGeneral] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<(typeof FIELDS)[number] | "", string[]>>>({});
  const [conflict, setConflict] = useState<RemarkSection | undefined>();
  const [status, setStatus] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  useEffect(() => {
    heading.current?.focus();
  }, []);

  const send = async (against: RemarkSection | undefined) => {
    setBusy(true);
    setGeneral([]);
    setFieldErrors({});
    setStatus("");
    try {
      if (against) {
        const changes: Partial<Draft> = {};
        for (const f of FIELDS) if (draft[f] !== against[f]) Object.assign(changes, { [f]: draft[f] });
        if (Object.keys(changes).length === 0) {
          setStatus(t("remarks.noChanges"));
          return;
        }
        await apiSend<RemarkSection>("PATCH", `/api/nodes/${nodeId}/remarks/${against.id}`, {
          version: against.version,
          ...changes,
        });
        onSaved(t("remarks.saved"));
      } else {
        await apiSend<RemarkSection>("POST", `/api/nodes/${nodeId}/remarks`, { year, ...draft });
        onSaved(t("remarks.added"));
      }
    } catch (err) {
      const e = asApiError(err);
      const current = e.body.current as RemarkSection | undefined;
      if (e.status === 409 && current && typeof current.version === "number") {
        setConflict(current);
      } else {
        const byField = issuesByField(e.body.issues, FIELDS);
        setFieldErrors(byField);
        setGeneral([e.message, ...(byField[""] ?? [])]);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy || conflict) return;
    void send(base);
  };

  return (
    <section className="remark-editor" aria-labelledby={headingId} data-testid="remarks-editor">
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        {section
          ? t("remarks.editTitle", { name: section.heading || section.kindLabel })
          : t("remarks.addTitle")}
      </h3>
      <form onSubmit={submit} noValidate>
        <FormError messages={general} />
        <div className="field-row">
          <SelectBox<RemarkKind>
            label={t("remarks.field.kind")}
            value={draft.kind}
            options={[...new Set([...kinds, draft.kind])].map((k) => [k, remarkKindLabel(k)] as const)}
            onChange={(kind) => setDraft({ ...draft, kind })}
            error={fieldErrors.kind?.join(" ")}
            testId="remarks-kind-select"
          />
          <TextField
            label={t("remarks.field.heading")}
            value={draft.heading}
            onChange={(h) => setDraft({ ...draft, heading: h })}
            autoComplete="off"
            maxLength={300}
            size={40}
            help={t("remarks.field.headingHelp")}
            error={fieldErrors.heading}
            data-testid="remarks-heading-input"
          />
        </div>
        <TextAreaField
          label={t("remarks.field.body")}
          value={draft.body}
          onChange={(body) => setDraft({ ...draft, body })}
          help={t("remarks.field.bodyHelp")}
          error={fieldErrors.body?.join(" ")}
          maxLength={50_000}
          rows={12}
          testId="remarks-body-input"
        />
        <p className="actions">
          <button type="submit" disabled={busy || conflict !== undefined} data-testid="remarks-save">
            {busy ? t("form.saving") : t("form.save")}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            {t("form.cancel")}
          </button>
        </p>
        <p role="status" className="form-status" data-testid="remarks-editor-status">
          {status}
        </p>
      </form>
      {conflict ? (
        <ConflictPanel
          message={t("remarks.conflict", { name: conflict.heading || conflict.kindLabel })}
          rows={FIELDS.map((f) => ({
            label: t(`remarks.field.${f}`),
            current: f === "kind" ? remarkKindLabel(conflict.kind) : conflict[f],
            mine: f === "kind" ? remarkKindLabel(draft.kind) : draft[f],
          }))}
          busy={busy}
          onReload={() => {
            setBase(conflict);
            setDraft(draftOf(conflict));
            setConflict(undefined);
            setStatus(t("conflict.reloaded"));
          }}
          onOverwrite={() => {
            const current = conflict;
            setBase(current);
            setConflict(undefined);
            void send(current);
          }}
        />
      ) : null}
    </section>
  );
}

function Section({
  section: s,
  index,
  count,
  nodeId,
  year,
  kinds,
  mayEdit,
  busy,
  onMove,
  onDelete,
  onSaved,
}: {
  section: RemarkSection;
  index: number;
  count: number;
  nodeId: number;
  year: number;
  kinds: readonly RemarkKind[];
  mayEdit: boolean;
  busy: boolean;
  onMove: (index: number, delta: -1 | 1) => void;
  onDelete: (section: RemarkSection) => void;
  onSaved: (message: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const titleId = useId();
  const title = s.heading.trim() === "" ? s.kindLabel : s.heading;
  return (
    <li>
      <article
        className="remark-section"
        aria-labelledby={titleId}
        data-testid="remarks-section"
        data-kind={s.kind}
      >
        <p className="remark-kind">{s.kindLabel}</p>
        <h3 id={titleId}>{title}</h3>
        <RemarkText blocks={bodyBlocks(s.body)} />
        {mayEdit ? (
          <div className="actions">
            <button
              type="button"
              className="secondary small"
              onClick={() => setEditing(true)}
              disabled={editing}
              data-testid="remarks-edit"
            >
              {t("remarks.edit")}
              <span className="visually-hidden"> {title}</span>
            </button>
            <button
              type="button"
              className="secondary small"
              onClick={() => onMove(index, -1)}
              disabled={busy || index === 0}
              data-testid="remarks-move-up"
            >
              {t("remarks.moveUp")}
              <span className="visually-hidden"> {title}</span>
            </button>
            <button
              type="button"
              className="secondary small"
              onClick={() => onMove(index, 1)}
              disabled={busy || index === count - 1}
              data-testid="remarks-move-down"
            >
              {t("remarks.moveDown")}
              <span className="visually-hidden"> {title}</span>
            </button>
            {confirming ? (
              <span className="confirm">
                <span>{t("remarks.confirmDelete", { name: title })}</span>{" "}
                <button
                  type="button"
                  className="danger small"
                  onClick={() => onDelete(s)}
                  disabled={busy}
                  data-testid="remarks-delete-confirm"
                >
                  {t("remarks.delete")}
                </button>{" "}
                <button type="button" className="secondary small" onClick={() => setConfirming(false)}>
                  {t("form.cancel")}
                </button>
              </span>
            ) : (
              <button
                type="button"
                className="secondary small"
                onClick={() => setConfirming(true)}
                disabled={busy}
                data-testid="remarks-delete"
              >
                {t("remarks.delete")}
                <span className="visually-hidden"> {title}</span>
              </button>
            )}
          </div>
        ) : null}
        {editing ? (
          <SectionEditor
            nodeId={nodeId}
            year={year}
            kinds={kinds}
            section={s}
            onSaved={(message) => {
              setEditing(false);
              onSaved(message);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : null}
      </article>
    </li>
  );
}

function Generated({ answer }: { answer: RemarksAnswer }) {
  const g = answer.generated;
  const titleId = useId();
  return (
    <section className="step remark-generated" aria-labelledby={titleId} data-testid="remarks-generated">
      <h2 id={titleId}>{t("remarks.generatedTitle")}</h2>
      <p className="help">{t("remarks.generatedHelp")}</p>
      {g.kind === "area" ? (
        <>
          <p data-testid="remarks-net-budget">{g.netBudget}</p>
          <h3>{t("remarks.basis")}</h3>
          {g.basis.length === 0 ? <p>{t("remarks.basisNone")}</p> : null}
          {g.basis.map((sentence) => (
            <p key={sentence}>{sentence}</p>
          ))}
        </>
      ) : g.agreement ? (
        <>
          <h3>{t("remarks.agreement", { year: g.agreement.budgetYear })}</h3>
          {g.agreement.items.length === 0 ? <p>{t("remarks.agreementNone")}</p> : null}
          <ul>
            {g.agreement.items.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t("remarks.noAgreement", { year: answer.budgetYear })}</p>
      )}
    </section>
  );
}

/**
 * The two settings the generated frame sentence reads, for those who may write them (økonomi,
 * administrator): whether the chosen area has a frame budget, and what the municipality's price
 * and wage adjustment follows. Neither is versioned (a plain setting, last write wins, audited
 * by the server); a refusal is shown at its field. After a save the page reloads what it
 * generates, so the sentence shows the change.
 */
function RemarkSettingsPanel({ m, node, onSaved }: { m: Municipality; node: OrgNode; onSaved: () => void }) {
  const res = useApi<RemarkSettings>(`/api/municipalities/${encodeURIComponent(m.code)}/remarks/settings`);
  const settings = res.data;
  const [frame, setFrame] = useState<boolean | undefined>();
  const [basis, setBasis] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Partial<Record<"frameBudget" | "priceBasis", string[]>>>({});
  const [status, setStatus] = useState("");
  const ids = { heading: useId(), frameError: useId() };
  const storedFrame = settings ? hasFrameBudget(settings, node.id) : false;
  const shownFrame = frame ?? storedFrame;
  const shownBasis = basis ?? settings?.priceBasis ?? "";

  const save = async (field: "frameBudget" | "priceBasis", e: FormEvent) => {
    e.preventDefault();
    if (busy || !settings) return;
    const change = field === "priceBasis" ? priceBasisChange(shownBasis, settings.priceBasis) : null;
    if (field === "priceBasis" && !change) {
      setStatus(t("remarks.noChanges"));
      return;
    }
    setBusy(true);
    setStatus("");
    setProblems({});
    try {
      if (field === "frameBudget") {
        const saved = await apiSend<FrameBudgetAnswer>("PUT", `/api/nodes/${node.id}/remarks/frame-budget`, {
          frameBudget: shownFrame,
        });
        setFrame(undefined);
        setStatus(
          t(saved.frameBudget ? "remarks.frameBudgetOn" : "remarks.frameBudgetOff", { area: saved.name }),
        );
      } else {
        const saved = await apiSend<RemarkSettings>(
          "PUT",
          `/api/municipalities/${encodeURIComponent(m.code)}/remarks/settings`,
          change,
        );
        setBasis(undefined);
        setStatus(t(saved.priceBasis === null ? "remarks.priceBasisCleared" : "remarks.priceBasisSaved"));
      }
      res.reload();
      onSaved();
    } catch (err) {
      const apiError = asApiError(err);
      const byField = issuesByField(apiError.body.issues, [field] as const);
      setProblems({ [field]: byField[field] ?? [apiError.message, ...(byField[""] ?? [])] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="step remark-settings" aria-labelledby={ids.heading} data-testid="remarks-settings">
      <h2 id={ids.heading}>{t("remarks.settingsTitle")}</h2>
      <p className="help">{t("remarks.settingsHelp")}</p>
      {res.error ? <ErrorState error={res.error} onRetry={res.reload} /> : null}
      {!settings && !res.error ? <Loading /> : null}
      {settings && node.kind === "area" ? (
        <form onSubmit={(e) => void save("frameBudget", e)} noValidate data-testid="remarks-frame-form">
          <div className={problems.frameBudget ? "field field-invalid" : "field"}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={shownFrame}
                onChange={(e) => {
                  setFrame(e.target.checked);
                  setStatus("");
                }}
                aria-invalid={problems.frameBudget ? true : undefined}
                aria-describedby={problems.frameBudget ? ids.frameError : undefined}
                data-testid="remarks-frame-budget"
              />
              {t("remarks.frameBudget")}
            </label>
            {problems.frameBudget ? (
              <p id={ids.frameError} className="field-error" data-testid="remarks-frame-error">
                {problems.frameBudget.join(" ")}
              </p>
            ) : null}
          </div>
          {shownFrame !== storedFrame ? (
            <p className="actions">
              <button type="submit" disabled={busy} data-testid="remarks-frame-save">
                {busy ? t("form.saving") : t("remarks.frameBudgetSave")}
              </button>
            </p>
          ) : null}
        </form>
      ) : null}
      {settings ? (
        <form onSubmit={(e) => void save("priceBasis", e)} noValidate data-testid="remarks-price-form">
          <TextField
            label={t("remarks.priceBasis")}
            value={shownBasis}
            onChange={(v) => {
              setBasis(v);
              setStatus("");
            }}
            autoComplete="off"
            maxLength={MAX_PRICE_BASIS}
            size={40}
            help={t("remarks.priceBasisHelp", { name: m.name, example: "KL's vejledning" })}
            error={problems.priceBasis}
            data-testid="remarks-price-basis"
          />
          <p className="actions">
            <button type="submit" disabled={busy} data-testid="remarks-price-save">
              {busy ? t("form.saving") : t("remarks.priceBasisSave")}
            </button>
          </p>
        </form>
      ) : null}
      <p role="status" className="form-status" data-testid="remarks-settings-status">
        {status}
      </p>
    </section>
  );
}

function Documents({ node, year }: { node: OrgNode; year: number }) {
  const titleId = useId();
  const forms: ("committee" | "areas")[] = node.kind === "committee" ? ["committee", "areas"] : ["areas"];
  return (
    <section className="step" aria-labelledby={titleId}>
      <h2 id={titleId}>{t("remarks.documentsTitle")}</h2>
      {forms.map((form) => {
        const label =
          form === "committee"
            ? t("remarks.documentCommittee", { name: node.name })
            : node.kind === "committee"
              ? t("remarks.documentAreas", { name: node.name })
              : t("remarks.documentArea", { name: node.name });
        return (
          <nav key={form} className="document-links" aria-label={label}>
            <span>{label}:</span>{" "}
            {DOCUMENT_FORMATS.map(([format, name]) => (
              <a
                key={format}
                href={remarksDocumentHref(node.id, form, format, year)}
                download
                data-testid={`remarks-document-${form}-${format}`}
              >
                {name}
              </a>
            ))}
          </nav>
        );
      })}
    </section>
  );
}

export function RemarksPage({
  municipality: m,
  nodes,
  query,
}: {
  municipality: Municipality;
  nodes: readonly OrgNode[];
  query: URLSearchParams;
}) {
  useTitle(`${t("remarks.title")} – ${m.name}`);
  const session = useSession();
  const location = useLocation();
  const asked = parseRemarksQuery(query);
  const year = asked.year ?? m.settings.budgetYear;
  const targets = remarkTargets(nodes, year);
  const target = targets.find((x) => x.node.id === asked.node) ?? targets[0];
  const node = target?.node;
  const user = session.user;
  const res = useApi<RemarksAnswer>(node && user ? `/api/nodes/${node.id}/remarks?year=${year}` : null);
  const data = res.data && !res.stale ? res.data : undefined;
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const ids = { node: useId(), year: useId(), sections: useId() };
  const mayEdit =
    node !== undefined && (canImport(user) || (user?.role === "budgetansvarlig" && node.kind === "area"));
  const kinds = node?.kind === "committee" ? COMMITTEE_KINDS : AREA_KINDS;

  const years: number[] = [];
  for (let y = m.settings.firstYear; y <= m.settings.lastYear; y++) years.push(y);
  if (!years.includes(year)) years.push(year);

  const done = (message: string) => {
    setStatus(message);
    setError("");
    res.reload();
  };

  const move = async (index: number, delta: -1 | 1) => {
    if (!data || !node) return;
    const order = movedOrder(data.sections, index, delta);
    if (!order) return;
    setBusy(true);
    setStatus("");
    setError("");
    try {
      await apiSend("PUT", `/api/nodes/${node.id}/remarks/order`, { year, sections: order });
      done(t(delta < 0 ? "remarks.movedUp" : "remarks.movedDown"));
    } catch (err) {
      const e = asApiError(err);
      setError(e.status === 409 ? t("remarks.changedMeanwhile") : e.message);
      res.reload();
    } finally {
      setBusy(false);
    }
  };

  const remove = async (s: RemarkSection) => {
    if (!node) return;
    setBusy(true);
    setStatus("");
    setError("");
    try {
      await apiSend("DELETE", `/api/nodes/${node.id}/remarks/${s.id}?version=${s.version}`);
      done(t("remarks.deleted", { name: s.heading || s.kindLabel }));
    } catch (err) {
      const e = asApiError(err);
      setError(e.status === 409 ? t("remarks.changedMeanwhile") : e.message);
      res.reload();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="remarks-page" data-testid="remarks-page">
      <h1>{t("remarks.title")}</h1>
      <p className="lead">{t("remarks.intro")}</p>
      {targets.length === 0 || !node ? (
        <p data-testid="remarks-empty">{t("remarks.noTargets", { name: m.name, year })}</p>
      ) : (
        <>
          <div className="field-row remark-choice">
            <div className="field">
              <label htmlFor={ids.node}>{t("remarks.node")}</label>
              <select
                id={ids.node}
                value={node.id}
                onChange={(e) =>
                  navigate(remarksHref(m.code, { node: Number(e.target.value), year: asked.year }))
                }
                data-testid="remarks-node-select"
              >
                {targets.map(({ node: n, level }) => (
                  <option key={n.id} value={n.id}>
                    {level === 1 ? `\u2003${n.name}` : n.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.year}>{t("remarks.year")}</label>
              <select
                id={ids.year}
                value={year}
                onChange={(e) =>
                  navigate(remarksHref(m.code, { node: node.id, year: Number(e.target.value) }))
                }
                data-testid="remarks-year-select"
              >
                {years.map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <Documents node={node} year={year} />
          {!user ? (
            <p className="info" data-testid="remarks-sign-in">
              {t("remarks.signInToWrite")} <Link to={signInHref(location.href)}>{t("auth.signInLink")}</Link>
            </p>
          ) : res.error ? (
            <ErrorState error={res.error} onRetry={res.reload} />
          ) : !data ? (
            <div aria-busy="true">
              <Loading />
            </div>
          ) : (
            <>
              <Generated answer={data} />
              {canImport(user) ? (
                <RemarkSettingsPanel key={node.id} m={m} node={node} onSaved={res.reload} />
              ) : null}
              <section className="step" aria-labelledby={ids.sections}>
                <h2 id={ids.sections}>{t("remarks.sectionsTitle", { name: data.node.name, year })}</h2>
                <p role="status" className="form-status" data-testid="remarks-status">
                  {status}
                </p>
                {error !== "" ? (
                  <p className="field-error" role="alert" data-testid="remarks-error">
                    {error}
                  </p>
                ) : null}
                {data.sections.length === 0 ? <p>{t("remarks.noSections")}</p> : null}
                <ol className="remark-sections">
                  {data.sections.map((s, i) => (
                    <Section
                      key={`${s.id}-${s.version}`}
                      section={s}
                      index={i}
                      count={data.sections.length}
                      nodeId={data.node.id}
                      year={year}
                      kinds={kinds}
                      mayEdit={mayEdit}
                      busy={busy}
                      onMove={(index, delta) => void move(index, delta)}
                      onDelete={(section) => void remove(section)}
                      onSaved={done}
                    />
                  ))}
                </ol>
                {mayEdit ? (
                  adding ? (
                    <SectionEditor
                      nodeId={data.node.id}
                      year={year}
                      kinds={kinds}
                      onSaved={(message) => {
                        setAdding(false);
                        done(message);
                      }}
                      onCancel={() => setAdding(false)}
                    />
                  ) : (
                    <p className="actions">
                      <button type="button" onClick={() => setAdding(true)} data-testid="remarks-add">
                        {t("remarks.add")}
                      </button>
                    </p>
                  )
                ) : null}
              </section>
            </>
          )}
        </>
      )}
    </div>
  );
}
