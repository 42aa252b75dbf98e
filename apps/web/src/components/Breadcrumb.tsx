import { t } from "../i18n/da.ts";
import { type OverviewParams, overviewHref } from "../lib/overviewParams.ts";
import { Link } from "../lib/router.tsx";
import type { RowRef } from "../lib/types.ts";

/** Municipality › committee › area: every step but the last is a link. */
export function Breadcrumb({
  code,
  path,
  params,
}: {
  code: string;
  path: readonly RowRef[];
  params: OverviewParams;
}) {
  return (
    <nav className="breadcrumb" aria-label={t("breadcrumb.label")}>
      <ol>
        {path.map((p, i) => (
          <li key={p.id}>
            {i === path.length - 1 ? (
              <span aria-current="page">{p.name}</span>
            ) : (
              <Link to={overviewHref(code, i === 0 ? null : p.id, params)}>{p.name}</Link>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
