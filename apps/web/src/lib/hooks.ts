import { useEffect } from "react";
import { t } from "../i18n/da.ts";

/**
 * Every view names itself in the browser's title bar (and for screen readers). null leaves the
 * title to a view further down (a frame that is only loading or failing names itself).
 */
export function useTitle(title: string | null): void {
  useEffect(() => {
    if (title !== null) document.title = t("app.pageTitle", { title });
  }, [title]);
}
