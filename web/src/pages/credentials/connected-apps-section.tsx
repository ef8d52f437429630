/**
 * "Connected apps": each app the person let use their account (not the device sign-ins, which
 * the sessions area lists), with its logo, whether it is ours, what it may access in words, when
 * it was connected and last used (and from about where), and Remove access after a dialog that
 * says it ends the app's access and signs the person out there.
 */
import { useId, useRef, useState } from 'react';
import { formatExact, formatRelative } from '../../format';
import { messages } from '../../messages';
import { useServices } from '../../services';
import type { Credentials } from './use-credentials';
import type { ConnectedApp } from './types';
import { AppLogo } from './app-logo';
import { useRemoval } from './removal';
import { CredentialSection } from './section';
import { placeText, scopesText } from './wording';

export function ConnectedAppsSection({
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
  const removal = useRemoval<ConnectedApp>({
    act: (app) => api.removeConnectedApp(app.id),
    done: (app, gone) => {
      setNotice(gone ? c.alreadyGone : c.removed(app.client.name));
      credentials.drop('apps', app.id);
      onChanged();
      void credentials.reload('apps');
      // Removing access also signs the person out of the app: "Signed in with your account" changes too.
      void credentials.reload('rp');
    },
    text: (app) => ({
      title: c.removeTitle(app.client.name),
      body: c.removeBody(app.client.name),
      confirmLabel: c.removeConfirm,
      busyLabel: c.removing,
    }),
    fallbackFocus: () => headingRef.current,
  });
  const nowDate = now();
  const when = (iso: string) => formatExact(iso, messages.locale, timeZone);

  return (
    <CredentialSection
      id={id}
      title={c.appsTitle}
      intro={c.appsIntro}
      loaded={credentials.apps}
      headingRef={headingRef}
      loadError={c.appsLoadError}
      notice={notice}
      count={(apps) => apps.filter((a) => a.via !== 'device_code').length}
      empty={c.appsEmpty}
      onRetry={() => void credentials.reload('apps')}
      after={removal.dialog}
    >
      {(all) => (
        <ul className="credentials" aria-labelledby={`${id}-heading`}>
          {all
            .filter((a) => a.via !== 'device_code')
            .map((app) => {
              const nameId = `${id}-${app.id}`;
              const place = placeText(app.last_used_location);
              return (
                <li key={app.id} className="credential" aria-labelledby={nameId}>
                  <AppLogo name={app.client.name} logoUri={app.client.logo_uri} />
                  <div className="credential-main">
                    <div className="credential-head">
                      <h3 id={nameId} className="credential-name">
                        {app.client.name}
                      </h3>
                      <span className={app.client.first_party ? 'badge badge-current' : 'badge badge-third-party'}>
                        {app.client.first_party ? c.firstParty : c.thirdParty}
                      </span>
                    </div>
                    {app.scopes.length > 0 && (
                      <div className="credential-scopes">
                        <p className="credential-scopes-label" id={`${nameId}-scopes`}>
                          {c.mayAccess}
                        </p>
                        <ul aria-labelledby={`${nameId}-scopes`} className="scope-list">
                          {scopesText(app.scopes).map((s) => (
                            <li key={s}>{s}</li>
                          ))}
                        </ul>
                      </div>
                    )}
                    <p className="muted credential-facts">
                      <time dateTime={app.first_authorized_at} title={when(app.first_authorized_at)}>
                        {c.authorized(formatRelative(app.first_authorized_at, nowDate, messages.locale))}
                      </time>
                      {' · '}
                      {app.last_used_at === null ? (
                        c.neverUsed
                      ) : (
                        <>
                          <time dateTime={app.last_used_at} title={when(app.last_used_at)}>
                            {c.lastUsed(formatRelative(app.last_used_at, nowDate, messages.locale))}
                          </time>
                          {place !== null && ` ${place}`}
                        </>
                      )}
                    </p>
                  </div>
                  <div className="credential-actions">
                    <button
                      type="button"
                      className="button button-danger"
                      aria-label={c.removeAccessLabel(app.client.name)}
                      disabled={removal.busy}
                      onClick={(e) => {
                        setNotice(null);
                        removal.open(app, e.currentTarget);
                      }}
                    >
                      {c.removeAccess}
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
