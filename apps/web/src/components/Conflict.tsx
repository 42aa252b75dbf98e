/**
 * A 409: someone else saved first. Shows what is there now next to what I tried to save, and lets
 * me reload (discard mine), merge (keep both where possible, choosing where we both changed the
 * same field) or overwrite. The heading takes focus when the panel appears.
 */
import { type ReactNode, useEffect, useId, useRef } from "react";
import { t } from "../i18n/da.ts";
import { type Choice, conflictKey, type MergeConflict } from "../lib/merge.ts";
import { ScrollTable } from "./ScrollTable.tsx";

export interface CompareRow {
  label: string;
  current: string;
  mine: string;
}

export function ConflictPanel({
  message,
  rows,
  onReload,
  onMerge,
  mergeHelp,
  onOverwrite,
  busy = false,
  children,
}: {
  message: string;
  rows: readonly CompareRow[];
  onReload: () => void;
  onMerge?: (() => void) | undefined;
  mergeHelp?: string;
  onOverwrite?: (() => void) | undefined;
  busy?: boolean;
  children?: ReactNode;
}) {
  const headingId = useId();
  const helpId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section className="conflict" aria-labelledby={headingId} data-testid="conflict">
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        {t("conflict.title")}
      </h3>
      <p role="alert" data-testid="conflict-message">
        {message}
      </p>
      {rows.length > 0 ? (
        <ScrollTable label={t("conflict.compareCaption")}>
          <table className="data compact">
            <caption>{t("conflict.compareCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("conflict.field")}</th>
                <th scope="col">{t("conflict.current")}</th>
                <th scope="col">{t("conflict.mine")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.label} className={r.current === r.mine ? undefined : "differs"}>
                  <th scope="row">{r.label}</th>
                  <td data-testid="conflict-current">{r.current}</td>
                  <td data-testid="conflict-mine">{r.mine}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      ) : null}
      {children}
      <ul id={helpId} className="help conflict-help">
        <li>{t("conflict.reloadHelp")}</li>
        {onMerge ? <li>{mergeHelp ?? t("conflict.mergeHelp")}</li> : null}
        {onOverwrite ? <li>{t("conflict.overwriteHelp")}</li> : null}
      </ul>
      <p className="actions">
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-describedby={helpId}
          onClick={onReload}
          data-testid="conflict-reload"
        >
          {t("conflict.reload")}
        </button>
        {onMerge ? (
          <button
            type="button"
            disabled={busy}
            aria-describedby={helpId}
            onClick={onMerge}
            data-testid="conflict-merge"
          >
            {t("conflict.merge")}
          </button>
        ) : null}
        {onOverwrite ? (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            aria-describedby={helpId}
            onClick={onOverwrite}
            data-testid="conflict-overwrite"
          >
            {t("conflict.overwrite")}
          </button>
        ) : null}
      </p>
    </section>
  );
}

/** One choice per field both sides changed: keep mine, or use the current value. */
export function ConflictChoices({
  conflicts,
  choices,
  onChoose,
  labelOf,
  textOf,
}: {
  conflicts: readonly MergeConflict[];
  choices: Readonly<Record<string, Choice>>;
  onChoose: (key: string, choice: Choice) => void;
  labelOf: (path: readonly string[]) => string;
  textOf: (path: readonly string[], value: unknown) => string;
}) {
  const name = useId();
  if (conflicts.length === 0) return <p>{t("conflict.noConflicts")}</p>;
  return (
    <div className="conflict-choices">
      {conflicts.map((c, i) => {
        const key = conflictKey(c.path);
        const choice = choices[key] ?? "theirs";
        return (
          <fieldset key={key} data-testid="conflict-choice">
            <legend>{t("conflict.choose", { field: labelOf(c.path) })}</legend>
            <div className="radio-list">
              <label>
                <input
                  type="radio"
                  name={`${name}-${i}`}
                  value="mine"
                  checked={choice === "mine"}
                  onChange={() => onChoose(key, "mine")}
                />
                {t("conflict.keepMine", { value: textOf(c.path, c.mine) })}
              </label>
              <label>
                <input
                  type="radio"
                  name={`${name}-${i}`}
                  value="theirs"
                  checked={choice === "theirs"}
                  onChange={() => onChoose(key, "theirs")}
                />
                {t("conflict.useTheirs", { value: textOf(c.path, c.theirs) })}
              </label>
            </div>
          </fieldset>
        );
      })}
    </div>
  );
}
