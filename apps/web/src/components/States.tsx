import type { ReactNode } from "react";
import { t } from "../i18n/da.ts";
import type { ApiError } from "../lib/api.ts";
import { Link } from "../lib/router.tsx";

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

/** A clear Danish message and a way on: try again, or go somewhere that works. */
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
