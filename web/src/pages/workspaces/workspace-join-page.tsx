/**
 * The link in a workspace invitation mail (`/workspaces/join?token=…`). The token leaves the
 * address bar as the page opens. Signed in, the page joins at once and names the workspace; signed
 * out, it goes through sign-in and comes back here to join. Only then is the token in an address
 * again (sign-in's `next`, replaced by this page when it returns; pages send no Referer).
 * Joining works only for the account with the invited address, once, before the link expires.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import type { Workspace } from '../../api';
import { useDocumentTitle, useTokenFromUrl } from '../../components/hooks';
import { Link } from '../../components/link';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { errorText } from './wording';
import { WORKSPACES_PATH, workspacePath } from './workspaces-page';

export const JOIN_PATH = '/workspaces/join';

export function WorkspaceJoinPage() {
  const m = messages.workspaceJoin;
  useDocumentTitle(m.title, messages.productName);
  const { api, onUnauthenticated, markSignedIn } = useServices();
  const token = useTokenFromUrl();
  const [joined, setJoined] = useState<Workspace | null>(null);
  const [busy, setBusy] = useState(token !== null);
  const [error, setError] = useState<{ text: string; invalid: boolean } | null>(
    token === null ? { text: m.noToken, invalid: false } : null,
  );
  // The link works once: never send it twice, even when effects run twice (React's StrictMode).
  const started = useRef(false);

  const join = useCallback(async () => {
    if (token === null) return;
    setBusy(true);
    setError(null);
    try {
      const workspace = await api.joinWorkspace(token);
      markSignedIn();
      setJoined(workspace);
    } catch (err) {
      if (isUnauthenticated(err))
        return onUnauthenticated(err, { next: `${JOIN_PATH}?token=${encodeURIComponent(token)}`, notice: 'workspace_invitation' });
      setError({ text: errorText(err), invalid: err instanceof ApiError && err.code === 'invalid_token' });
    } finally {
      setBusy(false);
    }
  }, [api, token, markSignedIn, onUnauthenticated]);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void join();
  }, [join]);

  return (
    <div className="auth-page">
      <main id="main" className="auth-card" tabIndex={-1}>
        <p className="brand brand-large">{messages.productName}</p>
        <h1 className="page-title">{m.title}</h1>
        <div role="status" aria-live="polite" className="notice-slot">
          {busy && <p className="muted">{m.joining}</p>}
          {joined !== null && <p className="alert alert-success">{m.joined(joined.name)}</p>}
        </div>
        {error !== null && (
          <div className="alert alert-error" role="alert">
            <p className="alert-title">{m.errorTitle}</p>
            <p>{error.text}</p>
            {error.invalid && <p>{m.wrongAccount}</p>}
            {!error.invalid && token !== null && (
              <button type="button" className="button button-small" onClick={() => void join()} disabled={busy}>
                {m.retry}
              </button>
            )}
          </div>
        )}
        <p>
          {joined !== null ? (
            <Link href={workspacePath(joined.id)} className="button button-primary">
              {m.open}
            </Link>
          ) : (
            <Link href={WORKSPACES_PATH}>{m.toWorkspaces}</Link>
          )}
        </p>
      </main>
    </div>
  );
}
