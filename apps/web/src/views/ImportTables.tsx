/** The import page's tables: the file's first rows, the preview, and the errors of a refused import. */
import type { RefObject } from "react";
import { ScrollTable } from "../components/ScrollTable.tsx";
import { type MessageKey, t } from "../i18n/da.ts";
import type { ApiError } from "../lib/api.ts";
import { formatNumber, formatOre } from "../lib/format.ts";
import type { AmountKind, Cell, ImportResult, InspectedFile } from "../lib/types.ts";

const AMOUNT_KINDS: AmountKind[] = ["actual", "original", "corrected", "budget", "estimate"];

export interface LoadedFile {
  name: string;
  content: string;
}

function cellText(c: Cell): string {
  if (c === null) return "";
  return typeof c === "number" ? String(c).replace(".", ",") : c;
}

export function separatorName(s: string | null | undefined): string {
  if (s === ";") return t("import.sepSemicolon");
  if (s === ",") return t("import.sepComma");
  if (s === "\t") return t("import.sepTab");
  return s ?? "–";
}

/** "2025 budget" from the preview → "2025 Budget"; monthly labels ("2024-03") stay as they are. */
function previewLabel(label: string): string {
  const [year, kind] = label.split(" ");
  if (kind && (AMOUNT_KINDS as string[]).includes(kind))
    return `${year} ${t(`amountKind.${kind as AmountKind}`)}`;
  return label;
}

export function FilePreview({ file, inspected }: { file: LoadedFile; inspected: InspectedFile }) {
  const rows = inspected.rows;
  return (
    <>
      <p>
        {t("import.fileSummary", {
          file: file.name,
          rows: formatNumber(inspected.rowCount ?? rows.length),
        })}{" "}
        {inspected.sheet
          ? t("import.fileSheet", { sheet: inspected.sheet })
          : t("import.fileDetails", {
              encoding: inspected.encoding ?? "–",
              separator: separatorName(inspected.separator),
            })}
      </p>
      <ScrollTable className="table-wrap scroll" label={t("import.firstRows")}>
        <table className="data compact">
          <caption>{t("import.firstRowsCaption", { count: rows.length, file: file.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("import.lineHeader")}</th>
              {inspected.header.map((h, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional.
                <th scope="col" key={i}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional.
              <tr key={i}>
                <th scope="row">{i + 2}</th>
                {inspected.header.map((_, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional.
                  <td key={j}>{cellText(r[j] ?? null)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
    </>
  );
}

const SUBFIELD: Record<string, MessageKey> = {
  code: "import.levelCode",
  name: "import.levelName",
  kind: "import.levelKind",
  column: "import.amountColumn",
  year: "import.amountYear",
};

/** "body.mapping.levels.0.code" → "Niveau 1: Kolonne med kode", in the form's own words. */
function fieldName(field: string): string {
  const p = field.replace(/^body\./, "").split(".");
  if (p[0] !== "mapping") return p.join(".");
  if (p.length === 1) return t("import.fieldMapping");
  const n = Number(p[2]);
  const list = p[1] === "levels" ? "import.level" : p[1] === "amounts" ? "import.amount" : undefined;
  if (list && Number.isInteger(n)) {
    const sub = p[3] === undefined ? undefined : SUBFIELD[p[3]];
    const kind = p[1] === "amounts" && p[3] === "kind" ? "import.amountKind" : sub;
    return `${t(list, { n: n + 1 })}${kind ? `: ${t(kind)}` : ""}`;
  }
  return p.slice(1).join(".");
}

export function ImportErrors({
  error,
  headingRef,
}: {
  error: ApiError;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const errors = error.body.errors ?? [];
  const issues = error.body.issues ?? [];
  const file = errors[0]?.file ?? "";
  const isMapping = issues.length > 0 && errors.length === 0;
  return (
    <>
      <div className="message message-error">
        <h3 ref={headingRef} tabIndex={-1}>
          {isMapping ? t("import.requestInvalidTitle") : t("import.failedTitle")}
        </h3>
        <p role="alert">{error.message}</p>
        <p>{t("import.failedIntro")}</p>
      </div>
      {errors.length > 0 ? (
        <ScrollTable className="table-wrap scroll" label={t("import.errorsCaption", { file })}>
          <table className="data errors">
            <caption>{t("import.errorsCaption", { file })}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t("import.errLine")}
                </th>
                <th scope="col">{t("import.errColumn")}</th>
                <th scope="col">{t("import.errField")}</th>
                <th scope="col">{t("import.errReason")}</th>
              </tr>
            </thead>
            <tbody>
              {errors.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: errors are positional.
                <tr key={i}>
                  <th scope="row" className="num">
                    {e.line ?? t("import.wholeFile")}
                  </th>
                  <td>{e.column ?? ""}</td>
                  <td>{e.field ?? ""}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      ) : null}
      {issues.length > 0 ? (
        <table className="data errors">
          <caption>{t("import.requestInvalidTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("import.errField")}</th>
              <th scope="col">{t("import.errReason")}</th>
            </tr>
          </thead>
          <tbody>
            {issues.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: issues are positional.
              <tr key={i}>
                <th scope="row">{fieldName(e.field)}</th>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {error.body.omitted ? <p>{t("import.omitted", { count: formatNumber(error.body.omitted) })}</p> : null}
    </>
  );
}

export function PreviewTable({ result }: { result: ImportResult }) {
  const rows = result.preview ?? [];
  const labels = rows[0]?.values.map((v) => v.label) ?? [];
  const withAccount = rows.some((r) => r.account !== null);
  if (rows.length === 0) {
    return <p>{t("import.previewEmpty")}</p>;
  }
  return (
    <ScrollTable className="table-wrap scroll" label={t("import.previewTitle")}>
      <table className="data preview">
        <caption>{t("import.previewCaption", { count: rows.length })}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              {t("import.lineHeader")}
            </th>
            <th scope="col">{t("import.previewPath")}</th>
            {withAccount ? <th scope="col">{t("import.previewAccount")}</th> : null}
            {labels.map((l, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional.
              <th scope="col" className="num" key={i}>
                {previewLabel(l)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional.
            <tr key={i}>
              <th scope="row" className="num">
                {r.line}
              </th>
              <td>{r.path.join(" › ")}</td>
              {withAccount ? <td>{r.account ?? ""}</td> : null}
              {r.values.map((v, k) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional.
                <td className="num" key={k}>
                  {v.ore === null ? "" : formatOre(v.ore)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
