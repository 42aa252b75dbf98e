import { t } from "../i18n/da.ts";
import { carryOver, type OverviewParams, overviewHref } from "../lib/overviewParams.ts";
import { Link } from "../lib/router.tsx";
import type { Overview, OverviewRow } from "../lib/types.ts";

/**
 * The multi-year table in seed 000's layout: "År" and the years, the unit and the column kinds,
 * the node's total, then one row per child. Cells show the API's own text (rounded so the table
 * adds up as printed); child rows are links to their own overview.
 */
export function OverviewTable({
  code,
  overview: o,
  params,
}: {
  code: string;
  overview: Overview;
  params: OverviewParams;
}) {
  const label = (r: OverviewRow) => {
    if (r.ref === null) return t("overview.unallocated");
    if (r.ref.kind === "account") return r.label;
    return <Link to={overviewHref(code, r.ref.id, carryOver(params))}>{r.label}</Link>;
  };
  return (
    <div className="table-wrap">
      <table className="overview">
        <caption id="overview-caption">{t("overview.caption", { name: o.node.name })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("overview.yearHeader")}</th>
            {o.columns.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional.
              <th scope="col" className="num" key={i}>
                {c.year}
              </th>
            ))}
          </tr>
          <tr className="kinds">
            <th scope="col">{t("overview.unitHeader", { unit: o.unitLabel })}</th>
            {o.columns.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional.
              <th scope="col" className="num" key={i}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="total">
            <th scope="row">{o.total.label}</th>
            {o.total.text.map((v, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional.
              <td className="num" key={i}>
                {v}
              </td>
            ))}
          </tr>
          {o.rows.map((r) => (
            <tr key={r.ref ? `${r.ref.kind}-${r.ref.id}` : "unallocated"}>
              <th scope="row">{label(r)}</th>
              {r.text.map((v, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional.
                <td className="num" key={i}>
                  {v}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
