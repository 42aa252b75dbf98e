/**
 * Choosing the units of a budgetansvarlig (or a token): a municipality, then a unit from its
 * organisation (shown with its path), added to a list that can be emptied again.
 */
import { useId, useState } from "react";
import { t } from "../i18n/da.ts";
import { useApi } from "../lib/api.ts";
import { flattenTree } from "../lib/org.ts";
import type { Municipality, OrgNode, UnitRef } from "../lib/types.ts";
import { ErrorState, Loading } from "./States.tsx";

export function UnitPicker({
  value,
  onChange,
  error,
}: {
  value: readonly UnitRef[];
  onChange: (units: UnitRef[]) => void;
  error?: string | undefined;
}) {
  const ids = { help: useId(), error: useId(), m: useId(), unit: useId(), list: useId() };
  const municipalities = useApi<Municipality[]>("/api/municipalities", { cache: true });
  const list = municipalities.data
    ? [...municipalities.data].sort((a, b) => a.name.localeCompare(b.name, "da"))
    : [];
  const [chosenCode, setCode] = useState<string>("");
  const code =
    chosenCode !== ""
      ? chosenCode
      : (value[0]?.municipalityCode ?? (list.length === 1 ? (list[0]?.code ?? "") : ""));
  const org = useApi<OrgNode[]>(
    code === "" ? null : `/api/municipalities/${encodeURIComponent(code)}/organisation`,
    { cache: true },
  );
  const entries =
    org.data && !org.stale ? flattenTree(org.data).filter((e) => e.node.readable !== false) : [];
  const [unitId, setUnitId] = useState("");
  const [status, setStatus] = useState("");
  const chosen = new Set(value.map((u) => u.id));
  const municipalityName = (c: string) => list.find((m) => m.code === c)?.name ?? c;
  const describedBy = [ids.help, error ? ids.error : ""].filter((s) => s !== "").join(" ");

  const add = () => {
    const entry = entries.find((e) => String(e.node.id) === unitId);
    if (!entry || chosen.has(entry.node.id)) return;
    onChange([...value, { id: entry.node.id, municipalityCode: code, name: entry.node.name }]);
    setStatus(t("units.added", { name: entry.path }));
    setUnitId("");
  };

  return (
    <fieldset
      className={error ? "unit-picker field-invalid" : "unit-picker"}
      aria-describedby={describedBy}
      data-testid="unit-picker"
    >
      <legend>{t("units.legend")}</legend>
      <p id={ids.help} className="help">
        {t("units.help")}
      </p>
      <p className="unit-list-title" id={ids.list}>
        {t("units.chosen")}
      </p>
      {value.length === 0 ? (
        <p className="muted">{t("units.none")}</p>
      ) : (
        <ul className="unit-list" aria-labelledby={ids.list}>
          {value.map((u) => (
            <li key={u.id}>
              <span>{t("units.item", { name: u.name, code: municipalityName(u.municipalityCode) })}</span>
              <button
                type="button"
                className="secondary small"
                onClick={() => {
                  onChange(value.filter((x) => x.id !== u.id));
                  setStatus("");
                  document.getElementById(ids.unit)?.focus();
                }}
              >
                {t("units.remove", { name: u.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error ? (
        <p id={ids.error} className="field-error">
          {error}
        </p>
      ) : null}
      {municipalities.error ? (
        <ErrorState error={municipalities.error} onRetry={municipalities.reload} />
      ) : null}
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.m}>{t("units.municipality")}</label>
          <select
            id={ids.m}
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              setUnitId("");
            }}
          >
            <option value="">{t("units.chooseMunicipality")}</option>
            {list.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.unit}>{t("units.unit")}</label>
          <select
            id={ids.unit}
            value={unitId}
            disabled={code === "" || entries.length === 0}
            onChange={(e) => setUnitId(e.target.value)}
          >
            <option value="">{t("units.chooseUnit")}</option>
            {entries.map((e) => (
              <option key={e.node.id} value={e.node.id} disabled={chosen.has(e.node.id)}>
                {e.path}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-button">
          <button type="button" className="secondary" disabled={unitId === ""} onClick={add}>
            {t("units.add")}
          </button>
        </div>
      </div>
      {org.loading && code !== "" ? <Loading /> : null}
      {org.error ? <ErrorState error={org.error} onRetry={org.reload} /> : null}
      <p className="visually-hidden" role="status">
        {status}
      </p>
    </fieldset>
  );
}
