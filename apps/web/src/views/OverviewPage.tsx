import { lazy, type ReactNode, Suspense } from "react";
import { Breadcrumb } from "../components/Breadcrumb.tsx";
import { ErrorState, Loading } from "../components/States.tsx";
import { type MessageKey, t } from "../i18n/da.ts";
import { useApi } from "../lib/api.ts";
import { canImport } from "../lib/auth.ts";
import { useTitle } from "../lib/hooks.ts";
import {
  type OverviewParams,
  overviewApiUrl,
  overviewHref,
  type PriceChoice,
  type RowsChoice,
  type ViewChoice,
} from "../lib/overviewParams.ts";
import { importHref, municipalityHref } from "../lib/paths.ts";
import { Link, navigate } from "../lib/router.tsx";
import { useSession } from "../lib/session.ts";
import type { Municipality, OrgNode, Overview, Unit, UnitRef } from "../lib/types.ts";
import { OverviewTable } from "./OverviewTable.tsx";

const UNITS: Unit[] = ["kr", "tkr", "mio"];

// Charts load when first shown; most visits only need the table.
const PerYearChart = lazy(() => import("./Charts.tsx").then((m) => ({ default: m.PerYearChart })));
const CompositionChart = lazy(() => import("./Charts.tsx").then((m) => ({ default: m.CompositionChart })));
// The figures and their history: a view for those who follow the budget closely.
const FiguresPanel = lazy(() => import("./FiguresPanel.tsx").then((m) => ({ default: m.FiguresPanel })));

function allZero(o: Overview): boolean {
  return [o.total, ...o.rows].every((r) => r.printed.every((p) => p === "0"));
}

/** The composition chart's column: the one asked for, else the budget year's, else the first. */
function chosenColumn(o: Overview, year: number | undefined, budgetYear: number): number {
  const asked = year === undefined ? -1 : o.columns.findIndex((c) => c.year === year);
  if (asked >= 0) return asked;
  const budget = o.columns.findIndex((c) => c.year === budgetYear);
  return budget >= 0 ? budget : 0;
}

function Controls({
  municipality: m,
  params,
  go,
}: {
  municipality: Municipality;
  params: OverviewParams;
  go: (p: OverviewParams) => void;
}) {
  const years: number[] = [];
  for (let y = m.settings.firstYear; y <= m.settings.lastYear; y++) years.push(y);
  const price = params.price ?? m.settings.defaultPriceYear;
  if (typeof price === "number" && !years.includes(price)) years.push(price);
  const radio = <T extends string>(
    name: string,
    legend: string,
    value: T,
    options: [T, MessageKey][],
    set: (v: T) => void,
  ) => (
    <fieldset className="segmented">
      <legend>{legend}</legend>
      <div className="segmented-options">
        {options.map(([v, key]) => (
          <label key={v}>
            <input type="radio" name={name} value={v} checked={value === v} onChange={() => set(v)} />
            <span>{t(key)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
  return (
    <form className="controls" aria-label={t("overview.controls")} onSubmit={(e) => e.preventDefault()}>
      {params.view === "figures" ? null : (
        <>
          <div className="field">
            <label htmlFor="overview-price">{t("overview.priceLevel")}</label>
            <select
              id="overview-price"
              value={String(price)}
              onChange={(e) => {
                const v = e.target.value;
                go({ ...params, price: (v === "current" ? "current" : Number(v)) as PriceChoice });
              }}
            >
              {years.map((y) => (
                <option key={y} value={y}>
                  {t("overview.priceYearOption", { year: y })}
                </option>
              ))}
              <option value="current">{t("overview.currentPrices")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="overview-unit">{t("overview.unit")}</label>
            <select
              id="overview-unit"
              value={params.unit}
              onChange={(e) => go({ ...params, unit: e.target.value as Unit })}
            >
              {UNITS.map((u) => (
                <option key={u} value={u}>
                  {t(`unit.${u}`)}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      {radio<ViewChoice>(
        "visning",
        t("overview.show"),
        params.view,
        [
          ["table", "overview.showTable"],
          ["chart", "overview.showChart"],
          ["figures", "overview.showFigures"],
        ],
        (view) => go({ ...params, view }),
      )}
      {params.view === "figures"
        ? null
        : radio<RowsChoice>(
            "raekker",
            t("overview.rows"),
            params.rows,
            [
              ["children", "overview.rowsChildren"],
              ["accounts", "overview.rowsAccounts"],
            ],
            (rows) => go({ ...params, rows }),
          )}
    </form>
  );
}

function Body({
  municipality: m,
  overview: o,
  nodeId,
  params,
  go,
  mayImport,
}: {
  municipality: Municipality;
  overview: Overview;
  nodeId: number | null;
  params: OverviewParams;
  go: (p: OverviewParams) => void;
  mayImport: boolean;
}) {
  const code = m.code;
  const empty = allZero(o);
  const name = o.node.name;
  return (
    <>
      <p className="note">{t("overview.note", { note: o.note })}</p>
      {o.index.isExample ? (
        <p className="info">
          <span className="info-icon" aria-hidden="true">
            i
          </span>
          {t("overview.exampleIndex", { name: o.index.name })}
        </p>
      ) : null}
      {empty ? (
        <div className="message">
          <p>{t("overview.noAmounts", { name })}</p>
          {mayImport ? (
            <p>
              <Link to={importHref(code)}>{t("overview.importLink")}</Link>
            </p>
          ) : null}
        </div>
      ) : null}
      {!empty && o.rows.length === 0 ? (
        <div className="message">
          {params.rows === "children" ? (
            <p>
              {t("overview.noChildren", { name })}{" "}
              <Link to={overviewHref(code, nodeId, { ...params, rows: "accounts" })}>
                {t("overview.showAccounts")}
              </Link>
            </p>
          ) : (
            <p>
              {t("overview.noAccounts", { name })}{" "}
              <Link to={overviewHref(code, nodeId, { ...params, rows: "children" })}>
                {t("overview.showChildren")}
              </Link>
            </p>
          )}
        </div>
      ) : null}
      {params.view === "table" ? (
        <>
          <OverviewTable code={code} overview={o} params={params} />
          {o.rows.some((r) => r.ref !== null && r.ref.kind !== "account") ? (
            <p className="muted">{t("overview.drillHint")}</p>
          ) : null}
        </>
      ) : (
        <Suspense fallback={<Loading />}>
          <div className="charts">
            <PerYearChart overview={o} />
            <CompositionChart
              overview={o}
              column={chosenColumn(o, params.year, m.settings.budgetYear)}
              onColumn={(i) => go({ ...params, year: o.columns[i]?.year })}
            />
          </div>
        </Suspense>
      )}
    </>
  );
}

/**
 * A budgetansvarlig sees the ancestors of their units only as names: on such a node, the way to
 * the units they may see.
 */
function NotReadable({
  municipality: m,
  name,
  nodes,
  units,
  params,
}: {
  municipality: Municipality;
  name: string;
  nodes: readonly OrgNode[];
  units: readonly UnitRef[];
  params: OverviewParams;
}) {
  const ids = new Set(nodes.map((n) => n.id));
  const own = units.filter((u) => u.municipalityCode === m.code && ids.has(u.id));
  // Without the session's units (or another municipality's), the readable nodes whose parent is not.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const tops =
    own.length > 0
      ? own
      : nodes
          .filter(
            (n) => n.readable !== false && (n.parentId === null || byId.get(n.parentId)?.readable === false),
          )
          .map((n) => ({ id: n.id, municipalityCode: m.code, name: n.name }));
  return (
    <div className="message" data-testid="not-readable">
      <p>{t("figures.notReadable", { name })}</p>
      <ul>
        {tops.map((u) => (
          <li key={u.id}>
            <Link to={overviewHref(m.code, u.id, params)}>{u.name}</Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function OverviewPage({
  municipality: m,
  nodes,
  nodeId,
  params,
}: {
  municipality: Municipality;
  nodes: readonly OrgNode[];
  nodeId: number | null;
  params: OverviewParams;
}) {
  const session = useSession();
  const root = nodes.find((n) => n.parentId === null);
  const id = nodeId ?? root?.id;
  const known = id === undefined ? undefined : nodes.find((n) => n.id === id);
  // The organisation lists every node of the municipality; another number is not one of its pages.
  const unknown = nodeId !== null && known === undefined;
  // An ancestor of a budgetansvarlig's units: listed in the tree, but its figures are not theirs.
  const notReadable = known?.readable === false;
  const res = useApi<Overview>(
    id === undefined || unknown || notReadable ? null : overviewApiUrl(id, params),
  );
  // A previous answer is kept on screen while the same node reloads (other unit or price level).
  const o = res.data && res.data.node.id === id ? res.data : undefined;
  const wrongMunicipality = unknown || (o !== undefined && o.municipality.id !== m.id);
  const name = wrongMunicipality ? t("state.notFoundTitle") : (known?.name ?? o?.node.name);
  useTitle(name === undefined || name === m.name ? m.name : `${name} – ${m.name}`);
  const go = (p: OverviewParams) => navigate(overviewHref(m.code, nodeId, p));
  const kind = wrongMunicipality ? undefined : known?.kind;
  const busy = res.loading;

  let body: ReactNode = null;
  if (notReadable && known) {
    body = (
      <NotReadable
        municipality={m}
        name={known.name}
        nodes={nodes}
        units={session.user?.units ?? []}
        params={params}
      />
    );
  } else if (res.error) {
    body = (
      <ErrorState
        error={res.error}
        title={res.error.status === 404 ? t("state.notFoundTitle") : t("state.errorTitle")}
        onRetry={res.reload}
        wayOn={{ href: municipalityHref(m.code), label: t("state.toMunicipality", { name: m.name }) }}
      />
    );
  } else if (wrongMunicipality) {
    body = (
      <ErrorState
        error={t("overview.wrongMunicipality", { id: String(id), name: m.name })}
        title={t("state.notFoundTitle")}
        wayOn={{ href: municipalityHref(m.code), label: t("state.toMunicipality", { name: m.name }) }}
      />
    );
  } else if (o && params.view === "figures" && id !== undefined) {
    body = (
      <Suspense fallback={<Loading />}>
        <FiguresPanel
          key={id}
          municipality={m}
          nodeId={id}
          nodeName={o.node.name}
          year={params.year}
          onYear={(year) => go({ ...params, year })}
          onChanged={res.reload}
        />
      </Suspense>
    );
  } else if (o) {
    body = (
      <Body
        municipality={m}
        overview={o}
        nodeId={nodeId}
        params={params}
        go={go}
        mayImport={canImport(session.user)}
      />
    );
  }

  return (
    <div className="overview-page">
      {o && !wrongMunicipality ? <Breadcrumb code={m.code} path={o.path} params={params} /> : null}
      <div className="page-head">
        <div>
          {kind ? <p className="eyebrow">{t(`kind.${kind}`)}</p> : null}
          <h1>{name ?? t("state.loading")}</h1>
        </div>
        {o && id !== undefined && !wrongMunicipality && params.view !== "figures" ? (
          <div className="export">
            <a className="button-link" href={overviewApiUrl(id, params, "xlsx")} download>
              {t("overview.exportXlsx")}
            </a>
            <a className="button-link" href={overviewApiUrl(id, params, "csv")} download>
              {t("overview.exportCsv")}
            </a>
          </div>
        ) : null}
      </div>
      {wrongMunicipality || notReadable ? null : <Controls municipality={m} params={params} go={go} />}
      <div className="overview-body" aria-busy={busy}>
        {busy ? <Loading /> : null}
        {body}
      </div>
    </div>
  );
}
