/**
 * What adoption changed: every figure the agreement moved, with the base budget, the adopted
 * figure, the difference and the items that made it (GET …/adoption). An agreement registered
 * as adopted (record) changed no figures and has no trace.
 */
import { useId } from "react";
import { ScrollTable } from "../../components/ScrollTable.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { t } from "../../i18n/da.ts";
import {
  type AdoptedFigure,
  type AgreementDetail,
  differenceOf,
  kindText,
  moneyDecimals,
  thousands,
} from "../../lib/agreements.ts";
import { useApi } from "../../lib/api.ts";

export function AdoptionTrace({ url, agreement: a }: { url: string; agreement: AgreementDetail }) {
  const titleId = useId();
  const res = useApi<{ figures: AdoptedFigure[] }>(`${url}/adoption`);
  const figures = res.data && !res.stale ? res.data.figures : undefined;
  let body: React.ReactNode;
  if (res.error) body = <ErrorState error={res.error} onRetry={res.reload} />;
  else if (!figures) body = <Loading />;
  else if (figures.length === 0) {
    body = (
      <p data-testid="adoption-empty">
        {a.adoptedMode === "record" ? t("agreements.traceRecorded") : t("agreements.traceEmpty")}
      </p>
    );
  } else {
    const decimals = moneyDecimals(
      figures.flatMap((f) => [f.base, f.adopted, ...f.changes.map((c) => c.amount)]),
    );
    const caption = t("agreements.traceCaption", { count: figures.length });
    body = (
      <ScrollTable label={caption}>
        <table className="data adoption-table" data-testid="adoption-table">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("agreements.traceNode")}</th>
              <th scope="col">{t("agreements.traceAccount")}</th>
              <th scope="col" className="num">
                {t("agreements.traceYear")}
              </th>
              <th scope="col" className="num">
                {t("agreements.traceBase")}
              </th>
              <th scope="col" className="num">
                {t("agreements.traceAdopted")}
              </th>
              <th scope="col" className="num">
                {t("agreements.traceChange")}
              </th>
              <th scope="col">{t("agreements.traceItems")}</th>
            </tr>
          </thead>
          <tbody>
            {figures.map((f) => (
              <tr key={`${f.node}|${f.accountId ?? ""}|${f.year}`} data-testid="adoption-row">
                <th scope="row">{f.nodeName}</th>
                <td className="nowrap">
                  {f.accountId === null
                    ? t("agreements.traceNoAccount")
                    : t("agreements.traceAccountId", { id: f.accountId })}
                </td>
                <td className="num nowrap">
                  {f.year}
                  <span className="muted figure-kind">
                    {f.kind === "budget" ? t("amountKind.budget") : t("amountKind.estimate")}
                  </span>
                </td>
                <td className="num">{thousands(f.base, decimals)}</td>
                <td className="num">{thousands(f.adopted, decimals)}</td>
                <td className="num">{thousands(differenceOf(f.base, f.adopted), decimals)}</td>
                <td>
                  <ul className="changes">
                    {f.changes.map((c) => (
                      <li key={c.key}>
                        {t("agreements.traceChangeItem", {
                          kind: kindText(c.kind),
                          label: c.label,
                          amount: thousands(c.amount, decimals),
                        })}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
    );
  }
  return (
    <section className="step adoption-trace" aria-labelledby={titleId} data-testid="adoption-trace">
      <h2 id={titleId}>{t("agreements.traceTitle")}</h2>
      <p className="help">{t("agreements.traceIntro")}</p>
      {body}
    </section>
  );
}
