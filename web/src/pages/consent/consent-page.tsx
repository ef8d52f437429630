/**
 * The consent page (`/oauth/consent?uid=…`), where the OAuth provider sends the browser when an
 * app asks to use the account: the app (logo, name, ours or a third party's), what it asks for
 * in words, and, for a device (command-line) sign-in, which device from about where. Allow and
 * Deny answer the request; the server then says where the browser goes (back into the OAuth
 * flow). Allowing may need "Confirm it's you" first; a request that expired or was answered
 * already (404) says so. Signed out, it goes through sign-in and comes back here.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import { ReauthCancelled, useReauth } from '../../components/reauth-dialog';
import { useDocumentTitle } from '../../components/hooks';
import { useLocation } from '../../router';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { AppLogo } from '../credentials/app-logo';
import type { ConsentDecision, ConsentInteraction } from '../credentials/types';
import { errorText, placeText, scopesText } from '../credentials/wording';

export const CONSENT_PATH = '/oauth/consent';

/** Where the browser goes after an answer (a full page load: it leaves this app for the provider's routes). */
export type Assign = (url: string) => void;

const browserAssign: Assign = (url) => window.location.assign(url);

type State =
  | { kind: 'loading' }
  | { kind: 'ready'; interaction: ConsentInteraction }
  | { kind: 'expired' }
  | { kind: 'error'; message: string }
  | { kind: 'no_uid' };

function isGone(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

export function ConsentPage({ assign = browserAssign }: { assign?: Assign } = {}) {
  const m = messages.consent;
  useDocumentTitle(m.title, messages.productName);
  const { api, onUnauthenticated, markSignedIn } = useServices();
  const { search, path } = useLocation();
  const uid = search.get('uid');
  const [state, setState] = useState<State>(uid === null || uid === '' ? { kind: 'no_uid' } : { kind: 'loading' });
  const [busy, setBusy] = useState<ConsentDecision | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reauth = useReauth();
  const live = useRef(true);

  const load = useCallback(async () => {
    if (uid === null || uid === '') return;
    setState({ kind: 'loading' });
    try {
      const interaction = await api.getConsentInteraction(uid);
      if (!live.current) return;
      markSignedIn();
      setState({ kind: 'ready', interaction });
    } catch (err) {
      if (!live.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err, { next: path });
      setState(isGone(err) ? { kind: 'expired' } : { kind: 'error', message: errorText(err) });
    }
  }, [api, uid, path, markSignedIn, onUnauthenticated]);

  useEffect(() => {
    live.current = true;
    void load();
    return () => {
      live.current = false;
    };
  }, [load]);

  async function answer(decision: ConsentDecision) {
    if (uid === null) return;
    setBusy(decision);
    setError(null);
    try {
      const { redirect_to } = await reauth.run(() => api.answerConsentInteraction(uid, decision));
      // Stay busy: the browser is leaving this page.
      assign(redirect_to);
    } catch (err) {
      if (!live.current) return;
      setBusy(null);
      if (isUnauthenticated(err)) return onUnauthenticated(err, { next: path });
      if (isGone(err)) return setState({ kind: 'expired' });
      setError(err instanceof ReauthCancelled ? m.cancelled : errorText(err));
    }
  }

  return (
    <div className="auth-page">
      <main id="main" className="auth-card consent" tabIndex={-1}>
        <p className="brand brand-large">{messages.productName}</p>
        {state.kind === 'ready' ? (
          <Request interaction={state.interaction} busy={busy} error={error} onAnswer={(d) => void answer(d)} />
        ) : (
          <>
            <h1 className="page-title">{m.title}</h1>
            {state.kind === 'loading' && (
              <p className="muted" role="status">
                {m.loading}
              </p>
            )}
            {state.kind === 'expired' && (
              <div className="alert alert-info" role="alert">
                <p className="alert-title">{m.expired}</p>
                <p>{m.expiredHint}</p>
              </div>
            )}
            {state.kind === 'no_uid' && (
              <p className="alert alert-error" role="alert">
                {m.noUid}
              </p>
            )}
            {state.kind === 'error' && (
              <div className="alert alert-error" role="alert">
                <p>{`${m.loadError} ${state.message}`}</p>
                <button type="button" className="button button-small" onClick={() => void load()}>
                  {messages.common.retry}
                </button>
              </div>
            )}
          </>
        )}
        {reauth.dialog}
      </main>
    </div>
  );
}

function Request({
  interaction,
  busy,
  error,
  onAnswer,
}: {
  interaction: ConsentInteraction;
  busy: ConsentDecision | null;
  error: string | null;
  onAnswer: (decision: ConsentDecision) => void;
}) {
  const m = messages.consent;
  const { client, device } = interaction;
  const scopes = scopesText(interaction.scopes);
  return (
    <>
      <div className="consent-app">
        {/* Wrapped: a flex item's own min-width would let a long heading squeeze the logo narrower
            than it is tall; this box's minimum is the logo's full width. */}
        <div>
          <AppLogo name={client.name} logoUri={client.logo_uri} />
        </div>
        <div>
          <h1 className="page-title">{m.wants(client.name)}</h1>
          <p className={client.first_party ? 'muted' : 'consent-third-party'}>{client.first_party ? m.firstParty : m.thirdParty}</p>
        </div>
      </div>
      {device !== null && (
        <div className="alert alert-warning consent-device">
          <p>{m.device(device.name?.trim() || null, placeText(device.location))}</p>
          <p>{m.deviceWarning}</p>
        </div>
      )}
      <h2 className="section-title" id="consent-scopes">
        {m.scopesTitle}
      </h2>
      {scopes.length === 0 ? (
        <p>{m.noScopes}</p>
      ) : (
        <ul className="scope-list consent-scopes" aria-labelledby="consent-scopes">
          {scopes.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      )}
      {error !== null && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <div className="consent-actions">
        <button type="button" className="button" disabled={busy !== null} aria-busy={busy === 'deny'} onClick={() => onAnswer('deny')}>
          {busy === 'deny' ? m.working : m.deny}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={busy !== null}
          aria-busy={busy === 'approve'}
          onClick={() => onAnswer('approve')}
        >
          {busy === 'approve' ? m.working : m.allow}
        </button>
      </div>
    </>
  );
}
