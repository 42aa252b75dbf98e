import type { ReactNode } from "react";
import { t } from "../i18n/da.ts";
import type { ApiError } from "../lib/api.ts";
import { passwordHref, signInHref } from "../lib/auth.ts";
import { Link, useLocation } from "../lib/router.tsx";

/** A visible "Henter…" that screen readers announce; the region being filled carries aria-busy. */
export function Loading({ label = t("state.loading") }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export interface WayOn {
  href: string;
  label: string;
}

/** The heading of a page that failed with error: not found, sign in, no access, or went wrong. */
export function errorTitle(error: ApiError): string {
  if (error.status === 404) return t("state.notFoundTitle");
  if (error.status === 401) return t("auth.requiredTitle");
  if (error.status === 403 && error.code === "password_change_required")
    return t("auth.passwordRequiredTitle");
  if (error.status === 403 && error.code !== "csrf") return t("auth.forbiddenTitle");
  return t("state.errorTitle");
}

/** Not signed in (or no longer): a way to sign in that comes back to this page. */
export function SignInRequired({ text = t("auth.requiredText") }: { text?: string }) {
  const location = useLocation();
  return (
    <div className="message message-error" role="alert" data-testid="sign-in-required">
      <h2>{t("auth.requiredTitle")}</h2>
      <p>{text}</p>
      <p className="actions">
        <Link className="button-link" to={signInHref(location.href)}>
          {t("auth.signInLink")}
        </Link>
      </p>
    </div>
  );
}

/** Signed in, but the role (or the units) do not reach this. */
export function NoAccess({
  text = t("auth.forbiddenText"),
  wayOn,
}: {
  text?: string;
  wayOn?: WayOn | undefined;
}) {
  const way = wayOn ?? { href: "/", label: t("state.toStart") };
  return (
    <div className="message message-error" role="alert" data-testid="no-access">
      <h2>{t("auth.forbiddenTitle")}</h2>
      <p>{text}</p>
      <p className="actions">
        <Link className="button-link" to={way.href}>
          {way.label}
        </Link>
      </p>
    </div>
  );
}

/** The server refuses everything until the user has chosen a new password. */
export function PasswordRequired() {
  const location = useLocation();
  return (
    <div className="message message-error" role="alert">
      <h2>{t("auth.passwordRequiredTitle")}</h2>
      <p>{t("auth.passwordRequiredText")}</p>
      <p className="actions">
        <Link className="button-link" to={passwordHref(location.href)}>
          {t("auth.toPassword")}
        </Link>
      </p>
    </div>
  );
}

/**
 * A clear Danish message and a way on: try again, or go somewhere that works. A 401 becomes a
 * way to sign in (and back here), a 403 says that the user has no access.
 */
export function ErrorState({
  error,
  onRetry,
  wayOn,
  title = t("state.errorTitle"),
  children,
}: {
  error: ApiError | string;
  onRetry?: () => void;
  wayOn?: WayOn;
  title?: string;
  children?: ReactNode;
}) {
  if (typeof error !== "string" && error.status === 401) {
    return <SignInRequired text={t("auth.expiredText")} />;
  }
  if (typeof error !== "string" && error.status === 403) {
    if (error.code === "password_change_required") return <PasswordRequired />;
    if (error.code !== "csrf")
      return <NoAccess text={error.message || t("auth.forbiddenText")} wayOn={wayOn} />;
  }
  return (
    <div className="message message-error" role="alert">
      <h2>{title}</h2>
      <p>{typeof error === "string" ? error : error.message}</p>
      {children}
      {onRetry || wayOn ? (
        <p className="actions">
          {onRetry ? (
            <button type="button" onClick={onRetry}>
              {t("state.retry")}
            </button>
          ) : null}
          {wayOn ? (
            <Link className="button-link" to={wayOn.href}>
              {wayOn.label}
            </Link>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
