/**
 * /kommune/:code/budgetaftale/sammenlign?a=ID&b=ID: two scenarios side by side, per committee
 * and area and year: A, B and the difference (A − B), with the service frame and the total. An
 * address of its own, so a comparison can be sent to a colleague.
 */
import { type FormEvent, useEffect, useId, useState } from "react";
import { SelectBox } from "../../components/Fields.tsx";
import { ScrollTable } from "../../components/ScrollTable.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { t } from "../../i18n/da.ts";
import {
  type AgreementSummary,
  agreementsUrl,
  type ComparedValues,
  type Comparison,
  moneyDecimals,
  type Problem,
  thousands,
} from "../../lib/agreements.ts";
import { useApi } from "../../lib/api.ts";
import { useTitle } from "../../lib/hooks.ts";
import { agreementCompareHref, agreementHref, agreementsHref, parseCompareQuery } from "../../lib/paths.ts";
import { Link, navigate } from "../../lib/router.tsx";
import type { Municipality } from "../../lib/types.ts";

function depthClass(depth: number): string {
  return `depth-${Math.max(0, Math.min(depth, 6))}`;
}

function ValueCells({
  values,
  years,
  decimals,
}: {
  values: ComparedValues;
  years: readonly number[];
  decimals: number;
}) {
  return (
    <>
      {years.map((y, i) => {
        const diff = values.difference[i] ?? "0";
        const sign = BigInt(diff) === 0n ? "" : BigInt(diff) > 0n ? " diff-up" : " diff-down";
        return [
          <td key={`${y}a`} className="num amount year-start">
            {thousands(values.a[i] ?? "0", decimals)}
          </td>,
          <td key={`${y}b`} className="num amount">
            {thousands(values.b[i] ?? "0", decimals)}
          </td>,
          <td key={`${y}d`} className={`num amount difference${sign}`}>
            {thousands(diff, decimals)}
          </td>,
        ];
      })}
    </>
  );
}

function ComparisonTable({ c }: { c: Comparison }) {
  const decimals = moneyDecimals([
    ...c.rows.flatMap((r) => [...r.a, ...r.b, ...r.difference]),
    ...c.total.a,
    ...c.total.b,
    ...c.total.difference,
    ...c.serviceFrame.a,
    ...c.serviceFrame.b,
    ...c.serviceFrame.difference,
  ]);
  const caption = t("agreements.compareCaption", { a: c.a.name, b: c.b.name });
  // The municipality's own row is the total; committees and areas follow.
  const rows = c.rows.filter((r) => r.kind !== "municipality");
  return (
    <ScrollTable label={caption}>
      <table className="data compact compare-table" data-testid="compare-table">
        <caption>{caption}</caption>
        <colgroup>
          <col />
        </colgroup>
        {c.years.map((y) => (
          <colgroup key={y} span={3} />
        ))}
        <thead>
          <tr>
            <td />
            {c.years.map((y) => (
              <th scope="colgroup" colSpan={3} key={y} className="year-head">
                {y}
              </th>
            ))}
          </tr>
          <tr>
            <th scope="col">{t("agreements.effectNode")}</th>
            {c.years.map((y) => [
              <th scope="col" className="num year-start" key={`${y}a`}>
                <abbr title={c.a.name}>A</abbr>
              </th>,
              <th scope="col" className="num" key={`${y}b`}>
                <abbr title={c.b.name}>B</abbr>
              </th>,
              <th scope="col" className="num" key={`${y}d`}>
                {t("agreements.compareDifference")}
              </th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.code} data-testid="compare-row" data-code={r.code} className={`effect-${r.kind}`}>
              <th scope="row" className={depthClass(r.depth - 1)}>
                {r.name}
              </th>
              <ValueCells values={r} years={c.years} decimals={decimals} />
            </tr>
          ))}
          <tr className="service-row" data-testid="compare-service">
            <th scope="row">{t("agreements.serviceFrame")}</th>
            <ValueCells values={c.serviceFrame} years={c.years} decimals={decimals} />
          </tr>
          <tr className="total-row" data-testid="compare-total">
            <th scope="row">{t("agreements.total")}</th>
            <ValueCells values={c.total} years={c.years} decimals={decimals} />
          </tr>
        </tbody>
      </table>
    </ScrollTable>
  );
}

function ProblemList({
  code,
  side,
  id,
  name,
  problems,
}: {
  code: string;
  side: string;
  id: number;
  name: string;
  problems: readonly Problem[];
}) {
  if (problems.length === 0) return null;
  return (
    <div className="message message-warning" data-testid="compare-problems">
      <p>
        {t("agreements.compareProblems", { side, name })}{" "}
        <Link to={agreementHref(code, id)}>{t("agreements.compareOpen", { name })}</Link>
      </p>
      <ul className="checks">
        {problems.map((p) => (
          <li key={`${p.itemKey ?? ""}|${p.code}|${p.message}`}>{p.message}</li>
        ))}
      </ul>
    </div>
  );
}

export function AgreementCompare({
  municipality: m,
  query,
}: {
  municipality: Municipality;
  query: URLSearchParams;
}) {
  useTitle(`${t("agreements.compareTitle")} – ${m.name}`);
  const asked = parseCompareQuery(query);
  const list = useApi<{ agreements: AgreementSummary[] }>(agreementsUrl(m.code));
  const agreements = list.data?.agreements;
  const both = asked.a !== null && asked.b !== null;
  const res = useApi<Comparison>(both ? `${agreementsUrl(m.code)}/compare?a=${asked.a}&b=${asked.b}` : null);
  const comparison = res.data && !res.stale ? res.data : undefined;
  const formId = useId();
  const [a, setA] = useState(asked.a === null ? "" : String(asked.a));
  const [b, setB] = useState(asked.b === null ? "" : String(asked.b));
  // The address decides: going back in the browser shows the earlier choice in the form too.
  useEffect(() => {
    setA(asked.a === null ? "" : String(asked.a));
    setB(asked.b === null ? "" : String(asked.b));
  }, [asked.a, asked.b]);
  const options: (readonly [string, string])[] = [
    ["", t("agreements.compareChoose")],
    ...(agreements ?? []).map(
      (x) => [String(x.id), t("agreements.option", { name: x.name, year: x.budgetYear })] as const,
    ),
  ];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (a === "" || b === "") return;
    navigate(agreementCompareHref(m.code, Number(a), Number(b)));
  };

  let body: React.ReactNode = null;
  if (!both) body = <p>{t("agreements.compareIntro")}</p>;
  else if (res.error) body = <ErrorState error={res.error} onRetry={res.reload} />;
  else if (!comparison) body = <Loading />;
  else if (comparison.problems.a.length > 0 || comparison.problems.b.length > 0) {
    body = (
      <>
        <ProblemList
          code={m.code}
          side="A"
          id={comparison.a.id}
          name={comparison.a.name}
          problems={comparison.problems.a}
        />
        <ProblemList
          code={m.code}
          side="B"
          id={comparison.b.id}
          name={comparison.b.name}
          problems={comparison.problems.b}
        />
      </>
    );
  } else {
    body = (
      <>
        <dl className="compare-legend">
          <dt>A</dt>
          <dd>
            <Link to={agreementHref(m.code, comparison.a.id)}>{comparison.a.name}</Link>{" "}
            <span className="muted">({t("agreements.budgetYearOf", { year: comparison.a.budgetYear })})</span>
          </dd>
          <dt>B</dt>
          <dd>
            <Link to={agreementHref(m.code, comparison.b.id)}>{comparison.b.name}</Link>{" "}
            <span className="muted">({t("agreements.budgetYearOf", { year: comparison.b.budgetYear })})</span>
          </dd>
        </dl>
        <p className="help">{t("agreements.compareHelp")}</p>
        <ComparisonTable c={comparison} />
      </>
    );
  }

  return (
    <div className="agreement-compare-page" data-testid="agreement-compare-page">
      <p className="back-link">
        <Link to={agreementsHref(m.code)}>{t("agreements.toList")}</Link>
      </p>
      <h1>{t("agreements.compareTitle")}</h1>
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      <form id={formId} className="field-row compare-form" onSubmit={submit} data-testid="compare-form">
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
        <button
          type="submit"
          className="field-button"
          disabled={a === "" || b === ""}
          data-testid="compare-go"
        >
          {t("agreements.compareDo")}
        </button>
      </form>
      <div aria-busy={both && !comparison && !res.error ? true : undefined}>{body}</div>
    </div>
  );
}
