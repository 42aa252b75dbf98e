/**
 * /admin/noegler: API tokens. Creating one shows its secret once (the server keeps only a hash);
 * revoking asks first, because programs using it lose access at once.
 */
import { type FormEvent, useRef, useState } from "react";
import { FormError, SelectBox, TextField } from "../../components/Fields.tsx";
import { OneTimeSecret } from "../../components/OneTimeSecret.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { UnitPicker } from "../../components/UnitPicker.tsx";
import { t } from "../../i18n/da.ts";
import { type ApiError, apiSend, asApiError, useApi } from "../../lib/api.ts";
import { issuesByField, roleNeedsUnits } from "../../lib/auth.ts";
import { formatDateTime } from "../../lib/format.ts";
import { useTitle } from "../../lib/hooks.ts";
import type { CreatedToken, Role, TokenView, UnitRef } from "../../lib/types.ts";
import { ROLE_OPTIONS, roleLabel, UnitsCell, unitIds } from "./adminShared.tsx";

function RevokeCell({ token, onRevoked }: { token: TokenView; onRevoked: (t: TokenView) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const button = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  if (token.revokedAt !== null) return <>{t("audit.none")}</>;
  const revoke = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onRevoked(await apiSend<TokenView>("DELETE", `/api/tokens/${token.id}`));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };
  if (!confirming) {
    return (
      <button
        ref={button}
        type="button"
        className="secondary small"
        onClick={() => {
          setConfirming(true);
          setTimeout(() => confirmRef.current?.focus(), 0);
        }}
        data-testid="token-revoke"
      >
        {t("tokens.revoke")}
        <span className="visually-hidden"> {token.name}</span>
      </button>
    );
  }
  return (
    <div className="confirm" ref={confirmRef} tabIndex={-1} data-testid="token-revoke-confirm">
      <p>{t("tokens.revokeConfirm", { name: token.name })}</p>
      {error ? <p className="field-error">{error.message}</p> : null}
      <p className="actions">
        <button type="button" disabled={busy} onClick={() => void revoke()} data-testid="token-revoke-yes">
          {busy ? t("tokens.revoking") : t("tokens.revokeDo")}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => {
            setConfirming(false);
            setTimeout(() => button.current?.focus(), 0);
          }}
        >
          {t("form.cancel")}
        </button>
      </p>
    </div>
  );
}

function TokensTable({
  tokens,
  onRevoked,
}: {
  tokens: readonly TokenView[];
  onRevoked: (t: TokenView) => void;
}) {
  if (tokens.length === 0) return <p>{t("tokens.empty")}</p>;
  // Active tokens first, newest first within each group.
  const sorted = [...tokens].sort(
    (a, b) =>
      Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt),
  );
  return (
    <div className="table-wrap">
      <table className="data" data-testid="tokens-table">
        <caption>{t("tokens.caption", { count: tokens.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("tokens.name")}</th>
            <th scope="col">{t("tokens.prefix")}</th>
            <th scope="col">{t("tokens.role")}</th>
            <th scope="col">{t("tokens.units")}</th>
            <th scope="col">{t("tokens.created")}</th>
            <th scope="col">{t("tokens.lastUsed")}</th>
            <th scope="col">{t("tokens.status")}</th>
            <th scope="col">{t("tokens.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((tk) => (
            <tr key={tk.id} className={tk.revokedAt ? "disabled-row" : undefined}>
              <th scope="row">{tk.name}</th>
              <td>
                <code>{tk.prefix}…</code>
              </td>
              <td>{roleLabel(tk.role)}</td>
              <td>
                <UnitsCell units={tk.units} />
              </td>
              <td>{t("tokens.createdBy", { date: formatDateTime(tk.createdAt), name: tk.createdBy })}</td>
              <td>{tk.lastUsedAt ? formatDateTime(tk.lastUsedAt) : t("tokens.never")}</td>
              <td>
                {tk.revokedAt
                  ? t("tokens.revokedAt", { date: formatDateTime(tk.revokedAt) })
                  : t("tokens.active")}
              </td>
              <td>
                <RevokeCell token={tk} onRevoked={onRevoked} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type TokenField = "name" | "role" | "unitIds";

function CreateTokenForm({ onCreated }: { onCreated: (c: CreatedToken) => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("okonomi");
  const [units, setUnits] = useState<UnitRef[]>([]);
  const [errors, setErrors] = useState<Partial<Record<TokenField | "", string[]>>>({});
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const local: Partial<Record<TokenField | "", string[]>> = {};
    if (name.trim() === "") local.name = [t("tokens.needName")];
    if (roleNeedsUnits(role) && units.length === 0) local.unitIds = [t("users.needUnits")];
    if (Object.keys(local).length > 0) {
      setErrors({ ...local, "": [t("form.fixFields")] });
      if (local.name) nameRef.current?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const created = await apiSend<CreatedToken>("POST", "/api/tokens", {
        name: name.trim(),
        role,
        unitIds: roleNeedsUnits(role) ? unitIds(units) : [],
      });
      setName("");
      setUnits([]);
      onCreated(created);
    } catch (err) {
      const apiError = asApiError(err);
      const byField = issuesByField(apiError.body.issues, ["name", "role", "unitIds"] as const);
      setErrors({ ...byField, "": [apiError.message, ...(byField[""] ?? [])] });
      if (byField.name) nameRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="create-token-form">
      <FormError messages={errors[""] ?? []} />
      <TextField
        label={t("tokens.name")}
        value={name}
        onChange={setName}
        autoComplete="off"
        required
        maxLength={100}
        help={t("tokens.nameHelp")}
        error={errors.name}
        inputRef={nameRef}
        data-testid="create-token-name"
      />
      <SelectBox
        label={t("tokens.role")}
        value={role}
        options={ROLE_OPTIONS}
        onChange={setRole}
        help={t("role.help")}
        error={errors.role?.join(" ")}
        testId="create-token-role"
      />
      {roleNeedsUnits(role) ? (
        <UnitPicker value={units} onChange={setUnits} error={errors.unitIds?.join(" ")} />
      ) : null}
      <p className="actions">
        <button type="submit" disabled={busy} data-testid="create-token-submit">
          {busy ? t("tokens.creating") : t("tokens.create")}
        </button>
      </p>
    </form>
  );
}

export function TokensPage() {
  useTitle(t("tokens.title"));
  const tokens = useApi<TokenView[]>("/api/tokens");
  const [created, setCreated] = useState<CreatedToken | undefined>();
  const [status, setStatus] = useState("");
  const createHeading = useRef<HTMLHeadingElement>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  return (
    <div className="admin-page">
      <h1>{t("tokens.title")}</h1>
      <p className="lead">{t("tokens.intro")}</p>
      <section aria-labelledby="tokens-list-title" aria-busy={tokens.loading}>
        <h2 id="tokens-list-title" className="visually-hidden" ref={listHeading} tabIndex={-1}>
          {t("tokens.title")}
        </h2>
        <p role="status" data-testid="tokens-status">
          {status}
        </p>
        {tokens.error ? <ErrorState error={tokens.error} onRetry={tokens.reload} /> : null}
        {tokens.loading && !tokens.data ? <Loading /> : null}
        {tokens.data ? (
          <TokensTable
            tokens={tokens.data}
            onRevoked={(tk) => {
              setStatus(t("tokens.revoked", { name: tk.name }));
              tokens.reload();
              listHeading.current?.focus();
            }}
          />
        ) : null}
      </section>
      <section className="step" aria-labelledby="tokens-create-title">
        <h2 id="tokens-create-title" ref={createHeading} tabIndex={-1}>
          {t("tokens.createTitle")}
        </h2>
        {created ? (
          <OneTimeSecret
            title={t("secret.tokenTitle", { name: created.token.name })}
            text={t("secret.tokenWarning")}
            label={t("secret.valueLabel")}
            secret={created.secret}
            onDismiss={() => {
              setCreated(undefined);
              createHeading.current?.focus();
            }}
            testId="token-secret"
          />
        ) : null}
        <CreateTokenForm
          onCreated={(c) => {
            setCreated(c);
            setStatus("");
            tokens.reload();
          }}
        />
      </section>
    </div>
  );
}
