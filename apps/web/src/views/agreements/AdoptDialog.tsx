/**
 * "Vedtag budgetaftalen": a modal dialog that says what adoption does before it is done, with
 * the choice between writing the adopted budget (apply) and only registering an agreement whose
 * figures are already imported (record). The browser's own dialog keeps focus inside and closes
 * on Escape; focus returns to the button that opened it.
 */
import { useEffect, useId, useRef, useState } from "react";
import { t } from "../../i18n/da.ts";
import {
  type AdoptAnswer,
  type AdoptMode,
  type AgreementDetail,
  errorCode,
  errorMessage,
} from "../../lib/agreements.ts";
import { apiSend, asApiError } from "../../lib/api.ts";

export function AdoptDialog({
  url,
  agreement: a,
  open,
  onClose,
  onAdopted,
}: {
  /** The agreement's address in the API. */
  url: string;
  agreement: AgreementDetail;
  open: boolean;
  onClose: () => void;
  onAdopted: (answer: AdoptAnswer) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = { title: useId(), text: useId(), mode: useId() };
  const [mode, setMode] = useState<AdoptMode>("apply");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setError(undefined);
      setMode("apply");
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);

  const adopt = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await apiSend<AdoptAnswer>("POST", `${url}/adopt`, { version: a.version, mode });
      onAdopted(answer);
    } catch (err) {
      const e = asApiError(err);
      const body = e.body as unknown as Record<string, unknown>;
      const code = errorCode(body);
      const message = errorMessage(body, e.message);
      if (code === "already_adopted") setError(t("agreements.adoptAlready", { message }));
      else if (e.status === 409) setError(t("agreements.adoptConflict", { message }));
      else setError(message);
    } finally {
      setBusy(false);
    }
  };

  const last = a.budgetYear + 3;
  return (
    <dialog
      ref={dialog}
      className="adopt-dialog"
      aria-labelledby={ids.title}
      aria-describedby={ids.text}
      onClose={onClose}
      data-testid="adopt-dialog"
    >
      <h2 id={ids.title}>{t("agreements.adoptTitle", { name: a.name })}</h2>
      <div id={ids.text}>
        <p>{t("agreements.adoptExplain", { year: a.budgetYear, last })}</p>
        <p>{t("agreements.adoptFinal")}</p>
      </div>
      <fieldset>
        <legend>{t("agreements.adoptMode")}</legend>
        <div className="radio-list">
          <label>
            <input
              type="radio"
              name={ids.mode}
              value="apply"
              checked={mode === "apply"}
              onChange={() => setMode("apply")}
              data-testid="adopt-mode-apply"
            />
            {t("agreements.adoptApply", { year: a.budgetYear })}
          </label>
          <label>
            <input
              type="radio"
              name={ids.mode}
              value="record"
              checked={mode === "record"}
              onChange={() => setMode("record")}
              data-testid="adopt-mode-record"
            />
            {t("agreements.adoptRecord")}
          </label>
        </div>
      </fieldset>
      {error ? (
        <p className="field-error" role="alert" data-testid="adopt-error">
          {error}
        </p>
      ) : null}
      <p className="actions">
        <button type="button" disabled={busy} onClick={() => void adopt()} data-testid="adopt-confirm">
          {busy ? t("agreements.adopting") : t("agreements.adoptDo")}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onClose}>
          {t("form.cancel")}
        </button>
      </p>
    </dialog>
  );
}
