/**
 * "Signed in with your account": the apps where the person signed in with this account (OpenID
 * Connect sessions), each with when, and Sign out after a dialog (the app is told to sign them
 * out: back-channel logout).
 */
import { useId, useRef, useState } from 'react';
import { formatExact, formatRelative } from '../../format';
import { messages } from '../../messages';
import { useServices } from '../../services';
import type { Credentials } from './use-credentials';
import type { RelyingPartySession } from './types';
import { AppLogo } from './app-logo';
import { useRemoval } from './removal';
import { CredentialSection } from './section';

export function RelyingPartySection({
  credentials,
  timeZone,
  onChanged,
}: {
  credentials: Credentials;
  timeZone?: string | undefined;
  onChanged: () => void;
}) {
  const { api, now } = useServices();
  const c = messages.credentials;
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const removal = useRemoval<RelyingPartySession>({
    act: (session) => api.signOutRelyingPartySession(session.id),
    done: (session, gone) => {
      setNotice(gone ? c.alreadyGone : c.rpSignedOut(session.client.name));
      credentials.drop('rp', session.id);
      onChanged();
      void credentials.reload('rp');
    },
    text: (session) => ({
      title: c.rpSignOutTitle(session.client.name),
      body: c.rpSignOutBody(session.client.name),
      confirmLabel: c.signOut,
      busyLabel: c.signingOut,
    }),
    fallbackFocus: () => headingRef.current,
  });
  const nowDate = now();

  return (
    <CredentialSection
      id={id}
      title={c.rpTitle}
      intro={c.rpIntro}
      loaded={credentials.rp}
      headingRef={headingRef}
      loadError={c.rpLoadError}
      notice={notice}
      count={(sessions) => sessions.length}
      empty={c.rpEmpty}
      onRetry={() => void credentials.reload('rp')}
      after={removal.dialog}
    >
      {(sessions) => (
        <ul className="credentials" aria-labelledby={`${id}-heading`}>
          {sessions.map((session) => {
            const nameId = `${id}-${session.id}`;
            return (
              <li key={session.id} className="credential" aria-labelledby={nameId}>
                <AppLogo name={session.client.name} logoUri={session.client.logo_uri} />
                <div className="credential-main">
                  <h3 id={nameId} className="credential-name">
                    {session.client.name}
                  </h3>
                  <p className="muted credential-facts">
                    <time dateTime={session.signed_in_at} title={formatExact(session.signed_in_at, messages.locale, timeZone)}>
                      {c.rpSignedIn(formatRelative(session.signed_in_at, nowDate, messages.locale))}
                    </time>
                  </p>
                </div>
                <div className="credential-actions">
                  <button
                    type="button"
                    className="button"
                    aria-label={c.rpSignOutLabel(session.client.name)}
                    disabled={removal.busy}
                    onClick={(e) => {
                      setNotice(null);
                      removal.open(session, e.currentTarget);
                    }}
                  >
                    {c.signOut}
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </CredentialSection>
  );
}
