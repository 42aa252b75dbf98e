/**
 * "Slet forslag": asks first (with an optional reason for the history), then deletes the proposal by
 * the version shown. The server refuses a proposal a budget agreement uses, and one changed by
 * someone else since (409): the first is said as the server words it, the second offers to show
 * the proposal as it is now.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { FormError, TextAreaField } from "../components/Fields.tsx";
import { t } from "../i18n/da.ts";
import { apiSend, asApiError } from "../lib/api.ts";
import { MAX_REASON } from "../lib/figures.ts";
import type { ProposalView } from "../lib/types.ts";

export function ProposalDelete({
  url,
  proposal: p,
  onDeleted,
  onReloaded,
  onCancel,
}: {
  /** The proposal's address in the API. */
  url: string;
  proposal: ProposalView;
  onDeleted: (deleted: ProposalView) => void;
  onReloaded: (current: ProposalView) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  const [current, setCurrent] = useState<ProposalView | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = useId();

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if ([...reason.trim()].length > MAX_REASON) {
      setProblem([t("proposals.reasonTooLong")]);
      return;
    }
    setBusy(true);
    setProblem([]);
    setCurrent(undefined);
    const q = new URLSearchParams({ version: String(p.version) });
    if (reason.trim() !== "") q.set("reason", reason.trim());
    try {
      await apiSend<undefined>("DELETE", `${url}?${q.toString()}`);
      onDeleted(p);
    } catch (err) {
      const apiError = asApiError(err);
      const now = apiError.body.current as ProposalView | undefined;
      const usedBy = (apiError.body as { agreements?: unknown }).agreements;
      // A changed proposal: show it before deleting what someone else has just written.
      if (apiError.status === 409 && !Array.isArray(usedBy) && now && now.version !== p.version) {
        setCurrent(now);
        setProblem([t("proposals.deleteChanged")]);
      } else setProblem([apiError.message]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      className="proposal-edit proposal-delete"
      aria-labelledby={headingId}
      data-testid="proposal-delete"
    >
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        {t("proposals.deleteTitle", { schedule: p.schedule })}
      </h3>
      <p>{t("proposals.deleteIntro")}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <FormError messages={problem} />
        {current ? (
          <p>
            <button type="button" className="secondary" onClick={() => onReloaded(current)}>
              {t("proposals.deleteShowCurrent")}
            </button>
          </p>
        ) : null}
        <TextAreaField
          label={t("proposals.deleteReason")}
          value={reason}
          onChange={setReason}
          maxLength={MAX_REASON}
          testId="proposal-delete-reason"
        />
        <p className="actions">
          <button
            type="submit"
            className="secondary danger"
            disabled={busy}
            data-testid="proposal-delete-confirm"
          >
            {busy ? t("proposals.deleting") : t("proposals.deleteConfirm", { schedule: p.schedule })}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            {t("form.cancel")}
          </button>
        </p>
      </form>
    </section>
  );
}
