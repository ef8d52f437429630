/**
 * "This wasn't me" from an alert mail. Opening the link changes nothing (a GET never does);
 * the button posts the token, which was taken out of the address bar when the page opened.
 */
import { useState } from 'react';
import { ApiError } from '../../api';
import { useDocumentTitle, useTokenFromUrl } from '../../components/hooks';
import { Link } from '../../components/link';
import { messages } from '../../messages';
import { useServices } from '../../services';

export function ReportPage() {
  const m = messages.report;
  useDocumentTitle(m.title, messages.productName);
  const { api } = useServices();
  const token = useTokenFromUrl();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(token === null ? messages.reset.noToken : null);

  async function confirm() {
    if (token === null) return;
    setBusy(true);
    setError(null);
    try {
      await api.reportSignIn(token);
      setDone(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-page">
      <main id="main" className="auth-card" tabIndex={-1}>
        <h1 className="page-title">{m.title}</h1>
        <p className="lead">{m.intro}</p>
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
          <button type="button" className="button button-danger" disabled={busy} onClick={() => void confirm()}>
            {busy ? m.confirming : m.confirm}
          </button>
        )}
        <p>
          <Link href="/reset-password">{m.resetNow}</Link>
        </p>
      </main>
    </div>
  );
}
