/**
 * The agreement's effect per year on every committee and area (units only where something
 * changes), the service frame and the total, in 1.000 kr. Every figure that is not zero is a
 * button that shows which items make it up.
 */
import { useEffect, useId, useRef } from "react";
import { ScrollTable } from "../../components/ScrollTable.tsx";
import { t } from "../../i18n/da.ts";
import {
  allEffectMoney,
  contributionOf,
  type Effect,
  effectRows,
  moneyDecimals,
  sumMoney,
  thousands,
} from "../../lib/agreements.ts";

export interface SelectedCell {
  code: string;
  name: string;
  year: number;
  value: string;
}

function depthClass(depth: number): string {
  return `depth-${Math.max(0, Math.min(depth, 6))}`;
}

function Cell({
  code,
  name,
  year,
  value,
  decimals,
  selected,
  detailId,
  onSelect,
}: {
  code: string;
  name: string;
  year: number;
  value: string;
  decimals: number;
  selected: SelectedCell | null;
  detailId: string;
  onSelect: (cell: SelectedCell | null) => void;
}) {
  const text = thousands(value, decimals);
  if (BigInt(value) === 0n) {
    return <td className="num amount zero">{text}</td>;
  }
  const isSelected = selected?.code === code && selected.year === year;
  return (
    <td className={isSelected ? "num amount selected" : "num amount"}>
      <button
        type="button"
        className="cell-button"
        aria-expanded={isSelected}
        aria-controls={detailId}
        aria-label={t("agreements.cellLabel", { amount: text, name, year })}
        onClick={() => onSelect(isSelected ? null : { code, name, year, value })}
        data-code={code}
        data-year={year}
      >
        {text}
      </button>
    </td>
  );
}

/** The chosen figure as the effect has it now (it follows the editing). */
function currentValue(effect: Effect, cell: SelectedCell): string {
  const i = effect.years.indexOf(cell.year);
  if (i < 0) return "0";
  if (effect.rows[0]?.code === cell.code) return effect.total[i] ?? "0";
  return effect.rows.find((r) => r.code === cell.code)?.values[i] ?? "0";
}

/** Which items make up the chosen figure, each linking to its item. */
function Contributions({
  effect,
  cell,
  decimals,
  onClose,
  onShowItem,
}: {
  effect: Effect;
  cell: SelectedCell;
  decimals: number;
  onClose: () => void;
  onShowItem: (key: string) => void;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const contribution = contributionOf(effect, cell.code, cell.year);
  const items = contribution?.items ?? [];
  // The heading takes focus when another figure is chosen, so the answer is read out.
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section className="contributions" aria-labelledby={headingId} data-testid="effect-contributions">
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        {t("agreements.contributionsTitle", {
          amount: thousands(currentValue(effect, cell), decimals),
          name: cell.name,
          year: cell.year,
        })}
      </h3>
      {items.length === 0 ? (
        <p>{t("agreements.contributionsNone")}</p>
      ) : (
        <ul className="contribution-list">
          {items.map((i) => (
            <li key={i.key} data-testid="effect-contribution">
              <a
                href={`#${encodeURIComponent(i.key)}`}
                onClick={(e) => {
                  e.preventDefault();
                  onShowItem(i.key);
                }}
              >
                {i.label}
              </a>
              : <span className="nowrap">{thousands(i.amount, decimals)}</span>
            </li>
          ))}
        </ul>
      )}
      {items.length > 1 ? (
        <p className="muted">
          {t("agreements.contributionsSum", {
            amount: thousands(sumMoney(items.map((i) => i.amount)), decimals),
          })}
        </p>
      ) : null}
      <p className="actions">
        <button type="button" className="secondary small" onClick={onClose}>
          {t("agreements.contributionsClose")}
        </button>
      </p>
    </section>
  );
}

export function EffectTable({
  effect,
  caption,
  selected,
  onSelect,
  onShowItem,
  busy = false,
}: {
  effect: Effect;
  caption: string;
  selected: SelectedCell | null;
  onSelect: (cell: SelectedCell | null) => void;
  onShowItem: (key: string) => void;
  busy?: boolean;
}) {
  const detailId = useId();
  const decimals = moneyDecimals(allEffectMoney(effect));
  const root = effect.rows[0];
  const rows = effectRows(effect);
  const cellProps = { decimals, selected, detailId, onSelect };
  return (
    <>
      <ScrollTable label={caption}>
        <table className="data effect-table" data-testid="effect-table" aria-busy={busy || undefined}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("agreements.effectNode")}</th>
              {effect.years.map((y) => (
                <th scope="col" className="num" key={y}>
                  {y}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.code} className={`effect-${r.kind}`} data-code={r.code} data-testid="effect-row">
                <th scope="row" className={depthClass(r.depth - 1)}>
                  {r.name}
                </th>
                {effect.years.map((y, i) => (
                  <Cell
                    key={y}
                    code={r.code}
                    name={r.name}
                    year={y}
                    value={r.values[i] ?? "0"}
                    {...cellProps}
                  />
                ))}
              </tr>
            ))}
            <tr className="service-row" data-testid="effect-service">
              <th scope="row">{t("agreements.serviceFrame")}</th>
              {effect.years.map((y, i) => (
                <td key={y} className="num amount">
                  {thousands(effect.serviceFrame[i] ?? "0", decimals)}
                </td>
              ))}
            </tr>
            <tr className="total-row" data-testid="effect-total">
              <th scope="row">{t("agreements.total")}</th>
              {effect.years.map((y, i) =>
                root ? (
                  <Cell
                    key={y}
                    code={root.code}
                    name={t("agreements.total")}
                    year={y}
                    value={effect.total[i] ?? "0"}
                    {...cellProps}
                  />
                ) : (
                  <td key={y} className="num amount">
                    {thousands(effect.total[i] ?? "0", decimals)}
                  </td>
                ),
              )}
            </tr>
          </tbody>
        </table>
      </ScrollTable>
      <div id={detailId}>
        {selected ? (
          <Contributions
            key={`${selected.code}:${selected.year}`}
            effect={effect}
            cell={selected}
            decimals={decimals}
            onClose={() => onSelect(null)}
            onShowItem={onShowItem}
          />
        ) : null}
      </div>
    </>
  );
}
