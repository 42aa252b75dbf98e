/**
 * A secret shown once (a one-time password, a new API token): in a read-only field that selects
 * itself, with a copy button and the warning that it cannot be fetched again. Never stored.
 */
import { useEffect, useId, useRef, useState } from "react";
import { t } from "../i18n/da.ts";

export function OneTimeSecret({
  title,
  text,
  label,
  secret,
  onDismiss,
  testId,
}: {
  title: string;
  text: string;
  label: string;
  secret: string;
  onDismiss: () => void;
  testId: string;
}) {
  const headingId = useId();
  const fieldId = useId();
  const hintId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState("");
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section className="message message-secret" aria-labelledby={headingId} data-testid={`${testId}-region`}>
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        {title}
      </h3>
      <p className="secret-warning">{text}</p>
      <div className="field">
        <label htmlFor={fieldId}>{label}</label>
        <input
          id={fieldId}
          className="secret-value"
          type="text"
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={hintId}
          data-testid={testId}
          onFocus={(e) => e.currentTarget.select()}
        />
        <p id={hintId} className="help">
          {t("secret.copyHint")}
        </p>
      </div>
      <p className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const clip = navigator.clipboard as Clipboard | undefined;
            if (!clip) {
              setCopied(t("secret.copyFailed"));
              return;
            }
            clip.writeText(secret).then(
              () => setCopied(t("secret.copied")),
              () => setCopied(t("secret.copyFailed")),
            );
          }}
        >
          {t("secret.copy")}
        </button>
        <button type="button" onClick={onDismiss}>
          {t("secret.dismiss")}
        </button>
      </p>
      <p role="status" className="help">
        {copied}
      </p>
    </section>
  );
}
