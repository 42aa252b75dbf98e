/**
 * Hand-made SVG charts of an overview: the node per year, and its composition by row for one
 * column. Each chart has a title, a description, and the same figures as a real table behind
 * a "Vis tabel" toggle. Bars are drawn from the printed figures, labels use the API's text.
 */
import { useId } from "react";
import { t } from "../i18n/da.ts";
import { formatNumber, printedValue } from "../lib/format.ts";
import type { Overview, OverviewRow } from "../lib/types.ts";

const POSITIVE = "#1f5f99";
const NEGATIVE = "#a63a12";

/** Round step sizes (1, 2, 2.5, 5 × 10^n) giving about `count` intervals. */
function ticks(min: number, max: number, count: number): number[] {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  const first = Math.floor(min / step) * step;
  const last = Math.ceil(max / step) * step;
  for (let v = first; v <= last + step / 2; v += step) out.push(Math.round(v / step) * step);
  return out.length >= 2 ? out : [first, first + step];
}

function tickDecimals(values: readonly number[]): number {
  return values.some((v) => Math.abs(v - Math.round(v)) > 1e-9) ? 1 : 0;
}

/** Splits a label into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && `${line} ${word}`.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]}…`;
    return kept;
  }
  return lines;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function ChartTable({
  caption,
  headers,
  rows,
}: {
  caption: string;
  headers: [string, string];
  rows: { label: string; value: string }[];
}) {
  return (
    <details className="chart-table">
      <summary>{t("chart.showTable")}</summary>
      <table className="data">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{headers[0]}</th>
            <th scope="col" className="num">
              {headers[1]}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional.
            <tr key={i}>
              <th scope="row">{r.label}</th>
              <td className="num">{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function PerYearChart({ overview: o }: { overview: Overview }) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const values = o.total.printed.map((p) => printedValue(p, o.unit));
  const columnName = (i: number) => `${o.columns[i]?.year ?? ""} ${o.columns[i]?.label ?? ""}`;
  const title = t("chart.perYearTitle", { name: o.node.name, unit: o.unitLabel });
  let maxAt = 0;
  values.forEach((v, i) => {
    if (v > (values[maxAt] ?? 0)) maxAt = i;
  });
  const desc = t("chart.perYearDesc", {
    first: columnName(0),
    last: columnName(values.length - 1),
    max: `${o.total.text[maxAt] ?? "0"} (${columnName(maxAt)})`,
  });

  const W = 720;
  const H = 300;
  const left = 76;
  const right = 12;
  const top = 26;
  const bottom = 54;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const scale = ticks(Math.min(0, ...values), Math.max(0, ...values), 4);
  const lo = scale[0] ?? 0;
  const hi = scale[scale.length - 1] ?? 1;
  const y = (v: number) => top + ((hi - v) / (hi - lo || 1)) * plotH;
  const band = plotW / Math.max(values.length, 1);
  const decimals = tickDecimals(scale);

  return (
    <section className="chart" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <p id={descId} className="chart-desc">
        {desc}
      </p>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        className="chart-svg"
        preserveAspectRatio="xMinYMin meet"
      >
        <title>{title}</title>
        {scale.map((v) => (
          <g key={v}>
            <line x1={left} x2={W - right} y1={y(v)} y2={y(v)} className={v === 0 ? "axis" : "grid"} />
            <text x={left - 8} y={y(v)} dy="0.32em" textAnchor="end" className="tick">
              {formatNumber(v, decimals)}
            </text>
          </g>
        ))}
        {values.map((v, i) => {
          const x = left + i * band;
          const y0 = y(Math.max(v, 0));
          const h = Math.max(Math.abs(y(v) - y(0)), v === 0 ? 0 : 1);
          const c = o.columns[i];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional.
            <g key={i}>
              <rect
                x={x + band * 0.18}
                width={band * 0.64}
                y={y0}
                height={h}
                fill={v < 0 ? NEGATIVE : POSITIVE}
              />
              <text x={x + band / 2} y={v < 0 ? y(v) + 14 : y0 - 6} textAnchor="middle" className="value">
                {o.total.text[i]}
              </text>
              <text x={x + band / 2} y={H - bottom + 18} textAnchor="middle" className="label">
                {c?.year}
              </text>
              {wrap(c?.label ?? "", 13, 2).map((line, k) => (
                <text
                  // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional.
                  key={k}
                  x={x + band / 2}
                  y={H - bottom + 33 + k * 13}
                  textAnchor="middle"
                  className="sublabel"
                >
                  {line}
                </text>
              ))}
            </g>
          );
        })}
      </svg>
      <ChartTable
        caption={title}
        headers={[t("chart.column"), t("chart.amount", { unit: o.unitLabel })]}
        rows={o.total.text.map((value, i) => ({ label: columnName(i), value }))}
      />
    </section>
  );
}

function rowLabel(r: OverviewRow): string {
  return r.ref === null ? t("overview.unallocated") : r.label;
}

export function CompositionChart({
  overview: o,
  column,
  onColumn,
}: {
  overview: Overview;
  column: number;
  onColumn: (index: number) => void;
}) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const selectId = `${id}-column`;
  const col = o.columns[column];
  const columnName = col ? `${col.year} ${col.label}` : "";
  const title = t("chart.compositionTitle", {
    name: o.node.name,
    rows: o.rows.some((r) => r.ref?.kind === "account")
      ? t("chart.compositionRowsAccounts")
      : t("chart.compositionRowsChildren"),
    column: columnName,
    unit: o.unitLabel,
  });
  const desc = t("chart.compositionDesc", { count: o.rows.length });
  const values = o.rows.map((r) => printedValue(r.printed[column] ?? "0", o.unit));

  const W = 720;
  const labelW = 250;
  const valueW = 96;
  const rowH = 28;
  const top = 8;
  const bottom = 30;
  const x1 = labelW + 8;
  const x2 = W - valueW - 8;
  const H = top + Math.max(o.rows.length, 1) * rowH + bottom;
  const scale = ticks(Math.min(0, ...values), Math.max(0, ...values), 4);
  const lo = scale[0] ?? 0;
  const hi = scale[scale.length - 1] ?? 1;
  const x = (v: number) => x1 + ((v - lo) / (hi - lo || 1)) * (x2 - x1);
  const decimals = tickDecimals(scale);
  const plotBottom = top + o.rows.length * rowH;

  return (
    <section className="chart" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <p className="field-inline">
        <label htmlFor={selectId}>{t("chart.year")}</label>
        <select id={selectId} value={column} onChange={(e) => onColumn(Number(e.target.value))}>
          {o.columns.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional.
            <option key={i} value={i}>
              {c.year} {c.label}
            </option>
          ))}
        </select>
      </p>
      <p id={descId} className="chart-desc">
        {desc}
      </p>
      {o.rows.length === 0 ? (
        <p className="message">{t("chart.noRows")}</p>
      ) : (
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
          className="chart-svg"
          preserveAspectRatio="xMinYMin meet"
        >
          <title>{title}</title>
          {scale.map((v) => (
            <g key={v}>
              <line x1={x(v)} x2={x(v)} y1={top} y2={plotBottom} className={v === 0 ? "axis" : "grid"} />
              <text x={x(v)} y={plotBottom + 18} textAnchor="middle" className="tick">
                {formatNumber(v, decimals)}
              </text>
            </g>
          ))}
          {o.rows.map((r, i) => {
            const v = values[i] ?? 0;
            const yTop = top + i * rowH;
            const a = x(Math.min(v, 0));
            const b = x(Math.max(v, 0));
            return (
              <g key={r.ref ? `${r.ref.kind}-${r.ref.id}` : "unallocated"}>
                <text x={labelW} y={yTop + rowH / 2} dy="0.32em" textAnchor="end" className="label">
                  {truncate(rowLabel(r), 30)}
                </text>
                <rect
                  x={a}
                  width={Math.max(b - a, v === 0 ? 0 : 1)}
                  y={yTop + 5}
                  height={rowH - 10}
                  fill={v < 0 ? NEGATIVE : POSITIVE}
                />
                <text x={W - 8} y={yTop + rowH / 2} dy="0.32em" textAnchor="end" className="value">
                  {r.text[column] ?? ""}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <ChartTable
        caption={title}
        headers={[t("chart.row"), t("chart.amount", { unit: o.unitLabel })]}
        rows={o.rows.map((r) => ({ label: rowLabel(r), value: r.text[column] ?? "" }))}
      />
    </section>
  );
}
