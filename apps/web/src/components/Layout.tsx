import { type ReactNode, useState } from "react";
import { t } from "../i18n/da.ts";
import { isAdministrator, PASSWORD_PATH, SIGN_IN_PATH, signInHref } from "../lib/auth.ts";
import { TOKENS_PATH, USERS_PATH } from "../lib/paths.ts";
import { Link, navigate, useLocation } from "../lib/router.tsx";
import { signOut, useSession } from "../lib/session.ts";

/**
 * Who is signed in, with their account's links and "Log ud"; "Log ind" (back to this page) for
 * anonymous visitors. Nothing until the session is known, so the header does not flicker.
 */
function UserMenu() {
  const session = useSession();
  const location = useLocation();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const user = session.user;
  let content: ReactNode = null;
  if (!session.loaded) content = null;
  else if (!user) {
    content =
      location.path === SIGN_IN_PATH ? null : (
        <ul className="user-links">
          <li>
            <Link to={signInHref(location.href)} data-testid="sign-in-link">
              {t("user.signIn")}
            </Link>
          </li>
        </ul>
      );
  } else {
    const current = (path: string) => (location.path === path ? "page" : undefined);
    content = (
      <>
        <p className="user-who" data-testid="user-name">
          <span className="user-name">{user.displayName}</span>{" "}
          <span className="user-role">{t("user.roleOf", { role: t(`role.${user.role}`) })}</span>
        </p>
        <ul className="user-links">
          <li>
            <Link to={PASSWORD_PATH} aria-current={current(PASSWORD_PATH)}>
              {t("user.changePassword")}
            </Link>
          </li>
          {isAdministrator(user) ? (
            <>
              <li>
                <Link to={USERS_PATH} aria-current={current(USERS_PATH)}>
                  {t("user.users")}
                </Link>
              </li>
              <li>
                <Link to={TOKENS_PATH} aria-current={current(TOKENS_PATH)}>
                  {t("user.tokens")}
                </Link>
              </li>
            </>
          ) : null}
          <li>
            <button
              type="button"
              className="link-button"
              data-testid="sign-out"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                setStatus(t("user.signingOut"));
                signOut()
                  .catch(() => undefined)
                  .finally(() => {
                    setBusy(false);
                    setStatus(t("user.signedOut"));
                    // Account and admin pages mean nothing signed out; the start page does.
                    if (/^\/(admin|konto)(\/|$)/.test(window.location.pathname)) navigate("/");
                    document.getElementById("main")?.focus({ preventScroll: true });
                  });
              }}
            >
              {t("user.signOut")}
            </button>
          </li>
        </ul>
      </>
    );
  }
  return (
    <nav className="user-menu" aria-label={t("user.menu")} data-testid="user-menu">
      {content}
      <p className="visually-hidden" role="status">
        {user ? "" : status}
      </p>
    </nav>
  );
}

/**
 * The page frame: skip link, header with the municipality's name and the user menu, the
 * navigation (when inside a municipality) and the main landmark.
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
          <UserMenu />
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
