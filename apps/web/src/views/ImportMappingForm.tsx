/** The mapping form of the import page: kind, unit, price level, levels or node column, account, amounts. */
import { useId, useState } from "react";
import { type MessageKey, t } from "../i18n/da.ts";
import type { AmountKind, MappingKind, Unit } from "../lib/types.ts";
import {
  ACCOUNT_FIELDS,
  type AmountRow,
  type LevelRow,
  type MappingForm,
  nextKey,
  type Placement,
  suggestAmounts,
} from "./mappingForm.ts";

const KINDS: MappingKind[] = ["organisation", "accounts", "amounts", "monthly"];
const UNITS: Unit[] = ["kr", "tkr", "mio"];
const AMOUNT_KINDS: AmountKind[] = ["actual", "original", "corrected", "budget", "estimate"];
const LEVEL_KINDS: LevelRow["kind"][] = ["committee", "area", "unit"];

export function ColumnSelect({
  label,
  value,
  header,
  onChange,
  required = false,
}: {
  label: string;
  value: string;
  header: readonly string[];
  onChange: (v: string) => void;
  required?: boolean;
}) {
  const id = useId();
  const options = value !== "" && !header.includes(value) ? [...header, value] : header;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} required={required} onChange={(e) => onChange(e.target.value)}>
        <option value="">{required ? t("import.chooseColumn") : t("import.noColumn")}</option>
        {options.map((h) => (
          <option key={h} value={h}>
            {h}
          </option>
        ))}
      </select>
    </div>
  );
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly [T, string][];
  onChange: (v: T) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export function MappingFormView({
  form,
  header,
  set,
}: {
  form: MappingForm;
  header: readonly string[];
  set: (f: MappingForm) => void;
}) {
  const [suggestNone, setSuggestNone] = useState(false);
  const patch = (p: Partial<MappingForm>) => set({ ...form, ...p });
  const setLevel = (i: number, p: Partial<LevelRow>) =>
    patch({ levels: form.levels.map((l, k) => (k === i ? { ...l, ...p } : l)) });
  const setAmount = (i: number, p: Partial<AmountRow>) =>
    patch({ amounts: form.amounts.map((a, k) => (k === i ? { ...a, ...p } : a)) });
  const placements: [Placement, MessageKey][] = [
    ["levels", "import.placement.levels"],
    ["node", "import.placement.node"],
  ];
  const placementName = useId();
  const kindId = useId();
  const priceYearId = useId();
  const priceYearHelp = useId();
  const placement = form.kind === "organisation" ? "levels" : form.placement;

  return (
    <div className="mapping-form">
      <div className="field-row">
        <div className="field">
          <label htmlFor={kindId}>{t("import.kind")}</label>
          <select
            id={kindId}
            value={form.kind}
            onChange={(e) => {
              const kind = e.target.value as MappingKind;
              patch({
                kind,
                placement:
                  kind === "accounts" ? "none" : form.placement === "none" ? "levels" : form.placement,
              });
            }}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`import.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        {form.kind === "amounts" || form.kind === "monthly" ? (
          <SelectField
            label={t("import.unit")}
            value={form.unit}
            options={UNITS.map((u) => [u, t(`unit.${u}`)] as [Unit, string])}
            onChange={(unit) => patch({ unit })}
          />
        ) : null}
        {form.kind === "amounts" ? (
          <div className="field">
            <label htmlFor={priceYearId}>{t("import.priceYear")}</label>
            <input
              id={priceYearId}
              type="text"
              inputMode="numeric"
              pattern="\d{4}"
              size={6}
              value={form.priceYear}
              aria-describedby={priceYearHelp}
              onChange={(e) => patch({ priceYear: e.target.value })}
            />
            <p id={priceYearHelp} className="help">
              {t("import.priceYearHelp")}
            </p>
          </div>
        ) : null}
      </div>

      <fieldset>
        <legend>{t("import.placement")}</legend>
        {form.kind !== "organisation" ? (
          <div className="radio-list">
            {placements.map(([v, key]) => (
              <label key={v}>
                <input
                  type="radio"
                  name={placementName}
                  value={v}
                  checked={placement === v}
                  onChange={() => patch({ placement: v })}
                />
                {t(key)}
              </label>
            ))}
            {form.kind === "accounts" ? (
              <label>
                <input
                  type="radio"
                  name={placementName}
                  value="none"
                  checked={placement === "none"}
                  onChange={() => patch({ placement: "none" })}
                />
                {t("import.noColumn")}
              </label>
            ) : null}
          </div>
        ) : null}
        {placement === "levels" ? (
          <ol className="rows">
            {form.levels.map((l, i) => (
              <li key={l.key}>
                <fieldset className="row-fieldset">
                  <legend>{t("import.level", { n: i + 1 })}</legend>
                  <SelectField
                    label={t("import.levelKind")}
                    value={l.kind}
                    options={LEVEL_KINDS.map((k) => [k, t(`kind.${k}`)] as [LevelRow["kind"], string])}
                    onChange={(kind) => setLevel(i, { kind })}
                  />
                  <ColumnSelect
                    label={t("import.levelCode")}
                    value={l.code}
                    header={header}
                    required
                    onChange={(code) => setLevel(i, { code })}
                  />
                  <ColumnSelect
                    label={t("import.levelName")}
                    value={l.name}
                    header={header}
                    onChange={(name) => setLevel(i, { name })}
                  />
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => patch({ levels: form.levels.filter((_, k) => k !== i) })}
                  >
                    {t("import.removeLevel", { n: i + 1 })}
                  </button>
                </fieldset>
              </li>
            ))}
          </ol>
        ) : null}
        {placement === "levels" ? (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              const prev = form.levels[form.levels.length - 1]?.kind;
              const kind = prev === "committee" ? "area" : prev === undefined ? "committee" : "unit";
              patch({ levels: [...form.levels, { key: nextKey(), kind, code: "", name: "" }] });
            }}
          >
            {t("import.addLevel")}
          </button>
        ) : null}
        {placement === "node" ? (
          <ColumnSelect
            label={t("import.nodeColumn")}
            value={form.node}
            header={header}
            required
            onChange={(node) => patch({ node })}
          />
        ) : null}
        {form.kind === "organisation" ? (
          <div className="field-row">
            <ColumnSelect
              label={t("import.validFrom")}
              value={form.validFrom}
              header={header}
              onChange={(validFrom) => patch({ validFrom })}
            />
            <ColumnSelect
              label={t("import.validTo")}
              value={form.validTo}
              header={header}
              onChange={(validTo) => patch({ validTo })}
            />
          </div>
        ) : null}
      </fieldset>

      {form.kind === "accounts" ? (
        <fieldset>
          <legend>{t("import.accountColumns")}</legend>
          <AccountFields form={form} header={header} patch={patch} />
        </fieldset>
      ) : form.kind !== "organisation" ? (
        <details className="optional" open={ACCOUNT_FIELDS.some((k) => form.account[k] !== "")}>
          <summary>{t("import.accountOptional")}</summary>
          <AccountFields form={form} header={header} patch={patch} />
        </details>
      ) : null}

      {form.kind === "amounts" ? (
        <fieldset>
          <legend>{t("import.amountColumns")}</legend>
          <ol className="rows">
            {form.amounts.map((a, i) => (
              <li key={a.key}>
                <fieldset className="row-fieldset">
                  <legend>{t("import.amount", { n: i + 1 })}</legend>
                  <ColumnSelect
                    label={t("import.amountColumn")}
                    value={a.column}
                    header={header}
                    required
                    onChange={(column) => setAmount(i, { column })}
                  />
                  <AmountYear value={a.year} onChange={(year) => setAmount(i, { year })} />
                  <SelectField
                    label={t("import.amountKind")}
                    value={a.kind}
                    options={AMOUNT_KINDS.map((k) => [k, t(`amountKind.${k}`)] as [AmountKind, string])}
                    onChange={(kind) => setAmount(i, { kind })}
                  />
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => patch({ amounts: form.amounts.filter((_, k) => k !== i) })}
                  >
                    {t("import.removeAmount", { n: i + 1 })}
                  </button>
                </fieldset>
              </li>
            ))}
          </ol>
          <p className="actions">
            <button
              type="button"
              className="secondary"
              onClick={() =>
                patch({
                  amounts: [...form.amounts, { key: nextKey(), column: "", year: "", kind: "budget" }],
                })
              }
            >
              {t("import.addAmount")}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                const s = suggestAmounts(header);
                setSuggestNone(s.length === 0);
                if (s.length > 0) patch({ amounts: s });
              }}
            >
              {t("import.suggestAmounts")}
            </button>
          </p>
          {suggestNone ? (
            <p className="help" role="status">
              {t("import.suggestNone")}
            </p>
          ) : null}
        </fieldset>
      ) : null}

      {form.kind === "monthly" ? (
        <fieldset>
          <legend>{t("import.monthlyColumns")}</legend>
          <p className="help">{t("import.monthlyHelp")}</p>
          <div className="field-grid">
            {(["date", "year", "month", "amount"] as const).map((k) => (
              <ColumnSelect
                key={k}
                label={t(`import.monthly.${k}`)}
                value={form.monthly[k]}
                header={header}
                required={k === "amount"}
                onChange={(v) => patch({ monthly: { ...form.monthly, [k]: v } })}
              />
            ))}
          </div>
        </fieldset>
      ) : null}
    </div>
  );
}

function AccountFields({
  form,
  header,
  patch,
}: {
  form: MappingForm;
  header: readonly string[];
  patch: (p: Partial<MappingForm>) => void;
}) {
  return (
    <>
      <p className="help">{t("import.accountHelp")}</p>
      <div className="field-grid">
        {ACCOUNT_FIELDS.map((k) => (
          <ColumnSelect
            key={k}
            label={t(`import.account.${k}`)}
            value={form.account[k]}
            header={header}
            onChange={(v) => patch({ account: { ...form.account, [k]: v } })}
          />
        ))}
      </div>
    </>
  );
}

function AmountYear({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t("import.amountYear")}</label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        pattern="\d{4}"
        size={6}
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
