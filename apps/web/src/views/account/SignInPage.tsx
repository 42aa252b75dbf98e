/** /log-ind?til=<path>: username and password, or the municipality's shared login (OIDC). */
import { type FormEvent, useId, useRef, useState } from "react";
import { TextField } from "../../components/Fields.tsx";
import { t } from "../../i18n/da.ts";
import { asApiError } from "../../lib/api.ts";
import { oidcStartHref, passwordHref, retryMinutes, safeReturnPath } from "../../lib/auth.ts";
import { useTitle } from "../../lib/hooks.ts";
import { Link, navigate } from "../../lib/router.tsx";
import { signIn, useSession } from "../../lib/session.ts";

export function SignInPage({ query }: { query: URLSearchParams }) {
  useTitle(t("signIn.title"));
  const session = useSession();
  const returnTo = safeReturnPath(query.get("til"));
  const oidcError = query.get("fejl");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>(oidcError ?? undefined);
  const [busy, setBusy] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const oidcId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (username.trim() === "" || password === "") {
      setError(t("signIn.missing"));
      (username.trim() === "" ? usernameRef : passwordRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const user = await signIn(username.trim(), password);
      if (user?.mustChangePassword) navigate(passwordHref(returnTo), { replace: true });
      else navigate(returnTo, { replace: true });
    } catch (err) {
      const apiError = asApiError(err);
      if (apiError.status === 429) {
        const minutes = retryMinutes(apiError.body.retryAfterSeconds);
        setError(minutes === 1 ? t("signIn.tooManyOne") : t("signIn.tooMany", { minutes }));
      } else setError(apiError.message);
      setPassword("");
      passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const user = session.user;
  return (
    <div className="account-page">
      <h1>{t("signIn.title")}</h1>
      {user && !busy ? (
        <div className="message" data-testid="signed-in-already">
          <p>{t("signIn.already", { name: user.displayName })}</p>
          <p>
            <Link className="button-link" to={returnTo}>
              {t("signIn.continue")}
            </Link>
          </p>
        </div>
      ) : null}
      <p className="lead">{t("signIn.intro")}</p>
      {error ? (
        <div className="message message-error" role="alert" data-testid="sign-in-error">
          <h2>{t("signIn.failedTitle")}</h2>
          <p>{error}</p>
        </div>
      ) : null}
      <form className="account-form" onSubmit={(e) => void submit(e)} noValidate data-testid="sign-in-form">
        <TextField
          label={t("signIn.username")}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={setUsername}
          inputRef={usernameRef}
          data-testid="sign-in-username"
        />
        <TextField
          label={t("signIn.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          inputRef={passwordRef}
          data-testid="sign-in-password"
        />
        <p className="actions">
          <button type="submit" disabled={busy} data-testid="sign-in-submit">
            {busy ? t("signIn.busy") : t("signIn.submit")}
          </button>
        </p>
      </form>
      {session.oidc.enabled ? (
        <section className="oidc" aria-labelledby={oidcId}>
          <h2 id={oidcId}>{t("signIn.oidcTitle")}</h2>
          <p>
            {/* A plain link: the sign-in leaves the application and comes back to returnTo. */}
            <a className="button-link" href={oidcStartHref(returnTo)} data-testid="sign-in-oidc">
              {session.oidc.label}
            </a>
          </p>
        </section>
      ) : null}
    </div>
  );
}
