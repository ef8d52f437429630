/**
 * Command-line and device sign-ins (connected-app grants made with the device flow), in the
 * signed-in sessions area of Active sessions: each as "Command line · build-server · near
 * Frankfurt, DE" with when it was approved and last used, and Sign out (after a dialog). Left out
 * when there are none, or when this server has no connected apps.
 */
import { useId, useRef, useState } from 'react';
import { formatExact, formatRelative } from '../../format';
import { messages } from '../../messages';
import { useServices } from '../../services';
import type { Credentials } from './use-credentials';
import type { ConnectedApp } from './types';
import { AppLogo } from './app-logo';
import { useRemoval } from './removal';
import { deviceSignInLabel } from './wording';

export function DeviceSignIns({
  credentials,
  timeZone,
  onChanged,
}: {
  credentials: Credentials;
  timeZone?: string | undefined;
  /** Something ended here (the timeline has a new entry). */
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
      setNotice(gone ? c.alreadyGone : messages.sessions.revokedOne(app.device_name?.trim() || app.client.name, app.client.name));
      credentials.drop('apps', app.id);
      onChanged();
      void credentials.reload('apps');
      // Its OpenID session ends with it: "Signed in with your account" changes too.
      void credentials.reload('rp');
    },
    text: (app) => ({
      title: c.deviceSignOutTitle,
      body: c.deviceSignOutBody(deviceSignInLabel(app)),
      confirmLabel: c.signOut,
      busyLabel: c.signingOut,
    }),
    fallbackFocus: () => headingRef.current,
  });

  const { apps } = credentials;
  const devices = apps.state === 'ready' ? apps.value.filter((a) => a.via === 'device_code') : [];
  const nowDate = now();
  if (devices.length === 0 && notice === null) return removal.dialog;
  return (
    <section className="device-sign-ins" aria-labelledby={`${id}-heading`}>
      <h3 className="subsection-title" id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        {c.devicesTitle}
      </h3>
      <div className="notice-slot" role="status" aria-live="polite">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>
      {devices.length === 0 ? (
        <p className="empty">{c.devicesEmpty}</p>
      ) : (
        <ul className="credentials" aria-labelledby={`${id}-heading`}>
          {devices.map((app) => {
            const label = deviceSignInLabel(app);
            const nameId = `${id}-${app.id}`;
            return (
              <li key={app.id} className="credential" aria-labelledby={nameId}>
                <AppLogo name={app.client.name} logoUri={app.client.logo_uri} />
                <div className="credential-main">
                  <h4 id={nameId} className="credential-name">
                    {label}
                  </h4>
                  <p className="muted credential-facts">
                    <time dateTime={app.first_authorized_at} title={formatExact(app.first_authorized_at, messages.locale, timeZone)}>
                      {c.deviceApproved(formatRelative(app.first_authorized_at, nowDate, messages.locale))}
                    </time>
                    {' · '}
                    {app.last_used_at === null ? (
                      c.neverUsed
                    ) : (
                      <time dateTime={app.last_used_at} title={formatExact(app.last_used_at, messages.locale, timeZone)}>
                        {c.lastUsed(formatRelative(app.last_used_at, nowDate, messages.locale))}
                      </time>
                    )}
                  </p>
                </div>
                <div className="credential-actions">
                  <button
                    type="button"
                    className="button"
                    aria-label={messages.sessions.signOutLabel(label)}
                    disabled={removal.busy}
                    onClick={(e) => {
                      setNotice(null);
                      removal.open(app, e.currentTarget);
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
      {removal.dialog}
    </section>
  );
}
