/**
 * Reading a proposals catalogue into the municipality, in its printed text form (seed 003's layout)
 * or as the Excel workbook the page downloads: the file goes to the server as base64; the answer
 * says how many proposals were created, changed and unchanged and what the checks found, or why
 * nothing was stored (each error with its sheet, line and column).
 */
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { ErrorState, Loading } from "../components/States.tsx";
import { t } from "../i18n/da.ts";
import { type ApiError, apiSend, asApiError } from "../lib/api.ts";
import { readAsBase64 } from "../lib/files.ts";
import { formatNumber } from "../lib/format.ts";
import { proposalsHref } from "../lib/paths.ts";
import { checksSummary, severityLabel, sortWarnings } from "../lib/proposals.ts";
import { Link } from "../lib/router.tsx";
import type { CatalogueImportResult, FileError, Municipality } from "../lib/types.ts";

type Outcome = { type: "done"; result: CatalogueImportResult } | { type: "failed"; error: ApiError };

/** "Ark »Skema 2.1.2. 06«, linje 4, kolonne »2024«: …"; a text file's error as "Linje 8: …". */
function fileErrorText(e: FileError & { sheet?: string }): string {
  if (e.sheet === undefined && e.column === undefined) {
    return e.line ? t("proposals.importErrorLine", { line: e.line, reason: e.reason }) : e.reason;
  }
  const where = [
    e.sheet !== undefined ? t("proposals.importErrorSheet", { sheet: e.sheet }) : "",
    e.line ? t("proposals.importErrorRow", { line: e.line }) : "",
    e.column !== undefined ? t("proposals.importErrorColumn", { column: e.column }) : "",
  ]
    .filter((x) => x !== "")
    .join(", ");
  const text = where.charAt(0).toLocaleUpperCase("da") + where.slice(1);
  return t("proposals.importErrorAt", { where: text, reason: e.reason });
}

function ImportFailure({ error }: { error: ApiError }) {
  const errors = error.body.errors ?? [];
  const issues = error.body.issues ?? [];
  if (error.status === 401 || error.status === 403) return <ErrorState error={error} />;
  return (
    <div className="message message-error" data-testid="catalogue-import-errors">
      <h3 tabIndex={-1} data-autofocus="outcome">
        {t("proposals.importFailed")}
      </h3>
      <p role="alert">{error.message}</p>
      {errors.length > 0 || issues.length > 0 ? (
        <ul>
          {errors.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: errors are positional.
            <li key={`e${i}`}>{fileErrorText(e)}</li>
          ))}
          {issues.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: issues are positional.
            <li key={`i${i}`}>{e.field === "" ? e.reason : `${e.field}: ${e.reason}`}</li>
          ))}
        </ul>
      ) : null}
      {error.body.omitted ? <p>{t("import.omitted", { count: formatNumber(error.body.omitted) })}</p> : null}
      <p>{t("proposals.importFailedIntro")}</p>
    </div>
  );
}

export function CatalogueImport({
  municipality: m,
  shown,
  onImported,
}: {
  municipality: Municipality;
  /** The catalogue the page shows now (a link leads to another one that was imported). */
  shown: string | null;
  onImported: (result: CatalogueImportResult) => void;
}) {
  const [file, setFile] = useState<File | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const outcomeRef = useRef<HTMLDivElement>(null);
  const ids = { heading: useId(), file: useId(), help: useId(), problem: useId() };

  useEffect(() => {
    if (outcome) outcomeRef.current?.querySelector<HTMLElement>("[data-autofocus=outcome]")?.focus();
  }, [outcome]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setProblem(undefined);
    setOutcome(undefined);
    if (!file) {
      setProblem(t("proposals.importNeedFile"));
      return;
    }
    setBusy(true);
    try {
      let content: string;
      try {
        content = await readAsBase64(file);
      } catch {
        setProblem(t("import.fileUnreadable"));
        return;
      }
      const result = await apiSend<CatalogueImportResult>(
        "POST",
        `/api/municipalities/${encodeURIComponent(m.code)}/proposals/import`,
        { fileName: file.name, content },
      );
      setOutcome({ type: "done", result });
      onImported(result);
    } catch (err) {
      setOutcome({ type: "failed", error: asApiError(err) });
    } finally {
      setBusy(false);
    }
  };

  const result = outcome?.type === "done" ? outcome.result : undefined;
  const changed = result ? result.created + result.updated > 0 : false;
  return (
    <section className="step catalogue-import" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>{t("proposals.importTitle")}</h2>
      <p>{t("proposals.importIntro")}</p>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="catalogue-import-form">
        <div className={problem ? "field field-invalid" : "field"}>
          <label htmlFor={ids.file}>{t("proposals.importFile")}</label>
          <input
            id={ids.file}
            type="file"
            accept=".txt,text/plain,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? ids.problem : undefined}
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0]);
              setProblem(undefined);
              setOutcome(undefined);
            }}
            data-testid="catalogue-import-file"
          />
          {problem ? (
            <p id={ids.problem} className="field-error" role="alert">
              {problem}
            </p>
          ) : null}
        </div>
        <p className="actions">
          <button type="submit" disabled={busy} data-testid="catalogue-import-submit">
            {t("proposals.importSubmit")}
          </button>
        </p>
      </form>
      <div aria-busy={busy} ref={outcomeRef} className="outcome">
        {busy ? <Loading label={t("proposals.importing")} /> : null}
        {result ? (
          <div
            className={changed ? "message message-success" : "message"}
            data-testid="catalogue-import-result"
          >
            <h3 tabIndex={-1} data-autofocus="outcome">
              {changed
                ? t("proposals.importDone", { catalogue: result.catalogue })
                : t("proposals.importUnchanged", { catalogue: result.catalogue })}
            </h3>
            <p role="status">
              {t("proposals.importCounts", {
                created: formatNumber(result.created),
                updated: formatNumber(result.updated),
                unchanged: formatNumber(result.unchanged),
              })}{" "}
              {result.warnings.length === 0 ? t("proposals.checksNone") : checksSummary(result.warnings)}
            </p>
            {result.warnings.length > 0 ? (
              <ul className="checks">
                {sortWarnings(result.warnings).map((w, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: findings are positional.
                  <li key={i} className={`check check-${w.severity}`}>
                    <strong className="severity">
                      {t("proposals.severityPrefix", { severity: severityLabel(w.severity) })}
                    </strong>{" "}
                    {w.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {result.catalogue !== shown ? (
              <p>
                <Link to={proposalsHref(m.code, { catalogue: result.catalogue })}>
                  {t("proposals.importShow", { catalogue: result.catalogue })}
                </Link>
              </p>
            ) : null}
          </div>
        ) : null}
        {outcome?.type === "failed" ? <ImportFailure error={outcome.error} /> : null}
      </div>
    </section>
  );
}
