/**
 * The link in a sign-up mail (sign-up by mail, `--sign-up-mode email`). Opening it changes
 * nothing (a GET never does, and mail scanners open links); the button posts the token, which was
 * taken out of the address bar when the page opened. Creating the account does not sign in.
 */
import { useState } from 'react';
import { ApiError } from '../../api';
import { useDocumentTitle, useTokenFromUrl } from '../../components/hooks';
import { Link } from '../../components/link';
import { messages } from '../../messages';
import { useServices } from '../../services';

export function SignUpConfirmPage() {
  const m = messages.signUp;
  useDocumentTitle(m.confirmTitle, messages.productName);
  const { api } = useServices();
  const token = useTokenFromUrl();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(token === null ? m.noToken : null);

  async function confirm() {
    if (token === null) return;
    setBusy(true);
    setError(null);
    try {
      await api.confirmSignUp(token);
      setDone(true);
    } catch (err) {
      if (!(err instanceof ApiError)) setError(String(err));
      else
        setError(err.retryAfterSeconds !== undefined ? `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}` : err.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-page">
      <main id="main" className="auth-card" tabIndex={-1}>
        <h1 className="page-title">{m.confirmTitle}</h1>
        {!done && <p className="lead">{m.confirmIntro}</p>}
        <div role="status" aria-live="polite" className="notice-slot">
          {done && <p className="alert alert-success">{m.done}</p>}
        </div>
        {error !== null && (
          <div className="alert alert-error" role="alert">
            <p className="alert-title">{m.errorTitle}</p>
            <p>{error}</p>
          </div>
        )}
        {!done && token !== null && (
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void confirm()}>
            {busy ? m.confirming : m.confirm}
          </button>
        )}
        <p>
          <Link href="/sign-in">{m.signIn}</Link>
        </p>
      </main>
    </div>
  );
}
