import { useEffect, useId, useRef, useState } from "react";
import { AuditList } from "../components/AuditList.tsx";
import { ErrorState, Loading } from "../components/States.tsx";
import { t } from "../i18n/da.ts";
import { ApiError, apiSend, invalidateCache, useApi } from "../lib/api.ts";
import { readAsBase64 } from "../lib/files.ts";
import { formatNumber } from "../lib/format.ts";
import { useTitle } from "../lib/hooks.ts";
import { municipalityHref } from "../lib/paths.ts";
import { Link } from "../lib/router.tsx";
import type {
  ImportResult,
  InspectedFile,
  MappingSpec,
  Municipality,
  SavedMapping,
  StoredMapping,
} from "../lib/types.ts";
import { MappingFormView, SelectField } from "./ImportMappingForm.tsx";
import { SaveMapping } from "./ImportSaveMapping.tsx";
import { FilePreview, ImportErrors, type LoadedFile, PreviewTable } from "./ImportTables.tsx";
import { emptyForm, type FileFormat, fromMapping, type MappingForm, toMapping } from "./mappingForm.ts";

type Outcome =
  | { type: "preview"; result: ImportResult }
  | { type: "imported"; result: ImportResult }
  | { type: "failed"; error: ApiError };

export function ImportPage({ municipality: m }: { municipality: Municipality }) {
  useTitle(`${t("import.title")} – ${m.name}`);
  const mappingsUrl = `/api/municipalities/${encodeURIComponent(m.code)}/mappings`;
  const mappings = useApi<SavedMapping[]>(mappingsUrl);
  const [file, setFile] = useState<LoadedFile | undefined>();
  const [format, setFormat] = useState<FileFormat>({ separator: "", encoding: "", sheet: "" });
  const [inspected, setInspected] = useState<InspectedFile | undefined>();
  const [inspectError, setInspectError] = useState<ApiError | undefined>();
  const [reading, setReading] = useState(false);
  const [mode, setMode] = useState<"saved" | "new">("new");
  const [savedName, setSavedName] = useState("");
  const [form, setForm] = useState<MappingForm>(emptyForm);
  const [saveAs, setSaveAs] = useState(false);
  const [saveName, setSaveName] = useState("");
  const [busy, setBusy] = useState<"preview" | "import" | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const ids = {
    file: useId(),
    fileHelp: useId(),
    sep: useId(),
    enc: useId(),
    sheet: useId(),
    saved: useId(),
  };
  const saveNameId = useId();
  // The saved mapping the form was filled from (its version is sent when saving over it).
  const [source, setSource] = useState<StoredMapping | undefined>();
  const [historyOpen, setHistoryOpen] = useState(false);
  const historyId = useId();

  useEffect(() => {
    if (outcome) resultHeading.current?.focus();
  }, [outcome]);

  const isXlsx = file !== undefined && /\.xlsx$/i.test(file.name);
  const header = inspected?.header ?? [];
  const saved = mappings.data ?? [];
  const savedMapping = saved.find((s) => s.name === savedName);

  const changed = () => {
    setOutcome(undefined);
    setProblem(undefined);
  };

  const inspect = async (f: LoadedFile, fmt: FileFormat) => {
    setReading(true);
    setInspectError(undefined);
    try {
      const body: Record<string, unknown> = { fileName: f.name, content: f.content };
      if (fmt.separator !== "") body.separator = fmt.separator;
      if (fmt.encoding !== "") body.encoding = fmt.encoding;
      const sheet = fmt.sheet.trim();
      if (sheet !== "") body.sheet = /^\d+$/.test(sheet) ? Number(sheet) : sheet;
      setInspected(await apiSend<InspectedFile>("POST", "/api/files/inspect", body));
    } catch (e) {
      setInspected(undefined);
      setInspectError(e instanceof ApiError ? e : new ApiError(0, { error: t("state.networkError") }));
    } finally {
      setReading(false);
    }
  };

  const onFile = async (input: HTMLInputElement) => {
    changed();
    const chosen = input.files?.[0];
    setInspected(undefined);
    setInspectError(undefined);
    if (!chosen) {
      setFile(undefined);
      return;
    }
    setReading(true);
    let content: string;
    try {
      content = await readAsBase64(chosen);
    } catch {
      setReading(false);
      setInspectError(new ApiError(0, { error: t("import.fileUnreadable") }));
      return;
    }
    const loaded = { name: chosen.name, content };
    const fmt: FileFormat = { separator: "", encoding: "", sheet: "" };
    setFile(loaded);
    setFormat(fmt);
    await inspect(loaded, fmt);
  };

  const run = async (dryRun: boolean) => {
    setProblem(undefined);
    if (!file) return setProblem(t("import.needFile"));
    if (mode === "saved" && !savedMapping) return setProblem(t("import.needMapping"));
    if (!dryRun && saveAs && saveName.trim() === "") return setProblem(t("import.needSaveName"));
    const body: Record<string, unknown> = { fileName: file.name, content: file.content, dryRun };
    if (mode === "saved") body.mappingName = savedName;
    else body.mapping = toMapping(form, format) satisfies MappingSpec;
    if (dryRun) body.previewRows = 20;
    else if (saveAs) body.saveMappingAs = saveName.trim();
    setBusy(dryRun ? "preview" : "import");
    setOutcome(undefined);
    try {
      const result = await apiSend<ImportResult>(
        "POST",
        `/api/municipalities/${encodeURIComponent(m.code)}/imports`,
        body,
      );
      if (!dryRun) {
        invalidateCache(`/api/municipalities/${encodeURIComponent(m.code)}/`);
        if (result.savedMapping) mappings.reload();
      }
      setOutcome({ type: dryRun ? "preview" : "imported", result });
    } catch (e) {
      setOutcome({
        type: "failed",
        error: e instanceof ApiError ? e : new ApiError(0, { error: t("state.networkError") }),
      });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="import-page">
      <h1>{t("import.title")}</h1>
      <p className="lead">{t("import.intro")}</p>

      <section className="step" aria-labelledby="step-file">
        <h2 id="step-file">{t("import.step.file")}</h2>
        <div className="field">
          <label htmlFor={ids.file}>{t("import.file")}</label>
          <input
            id={ids.file}
            type="file"
            accept=".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-describedby={ids.fileHelp}
            onChange={(e) => void onFile(e.currentTarget)}
          />
          <p id={ids.fileHelp} className="help">
            {t("import.fileHelp")}
          </p>
        </div>
        {file ? (
          <fieldset className="file-format">
            <legend>{t("import.readAs")}</legend>
            {isXlsx ? (
              <div className="field">
                <label htmlFor={ids.sheet}>{t("import.sheet")}</label>
                <input
                  id={ids.sheet}
                  type="text"
                  size={12}
                  value={format.sheet}
                  onChange={(e) => setFormat({ ...format, sheet: e.target.value })}
                />
              </div>
            ) : (
              <>
                <SelectField
                  label={t("import.separator")}
                  value={format.separator}
                  options={[
                    ["", t("import.auto")],
                    [";", t("import.sepSemicolon")],
                    [",", t("import.sepComma")],
                    ["\t", t("import.sepTab")],
                  ]}
                  onChange={(separator) => setFormat({ ...format, separator })}
                />
                <SelectField
                  label={t("import.encoding")}
                  value={format.encoding}
                  options={[
                    ["", t("import.auto")],
                    ["utf-8", "UTF-8"],
                    ["windows-1252", "Windows-1252"],
                  ]}
                  onChange={(encoding) => setFormat({ ...format, encoding })}
                />
              </>
            )}
            <button
              type="button"
              className="secondary"
              onClick={() => {
                changed();
                void inspect(file, format);
              }}
            >
              {t("import.readAgain")}
            </button>
          </fieldset>
        ) : null}
        <div aria-busy={reading}>
          {reading ? <Loading label={t("import.reading")} /> : null}
          {inspectError ? (
            <ErrorState error={inspectError} title={t("import.fileUnreadable")}>
              {inspectError.body.errors ? (
                <ul>
                  {inspectError.body.errors.map((e, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: errors are positional.
                    <li key={i}>{e.line ? `${t("import.errLine")} ${e.line}: ${e.reason}` : e.reason}</li>
                  ))}
                </ul>
              ) : null}
            </ErrorState>
          ) : null}
          {file && inspected && !reading ? <FilePreview file={file} inspected={inspected} /> : null}
        </div>
      </section>

      <section className="step" aria-labelledby="step-mapping">
        <h2 id="step-mapping">{t("import.step.mapping")}</h2>
        <fieldset>
          <legend>{t("import.mappingSource")}</legend>
          <div className="radio-list">
            <label>
              <input
                type="radio"
                name="mapping-mode"
                value="saved"
                checked={mode === "saved"}
                onChange={() => {
                  changed();
                  setMode("saved");
                }}
              />
              {t("import.useSaved")}
            </label>
            <label>
              <input
                type="radio"
                name="mapping-mode"
                value="new"
                checked={mode === "new"}
                onChange={() => {
                  changed();
                  setMode("new");
                }}
              />
              {t("import.buildNew")}
            </label>
          </div>
        </fieldset>
        {mode === "saved" ? (
          <div aria-busy={mappings.loading}>
            {mappings.error ? <ErrorState error={mappings.error} onRetry={mappings.reload} /> : null}
            {mappings.loading && !mappings.data ? <Loading /> : null}
            {mappings.data && saved.length === 0 ? <p>{t("import.noSaved")}</p> : null}
            {saved.length > 0 ? (
              <div className="field">
                <label htmlFor={ids.saved}>{t("import.savedMapping")}</label>
                <select
                  id={ids.saved}
                  value={savedName}
                  onChange={(e) => {
                    changed();
                    setSavedName(e.target.value);
                    setHistoryOpen(false);
                  }}
                >
                  <option value="">{t("import.chooseMapping")}</option>
                  {saved.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.standard ? `${s.name} ${t("import.standardSuffix")}` : s.name}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            {savedMapping ? (
              <>
                <details>
                  <summary>{t("import.showMapping")}</summary>
                  <pre className="code">{JSON.stringify(savedMapping.mapping, null, 2)}</pre>
                </details>
                <p className="actions">
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      changed();
                      setForm(fromMapping(savedMapping.mapping));
                      setSource(
                        !savedMapping.standard && savedMapping.version !== undefined
                          ? {
                              name: savedMapping.name,
                              mapping: savedMapping.mapping,
                              version: savedMapping.version,
                            }
                          : undefined,
                      );
                      setMode("new");
                    }}
                  >
                    {t("import.copyToForm")}
                  </button>
                  {savedMapping.standard ? null : (
                    <button
                      type="button"
                      className="secondary"
                      aria-expanded={historyOpen}
                      aria-controls={historyId}
                      onClick={() => setHistoryOpen(!historyOpen)}
                      data-testid="mapping-history-toggle"
                    >
                      {historyOpen ? t("import.hideMappingHistory") : t("import.mappingHistory")}
                    </button>
                  )}
                </p>
                <div id={historyId}>
                  {historyOpen && !savedMapping.standard ? (
                    <div className="mapping-history">
                      <h3>{t("import.mappingHistoryTitle", { name: savedMapping.name })}</h3>
                      <AuditList
                        key={savedMapping.name}
                        url={`${mappingsUrl}/${encodeURIComponent(savedMapping.name)}/history`}
                        testId="mapping-history"
                      />
                    </div>
                  ) : null}
                </div>
              </>
            ) : null}
          </div>
        ) : (
          <>
            <MappingFormView
              form={form}
              header={header}
              set={(f) => {
                changed();
                setForm(f);
              }}
            />
            <SaveMapping
              mappingsUrl={mappingsUrl}
              mapping={toMapping(form, format)}
              source={source}
              onSaved={(stored) => {
                setSource(stored);
                mappings.reload();
              }}
              onReloaded={(stored) => {
                setSource(stored);
                setForm(fromMapping(stored.mapping));
                mappings.reload();
              }}
            />
          </>
        )}
      </section>

      <section className="step" aria-labelledby="step-run">
        <h2 id="step-run">{t("import.step.preview")}</h2>
        <div className="save-mapping">
          <label className="checkbox">
            <input type="checkbox" checked={saveAs} onChange={(e) => setSaveAs(e.target.checked)} />
            {t("import.saveAs")}
          </label>
          {saveAs ? (
            <div className="field">
              <label htmlFor={saveNameId}>{t("import.saveName")}</label>
              <input
                id={saveNameId}
                type="text"
                maxLength={100}
                value={saveName}
                onChange={(e) => setSaveName(e.target.value)}
              />
            </div>
          ) : null}
        </div>
        <p className="actions">
          <button
            type="button"
            className="secondary"
            disabled={busy !== undefined}
            onClick={() => void run(true)}
          >
            {t("import.preview")}
          </button>
          <button type="button" disabled={busy !== undefined} onClick={() => void run(false)}>
            {t("import.import")}
          </button>
        </p>
        {problem ? (
          <p className="message message-error" role="alert">
            {problem}
          </p>
        ) : null}
        <div aria-busy={busy !== undefined} className="outcome">
          {busy ? (
            <Loading label={busy === "preview" ? t("import.previewing") : t("import.importing")} />
          ) : null}
          {outcome?.type === "preview" ? (
            <>
              <h3 ref={resultHeading} tabIndex={-1}>
                {t("import.previewTitle")}
              </h3>
              <p role="status">{t("import.previewSummary", { rows: formatNumber(outcome.result.rows) })}</p>
              <PreviewTable result={outcome.result} />
            </>
          ) : null}
          {outcome?.type === "imported" ? (
            <div className={outcome.result.unchanged ? "message" : "message message-success"}>
              <h3 ref={resultHeading} tabIndex={-1}>
                {outcome.result.unchanged ? t("import.unchangedTitle") : t("import.successTitle")}
              </h3>
              <p role="status">
                {outcome.result.unchanged
                  ? t("import.unchanged", { rows: formatNumber(outcome.result.rows) })
                  : t("import.success", {
                      rows: formatNumber(outcome.result.rows),
                      nodes: formatNumber(outcome.result.changed.nodes),
                      accounts: formatNumber(outcome.result.changed.accounts),
                      amounts: formatNumber(outcome.result.changed.amounts),
                      months: formatNumber(outcome.result.changed.months),
                    })}
              </p>
              {outcome.result.savedMapping ? (
                <p>{t("import.savedMappingMsg", { name: outcome.result.savedMapping })}</p>
              ) : null}
              <p>
                <Link to={municipalityHref(m.code)}>{t("import.toOverview", { name: m.name })}</Link>
              </p>
            </div>
          ) : null}
          {outcome?.type === "failed" ? (
            <ImportErrors error={outcome.error} headingRef={resultHeading} />
          ) : null}
        </div>
      </section>
    </div>
  );
}
