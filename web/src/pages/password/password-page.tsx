/**
 * Change password. "Sign out of all other sessions" is ticked by default (the usual reason to
 * change a password is that someone else may know it); it maps to the contract's
 * `sign_out_others`. The server owns the password policy and explains a refusal in words.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import { useReauth } from '../../components/reauth-dialog';
import { SignedInLayout } from '../../components/signed-in-layout';
import { useDocumentTitle } from '../../components/hooks';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { TextField, useFocusFirstError } from '../../components/text-field';

export function PasswordPage() {
  return (
    <SignedInLayout section="password">
      <PasswordForm />
    </SignedInLayout>
  );
}

function PasswordForm() {
  const { api, onUnauthenticated } = useServices();
  const m = messages.password;
  useDocumentTitle(m.title, messages.productName);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // A wrong current password, or a new one the policy refuses, is that field's error (focused).
  const [fieldErrors, setFieldErrors] = useState<{ current?: string; next?: string }>({});
  const { formRef, focusFirstError } = useFocusFirstError();
  const reauth = useReauth();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    setFieldErrors({});
    try {
      await reauth.run(() => api.changePassword({ currentPassword: current, newPassword: next, signOutOthers }));
      setDone(signOutOthers ? m.doneSignedOut : m.done);
      setCurrent('');
      setNext('');
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      if (err instanceof ApiError && (err.code === 'incorrect_password' || err.code === 'weak_password')) {
        setFieldErrors(err.code === 'incorrect_password' ? { current: err.message } : { next: err.message });
        focusFirstError();
        return;
      }
      setError(
        err instanceof ApiError
          ? err.retryAfterSeconds !== undefined
            ? `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}`
            : err.message
          : String(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1 className="page-title">{m.title}</h1>
      <p className="lead">{m.intro}</p>
      <div role="status" aria-live="polite" className="notice-slot">
        {done !== null && <p className="alert alert-success">{done}</p>}
      </div>
      {error !== null && (
        <div className="alert alert-error" role="alert">
          <p className="alert-title">{m.errorTitle}</p>
          <p>{error}</p>
        </div>
      )}
      <form ref={formRef} className="card form-card" onSubmit={(e) => void submit(e)}>
        <TextField
          id="current-password"
          label={m.current}
          name="current_password"
          type="password"
          autoComplete="current-password"
          error={fieldErrors.current}
          value={current}
          onChange={setCurrent}
        />
        <TextField
          id="new-password"
          label={m.next}
          name="new_password"
          type="password"
          autoComplete="new-password"
          hint={m.nextHint}
          error={fieldErrors.next}
          value={next}
          onChange={setNext}
        />
        <div className="field field-check">
          <input
            id="sign-out-others"
            name="sign_out_others"
            type="checkbox"
            checked={signOutOthers}
            aria-describedby="sign-out-others-hint"
            onChange={(e) => setSignOutOthers(e.target.checked)}
          />
          <div>
            <label htmlFor="sign-out-others">{m.signOutOthers}</label>
            <p id="sign-out-others-hint" className="hint">
              {m.signOutOthersHint}
            </p>
          </div>
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? m.submitting : m.submit}
        </button>
      </form>
      {reauth.dialog}
    </>
  );
}
