/**
 * The municipality's budget agreements by budget year: each scenario or adopted agreement with
 * its status, a way to compare two, and (administrator, økonomi) creating one, empty or as a
 * copy of another, and deleting a scenario.
 */
import { type FormEvent, useId, useRef, useState } from "react";
import { FormError, SelectBox, TextField } from "../../components/Fields.tsx";
import { ScrollTable } from "../../components/ScrollTable.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { t } from "../../i18n/da.ts";
import {
  type AgreementAnswer,
  type AgreementSummary,
  agreementsUrl,
  agreementUrl,
  errorMessage,
  issuesOf,
  statusText,
} from "../../lib/agreements.ts";
import { apiSend, asApiError, useApi } from "../../lib/api.ts";
import { canWriteAgreements } from "../../lib/auth.ts";
import { formatDate, formatDateTime } from "../../lib/format.ts";
import { useTitle } from "../../lib/hooks.ts";
import { agreementCompareHref, agreementHref } from "../../lib/paths.ts";
import { Link, navigate } from "../../lib/router.tsx";
import { useSession } from "../../lib/session.ts";
import type { Municipality } from "../../lib/types.ts";

function DeleteScenario({
  code,
  agreement: a,
  onDeleted,
}: {
  code: string;
  agreement: AgreementSummary;
  onDeleted: (message: string) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const button = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await apiSend<undefined>("DELETE", `${agreementUrl(code, a.id)}?version=${a.version}`);
      onDeleted(t("agreements.deleted", { name: a.name }));
    } catch (err) {
      const e = asApiError(err);
      setError(
        e.status === 409
          ? t("agreements.deleteConflict", { message: errorMessage(e.body, e.message) })
          : errorMessage(e.body, e.message),
      );
      setBusy(false);
    }
  };
  if (!confirming) {
    return (
      <button
        ref={button}
        type="button"
        className="secondary small"
        onClick={() => {
          setConfirming(true);
          setTimeout(() => confirmRef.current?.focus(), 0);
        }}
        data-testid="agreement-delete"
      >
        {t("agreements.delete")}
        <span className="visually-hidden"> {a.name}</span>
      </button>
    );
  }
  return (
    <div className="confirm" ref={confirmRef} tabIndex={-1} data-testid="agreement-delete-confirm">
      <p>{t("agreements.deleteConfirm", { name: a.name })}</p>
      {error ? <p className="field-error">{error}</p> : null}
      <p className="actions">
        <button
          type="button"
          disabled={busy}
          onClick={() => void remove()}
          data-testid="agreement-delete-yes"
        >
          {busy ? t("agreements.deleting") : t("agreements.deleteDo")}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => {
            setConfirming(false);
            setTimeout(() => button.current?.focus(), 0);
          }}
        >
          {t("form.cancel")}
        </button>
      </p>
    </div>
  );
}

function AgreementsTable({
  code,
  agreements,
  mayWrite,
  onDeleted,
}: {
  code: string;
  agreements: readonly AgreementSummary[];
  mayWrite: boolean;
  onDeleted: (message: string) => void;
}) {
  const caption = t("agreements.listCaption", { count: agreements.length });
  return (
    <ScrollTable label={caption}>
      <table className="data agreements-table" data-testid="agreements-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("agreements.name")}</th>
            <th scope="col" className="num">
              {t("agreements.budgetYear")}
            </th>
            <th scope="col">{t("agreements.statusHead")}</th>
            <th scope="col" className="num">
              {t("agreements.itemCount")}
            </th>
            <th scope="col">{t("agreements.updatedAt")}</th>
            {mayWrite ? <th scope="col">{t("agreements.actions")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {agreements.map((a) => (
            <tr key={a.id} data-testid="agreement-row" data-id={a.id}>
              <th scope="row">
                <Link to={agreementHref(code, a.id)}>{a.name}</Link>
              </th>
              <td className="num">{a.budgetYear}</td>
              <td>
                <span className={`status-badge agreement-status-${a.status}`}>{statusText(a.status)}</span>
                {a.adoptedAt ? (
                  <span className="muted nowrap">
                    {" "}
                    {t("agreements.adoptedOn", { when: formatDate(a.adoptedAt) })}
                  </span>
                ) : null}
              </td>
              <td className="num">{a.itemCount}</td>
              <td className="nowrap">
                <time dateTime={a.updatedAt}>{formatDateTime(a.updatedAt)}</time>
              </td>
              {mayWrite ? (
                <td>
                  {a.status === "scenario" ? (
                    <DeleteScenario code={code} agreement={a} onDeleted={onDeleted} />
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/** Two scenarios to compare; the comparison is a page of its own (an address to send on). */
function CompareForm({ code, agreements }: { code: string; agreements: readonly AgreementSummary[] }) {
  const titleId = useId();
  const [a, setA] = useState(String(agreements[1]?.id ?? agreements[0]?.id ?? ""));
  const [b, setB] = useState(String(agreements[0]?.id ?? ""));
  const options = agreements.map(
    (x) => [String(x.id), t("agreements.option", { name: x.name, year: x.budgetYear })] as const,
  );
  return (
    <section className="step" aria-labelledby={titleId}>
      <h2 id={titleId}>{t("agreements.compareTitle")}</h2>
      <form
        className="field-row"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(agreementCompareHref(code, Number(a), Number(b)));
        }}
        data-testid="agreements-compare-form"
      >
        <SelectBox
          label={t("agreements.compareA")}
          value={a}
          options={options}
          onChange={setA}
          testId="compare-a"
        />
        <SelectBox
          label={t("agreements.compareB")}
          value={b}
          options={options}
          onChange={setB}
          testId="compare-b"
        />
        <button type="submit" className="field-button" data-testid="agreements-compare-go">
          {t("agreements.compareDo")}
        </button>
      </form>
    </section>
  );
}

function CreateForm({
  municipality: m,
  agreements,
}: {
  municipality: Municipality;
  agreements: readonly AgreementSummary[];
}) {
  const titleId = useId();
  const [name, setName] = useState("");
  const [year, setYear] = useState(String(m.settings.budgetYear));
  const [copyFrom, setCopyFrom] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ name?: string[]; budgetYear?: string[]; copyFrom?: string[] }>({});
  const [general, setGeneral] = useState<string[]>([]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const local: typeof errors = {};
    if (name.trim() === "") local.name = [t("agreements.needName")];
    if (!/^\d{4}$/.test(year.trim())) local.budgetYear = [t("agreements.needYear")];
    setErrors(local);
    if (Object.keys(local).length > 0) {
      setGeneral([t("form.fixFields")]);
      setTimeout(
        () =>
          document.querySelector<HTMLElement>("[data-testid=agreement-create] [aria-invalid=true]")?.focus(),
        0,
      );
      return;
    }
    setBusy(true);
    setGeneral([]);
    try {
      const answer = await apiSend<AgreementAnswer>("POST", agreementsUrl(m.code), {
        name: name.trim(),
        budgetYear: Number(year.trim()),
        ...(copyFrom === "" ? {} : { copyFrom: Number(copyFrom) }),
      });
      navigate(agreementHref(m.code, answer.agreement.id));
    } catch (err) {
      const apiError = asApiError(err);
      const byField: typeof errors = {};
      const rest: string[] = [];
      for (const issue of issuesOf(apiError.body)) {
        const field = issue.path.split(".")[0];
        if (field === "name" || field === "budgetYear" || field === "copyFrom") {
          byField[field] = [...(byField[field] ?? []), issue.message];
        } else rest.push(issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`);
      }
      setErrors(byField);
      setGeneral([errorMessage(apiError.body, apiError.message), ...rest]);
      setBusy(false);
    }
  };
  return (
    <section className="step" aria-labelledby={titleId}>
      <h2 id={titleId}>{t("agreements.createTitle")}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="agreement-create">
        <FormError messages={general} />
        <div className="field-row">
          <TextField
            label={t("agreements.name")}
            value={name}
            onChange={setName}
            required
            maxLength={200}
            size={36}
            autoComplete="off"
            error={errors.name}
            data-testid="agreement-create-name"
          />
          <TextField
            label={t("agreements.budgetYear")}
            value={year}
            onChange={setYear}
            required
            inputMode="numeric"
            maxLength={4}
            size={6}
            autoComplete="off"
            error={errors.budgetYear}
            data-testid="agreement-create-year"
          />
          <SelectBox
            label={t("agreements.copyFrom")}
            value={copyFrom}
            options={[
              ["", t("agreements.copyNone")],
              ...agreements.map(
                (a) => [String(a.id), t("agreements.option", { name: a.name, year: a.budgetYear })] as const,
              ),
            ]}
            onChange={setCopyFrom}
            error={errors.copyFrom?.join(" ")}
            testId="agreement-create-copy"
          />
        </div>
        <p className="actions">
          <button type="submit" disabled={busy} data-testid="agreement-create-submit">
            {busy ? t("agreements.creating") : t("agreements.create")}
          </button>
        </p>
      </form>
    </section>
  );
}

export function AgreementsList({ municipality: m }: { municipality: Municipality }) {
  useTitle(`${t("agreements.title")} – ${m.name}`);
  const session = useSession();
  const mayWrite = canWriteAgreements(session.user);
  const res = useApi<{ agreements: AgreementSummary[] }>(agreementsUrl(m.code));
  const [status, setStatus] = useState("");
  const agreements = res.data && !res.stale ? res.data.agreements : undefined;

  let body: React.ReactNode;
  if (res.error) body = <ErrorState error={res.error} onRetry={res.reload} />;
  else if (!agreements) body = <Loading />;
  else {
    body = (
      <>
        {agreements.length === 0 ? (
          <p data-testid="agreements-empty">
            {t("agreements.empty", { name: m.name })}{" "}
            {mayWrite ? t("agreements.emptyCreate") : t("agreements.emptyAsk")}
          </p>
        ) : (
          <AgreementsTable
            code={m.code}
            agreements={agreements}
            mayWrite={mayWrite}
            onDeleted={(message) => {
              setStatus(message);
              res.reload();
              document.getElementById("main")?.focus({ preventScroll: true });
            }}
          />
        )}
        {agreements.length >= 2 ? <CompareForm code={m.code} agreements={agreements} /> : null}
        {mayWrite ? <CreateForm municipality={m} agreements={agreements} /> : null}
      </>
    );
  }
  return (
    <div className="agreements-page" data-testid="agreements-page" aria-busy={agreements ? undefined : true}>
      <h1>{t("agreements.title")}</h1>
      <p className="lead">{t("agreements.intro")}</p>
      <p role="status" className="form-status" data-testid="agreements-status">
        {status}
      </p>
      {body}
    </div>
  );
}
