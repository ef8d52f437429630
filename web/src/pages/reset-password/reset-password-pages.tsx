/**
 * Forgot password: ask for a link (always the same answer, whether or not the account exists),
 * then choose a new password with the token from the mail. The confirm page takes the token out
 * of the address bar at once and sends it only in a POST body. Neither step signs anyone in.
 */
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError } from '../../api';
import { useDocumentTitle, useTokenFromUrl } from '../../components/hooks';
import { Link } from '../../components/link';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { TextField, useFocusFirstError } from '../../components/text-field';

function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return String(err);
  return err.retryAfterSeconds !== undefined ? `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}` : err.message;
}

function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(title, messages.productName);
  return (
    <div className="auth-page">
      <main id="main" className="auth-card" tabIndex={-1}>
        <h1 className="page-title">{title}</h1>
        {children}
      </main>
    </div>
  );
}

function ErrorAlert({ error }: { error: string | null }) {
  if (error === null) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{messages.reset.errorTitle}</p>
      <p>{error}</p>
    </div>
  );
}

export function ResetRequestPage() {
  const m = messages.reset;
  const { api } = useServices();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.requestPasswordReset(email);
      setSent(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title={m.requestTitle}>
      <p className="lead">{m.requestIntro}</p>
      <div role="status" aria-live="polite" className="notice-slot">
        {sent && <p className="alert alert-success">{m.sent}</p>}
      </div>
      <ErrorAlert error={error} />
      <form onSubmit={(e) => void submit(e)}>
        <TextField id="reset-email" label={m.email} name="email" type="email" autoComplete="email" value={email} onChange={setEmail} />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? m.sending : m.send}
        </button>
      </form>
      <p>
        <Link href="/sign-in">{m.signIn}</Link>
      </p>
    </AuthCard>
  );
}

export function ResetConfirmPage() {
  const m = messages.reset;
  const { api } = useServices();
  const token = useTokenFromUrl();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A password the policy refuses is the field's error, read with it and focused.
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const { formRef, focusFirstError } = useFocusFirstError();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (token === null) return;
    setBusy(true);
    setError(null);
    setPasswordError(null);
    try {
      await api.confirmPasswordReset(token, password);
      setSaved(true);
      setPassword('');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'weak_password') {
        setPasswordError(err.message);
        focusFirstError();
        return;
      }
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (token === null) {
    return (
      <AuthCard title={m.confirmTitle}>
        <p className="lead">{m.noToken}</p>
        <Link href="/reset-password">{m.requestAgain}</Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={m.confirmTitle}>
      <p className="lead">{m.confirmIntro}</p>
      <div role="status" aria-live="polite" className="notice-slot">
        {saved && <p className="alert alert-success">{m.saved}</p>}
      </div>
      <ErrorAlert error={error} />
      {saved ? (
        <Link href="/sign-in">{m.signIn}</Link>
      ) : (
        <>
          <form ref={formRef} onSubmit={(e) => void submit(e)}>
            <TextField
              id="reset-new-password"
              label={m.newPassword}
              name="new_password"
              type="password"
              autoComplete="new-password"
              hint={messages.password.nextHint}
              error={passwordError}
              value={password}
              onChange={setPassword}
            />
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? m.saving : m.save}
            </button>
          </form>
          <p>
            <Link href="/reset-password">{m.requestAgain}</Link>
          </p>
        </>
      )}
    </AuthCard>
  );
}
