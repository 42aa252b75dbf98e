/**
 * /admin/brugere/:id: one user. Edit name, role, units and "spærret" (sent with the version that
 * was fetched; a 409 offers reload or a three-way merge), reset the password (the one-time
 * password is shown once), and the user's history.
 */
import { type FormEvent, useId, useRef, useState } from "react";
import { AuditList } from "../../components/AuditList.tsx";
import { ConflictChoices, ConflictPanel } from "../../components/Conflict.tsx";
import { FormError, SelectBox, TextField } from "../../components/Fields.tsx";
import { OneTimeSecret } from "../../components/OneTimeSecret.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { UnitPicker } from "../../components/UnitPicker.tsx";
import { type MessageKey, t } from "../../i18n/da.ts";
import { type ApiError, apiSend, asApiError, useApi } from "../../lib/api.ts";
import { valueText } from "../../lib/audit.ts";
import { issuesByField, roleNeedsUnits } from "../../lib/auth.ts";
import { formatDateTime } from "../../lib/format.ts";
import { useTitle } from "../../lib/hooks.ts";
import {
  type Choice,
  changedFields,
  type MergeResult,
  mergeChanges,
  resolveConflicts,
} from "../../lib/merge.ts";
import { USERS_PATH } from "../../lib/paths.ts";
import { Link } from "../../lib/router.tsx";
import type { Role, UnitRef, UserView } from "../../lib/types.ts";
import { ROLE_OPTIONS, roleLabel, unitIds, unitsText, userStatus } from "./adminShared.tsx";

/** The fields an administrator edits, in the shape that is merged and sent. */
interface Editable extends Record<string, unknown> {
  displayName: string;
  role: Role;
  unitIds: number[];
  disabled: boolean;
}

interface FormState {
  displayName: string;
  role: Role;
  units: UnitRef[];
  disabled: boolean;
}

function formOf(u: UserView): FormState {
  return { displayName: u.displayName, role: u.role, units: u.units, disabled: u.disabled };
}

function editableOf(f: FormState): Editable {
  return {
    displayName: f.displayName.trim(),
    role: f.role,
    unitIds: roleNeedsUnits(f.role) ? unitIds(f.units) : [],
    disabled: f.disabled,
  };
}

const FIELD_LABELS: Record<string, MessageKey> = {
  displayName: "users.displayName",
  role: "users.role",
  unitIds: "users.units",
  units: "users.units",
  disabled: "users.status",
  username: "users.username",
};

function fieldLabel(field: string): string {
  const key = FIELD_LABELS[field.split(".")[0] ?? ""];
  return key ? t(key) : field;
}

interface Conflict {
  /** What I fetched (and edited from), what I wanted, and what the server has now. */
  base: UserView;
  mine: Editable;
  current: UserView;
  merge: MergeResult<Editable>;
  choices: Record<string, Choice>;
}

function EditUser({ initial, onSaved }: { initial: UserView; onSaved: (u: UserView) => void }) {
  const [loaded, setLoaded] = useState(initial);
  const [form, setForm] = useState<FormState>(() => formOf(initial));
  const [errors, setErrors] = useState<Partial<Record<"displayName" | "role" | "unitIds" | "", string[]>>>(
    {},
  );
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<Conflict | undefined>();
  const unitNames = useRef(new Map<number, UnitRef>());
  for (const u of [...loaded.units, ...form.units, ...(conflict?.current.units ?? [])]) {
    unitNames.current.set(u.id, u);
  }
  const refsOf = (ids: readonly number[]): UnitRef[] =>
    ids.map((id) => unitNames.current.get(id) ?? { id, municipalityCode: "", name: String(id) });
  const valueLabel = (field: string, v: unknown): string => {
    if (field === "role" && typeof v === "string") return roleLabel(v);
    if (field === "unitIds" && Array.isArray(v)) return unitsText(refsOf(v as number[]));
    if (field === "disabled" && typeof v === "boolean") return v ? t("users.disabled") : t("users.active");
    return valueText(v);
  };

  const send = async (base: UserView, mine: Editable) => {
    const changes = changedFields(editableOf(formOf(base)), mine);
    if (Object.keys(changes).length === 0) {
      setStatus(t("users.noChanges"));
      return;
    }
    setBusy(true);
    setErrors({});
    setStatus("");
    try {
      const saved = await apiSend<UserView>("PATCH", `/api/users/${base.id}`, {
        version: base.version,
        ...changes,
      });
      setLoaded(saved);
      setForm(formOf(saved));
      setConflict(undefined);
      setStatus(t("users.saved", { name: saved.displayName }));
      onSaved(saved);
    } catch (err) {
      const apiError = asApiError(err);
      const current = apiError.body.current as UserView | undefined;
      if (apiError.status === 409 && current && typeof current.version === "number") {
        setConflict({
          base,
          mine,
          current,
          merge: mergeChanges(editableOf(formOf(base)), mine, editableOf(formOf(current))),
          choices: {},
        });
      } else {
        const byField = issuesByField(apiError.body.issues, ["displayName", "role", "unitIds"] as const);
        setErrors({ ...byField, "": [apiError.message, ...(byField[""] ?? [])] });
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const mine = editableOf(form);
    if (mine.displayName === "") {
      setErrors({ displayName: [t("users.needDisplayName")], "": [t("form.fixFields")] });
      return;
    }
    if (roleNeedsUnits(mine.role) && mine.unitIds.length === 0) {
      setErrors({ unitIds: [t("users.needUnits")], "": [t("form.fixFields")] });
      return;
    }
    void send(loaded, mine);
  };

  const conflictRows = conflict
    ? (["displayName", "role", "unitIds", "disabled"] as const).map((f) => ({
        label: fieldLabel(f),
        current: valueLabel(f, editableOf(formOf(conflict.current))[f]),
        mine: valueLabel(f, conflict.mine[f]),
      }))
    : [];

  return (
    <form className="admin-form" onSubmit={submit} noValidate data-testid="edit-user-form">
      <FormError messages={errors[""] ?? []} />
      <TextField
        label={t("users.displayName")}
        value={form.displayName}
        onChange={(displayName) => setForm({ ...form, displayName })}
        autoComplete="off"
        required
        maxLength={200}
        error={errors.displayName}
        data-testid="edit-user-display-name"
      />
      <SelectBox
        label={t("users.role")}
        value={form.role}
        options={ROLE_OPTIONS}
        onChange={(role) => setForm({ ...form, role })}
        help={t("role.help")}
        error={errors.role?.join(" ")}
        testId="edit-user-role"
      />
      {roleNeedsUnits(form.role) ? (
        <UnitPicker
          value={form.units}
          onChange={(units) => setForm({ ...form, units })}
          error={errors.unitIds?.join(" ")}
        />
      ) : null}
      <div className="field">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={form.disabled}
            onChange={(e) => setForm({ ...form, disabled: e.target.checked })}
            data-testid="edit-user-disabled"
          />
          {t("users.disabledLabel")}
        </label>
      </div>
      <p className="actions">
        <button type="submit" disabled={busy || conflict !== undefined} data-testid="edit-user-submit">
          {busy ? t("form.saving") : t("form.save")}
        </button>
      </p>
      <p role="status" data-testid="edit-user-status">
        {status}
      </p>
      {conflict ? (
        <ConflictPanel
          message={t("conflict.user")}
          rows={conflictRows}
          busy={busy}
          onReload={() => {
            setLoaded(conflict.current);
            setForm(formOf(conflict.current));
            setConflict(undefined);
            setErrors({});
            setStatus(t("conflict.reloaded"));
            onSaved(conflict.current);
          }}
          onMerge={() => {
            const resolved = resolveConflicts(conflict.merge, conflict.choices);
            setForm({
              displayName: resolved.displayName,
              role: resolved.role,
              units: refsOf(resolved.unitIds),
              disabled: resolved.disabled,
            });
            if (Object.keys(changedFields(editableOf(formOf(conflict.current)), resolved)).length === 0) {
              setLoaded(conflict.current);
              setConflict(undefined);
              setStatus(t("conflict.nothingLeft"));
              onSaved(conflict.current);
              return;
            }
            void send(conflict.current, resolved);
          }}
        >
          <ConflictChoices
            conflicts={conflict.merge.conflicts}
            choices={conflict.choices}
            onChoose={(key, choice) =>
              setConflict({ ...conflict, choices: { ...conflict.choices, [key]: choice } })
            }
            labelOf={(path) => fieldLabel(path.join("."))}
            textOf={(path, v) => valueLabel(path.join("."), v)}
          />
        </ConflictPanel>
      ) : null}
    </form>
  );
}

function PasswordReset({ user }: { user: UserView }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const resetButton = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const headingId = useId();

  const reset = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await apiSend<{ oneTimePassword: string }>(
        "POST",
        `/api/users/${user.id}/password-reset`,
      );
      setSecret(answer.oneTimePassword);
      setConfirming(false);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="step" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("users.resetTitle")}</h2>
      {error ? <ErrorState error={error} /> : null}
      {secret ? (
        <OneTimeSecret
          title={t("secret.passwordTitle", { name: user.displayName })}
          text={t("secret.passwordHelp")}
          label={t("secret.valueLabel")}
          secret={secret}
          onDismiss={() => {
            setSecret(undefined);
            // The button is rendered again once the secret is gone.
            setTimeout(() => resetButton.current?.focus(), 0);
          }}
          testId="one-time-password"
        />
      ) : confirming ? (
        <div className="confirm" ref={confirmRef} tabIndex={-1} data-testid="reset-confirm">
          <p>{t("users.resetConfirm")}</p>
          <p className="actions">
            <button
              type="button"
              disabled={busy}
              onClick={() => void reset()}
              data-testid="reset-confirm-yes"
            >
              {busy ? t("users.resetting") : t("users.resetDo")}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                setTimeout(() => resetButton.current?.focus(), 0);
              }}
            >
              {t("form.cancel")}
            </button>
          </p>
        </div>
      ) : (
        <p>
          <button
            ref={resetButton}
            type="button"
            className="secondary"
            onClick={() => {
              setConfirming(true);
              setTimeout(() => confirmRef.current?.focus(), 0);
            }}
            data-testid="reset-password"
          >
            {t("users.reset")}
          </button>
        </p>
      )}
    </section>
  );
}

function UserHistory({ user }: { user: UserView }) {
  const [open, setOpen] = useState(false);
  const regionId = useId();
  const headingId = useId();
  return (
    <section className="step" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("users.historyTitle", { name: user.displayName })}</h2>
      <p>
        <button
          type="button"
          className="secondary"
          aria-expanded={open}
          aria-controls={regionId}
          onClick={() => setOpen(!open)}
          data-testid="user-history-toggle"
        >
          {open ? t("users.hideHistory") : t("users.showHistory")}
        </button>
      </p>
      <div id={regionId}>
        {open ? (
          <AuditList
            url={`/api/users/${user.id}/history`}
            fieldLabel={fieldLabel}
            valueLabel={(field, v) =>
              field === "role" && typeof v === "string" ? roleLabel(v) : valueText(v)
            }
            testId="user-history"
          />
        ) : null}
      </div>
    </section>
  );
}

export function UserPage({ id }: { id: number }) {
  const users = useApi<UserView[]>("/api/users");
  const user = users.data?.find((u) => u.id === id);
  useTitle(user ? `${user.displayName} – ${t("users.title")}` : t("users.title"));
  const back = (
    <p>
      <Link to={USERS_PATH}>{t("users.back")}</Link>
    </p>
  );
  if (users.error) {
    return (
      <>
        <h1>{t("users.title")}</h1>
        <ErrorState error={users.error} onRetry={users.reload} />
      </>
    );
  }
  if (!users.data) {
    return (
      <div aria-busy="true">
        <h1>{t("users.title")}</h1>
        <Loading />
      </div>
    );
  }
  if (!user) {
    return (
      <>
        <h1>{t("state.notFoundTitle")}</h1>
        <ErrorState
          error={t("users.notFound", { id })}
          title={t("state.notFoundTitle")}
          wayOn={{ href: USERS_PATH, label: t("users.back") }}
        />
      </>
    );
  }
  return (
    <div className="admin-page">
      {back}
      <h1>{user.displayName}</h1>
      <p className="muted">
        {t("users.facts", {
          username: user.username,
          created: formatDateTime(user.createdAt),
          lastSignIn: user.lastSignInAt ? formatDateTime(user.lastSignInAt) : t("users.never"),
        })}{" "}
        {userStatus(user)}.
      </p>
      <section className="step" aria-labelledby="edit-user-title">
        <h2 id="edit-user-title">{t("users.editTitle")}</h2>
        <EditUser key={user.id} initial={user} onSaved={() => users.reload()} />
      </section>
      <PasswordReset user={user} />
      <UserHistory user={user} />
    </div>
  );
}
