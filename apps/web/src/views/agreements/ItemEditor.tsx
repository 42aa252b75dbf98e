/**
 * One item of the agreement in its editing row: kind, label, area (the municipality's
 * appropriation areas and units, by committee), spending category, and by kind the Danish phrase
 * (Regulering), the proposal and its changed amounts (Forslag), the amounts per year and "og
 * fremefter" (DUT-midler), or the amounts per year (Demografipulje); and the text. Amounts are
 * typed in 1.000 kr. Problems show at their fields: the form's own at once, the server's as
 * they come back from the preview.
 */
import { type ReactNode, useId } from "react";
import { SelectBox, TextAreaField, TextField } from "../../components/Fields.tsx";
import { t } from "../../i18n/da.ts";
import {
  type AreaOption,
  CATEGORIES,
  type Category,
  categoryText,
  ITEM_KINDS,
  type ItemField,
  type ItemForm,
  type ItemKind,
  type ItemProblem,
  type ItemProblems,
  kindText,
  overrideKey,
  type ProposalLines,
  problemField,
  proposalAmountText,
} from "../../lib/agreements.ts";

export interface ProposalChoice {
  id: number;
  schedule: string;
  title: string;
  area: string;
}

function AreaSelect({
  value,
  groups,
  onChange,
  error,
}: {
  value: string;
  groups: readonly { committee: string; options: readonly AreaOption[] }[];
  onChange: (code: string) => void;
  error: string[];
}) {
  const id = useId();
  const known = groups.some((g) => g.options.some((o) => o.code === value));
  return (
    <div className={error.length > 0 ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{t("agreements.field.area")}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error.length > 0 || undefined}
        aria-describedby={error.length > 0 ? `${id}-error` : undefined}
        data-testid="item-area"
      >
        <option value="">{t("agreements.field.areaChoose")}</option>
        {value !== "" && !known ? (
          <option value={value}>{t("agreements.field.areaUnknown", { code: value })}</option>
        ) : null}
        {groups.map((g) => (
          <optgroup key={g.committee} label={g.committee}>
            {g.options.map((o) => (
              <option key={o.code} value={o.code}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {error.length > 0 ? (
        <p id={`${id}-error`} className="field-error">
          {error.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

function ProposalSelect({
  value,
  proposals,
  current,
  onChange,
  error,
}: {
  value: string;
  proposals: readonly ProposalChoice[] | undefined;
  current: ProposalChoice | undefined;
  onChange: (id: string) => void;
  error: string[];
}) {
  const id = useId();
  const list = [...(proposals ?? [])];
  if (current && !list.some((p) => p.id === current.id)) list.unshift(current);
  return (
    <div className={error.length > 0 ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{t("agreements.field.proposal")}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error.length > 0 || undefined}
        aria-describedby={`${id}-help${error.length > 0 ? ` ${id}-error` : ""}`}
        data-testid="item-proposal"
      >
        <option value="">{t("agreements.field.proposalChoose")}</option>
        {list.map((p) => (
          <option key={p.id} value={String(p.id)}>
            {t("agreements.field.proposalOption", { schedule: p.schedule, title: p.title })}
          </option>
        ))}
      </select>
      <p id={`${id}-help`} className="help">
        {proposals === undefined ? t("agreements.field.proposalLoading") : t("agreements.field.proposalHelp")}
      </p>
      {error.length > 0 ? (
        <p id={`${id}-error`} className="field-error">
          {error.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** The proposal's lines × the agreement's years, each amount open to change. */
function OverrideTable({
  form,
  years,
  lines,
  problems,
  onChange,
}: {
  form: ItemForm;
  years: readonly number[];
  lines: ProposalLines;
  problems: ItemProblems;
  onChange: (overrides: Record<string, string>) => void;
}) {
  const captionId = useId();
  if (lines.length === 0) return <p>{t("agreements.field.proposalNoLines")}</p>;
  return (
    <div className="table-wrap">
      <table className="data compact override-table" aria-describedby={`${captionId}-help`}>
        <caption id={captionId}>{t("agreements.field.overrides")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("agreements.field.line")}</th>
            {years.map((y) => (
              <th scope="col" className="num" key={y}>
                {y}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lines.map((line, i) => {
            const name =
              line.name.trim() === "" ? t("agreements.field.lineUnnamed", { n: i + 1 }) : line.name;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional (overrides name them by index).
              <tr key={i}>
                <th scope="row">{name}</th>
                {years.map((y) => {
                  const k = overrideKey(i, y);
                  const own = proposalAmountText(lines, i, y);
                  const typed = form.overrides[k];
                  const problem = problems.amounts[k];
                  const changed = typed !== undefined && typed.trim() !== "" && typed.trim() !== own;
                  return (
                    <td key={y} className={changed ? "num changed" : "num"}>
                      <input
                        type="text"
                        inputMode="decimal"
                        size={8}
                        autoComplete="off"
                        value={typed ?? own}
                        aria-label={t("agreements.field.overrideLabel", {
                          line: name,
                          year: y,
                          own: own || "0",
                        })}
                        aria-invalid={problem ? true : undefined}
                        onChange={(e) => onChange({ ...form.overrides, [k]: e.target.value })}
                        data-testid="item-override"
                        data-line={i}
                        data-year={y}
                      />
                      {problem ? <span className="field-error">{t(problem)}</span> : null}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p id={`${captionId}-help`} className="help">
        {t("agreements.field.overridesHelp")}
      </p>
    </div>
  );
}

function YearAmounts({
  form,
  years,
  problems,
  onChange,
}: {
  form: ItemForm;
  years: readonly number[];
  problems: ItemProblems;
  onChange: (amounts: Record<number, string>) => void;
}) {
  return (
    <div className="field-row year-amounts">
      {years.map((y) => {
        const problem = problems.amounts[String(y)];
        return (
          <TextField
            key={y}
            label={t("agreements.field.yearAmount", { year: y })}
            value={form.amounts[y] ?? ""}
            onChange={(v) => onChange({ ...form.amounts, [y]: v })}
            inputMode="decimal"
            autoComplete="off"
            size={9}
            error={problem ? t(problem) : undefined}
            data-testid="item-amount"
            data-year={y}
          />
        );
      })}
    </div>
  );
}

export function ItemEditor({
  n,
  form,
  years,
  areaGroups,
  proposals,
  currentProposal,
  lines,
  problems,
  serverProblems,
  showRequired,
  onChange,
  onClose,
  onRemove,
  headingRef,
}: {
  /** The item's number in the list (1-based). */
  n: number;
  form: ItemForm;
  years: readonly number[];
  areaGroups: readonly { committee: string; options: readonly AreaOption[] }[];
  /** The catalogue's proposals (undefined while they load). */
  proposals: readonly ProposalChoice[] | undefined;
  /** The chosen proposal as the server described it (it may be outside the catalogue shown). */
  currentProposal: ProposalChoice | undefined;
  lines: ProposalLines | undefined;
  problems: ItemProblems;
  serverProblems: readonly ItemProblem[];
  showRequired: boolean;
  onChange: (form: ItemForm) => void;
  onClose: () => void;
  onRemove: () => void;
  headingRef?: (el: HTMLElement | null) => void;
}) {
  const legendId = useId();
  const errorsAt = (field: ItemField, required?: keyof ItemProblems["required"]): string[] => {
    const out: string[] = [];
    const own = required ? problems.required[required] : undefined;
    if (own && showRequired) out.push(t(own));
    for (const p of serverProblems) if (problemField(p) === field) out.push(p.message);
    return out;
  };
  const set = (change: Partial<ItemForm>) => onChange({ ...form, ...change });
  const other = serverProblems.filter((p) => problemField(p) === "item" || problemField(p) === "text");

  let specific: ReactNode = null;
  switch (form.kind) {
    case "adjustment":
      specific = (
        <TextField
          label={t("agreements.field.pattern")}
          value={form.pattern}
          onChange={(pattern) => set({ pattern })}
          autoComplete="off"
          size={48}
          maxLength={300}
          help={t("agreements.field.patternHelp")}
          error={errorsAt("pattern", "pattern")}
          data-testid="item-pattern"
        />
      );
      break;
    case "proposal":
      specific = (
        <>
          <ProposalSelect
            value={form.proposalId}
            proposals={proposals}
            current={currentProposal}
            onChange={(proposalId) => {
              // A new proposal: its own amounts again, and its title and area where none is chosen.
              const chosen = proposals?.find((p) => String(p.id) === proposalId);
              set({
                proposalId,
                overrides: {},
                ...(chosen && form.label.trim() === "" ? { label: chosen.title.slice(0, 200) } : {}),
                ...(chosen && form.area === "" ? { area: areaCodeByName(areaGroups, chosen.area) } : {}),
              });
            }}
            error={errorsAt("proposal", "proposal")}
          />
          {form.proposalId !== "" && lines ? (
            <OverrideTable
              form={form}
              years={years}
              lines={lines}
              problems={problems}
              onChange={(overrides) => set({ overrides })}
            />
          ) : null}
          {errorsAt("amounts").length > 0 ? (
            <p className="field-error">{errorsAt("amounts").join(" ")}</p>
          ) : null}
        </>
      );
      break;
    case "dut":
    case "pool":
      specific = (
        <fieldset className="amounts-fieldset">
          <legend>{t("agreements.field.amounts")}</legend>
          <YearAmounts
            form={form}
            years={years}
            problems={problems}
            onChange={(amounts) => set({ amounts })}
          />
          {form.kind === "dut" ? (
            <div className="field-row">
              <SelectBox
                label={t("agreements.field.onwardsFrom")}
                value={form.onwardsFrom}
                options={[
                  ["", t("agreements.field.onwardsNone")],
                  ...years.map((y) => [String(y), t("agreements.field.onwardsYear", { year: y })] as const),
                ]}
                onChange={(onwardsFrom) => set({ onwardsFrom })}
                testId="item-onwards-from"
              />
              {form.onwardsFrom !== "" ? (
                <TextField
                  label={t("agreements.field.onwardsAmount")}
                  value={form.onwardsAmount}
                  onChange={(onwardsAmount) => set({ onwardsAmount })}
                  inputMode="decimal"
                  autoComplete="off"
                  size={9}
                  error={problems.amounts.onwards ? t(problems.amounts.onwards) : undefined}
                  data-testid="item-onwards-amount"
                />
              ) : null}
            </div>
          ) : null}
          {errorsAt("amounts").length > 0 ? (
            <p className="field-error">{errorsAt("amounts").join(" ")}</p>
          ) : null}
        </fieldset>
      );
      break;
  }

  return (
    <fieldset className="item-editor" aria-labelledby={legendId} data-testid="item-editor">
      <legend id={legendId} ref={headingRef} tabIndex={-1}>
        {t("agreements.editItem", { n, label: form.label.trim() === "" ? kindText(form.kind) : form.label })}
      </legend>
      <div className="field-row">
        <SelectBox<ItemKind>
          label={t("agreements.field.kind")}
          value={form.kind}
          options={ITEM_KINDS.map((k) => [k, kindText(k)] as const)}
          onChange={(kind) => set({ kind })}
          testId="item-kind"
        />
        <TextField
          label={t("agreements.field.label")}
          value={form.label}
          onChange={(label) => set({ label })}
          autoComplete="off"
          maxLength={200}
          size={36}
          required
          error={errorsAt("label", "label")}
          data-testid="item-label"
        />
        <AreaSelect
          value={form.area}
          groups={areaGroups}
          onChange={(area) => set({ area })}
          error={errorsAt("area", "area")}
        />
        <SelectBox<Category>
          label={t("agreements.field.category")}
          value={form.category}
          options={CATEGORIES.map((c) => [c, categoryText(c)] as const)}
          onChange={(category) => set({ category })}
          testId="item-category"
        />
      </div>
      {specific}
      <TextAreaField
        label={t("agreements.field.text")}
        value={form.text}
        onChange={(text) => set({ text })}
        help={t("agreements.field.textHelp")}
        maxLength={5000}
        rows={2}
        testId="item-text"
      />
      {other.length > 0 ? (
        <ul className="checks">
          {other.map((p) => (
            <li key={`${p.code}|${p.message}`} className="check check-warning">
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="actions">
        <button type="button" className="secondary" onClick={onClose} data-testid="item-close">
          {t("agreements.closeItem")}
        </button>
        <button type="button" className="secondary danger" onClick={onRemove} data-testid="item-remove">
          {t("agreements.removeItem", { n })}
        </button>
      </p>
    </fieldset>
  );
}

/** The area of a proposal's printed area name, when the organisation has exactly that name. */
function areaCodeByName(groups: readonly { options: readonly AreaOption[] }[], name: string): string {
  const wanted = name.trim().toLocaleLowerCase("da");
  for (const g of groups) {
    for (const o of g.options) if (o.depth === 0 && o.label.toLocaleLowerCase("da") === wanted) return o.code;
  }
  return "";
}
