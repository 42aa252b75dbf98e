/**
 * /kommune/:code/bevillinger: the corrected budget. For a year (?aar=) and a unit (?enhed=): the
 * unit's corrected budget per account (original budget, supplementary appropriations, carry-overs,
 * corrected), the area's setting "may carry unspent funds over", and every appropriation of the
 * municipality that year (date, unit, account, kind, amount, reason). Administrator and økonomi
 * give appropriations (amount in kroner typed the Danish way; the server's refusals shown at their
 * fields, e.g. an area that may not carry over, or more than last year's underspend) and set the
 * area's carry-over setting. An appropriation is never edited: it is corrected by an opposite one,
 * which the page offers to fill in.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { FormError, SelectBox, TextAreaField, TextField } from "../components/Fields.tsx";
import { ScrollTable } from "../components/ScrollTable.tsx";
import { ErrorState, Loading } from "../components/States.tsx";
import { t } from "../i18n/da.ts";
import { apiSend, asApiError, type Resource, useApi } from "../lib/api.ts";
import {
  APPROPRIATION_FIELDS,
  APPROPRIATION_KINDS,
  type Appropriation,
  type AppropriationField,
  type AppropriationForm,
  type AppropriationKind,
  type AppropriationResult,
  appropriationsHref,
  type CarryOverAnswer,
  type CorrectedFigure,
  dateText,
  kindText,
  MAX_APPROPRIATION_REASON,
  negateOre,
  parseAppropriationsQuery,
  readAppropriationForm,
  todayIso,
} from "../lib/appropriations.ts";
import { canEditAppropriations, issuesByField } from "../lib/auth.ts";
import { formatOre } from "../lib/format.ts";
import { useTitle } from "../lib/hooks.ts";
import { oreToInput } from "../lib/kroner.ts";
import { flattenTree } from "../lib/org.ts";
import { navigate } from "../lib/router.tsx";
import { useSession } from "../lib/session.ts";
import type { Account, Municipality, OrgNode } from "../lib/types.ts";

function yearsOf(m: Municipality): number[] {
  const years: number[] = [];
  for (let y = m.settings.firstYear; y <= m.settings.lastYear; y++) years.push(y);
  return years;
}

/** "  Administration" with two no-break spaces per level, so the list shows the tree. */
function indented(name: string, depth: number): string {
  return `${"\u00a0\u00a0".repeat(Math.max(0, depth - 1))}${name}`;
}

function accountText(a: { accountCode: string | null; accountName: string | null }): string {
  if (a.accountCode === null) return t("appropriations.noAccount");
  return a.accountName ? `${a.accountCode} ${a.accountName}` : a.accountCode;
}

function CorrectedBudget({
  node,
  year,
  res,
}: {
  node: OrgNode;
  year: number;
  res: Resource<CorrectedFigure[]>;
}) {
  const headingId = useId();
  const rows = res.data && !res.stale ? res.data : undefined;
  return (
    <section className="step" aria-labelledby={headingId} data-testid="corrected-budget">
      <h2 id={headingId}>{t("appropriations.correctedTitle", { node: node.name, year })}</h2>
      <div aria-busy={res.loading}>
        {res.error ? <ErrorState error={res.error} onRetry={res.reload} /> : null}
        {!rows && !res.error ? <Loading /> : null}
        {rows && rows.length === 0 ? (
          <p data-testid="corrected-empty">{t("appropriations.correctedEmpty", { node: node.name, year })}</p>
        ) : null}
        {rows && rows.length > 0 ? (
          <ScrollTable label={t("appropriations.correctedCaption", { node: node.name, year })}>
            <table className="data" data-testid="corrected-table">
              <caption>
                <span className="visually-hidden">
                  {t("appropriations.correctedTitle", { node: node.name, year })}:{" "}
                </span>
                {t("appropriations.correctedCaptionShort")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("appropriations.col.account")}</th>
                  <th scope="col" className="num">
                    {t("appropriations.col.original")}
                  </th>
                  <th scope="col" className="num">
                    {t("appropriations.col.supplementary")}
                  </th>
                  <th scope="col" className="num">
                    {t("appropriations.col.carryOver")}
                  </th>
                  <th scope="col" className="num">
                    {t("appropriations.col.corrected")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.accountId ?? "none"}>
                    <th scope="row">{accountText(r)}</th>
                    <td className="num">{r.original === null ? t("audit.none") : formatOre(r.original)}</td>
                    <td className="num">{formatOre(r.supplementary)}</td>
                    <td className="num">{formatOre(r.carryOver)}</td>
                    <td className="num" data-testid="corrected-amount">
                      <strong>{formatOre(r.corrected)}</strong>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        ) : null}
      </div>
    </section>
  );
}

/** The area's "may carry unspent funds over": a checkbox with a reason for those who may set it. */
function CarryOverSetting({ node, mayEdit }: { node: OrgNode; mayEdit: boolean }) {
  const res = useApi<CarryOverAnswer>(`/api/nodes/${node.id}/carry-over`);
  const answer = res.data && !res.stale ? res.data : undefined;
  const area = answer?.area ?? null;
  const [allowed, setAllowed] = useState<boolean | undefined>();
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<Partial<Record<"allowed" | "reason" | "", string[]>>>({});
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  const shown = allowed ?? area?.carryOverAllowed ?? false;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || !area) return;
    setStatus("");
    if (reason.trim() === "") {
      setProblems({ reason: [t("appropriations.needReason")] });
      return;
    }
    setBusy(true);
    setProblems({});
    try {
      const saved = await apiSend<NonNullable<CarryOverAnswer["area"]>>(
        "PUT",
        `/api/nodes/${area.nodeId}/carry-over`,
        {
          allowed: shown,
          reason: reason.trim(),
        },
      );
      setAllowed(undefined);
      setReason("");
      res.reload();
      setStatus(
        saved.carryOverAllowed
          ? t("appropriations.carryOverNowAllowed", { area: saved.name })
          : t("appropriations.carryOverNowForbidden", { area: saved.name }),
      );
    } catch (err) {
      const apiError = asApiError(err);
      const byField = issuesByField(apiError.body.issues, ["allowed", "reason"] as const);
      setProblems({ ...byField, "": [apiError.message, ...(byField[""] ?? [])] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="step carry-over" aria-labelledby={headingId} data-testid="carry-over">
      <h2 id={headingId}>{t("appropriations.carryOverTitle")}</h2>
      {res.error ? <ErrorState error={res.error} onRetry={res.reload} /> : null}
      {!answer && !res.error ? <Loading /> : null}
      {answer && !area ? <p>{t("appropriations.carryOverNone", { node: node.name })}</p> : null}
      {area && !mayEdit ? (
        <p data-testid="carry-over-text">
          {area.carryOverAllowed
            ? t("appropriations.carryOverYes", { area: area.name })
            : t("appropriations.carryOverNo", { area: area.name })}
        </p>
      ) : null}
      {area && mayEdit ? (
        <form onSubmit={(e) => void submit(e)} noValidate data-testid="carry-over-form">
          <FormError messages={problems[""] ?? []} />
          {area.nodeId !== node.id ? (
            <p>{t("appropriations.carryOverGoverned", { area: area.name })}</p>
          ) : null}
          <div className="field">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={shown}
                onChange={(e) => {
                  setAllowed(e.target.checked);
                  setStatus("");
                }}
                data-testid="carry-over-allowed"
              />
              {t("appropriations.carryOverAllowed", { area: area.name })}
            </label>
          </div>
          {shown !== area.carryOverAllowed ? (
            <>
              <TextAreaField
                label={t("appropriations.carryOverReason")}
                value={reason}
                onChange={setReason}
                required
                maxLength={MAX_APPROPRIATION_REASON}
                error={problems.reason?.join(" ")}
                testId="carry-over-reason"
              />
              <p className="actions">
                <button type="submit" disabled={busy} data-testid="carry-over-save">
                  {busy ? t("form.saving") : t("appropriations.carryOverSave")}
                </button>
              </p>
            </>
          ) : null}
        </form>
      ) : null}
      <p role="status" className="form-status" data-testid="carry-over-status">
        {status}
      </p>
    </section>
  );
}

function AddAppropriation({
  m,
  units,
  year,
  nodeId,
  prefill,
  onAdded,
}: {
  m: Municipality;
  units: readonly { node: OrgNode; depth: number }[];
  year: number;
  nodeId: number;
  /** An opposite appropriation to fill in (a correction), when asked for. */
  prefill: Partial<AppropriationForm> | undefined;
  onAdded: (r: AppropriationResult) => void;
}) {
  const blank = (): AppropriationForm => ({
    nodeId: String(nodeId),
    accountId: "",
    year: String(year),
    kind: "supplementary",
    amount: "",
    decidedOn: todayIso(),
    reason: "",
  });
  const [form, setForm] = useState<AppropriationForm>(blank);
  const [problems, setProblems] = useState<Partial<Record<AppropriationField, string[]>>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const accounts = useApi<Account[]>(form.nodeId === "" ? null : `/api/nodes/${form.nodeId}/accounts`);

  // The page's unit and year are the form's until the user picks others.
  useEffect(() => {
    setForm((f) => ({ ...f, nodeId: String(nodeId), accountId: "" }));
  }, [nodeId]);
  useEffect(() => {
    setForm((f) => ({ ...f, year: String(year) }));
  }, [year]);
  useEffect(() => {
    if (!prefill) return;
    setForm((f) => ({ ...f, ...prefill }));
    setProblems({});
    setGeneral([]);
    setStatus("");
    heading.current?.focus();
  }, [prefill]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setStatus("");
    setGeneral([]);
    const read = readAppropriationForm(form);
    if (!read.ok) {
      const shown: Partial<Record<AppropriationField, string[]>> = {};
      for (const [f, key] of Object.entries(read.problems)) shown[f as AppropriationField] = [t(key)];
      setProblems(shown);
      setGeneral([t("form.fixFields")]);
      setTimeout(() => {
        document.querySelector<HTMLElement>("[data-testid=appropriation-form] [aria-invalid=true]")?.focus();
      }, 0);
      return;
    }
    setProblems({});
    setBusy(true);
    try {
      const r = await apiSend<AppropriationResult>(
        "POST",
        `/api/municipalities/${encodeURIComponent(m.code)}/appropriations`,
        read.body,
      );
      const unit = units.find((u) => u.node.id === r.appropriation.nodeId)?.node.name ?? "";
      setStatus(
        t("appropriations.saved", {
          kind: kindText(r.appropriation.kind),
          amount: formatOre(r.appropriation.amount),
          node: unit,
          year: r.appropriation.year,
          corrected: formatOre(r.corrected),
        }),
      );
      setForm((f) => ({ ...f, amount: "", reason: "" }));
      onAdded(r);
    } catch (err) {
      const apiError = asApiError(err);
      const byField = issuesByField(apiError.body.issues, APPROPRIATION_FIELDS);
      const { "": rest, ...fields } = byField;
      setProblems(fields);
      setGeneral([apiError.message, ...(rest ?? [])]);
      setTimeout(() => {
        document.querySelector<HTMLElement>("[data-testid=appropriation-form] [aria-invalid=true]")?.focus();
      }, 0);
    } finally {
      setBusy(false);
    }
  };

  const set = (change: Partial<AppropriationForm>) => setForm((f) => ({ ...f, ...change }));
  const accountOptions: [string, string][] = [
    ["", t("appropriations.accountNone")],
    ...(accounts.data ?? []).map(
      (a) => [String(a.id), a.name ? `${a.code} ${a.name}` : a.code] as [string, string],
    ),
  ];
  return (
    <section className="step appropriation-add" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        {t("appropriations.addTitle")}
      </h2>
      <p>{t("appropriations.correctionNote")}</p>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="appropriation-form">
        <FormError messages={general} />
        <div className="field-row">
          <SelectBox<string>
            label={t("appropriations.field.node")}
            value={form.nodeId}
            options={units.map((u) => [String(u.node.id), indented(u.node.name, u.depth)] as const)}
            onChange={(v) => set({ nodeId: v, accountId: "" })}
            help={t("appropriations.field.nodeHelp")}
            error={problems.nodeId?.join(" ")}
            testId="appropriation-node"
          />
          <SelectBox<string>
            label={t("appropriations.field.account")}
            value={form.accountId}
            options={accountOptions}
            onChange={(v) => set({ accountId: v })}
            error={problems.accountId?.join(" ")}
            testId="appropriation-account"
          />
        </div>
        <div className="field-row">
          <SelectBox<string>
            label={t("appropriations.field.year")}
            value={form.year}
            options={yearsOf(m).map((y) => [String(y), String(y)] as const)}
            onChange={(v) => set({ year: v })}
            error={problems.year?.join(" ")}
            testId="appropriation-year"
          />
          <SelectBox<AppropriationKind>
            label={t("appropriations.field.kind")}
            value={form.kind}
            options={APPROPRIATION_KINDS.map((k) => [k, kindText(k)] as const)}
            onChange={(kind) => set({ kind })}
            help={t("appropriations.field.kindHelp")}
            error={problems.kind?.join(" ")}
            testId="appropriation-kind"
          />
        </div>
        <div className="field-row">
          <TextField
            label={t("appropriations.field.amount")}
            value={form.amount}
            onChange={(amount) => set({ amount })}
            inputMode="decimal"
            autoComplete="off"
            size={16}
            help={t("appropriations.field.amountHelp")}
            error={problems.amount}
            data-testid="appropriation-amount"
          />
          <TextField
            label={t("appropriations.field.decidedOn")}
            type="date"
            value={form.decidedOn}
            onChange={(decidedOn) => set({ decidedOn })}
            help={t("appropriations.field.decidedOnHelp")}
            error={problems.decidedOn}
            data-testid="appropriation-date"
          />
        </div>
        <TextAreaField
          label={t("appropriations.field.reason")}
          value={form.reason}
          onChange={(reason) => set({ reason })}
          required
          maxLength={MAX_APPROPRIATION_REASON}
          help={t("appropriations.field.reasonHelp")}
          error={problems.reason?.join(" ")}
          testId="appropriation-reason"
        />
        <p className="actions">
          <button type="submit" disabled={busy} data-testid="appropriation-save">
            {busy ? t("appropriations.saving") : t("appropriations.submit")}
          </button>
        </p>
        <p role="status" className="form-status" data-testid="appropriation-status">
          {status}
        </p>
      </form>
    </section>
  );
}

function AppropriationList({
  year,
  res,
  names,
  accounts,
  mayEdit,
  onCorrect,
}: {
  year: number;
  res: Resource<Appropriation[]>;
  names: ReadonlyMap<number, string>;
  accounts: ReadonlyMap<number, Account>;
  mayEdit: boolean;
  onCorrect: (a: Appropriation) => void;
}) {
  const headingId = useId();
  const rows = res.data && !res.stale ? res.data : undefined;
  return (
    <section className="step" aria-labelledby={headingId} data-testid="appropriation-list">
      <h2 id={headingId}>{t("appropriations.listTitle", { year })}</h2>
      <div aria-busy={res.loading}>
        {res.error ? <ErrorState error={res.error} onRetry={res.reload} /> : null}
        {!rows && !res.error ? <Loading /> : null}
        {rows && rows.length === 0 ? <p>{t("appropriations.listEmpty", { year })}</p> : null}
        {rows && rows.length > 0 ? (
          <ScrollTable label={t("appropriations.caption", { year })}>
            <table className="data" data-testid="appropriation-table">
              <caption>
                <span className="visually-hidden">{t("appropriations.listTitle", { year })}: </span>
                {t("appropriations.captionShort")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("appropriations.col.decidedOn")}</th>
                  <th scope="col">{t("appropriations.col.node")}</th>
                  <th scope="col">{t("appropriations.col.account")}</th>
                  <th scope="col">{t("appropriations.col.kind")}</th>
                  <th scope="col" className="num">
                    {t("appropriations.col.amount")}
                  </th>
                  <th scope="col">{t("appropriations.col.reason")}</th>
                  {mayEdit ? <th scope="col">{t("appropriations.col.actions")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => {
                  const account = a.accountId === null ? undefined : accounts.get(a.accountId);
                  return (
                    <tr key={a.id}>
                      <th scope="row" className="nowrap">
                        <time dateTime={a.decidedOn}>{dateText(a.decidedOn)}</time>
                      </th>
                      <td>{names.get(a.nodeId) ?? String(a.nodeId)}</td>
                      <td>
                        {a.accountId === null
                          ? t("appropriations.noAccount")
                          : account
                            ? accountText({ accountCode: account.code, accountName: account.name })
                            : String(a.accountId)}
                      </td>
                      <td>{kindText(a.kind)}</td>
                      <td className="num">{formatOre(a.amount)}</td>
                      <td>{a.reason}</td>
                      {mayEdit ? (
                        <td>
                          <button
                            type="button"
                            className="secondary small"
                            onClick={() => onCorrect(a)}
                            data-testid="appropriation-correct"
                          >
                            {t("appropriations.correct")}
                            <span className="visually-hidden">
                              {" "}
                              {t("appropriations.correctWhich", {
                                kind: kindText(a.kind),
                                amount: formatOre(a.amount),
                                date: dateText(a.decidedOn),
                              })}
                            </span>
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollTable>
        ) : null}
      </div>
    </section>
  );
}

export function AppropriationsPage({
  municipality: m,
  nodes,
  query,
}: {
  municipality: Municipality;
  nodes: readonly OrgNode[];
  query: URLSearchParams;
}) {
  useTitle(`${t("appropriations.title")} – ${m.name}`);
  const session = useSession();
  const mayEdit = canEditAppropriations(session.user);
  const asked = parseAppropriationsQuery(query);
  const years = yearsOf(m);
  const year = asked.year !== null && years.includes(asked.year) ? asked.year : m.settings.budgetYear;
  // The tree below the municipality itself, only the units the user may read.
  const units = flattenTree(nodes).filter((e) => e.depth > 0 && e.node.readable !== false);
  const firstArea = units.find((e) => e.node.kind === "area") ?? units[0];
  const node = units.find((e) => e.node.id === asked.node)?.node ?? firstArea?.node;
  const names = new Map(nodes.map((n) => [n.id, n.name]));
  const base = `/api/municipalities/${encodeURIComponent(m.code)}`;
  const list = useApi<Appropriation[]>(`${base}/appropriations?year=${year}`);
  const corrected = useApi<CorrectedFigure[]>(node ? `/api/nodes/${node.id}/corrected?year=${year}` : null);
  const accountList = useApi<Account[]>(`${base}/accounts`, { cache: true });
  const accounts = new Map((accountList.data ?? []).map((a) => [a.id, a]));
  const [prefill, setPrefill] = useState<Partial<AppropriationForm> | undefined>();
  const ids = { year: useId(), node: useId() };

  const go = (change: { year?: number; node?: number }) =>
    navigate(
      appropriationsHref(m.code, { year: change.year ?? year, node: change.node ?? node?.id ?? null }),
      {
        replace: true,
      },
    );

  return (
    <div className="appropriations-page" data-testid="appropriations-page">
      <h1>{t("appropriations.title")}</h1>
      <p className="lead">{t("appropriations.intro")}</p>
      <div className="field-row appropriations-choice">
        <div className="field">
          <label htmlFor={ids.year}>{t("appropriations.year")}</label>
          <select
            id={ids.year}
            value={year}
            onChange={(e) => go({ year: Number(e.target.value) })}
            data-testid="appropriations-year"
          >
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.node}>{t("appropriations.unit")}</label>
          <select
            id={ids.node}
            value={node?.id ?? ""}
            onChange={(e) => go({ node: Number(e.target.value) })}
            data-testid="appropriations-unit"
          >
            {units.map((u) => (
              <option key={u.node.id} value={u.node.id}>
                {indented(u.node.name, u.depth)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {node ? (
        <>
          <CorrectedBudget node={node} year={year} res={corrected} />
          <CarryOverSetting key={node.id} node={node} mayEdit={mayEdit} />
        </>
      ) : (
        <p>{t("appropriations.noUnits")}</p>
      )}
      {mayEdit && node ? (
        <AddAppropriation
          m={m}
          units={units}
          year={year}
          nodeId={node.id}
          prefill={prefill}
          onAdded={(r) => {
            list.reload();
            if (r.appropriation.nodeId !== node.id || r.appropriation.year !== year) {
              go({ node: r.appropriation.nodeId, year: r.appropriation.year });
            } else corrected.reload();
          }}
        />
      ) : (
        <p className="info" data-testid="appropriations-read-only">
          {t("appropriations.readOnly")}
        </p>
      )}
      <AppropriationList
        year={year}
        res={list}
        names={names}
        accounts={accounts}
        mayEdit={mayEdit}
        onCorrect={(a) =>
          setPrefill({
            nodeId: String(a.nodeId),
            accountId: a.accountId === null ? "" : String(a.accountId),
            year: String(a.year),
            kind: a.kind,
            amount: oreToInput(negateOre(a.amount)),
            decidedOn: todayIso(),
            reason: t("appropriations.correctionReason", { date: dateText(a.decidedOn), reason: a.reason }),
          })
        }
      />
    </div>
  );
}
