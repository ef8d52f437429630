/**
 * How long the workspace keeps its audit entries. Owners set it ("Keep audit entries for N
 * days", 30 to 3650, behind "Confirm it's you" when the server wants a fresh sign-in); security
 * admins read it. Entries older than that are deleted by the server's periodic purge.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { isUnauthenticated } from '../../api';
import { TextField } from '../../components/text-field';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { errorText } from './wording';

export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;

/** The days typed, when they are a whole number in range; null otherwise. */
export function retentionDays(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[0-9]{1,5}$/.test(trimmed)) return null;
  const days = Number(trimmed);
  return days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS ? days : null;
}

export function AuditRetention({
  workspaceId,
  days,
  editable,
  run,
  onChanged,
}: {
  workspaceId: string;
  days: number;
  /** Owners only. */
  editable: boolean;
  run: <T>(action: () => Promise<T>) => Promise<T>;
  onChanged: (days: number) => void;
}) {
  const { api, onUnauthenticated } = useServices();
  const m = messages.workspaces;
  const [text, setText] = useState(String(days));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  // The workspace was read again and keeps another number of days: show it. Adjusted while
  // rendering, not in an effect: an effect runs after the first paint too, and would overwrite
  // what was typed in between with the same number.
  const [shownDays, setShownDays] = useState(days);
  if (days !== shownDays) {
    setShownDays(days);
    setText(String(days));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const next = retentionDays(text);
    if (next === null) return setError(m.retentionInvalid);
    setBusy(true);
    setError(null);
    try {
      await run(() => api.setWorkspaceAuditRetention(workspaceId, next));
      setText(String(next));
      onChanged(next);
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (!editable) return <p className="muted audit-retention">{m.retentionShown(days)}</p>;

  return (
    <section className="card workspace-card" aria-labelledby={`${id}-heading`}>
      <h3 className="section-title" id={`${id}-heading`}>
        {m.retentionTitle}
      </h3>
      <form onSubmit={(e) => void submit(e)} className="invite-form" noValidate>
        <TextField
          id={`${id}-days`}
          label={m.retentionLabel}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          value={text}
          onChange={(value) => {
            setError(null);
            setText(value);
          }}
          hint={m.retentionHint}
          aria-invalid={error !== null}
        />
        {error !== null && (
          <div className="alert alert-error" role="alert">
            <p className="alert-title">{m.errorTitle}</p>
            <p>{error}</p>
          </div>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? m.retentionSaving : m.retentionSave}
        </button>
      </form>
    </section>
  );
}
