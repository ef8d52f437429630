/**
 * "Confirm it's you" (sudo mode). When an action answers 403 `reauth_required`, `useReauth`
 * opens this modal, and after a right password, code or passkey ("Use a passkey", offered when the
 * account has passkeys and the browser can use them) it repeats the action. The modal is the
 * native <dialog> like ConfirmDialog: focus starts in the field, Tab stays inside, Escape
 * cancels, and focus returns to the control that started the action (run() notes it).
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError, isReauthRequired } from '../api';
import { messages } from '../messages';
import { useServices } from '../services';
import { passkeyFailureText } from '../webauthn';
import { TextField } from './text-field';

export interface ReauthDialogProps {
  onDone: () => void;
  onCancel: () => void;
  /**
   * The control the person used to start the action (focused when it started). Focus returns to
   * it on close, once it is enabled again: the page disables it while the action is busy, which is
   * why the element focused when the dialog opens is often <body>.
   */
  returnFocusTo?: HTMLElement | null;
}

export function ReauthDialog({ onDone, onCancel, returnFocusTo }: ReauthDialogProps) {
  const { api, webauthn } = useServices();
  const m = messages.reauth;
  const ref = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const introId = useId();
  const [mode, setMode] = useState<'password' | 'code'>('password');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A calm word after the passkey prompt was cancelled.
  const [info, setInfo] = useState<string | null>(null);
  const [hasPasskeys, setHasPasskeys] = useState(false);

  // "Use a passkey" only for an account that has one, in a browser that can use it.
  useEffect(() => {
    if (!webauthn.supported()) return;
    let live = true;
    api.listPasskeys().then(
      (list) => live && setHasPasskeys(list.passkeys.length > 0),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, webauthn]);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = returnFocusTo ?? (document.activeElement as HTMLElement | null);
    if (!dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    inputRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      queueMicrotask(() => restoreFocus(opener));
    };
  }, []);

  useEffect(() => {
    inputRef.current?.focus();
  }, [mode]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.reauthenticate(mode === 'password' ? { password: value } : { code: value.trim() });
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? withRetry(err) : String(err));
      setBusy(false);
    }
  }

  async function usePasskey() {
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      const options = await api.beginPasskeyReauthentication();
      const response = await webauthn.authenticate(options);
      await api.reauthenticate({ passkey: response });
      onDone();
    } catch (err) {
      if (err instanceof ApiError) setError(withRetry(err));
      else setInfo(passkeyFailureText(err));
      setBusy(false);
    }
  }

  const fieldId = `${titleId}-field`;
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={introId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          if (!busy) onCancel();
        }
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {m.title}
      </h2>
      <p id={introId} className="dialog-body">
        {mode === 'password' ? m.intro : m.introCode}
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <TextField
          key={mode}
          inputRef={inputRef}
          id={fieldId}
          label={mode === 'password' ? m.password : m.code}
          type={mode === 'password' ? 'password' : 'text'}
          autoComplete={mode === 'password' ? 'current-password' : 'one-time-code'}
          inputMode={mode === 'password' ? undefined : 'text'}
          value={value}
          onChange={setValue}
        />
        {error !== null && (
          <p className="alert alert-error" role="alert">
            {error}
          </p>
        )}
        <div role="status" aria-live="polite" className="notice-slot">
          {info !== null && <p className="alert alert-info">{info}</p>}
        </div>
        <p>
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            onClick={() => {
              setMode(mode === 'password' ? 'code' : 'password');
              setValue('');
              setError(null);
            }}
          >
            {mode === 'password' ? m.useCode : m.usePassword}
          </button>
        </p>
        {hasPasskeys && (
          <p className="reauth-passkey">
            <button type="button" className="button" disabled={busy} aria-busy={busy} onClick={() => void usePasskey()}>
              {m.usePasskey}
            </button>
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            {messages.common.cancel}
          </button>
          <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
            {busy ? m.submitting : m.submit}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** Frames to wait for the opener to be enabled again (the page re-renders after the cancel). */
const FOCUS_FRAMES = 30;

function restoreFocus(opener: HTMLElement | null, frames = FOCUS_FRAMES): void {
  if (opener === null || !opener.isConnected) return;
  // Only when nothing else took focus meanwhile (focus left with the dialog: it is on <body>).
  const active = document.activeElement;
  if (active !== null && active !== document.body && active !== opener) return;
  if ((opener as HTMLButtonElement).disabled === true) {
    if (frames > 0) requestAnimationFrame(() => restoreFocus(opener, frames - 1));
    return;
  }
  opener.focus();
}

function withRetry(err: ApiError): string {
  return err.retryAfterSeconds !== undefined ? `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}` : err.message;
}

/** The person closed "Confirm it's you" without confirming: the action was not done. */
export class ReauthCancelled extends ApiError {
  constructor() {
    super(403, 'reauth_cancelled', messages.reauth.cancelled);
  }
}

/**
 * `run(action)` does the action; if it answers `reauth_required`, asks the person to confirm
 * it's them and then does it again. Render `dialog` somewhere in the page.
 */
export function useReauth(): { run: <T>(action: () => Promise<T>) => Promise<T>; dialog: ReactNode } {
  const [pending, setPending] = useState<{ resolve: () => void; reject: (err: unknown) => void; opener: HTMLElement | null } | null>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T> => {
    // The control that started the action, before the page disables it for the wait.
    const opener =
      document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    try {
      return await action();
    } catch (err) {
      if (!isReauthRequired(err)) throw err;
      await new Promise<void>((resolve, reject) => setPending({ resolve, reject, opener }));
      return action();
    }
  }, []);
  const dialog =
    pending === null ? null : (
      <ReauthDialog
        returnFocusTo={pending.opener}
        onDone={() => {
          setPending(null);
          pending.resolve();
        }}
        onCancel={() => {
          setPending(null);
          pending.reject(new ReauthCancelled());
        }}
      />
    );
  return { run, dialog };
}
