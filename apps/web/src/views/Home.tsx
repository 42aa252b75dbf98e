import { ErrorState, Loading } from "../components/States.tsx";
import { t } from "../i18n/da.ts";
import { useApi } from "../lib/api.ts";
import { signInHref } from "../lib/auth.ts";
import { useTitle } from "../lib/hooks.ts";
import { municipalityHref } from "../lib/paths.ts";
import { Link } from "../lib/router.tsx";
import { useSession } from "../lib/session.ts";
import type { Municipality } from "../lib/types.ts";

export function Home() {
  useTitle(t("home.title"));
  const res = useApi<Municipality[]>("/api/municipalities");
  const session = useSession();
  const list = res.data ? [...res.data].sort((a, b) => a.name.localeCompare(b.name, "da")) : undefined;
  return (
    <div aria-busy={res.loading}>
      <h1>{t("home.title")}</h1>
      <p className="lead">{t("home.intro")}</p>
      {res.error ? (
        <ErrorState error={res.error} onRetry={res.reload} />
      ) : list === undefined ? (
        <Loading />
      ) : list.length === 0 ? (
        session.loaded && !session.user ? (
          <p className="message">
            {t("home.emptyAnonymous")} <Link to={signInHref("/")}>{t("user.signIn")}</Link>
          </p>
        ) : (
          <p className="message">{t("home.empty")}</p>
        )
      ) : (
        <ul className="card-list">
          {list.map((m) => (
            <li key={m.id} className="card">
              <h2>
                <Link to={municipalityHref(m.code)}>{m.name}</Link>
              </h2>
              <p className="muted">
                {t("home.code", { code: m.code })} · {t("home.budgetYear", { year: m.settings.budgetYear })}
              </p>
              {m.settings.published === false ? (
                <p className="badge" data-testid="unpublished">
                  {t("home.unpublished")}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
