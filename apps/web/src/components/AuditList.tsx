/** The audit entries about one thing (a user, a unit, a mapping), oldest first, with what changed. */
import { t } from "../i18n/da.ts";
import { useApi } from "../lib/api.ts";
import { actionText, actorText, auditChanges, valueText } from "../lib/audit.ts";
import { formatDateTime } from "../lib/format.ts";
import type { AuditEntry } from "../lib/types.ts";
import { ScrollTable } from "./ScrollTable.tsx";
import { ErrorState, Loading } from "./States.tsx";

export function AuditTable({
  entries,
  fieldLabel = (f) => f,
  valueLabel = (_f, v) => valueText(v),
  testId,
}: {
  entries: readonly AuditEntry[];
  fieldLabel?: (field: string) => string;
  valueLabel?: (field: string, value: unknown) => string;
  testId?: string;
}) {
  if (entries.length === 0) return <p data-testid={testId}>{t("audit.empty")}</p>;
  return (
    <ScrollTable label={t("audit.caption", { count: entries.length })}>
      <table className="data audit" data-testid={testId}>
        <caption>{t("audit.caption", { count: entries.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("audit.when")}</th>
            <th scope="col">{t("audit.who")}</th>
            <th scope="col">{t("audit.action")}</th>
            <th scope="col">{t("audit.changes")}</th>
            <th scope="col">{t("audit.reason")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const changes = auditChanges(e.before, e.after);
            return (
              <tr key={e.id}>
                <th scope="row" className="nowrap">
                  <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                </th>
                <td>{actorText(e.actor)}</td>
                <td>{actionText(e.action)}</td>
                <td>
                  {changes.length === 0 ? (
                    t("audit.none")
                  ) : (
                    <ul className="changes">
                      {changes.map((c) => (
                        <li key={c.field}>
                          {c.field === ""
                            ? t("audit.value", {
                                before: valueLabel("", c.before),
                                after: valueLabel("", c.after),
                              })
                            : t("audit.change", {
                                field: fieldLabel(c.field),
                                before: valueLabel(c.field, c.before),
                                after: valueLabel(c.field, c.after),
                              })}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>{e.reason ?? t("audit.none")}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/** Fetches url (an AuditEntry[]) and shows it. */
export function AuditList({
  url,
  fieldLabel,
  valueLabel,
  testId,
}: {
  url: string;
  fieldLabel?: (field: string) => string;
  valueLabel?: (field: string, value: unknown) => string;
  testId?: string;
}) {
  const res = useApi<AuditEntry[]>(url);
  return (
    <div aria-busy={res.loading}>
      {res.error ? <ErrorState error={res.error} onRetry={res.reload} /> : null}
      {res.loading && !res.data ? <Loading /> : null}
      {res.data && !res.stale ? (
        <AuditTable entries={res.data} fieldLabel={fieldLabel} valueLabel={valueLabel} testId={testId} />
      ) : null}
    </div>
  );
}
