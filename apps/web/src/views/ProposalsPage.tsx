/**
 * /kommune/:code/forslag: the proposals catalogue as the municipality prints it (seed 003): the
 * checks' findings at the top, each linking to its proposal, then every proposal with its kind,
 * schedule, committee and area, title, status, text and amounts in 1.000 kr. ("Budgetoverslag |
 * years… | I alt"), with its own findings next to it. ?katalog= chooses the catalogue (none: the
 * newest), ?forslag= the proposal to show. Administrator and økonomi may create, edit (409: reload
 * or merge) and delete a proposal (not one a budget agreement uses), set its references, and import
 * a catalogue (text or Excel); everyone who may read sees each proposal's history.
 */
import { type MouseEvent, useEffect, useId, useRef, useState } from "react";
import { AuditList } from "../components/AuditList.tsx";
import { ScrollTable } from "../components/ScrollTable.tsx";
import { ErrorState, Loading } from "../components/States.tsx";
import { t } from "../i18n/da.ts";
import { useApi } from "../lib/api.ts";
import { canEditProposals } from "../lib/auth.ts";

/** The catalogue as generated documents (server: GET …/proposals/document). */
const DOCUMENT_FORMATS: readonly (readonly [string, string])[] = [
  ["docx", "Word"],
  ["pdf", "PDF"],
  ["html", "HTML"],
  ["xlsx", "Excel"],
];

import { useTitle } from "../lib/hooks.ts";
import { parseProposalsQuery, proposalsHref } from "../lib/paths.ts";
import {
  auditValueText,
  blankProposal,
  cellText,
  checksSummary,
  proposalAnchor,
  proposalFieldLabel,
  proposalForSchedule,
  proposalHeading,
  proposalTable,
  severityLabel,
  sortWarnings,
  textBlocks,
} from "../lib/proposals.ts";
import { Link, navigate, useLocation } from "../lib/router.tsx";
import { useSession } from "../lib/session.ts";
import type { Municipality, ProposalCatalogue, ProposalView, ProposalWarning } from "../lib/types.ts";
import { CatalogueImport } from "./CatalogueImport.tsx";
import { ProposalDelete } from "./ProposalDelete.tsx";
import { ProposalEditForm } from "./ProposalEditForm.tsx";

function headingId(id: number): string {
  return `${proposalAnchor(id)}-title`;
}

/** Brings a proposal into view and puts focus on its heading (for keyboard and screen readers). */
function showProposal(id: number): boolean {
  const heading = document.getElementById(headingId(id));
  if (!heading) return false;
  document.getElementById(proposalAnchor(id))?.scrollIntoView({ block: "start" });
  heading.focus({ preventScroll: true });
  return true;
}

/** A link to a proposal on this page (?forslag=); following it again shows it again. */
function ProposalLink({ href, id, children }: { href: string; id: number; children: string }) {
  const location = useLocation();
  return (
    <Link
      to={href}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        // The same address again: the router does nothing, so show the proposal here.
        if (href === location.href && e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey) {
          showProposal(id);
        }
      }}
    >
      {children}
    </Link>
  );
}

function WarningText({ warning }: { warning: ProposalWarning }) {
  return (
    <>
      <strong className="severity">
        {t("proposals.severityPrefix", { severity: severityLabel(warning.severity) })}
      </strong>{" "}
    </>
  );
}

function CatalogueChecks({
  code,
  catalogue,
  warnings,
  proposals,
}: {
  code: string;
  catalogue: string;
  warnings: readonly ProposalWarning[];
  proposals: readonly ProposalView[];
}) {
  const titleId = useId();
  return (
    <section className="step proposal-checks" aria-labelledby={titleId} data-testid="proposals-warnings">
      <h2 id={titleId}>{t("proposals.checksTitle")}</h2>
      <p data-testid="proposals-warnings-count">
        {warnings.length === 0 ? t("proposals.checksNone") : checksSummary(warnings)}
      </p>
      {warnings.length > 0 ? (
        <ul className="checks">
          {sortWarnings(warnings).map((w, i) => {
            const p = proposalForSchedule(proposals, w.schedule);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: findings are positional.
              <li key={i} className={`check check-${w.severity}`} data-testid="catalogue-warning">
                <WarningText warning={w} />
                {p ? (
                  <ProposalLink href={proposalsHref(code, { catalogue, proposal: p.id })} id={p.id}>
                    {w.message}
                  </ProposalLink>
                ) : (
                  w.message
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}

function AmountTable({ proposal: p }: { proposal: ProposalView }) {
  const table = proposalTable(p);
  const label = t("proposals.tableLabel", { schedule: p.schedule });
  return (
    <ScrollTable label={label}>
      <table className="data proposal-table" data-testid="proposal-table">
        <caption>
          {t("proposals.amountsUnit")}
          <span className="visually-hidden">, {t("proposals.tableFor", { schedule: p.schedule })}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("proposals.tableHead")}</th>
            {table.years.map((y) => (
              <th scope="col" className="num" key={y}>
                {y}
              </th>
            ))}
            <th scope="col" className="num">
              {t("proposals.total")}
            </th>
          </tr>
        </thead>
        <tbody>
          {table.lines.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional (names may repeat or be empty).
            <tr key={i}>
              <th scope="row" className="line-name">
                {row.name.trim() === "" ? <span className="visually-hidden">{row.label}</span> : row.name}
              </th>
              {row.cells.map((c, j) => (
                <td className="num amount" key={table.years[j]}>
                  {cellText(c, table.decimals)}
                </td>
              ))}
              <td className="num amount">{cellText(row.total, table.decimals)}</td>
            </tr>
          ))}
          <tr className="total-row">
            <th scope="row" className="line-name">
              {table.total.label}
            </th>
            {table.total.cells.map((c, j) => (
              <td className="num amount" key={table.years[j]}>
                {cellText(c, table.decimals)}
              </td>
            ))}
            <td className="num amount">{cellText(table.total.total, table.decimals)}</td>
          </tr>
        </tbody>
      </table>
    </ScrollTable>
  );
}

function ProposalText({ text }: { text: string }) {
  return (
    <div className="proposal-text">
      {textBlocks(text).map((b, i) =>
        b.type === "paragraph" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs are positional.
          <p key={i}>{b.text}</p>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs are positional.
          <ul key={i}>
            {b.items.map((item, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: items are positional.
              <li key={j}>{item}</li>
            ))}
          </ul>
        ),
      )}
    </div>
  );
}

function Proposal({
  code,
  catalogue,
  proposal: p,
  proposals,
  mayEdit,
  onSaved,
  onReloaded,
  onDeleted,
}: {
  code: string;
  catalogue: string;
  proposal: ProposalView;
  proposals: readonly ProposalView[];
  mayEdit: boolean;
  onSaved: (saved: ProposalView) => void;
  onReloaded: (current: ProposalView) => void;
  onDeleted: (deleted: ProposalView) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [status, setStatus] = useState("");
  const editButton = useRef<HTMLButtonElement>(null);
  const ids = { history: useId(), historyTitle: useId(), checks: useId() };
  const url = `/api/municipalities/${encodeURIComponent(code)}/proposals/${p.id}`;
  // Closing the form gives focus back to "Ret forslag" once it is there again.
  const [refocus, setRefocus] = useState(false);
  useEffect(() => {
    if (!refocus || editing) return;
    setRefocus(false);
    editButton.current?.focus();
  }, [refocus, editing]);
  const closeForm = () => {
    setEditing(false);
    setDeleting(false);
    setRefocus(true);
  };
  const warnings = sortWarnings(p.warnings);

  return (
    <article
      id={proposalAnchor(p.id)}
      className="proposal"
      aria-labelledby={headingId(p.id)}
      data-testid="proposal"
      data-schedule={p.schedule}
    >
      <p className="proposal-kind">{p.kindLabel}</p>
      <p className="proposal-schedule">{t("proposals.schedule", { schedule: p.schedule })}</p>
      <p className="proposal-place">
        {t("proposals.committeeArea", { committee: p.committee, area: p.area })}
      </p>
      <h2 id={headingId(p.id)} tabIndex={-1}>
        {proposalHeading(p)}
      </h2>
      <p>
        <span className={`status-badge status-${p.status}`} data-testid="proposal-status">
          {t("proposals.status", { status: p.statusLabel })}
        </span>
      </p>
      {p.references.length > 0 ? (
        <ul className="proposal-refs">
          {p.references.map((r) => {
            const target = proposalForSchedule(proposals, r.schedule);
            const text = t(`proposals.ref.${r.relation}`, { schedule: r.schedule });
            return (
              <li key={`${r.relation} ${r.schedule}`}>
                {target ? (
                  <ProposalLink href={proposalsHref(code, { catalogue, proposal: target.id })} id={target.id}>
                    {text}
                  </ProposalLink>
                ) : (
                  `${text} ${t("proposals.ref.outside")}`
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      <ProposalText text={p.text} />
      <AmountTable proposal={p} />
      {warnings.length > 0 ? (
        <div className="proposal-checks-own" role="note" aria-labelledby={ids.checks}>
          <h3 id={ids.checks} className="visually-hidden">
            {t("proposals.ownChecks", { schedule: p.schedule })}
          </h3>
          <ul className="checks">
            {warnings.map((w, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: findings are positional.
              <li key={i} className={`check check-${w.severity}`} data-testid="proposal-warning">
                <WarningText warning={w} />
                {w.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p role="status" className="form-status" data-testid="proposal-saved">
        {status}
      </p>
      <div className="actions">
        {mayEdit && !editing && !deleting ? (
          <>
            <button
              ref={editButton}
              type="button"
              className="secondary"
              onClick={() => {
                setStatus("");
                setEditing(true);
              }}
              data-testid="proposal-edit-button"
            >
              {t("proposals.edit")}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setStatus("");
                setDeleting(true);
              }}
              data-testid="proposal-delete-button"
            >
              {t("proposals.delete")}
            </button>
          </>
        ) : null}
        <button
          type="button"
          className="secondary"
          aria-expanded={historyOpen}
          aria-controls={ids.history}
          onClick={() => setHistoryOpen(!historyOpen)}
          data-testid="proposal-history-toggle"
        >
          {historyOpen ? t("proposals.hideHistory") : t("proposals.history")}
        </button>
      </div>
      {editing ? (
        <ProposalEditForm
          url={url}
          initial={p}
          schedules={proposals.map((x) => x.schedule)}
          onSaved={(saved) => {
            onSaved(saved);
            setStatus(t("proposals.saved", { schedule: saved.schedule }));
            closeForm();
          }}
          onReloaded={onReloaded}
          onCancel={closeForm}
        />
      ) : null}
      {deleting ? (
        <ProposalDelete
          url={url}
          proposal={p}
          onDeleted={onDeleted}
          onReloaded={(current) => {
            onReloaded(current);
            closeForm();
          }}
          onCancel={closeForm}
        />
      ) : null}
      <div id={ids.history}>
        {historyOpen ? (
          <section className="proposal-history" aria-labelledby={ids.historyTitle}>
            <h3 id={ids.historyTitle}>{t("proposals.historyTitle", { schedule: p.schedule })}</h3>
            <AuditList
              key={p.version}
              url={`${url}/history`}
              fieldLabel={proposalFieldLabel}
              valueLabel={auditValueText}
              testId="proposal-history"
            />
          </section>
        ) : null}
      </div>
    </article>
  );
}

export function ProposalsPage({
  municipality: m,
  query,
}: {
  municipality: Municipality;
  query: URLSearchParams;
}) {
  useTitle(`${t("proposals.title")} – ${m.name}`);
  const session = useSession();
  const mayEdit = canEditProposals(session.user);
  const asked = parseProposalsQuery(query);
  const base = `/api/municipalities/${encodeURIComponent(m.code)}/proposals`;
  const res = useApi<ProposalCatalogue>(
    asked.catalogue === null ? base : `${base}?catalogue=${encodeURIComponent(asked.catalogue)}`,
  );
  const data = res.data && !res.stale ? res.data : undefined;
  // Proposals saved (or reloaded after a 409) here, until the catalogue has them too.
  const [newer, setNewer] = useState<ReadonlyMap<number, ProposalView>>(new Map());
  // Proposals deleted here, until the catalogue no longer has them.
  const [deleted, setDeleted] = useState<ReadonlySet<number>>(new Set());
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState("");
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const createButton = useRef<HTMLButtonElement>(null);
  const selectId = useId();
  const shown = useRef<string | null>(null);

  const stored = (data?.proposals ?? []).filter((p) => !deleted.has(p.id));
  const proposals = [
    ...stored.map((p) => {
      const n = newer.get(p.id);
      return n && n.version > p.version ? n : p;
    }),
    // Created here, until the catalogue has them too.
    ...[...newer.values()].filter(
      (n) => n.catalogue === data?.catalogue && !deleted.has(n.id) && !stored.some((p) => p.id === n.id),
    ),
  ];
  const keep = (p: ProposalView) => setNewer((prev) => new Map(prev).set(p.id, p));

  // ?forslag=: once the catalogue is there, show the proposal asked for (once per address).
  const target = asked.proposal;
  const loaded = data !== undefined;
  const href = useLocation().href;
  const count = proposals.length;
  useEffect(() => {
    void count;
    if (!loaded || target === null || shown.current === href) return;
    if (showProposal(target)) shown.current = href;
  }, [loaded, target, href, count]);

  const intro = <p className="lead">{t("proposals.intro")}</p>;
  if (res.error) {
    return (
      <div className="proposals-page" data-testid="proposals-page">
        <h1>{t("proposals.title")}</h1>
        <ErrorState
          error={res.error}
          onRetry={res.reload}
          wayOn={
            asked.catalogue === null
              ? undefined
              : { href: proposalsHref(m.code), label: t("proposals.toNewest") }
          }
        />
      </div>
    );
  }
  if (!data) {
    return (
      <div className="proposals-page" data-testid="proposals-page" aria-busy="true">
        <h1>{t("proposals.title")}</h1>
        {intro}
        <Loading />
      </div>
    );
  }
  const summary = data.catalogues.find((c) => c.catalogue === data.catalogue);
  const createForm =
    mayEdit && creating ? (
      <ProposalEditForm
        url={base}
        initial={blankProposal(
          data.catalogue ?? `Budget ${m.settings.budgetYear}-${m.settings.budgetYear + 3}`,
          summary
            ? { firstYear: summary.firstYear, lastYear: summary.lastYear }
            : { firstYear: m.settings.budgetYear, lastYear: m.settings.budgetYear + 3 },
        )}
        create={{ catalogues: data.catalogues }}
        schedules={proposals.map((p) => p.schedule)}
        onSaved={(saved) => {
          keep(saved);
          setCreating(false);
          setNotice(t("proposals.created", { schedule: saved.schedule, status: saved.statusLabel }));
          res.reload();
          navigate(proposalsHref(m.code, { catalogue: saved.catalogue, proposal: saved.id }));
        }}
        onCancel={() => {
          setCreating(false);
          setTimeout(() => createButton.current?.focus(), 0);
        }}
      />
    ) : null;
  const createControls = mayEdit ? (
    <section className="proposal-create" aria-label={t("proposals.create")}>
      {creating ? null : (
        <p className="actions">
          <button
            ref={createButton}
            type="button"
            onClick={() => {
              setNotice("");
              setCreating(true);
            }}
            data-testid="proposal-create-button"
          >
            {t("proposals.create")}
          </button>
        </p>
      )}
      {createForm}
    </section>
  ) : null;
  const noticeLine = (
    <p ref={noticeRef} role="status" className="form-status" tabIndex={-1} data-testid="proposals-notice">
      {notice}
    </p>
  );
  const importForm = mayEdit ? (
    <CatalogueImport municipality={m} shown={data.catalogue} onImported={() => res.reload()} />
  ) : null;
  return (
    <div className="proposals-page" data-testid="proposals-page">
      <h1>{t("proposals.title")}</h1>
      {intro}
      {data.catalogue === null ? (
        <>
          <p data-testid="proposals-empty">
            {t("proposals.empty", { name: m.name })}{" "}
            {mayEdit ? t("proposals.emptyImport") : t("proposals.emptyAsk")}
          </p>
          {noticeLine}
          {createControls}
        </>
      ) : (
        <>
          {data.catalogues.length > 1 ? (
            <div className="field field-inline catalogue-choice">
              <label htmlFor={selectId}>{t("proposals.catalogue")}</label>
              <select
                id={selectId}
                value={data.catalogue}
                onChange={(e) => navigate(proposalsHref(m.code, { catalogue: e.target.value }))}
                data-testid="catalogue-select"
              >
                {data.catalogues.map((c) => (
                  <option key={c.catalogue} value={c.catalogue}>
                    {t("proposals.catalogueOption", { name: c.catalogue, count: c.count })}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <p className="catalogue-facts">
            {t("proposals.catalogueFacts", {
              name: data.catalogue,
              count: proposals.length,
              first: summary?.firstYear ?? proposals[0]?.period.firstYear ?? "",
              last: summary?.lastYear ?? proposals[0]?.period.lastYear ?? "",
            })}
          </p>
          <nav className="document-links" aria-label={t("proposals.documents")}>
            <span>{t("proposals.documents")}:</span>{" "}
            {DOCUMENT_FORMATS.map(([format, label]) => (
              <a
                key={format}
                href={`/api/municipalities/${encodeURIComponent(m.code)}/proposals/document?format=${format}&catalogue=${encodeURIComponent(data.catalogue ?? "")}`}
                download
                data-testid={`proposals-document-${format}`}
              >
                {label}
              </a>
            ))}
          </nav>
          {noticeLine}
          {createControls}
          {target !== null && !proposals.some((p) => p.id === target) ? (
            <p className="info" role="status">
              {t("proposals.notInCatalogue", { id: target, catalogue: data.catalogue })}
            </p>
          ) : null}
          <CatalogueChecks
            code={m.code}
            catalogue={data.catalogue}
            warnings={data.warnings}
            proposals={proposals}
          />
          {proposals.map((p) => (
            <Proposal
              key={p.id}
              code={m.code}
              catalogue={data.catalogue ?? ""}
              proposal={p}
              proposals={proposals}
              mayEdit={mayEdit}
              onSaved={(saved) => {
                keep(saved);
                // The catalogue's checks (and the other proposals' references) may have changed.
                res.reload();
              }}
              onReloaded={keep}
              onDeleted={(gone) => {
                setDeleted((prev) => new Set(prev).add(gone.id));
                setNotice(t("proposals.deleted", { schedule: gone.schedule }));
                if (target === gone.id)
                  navigate(proposalsHref(m.code, { catalogue: data.catalogue }), { replace: true });
                res.reload();
                setTimeout(() => noticeRef.current?.focus(), 0);
              }}
            />
          ))}
        </>
      )}
      {/* In the same place with or without a catalogue, so its answer stays after the first import. */}
      {importForm}
    </div>
  );
}
