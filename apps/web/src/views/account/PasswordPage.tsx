/**
 * /konto/adgangskode?til=<path>: change the signed-in user's password. When the server demands a
 * new one (mustChangePassword) every other page sends the user here, and this page says why.
 */
import { type FormEvent, useRef, useState } from "react";
import { FormError, TextField } from "../../components/Fields.tsx";
import { Loading, SignInRequired } from "../../components/States.tsx";
import { type MessageKey, t } from "../../i18n/da.ts";
import { asApiError } from "../../lib/api.ts";
import { checkNewPassword, issuesByField, type PasswordField, safeReturnPath } from "../../lib/auth.ts";
import { useTitle } from "../../lib/hooks.ts";
import { Link, navigate } from "../../lib/router.tsx";
import { changePassword, useSession } from "../../lib/session.ts";

type FieldErrors = Partial<Record<PasswordField, string[]>>;

export function PasswordPage({ query }: { query: URLSearchParams }) {
  useTitle(t("password.title"));
  const session = useSession();
  const returnTo = safeReturnPath(query.get("til"));
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const refs = {
    currentPassword: useRef<HTMLInputElement>(null),
    newPassword: useRef<HTMLInputElement>(null),
    repeat: useRef<HTMLInputElement>(null),
  };

  if (!session.loaded) return <Loading label={t("app.loadingSession")} />;
  const user = session.user;
  if (!user) {
    return (
      <>
        <h1>{t("password.title")}</h1>
        <SignInRequired />
      </>
    );
  }
  const forced = user.mustChangePassword;

  const focusFirst = (errors: FieldErrors) => {
    const first = (["currentPassword", "newPassword", "repeat"] as const).find((f) => errors[f]);
    if (first) refs[first].current?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setDone(false);
    const problems = checkNewPassword({
      currentPassword: current,
      newPassword: next,
      repeat,
      username: user.username,
    });
    const local: FieldErrors = {};
    for (const [f, key] of Object.entries(problems) as [PasswordField, MessageKey][]) {
      local[f] = [t(key)];
    }
    if (Object.keys(local).length > 0) {
      setFieldErrors(local);
      setGeneral([t("password.fixFields")]);
      focusFirst(local);
      return;
    }
    setBusy(true);
    setFieldErrors({});
    setGeneral([]);
    try {
      await changePassword(current, next);
      setCurrent("");
      setNext("");
      setRepeat("");
      if (forced) navigate(returnTo, { replace: true });
      else setDone(true);
    } catch (err) {
      const apiError = asApiError(err);
      const byField = issuesByField(apiError.body.issues, ["currentPassword", "newPassword"] as const);
      const server: FieldErrors = {};
      if (byField.currentPassword) server.currentPassword = byField.currentPassword;
      if (byField.newPassword) server.newPassword = byField.newPassword;
      setFieldErrors(server);
      setGeneral([apiError.message, ...(byField[""] ?? [])]);
      focusFirst(server);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="account-page">
      <h1>{t("password.title")}</h1>
      {forced ? (
        <div className="message message-warning" data-testid="password-forced">
          <p>
            <strong>{t("password.forced")}</strong>
          </p>
          <p>{t("password.forcedWhy")}</p>
        </div>
      ) : (
        <p className="lead">{t("password.intro", { username: user.username })}</p>
      )}
      <FormError title={t("password.failedTitle")} messages={general} />
      <p role="status" data-testid="password-status">
        {done ? t("password.done") : ""}
      </p>
      {done && returnTo !== "/" ? (
        <p>
          <Link to={returnTo}>{t("password.continue")}</Link>
        </p>
      ) : null}
      <form className="account-form" onSubmit={(e) => void submit(e)} noValidate data-testid="password-form">
        {/* For password managers: which account the new password belongs to. */}
        <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
        <TextField
          label={t("password.current")}
          type="password"
          name="current-password"
          autoComplete="current-password"
          required
          value={current}
          onChange={setCurrent}
          error={fieldErrors.currentPassword}
          inputRef={refs.currentPassword}
          data-testid="password-current"
        />
        <TextField
          label={t("password.new")}
          type="password"
          name="new-password"
          autoComplete="new-password"
          required
          minLength={10}
          value={next}
          onChange={setNext}
          help={t("password.newHelp")}
          error={fieldErrors.newPassword}
          inputRef={refs.newPassword}
          data-testid="password-new"
        />
        <TextField
          label={t("password.repeat")}
          type="password"
          name="repeat-password"
          autoComplete="new-password"
          required
          value={repeat}
          onChange={setRepeat}
          error={fieldErrors.repeat}
          inputRef={refs.repeat}
          data-testid="password-repeat"
        />
        <p className="actions">
          <button type="submit" disabled={busy} data-testid="password-submit">
            {busy ? t("password.busy") : t("password.submit")}
          </button>
        </p>
      </form>
    </div>
  );
}
