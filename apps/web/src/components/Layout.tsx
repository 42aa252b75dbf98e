import type { ReactNode } from "react";
import { t } from "../i18n/da.ts";
import { Link } from "../lib/router.tsx";

/**
 * The page frame: skip link, header with the municipality's name, the navigation (when inside a
 * municipality) and the main landmark.
 */
export function Layout({
  title,
  titleHref,
  nav,
  children,
}: {
  title?: string | undefined;
  titleHref?: string | undefined;
  nav?: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipLink")}
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            {t("app.name")}
          </Link>
          {title !== undefined ? (
            <p className="site-title">{titleHref ? <Link to={titleHref}>{title}</Link> : title}</p>
          ) : (
            <p className="site-title site-tagline">{t("app.tagline")}</p>
          )}
        </div>
      </header>
      <div className={nav ? "layout layout-with-nav" : "layout"}>
        {nav}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
      <footer className="site-footer">
        <p>{t("app.footer")}</p>
      </footer>
    </>
  );
}
