/**
 * Saving the mapping of the import form without importing: PUT .../mappings/:name with
 * { mapping, version } – the version of the saved mapping the form was filled from, or null for a
 * new name. A 409 (someone saved it meanwhile) offers reload (their version into the form),
 * overwrite with mine, and – when the form started from a saved version – a three-way merge.
 */
import { type FormEvent, useState } from "react";
import { ConflictChoices, ConflictPanel } from "../components/Conflict.tsx";
import { FormError, TextField } from "../components/Fields.tsx";
import { t } from "../i18n/da.ts";
import { apiSend, asApiError } from "../lib/api.ts";
import { auditChanges, valueText } from "../lib/audit.ts";
import { type Choice, type MergeResult, mergeChanges, resolveConflicts } from "../lib/merge.ts";
import type { MappingSpec, StoredMapping } from "../lib/types.ts";

interface MappingConflict {
  name: string;
  mine: MappingSpec;
  current: StoredMapping;
  /** Only when the form started from a saved version of this name (the merge's base). */
  merge: MergeResult<MappingSpec> | undefined;
  choices: Record<string, Choice>;
}

function isStored(v: unknown): v is StoredMapping {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as StoredMapping).version === "number" &&
    typeof (v as StoredMapping).mapping === "object"
  );
}

export function SaveMapping({
  mappingsUrl,
  mapping,
  source,
  onSaved,
  onReloaded,
}: {
  mappingsUrl: string;
  mapping: MappingSpec;
  source: StoredMapping | undefined;
  /** Saved as it is in the form. */
  onSaved: (stored: StoredMapping) => void;
  /** The form should show stored (reloaded, or the result of a merge). */
  onReloaded: (stored: StoredMapping) => void;
}) {
  const [name, setName] = useState(source?.name ?? "");
  const [nameFrom, setNameFrom] = useState(source?.name);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const [errors, setErrors] = useState<string[]>([]);
  const [nameError, setNameError] = useState<string | undefined>();
  const [conflict, setConflict] = useState<MappingConflict | undefined>();

  // A mapping copied into the form brings its name along.
  if (source?.name !== nameFrom) {
    setNameFrom(source?.name);
    if (source) setName(source.name);
  }

  const put = async (
    target: string,
    spec: MappingSpec,
    version: number | null,
    after: "saved" | "reloaded",
  ) => {
    setBusy(true);
    setErrors([]);
    setNameError(undefined);
    setStatus("");
    try {
      const stored = await apiSend<StoredMapping>("PUT", `${mappingsUrl}/${encodeURIComponent(target)}`, {
        mapping: spec,
        version,
      });
      setConflict(undefined);
      setStatus(t("import.mappingSaved", { name: stored.name, version: stored.version }));
      if (after === "saved") onSaved(stored);
      else onReloaded(stored);
    } catch (err) {
      const apiError = asApiError(err);
      const current = apiError.body.current;
      if (apiError.status === 409 && isStored(current)) {
        const base = source && source.name === target ? source.mapping : undefined;
        setConflict({
          name: target,
          mine: spec,
          current: { ...current, name: current.name ?? target },
          merge: base ? mergeChanges(base, spec, current.mapping) : undefined,
          choices: {},
        });
      } else {
        const issues = (apiError.body.issues ?? []).map((i) => `${i.field}: ${i.reason}`);
        setErrors([apiError.message, ...issues]);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const target = name.trim();
    if (target === "") {
      setNameError(t("import.needSaveName"));
      return;
    }
    // Over the version the form came from; a new name (or someone else's) as new: the server
    // answers 409 if it exists, and the conflict shows theirs before anything is overwritten.
    const version = source && source.name === target ? source.version : null;
    void put(target, mapping, version, "saved");
  };

  const message = conflict
    ? conflict.merge
      ? t("conflict.mapping", { name: conflict.name })
      : t("conflict.mappingExists", { name: conflict.name })
    : "";
  const rows = conflict
    ? auditChanges(conflict.current.mapping, conflict.mine).map((c) => ({
        label: c.field === "" ? t("import.fieldMapping") : c.field,
        current: valueText(c.before),
        mine: valueText(c.after),
      }))
    : [];

  return (
    <form className="save-now" onSubmit={submit} noValidate data-testid="save-mapping-form">
      <fieldset>
        <legend>{t("import.saveMappingTitle")}</legend>
        <p className="help">{t("import.saveMappingHelp")}</p>
        {source ? (
          <p className="muted">{t("import.editingSaved", { name: source.name, version: source.version })}</p>
        ) : null}
        <FormError messages={errors} />
        <div className="field-row">
          <TextField
            label={t("import.saveMappingName")}
            value={name}
            onChange={setName}
            maxLength={100}
            autoComplete="off"
            error={nameError}
            data-testid="save-mapping-name"
          />
          <div className="field field-button">
            <button
              type="submit"
              className="secondary"
              disabled={busy || conflict !== undefined}
              data-testid="save-mapping"
            >
              {busy ? t("import.savingMapping") : t("import.saveMapping")}
            </button>
          </div>
        </div>
        <p role="status" data-testid="save-mapping-status">
          {status}
        </p>
        {conflict ? (
          <ConflictPanel
            message={message}
            rows={rows}
            busy={busy}
            onReload={() => {
              setConflict(undefined);
              setStatus(t("conflict.reloaded"));
              onReloaded({ ...conflict.current, name: conflict.name });
            }}
            onMerge={
              conflict.merge
                ? () => {
                    if (!conflict.merge) return;
                    const resolved = resolveConflicts(conflict.merge, conflict.choices);
                    void put(conflict.name, resolved, conflict.current.version, "reloaded");
                  }
                : undefined
            }
            onOverwrite={() => void put(conflict.name, conflict.mine, conflict.current.version, "saved")}
          >
            {conflict.merge ? (
              <ConflictChoices
                conflicts={conflict.merge.conflicts}
                choices={conflict.choices}
                onChoose={(key, choice) =>
                  setConflict({ ...conflict, choices: { ...conflict.choices, [key]: choice } })
                }
                labelOf={(path) => path.join(".")}
                textOf={(_path, v) => valueText(v)}
              />
            ) : null}
          </ConflictPanel>
        ) : null}
      </fieldset>
    </form>
  );
}
