/** /admin/brugere: every user with role, units, status and last sign-in, and creating a user. */
import { type FormEvent, useRef, useState } from "react";
import { FormError, SelectBox, TextField } from "../../components/Fields.tsx";
import { OneTimeSecret } from "../../components/OneTimeSecret.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { UnitPicker } from "../../components/UnitPicker.tsx";
import { t } from "../../i18n/da.ts";
import { apiSend, asApiError, useApi } from "../../lib/api.ts";
import { issuesByField, roleNeedsUnits } from "../../lib/auth.ts";
import { formatDateTime } from "../../lib/format.ts";
import { useTitle } from "../../lib/hooks.ts";
import { userHref } from "../../lib/paths.ts";
import { Link } from "../../lib/router.tsx";
import type { CreatedUser, Role, UnitRef, UserView } from "../../lib/types.ts";
import { ROLE_OPTIONS, roleLabel, UnitsCell, unitIds, userStatus } from "./adminShared.tsx";

function UsersTable({ users }: { users: readonly UserView[] }) {
  if (users.length === 0) return <p>{t("users.empty")}</p>;
  const sorted = [...users].sort((a, b) => a.displayName.localeCompare(b.displayName, "da"));
  return (
    <div className="table-wrap">
      <table className="data" data-testid="users-table">
        <caption>{t("users.caption", { count: users.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("users.name")}</th>
            <th scope="col">{t("users.username")}</th>
            <th scope="col">{t("users.role")}</th>
            <th scope="col">{t("users.units")}</th>
            <th scope="col">{t("users.status")}</th>
            <th scope="col">{t("users.lastSignIn")}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((u) => (
            <tr key={u.id} className={u.disabled ? "disabled-row" : undefined}>
              <th scope="row">
                <Link to={userHref(u.id)}>{u.displayName}</Link>
              </th>
              <td>{u.username}</td>
              <td>{roleLabel(u.role)}</td>
              <td>
                <UnitsCell units={u.units} />
              </td>
              <td>{userStatus(u)}</td>
              <td>{u.lastSignInAt ? formatDateTime(u.lastSignInAt) : t("users.never")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type CreateField = "username" | "displayName" | "role" | "unitIds";

function CreateUserForm({ onCreated }: { onCreated: (c: CreatedUser) => void }) {
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [role, setRole] = useState<Role>("sekretariat");
  const [units, setUnits] = useState<UnitRef[]>([]);
  const [errors, setErrors] = useState<Partial<Record<CreateField | "", string[]>>>({});
  const [busy, setBusy] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const displayNameRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const local: Partial<Record<CreateField | "", string[]>> = {};
    if (username.trim() === "") local.username = [t("users.needUsername")];
    if (displayName.trim() === "") local.displayName = [t("users.needDisplayName")];
    if (roleNeedsUnits(role) && units.length === 0) local.unitIds = [t("users.needUnits")];
    if (Object.keys(local).length > 0) {
      setErrors({ ...local, "": [t("form.fixFields")] });
      (local.username ? usernameRef : local.displayName ? displayNameRef : usernameRef).current?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const created = await apiSend<CreatedUser>("POST", "/api/users", {
        username: username.trim(),
        displayName: displayName.trim(),
        role,
        unitIds: roleNeedsUnits(role) ? unitIds(units) : [],
      });
      setUsername("");
      setDisplayName("");
      setRole("sekretariat");
      setUnits([]);
      onCreated(created);
    } catch (err) {
      const apiError = asApiError(err);
      const byField = issuesByField(apiError.body.issues, [
        "username",
        "displayName",
        "role",
        "unitIds",
      ] as const);
      // 409: the username is taken.
      if (apiError.status === 409) byField.username = [...(byField.username ?? []), apiError.message];
      setErrors({ ...byField, "": [apiError.message, ...(byField[""] ?? [])] });
      if (byField.username) usernameRef.current?.focus();
      else if (byField.displayName) displayNameRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="create-user-form">
      <FormError messages={errors[""] ?? []} />
      <div className="field-row">
        <TextField
          label={t("users.username")}
          value={username}
          onChange={setUsername}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          required
          maxLength={100}
          help={t("users.usernameHelp")}
          error={errors.username}
          inputRef={usernameRef}
          data-testid="create-user-username"
        />
        <TextField
          label={t("users.displayName")}
          value={displayName}
          onChange={setDisplayName}
          autoComplete="off"
          required
          maxLength={200}
          error={errors.displayName}
          inputRef={displayNameRef}
          data-testid="create-user-display-name"
        />
      </div>
      <SelectBox
        label={t("users.role")}
        value={role}
        options={ROLE_OPTIONS}
        onChange={setRole}
        help={t("role.help")}
        error={errors.role?.join(" ")}
        testId="create-user-role"
      />
      {roleNeedsUnits(role) ? (
        <UnitPicker value={units} onChange={setUnits} error={errors.unitIds?.join(" ")} />
      ) : null}
      <p className="actions">
        <button type="submit" disabled={busy} data-testid="create-user-submit">
          {busy ? t("users.creating") : t("users.create")}
        </button>
      </p>
    </form>
  );
}

export function UsersPage() {
  useTitle(t("users.title"));
  const users = useApi<UserView[]>("/api/users");
  const [created, setCreated] = useState<CreatedUser | undefined>();
  const createHeading = useRef<HTMLHeadingElement>(null);
  return (
    <div className="admin-page">
      <h1>{t("users.title")}</h1>
      <p className="lead">{t("users.intro")}</p>
      <section aria-labelledby="users-list-title" aria-busy={users.loading}>
        <h2 id="users-list-title" className="visually-hidden">
          {t("users.title")}
        </h2>
        {users.error ? <ErrorState error={users.error} onRetry={users.reload} /> : null}
        {users.loading && !users.data ? <Loading /> : null}
        {users.data ? <UsersTable users={users.data} /> : null}
      </section>
      <section className="step" aria-labelledby="users-create-title">
        <h2 id="users-create-title" ref={createHeading} tabIndex={-1}>
          {t("users.createTitle")}
        </h2>
        {created ? (
          <>
            <p role="status">{t("users.created", { username: created.user.username })}</p>
            <OneTimeSecret
              title={t("secret.passwordTitle", { name: created.user.displayName })}
              text={t("secret.passwordHelp")}
              label={t("secret.valueLabel")}
              secret={created.oneTimePassword}
              onDismiss={() => {
                setCreated(undefined);
                createHeading.current?.focus();
              }}
              testId="one-time-password"
            />
          </>
        ) : null}
        <CreateUserForm
          onCreated={(c) => {
            setCreated(c);
            users.reload();
          }}
        />
      </section>
    </div>
  );
}
