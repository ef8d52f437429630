import type { ReactNode } from 'react';
import type { Session } from '../../api';
import { AppIcon, DeviceIcon } from '../../components/icons';
import { Link } from '../../components/link';
import {
  formatDay,
  formatDeviceDetail,
  formatExact,
  formatLocation,
  formatRelative,
  describeSession,
  signInMethodText,
} from '../../format';
import { messages } from '../../messages';

export interface SessionRowProps {
  session: Session;
  now: Date;
  onSignOut: (session: Session, trigger: HTMLButtonElement) => void;
  /** "Trust this device", offered on the current row after a sign-in with two-step verification. */
  onTrust?: (session: Session) => void;
  /** "Stop trusting", offered on trusted rows. */
  onUntrust?: (session: Session) => void;
  /** Exact times in this zone (tests); the reader's own zone otherwise. */
  timeZone?: string;
  /** The button's words when it is not "Sign out" (an admin "ends" a member's session). */
  signOutText?: string;
  signOutLabel?: (what: string) => string;
  /**
   * "Lost this device?": every session on the device this session ran on ends and the device
   * stops being trusted. Offered on every row but the current one (that device signs out instead).
   */
  onReplaceDevice?: (session: Session, trigger: HTMLButtonElement) => void;
  /** The lost-device button's words when they are not the member's own ("Lost this device?"). */
  replaceDeviceText?: string;
  replaceDeviceLabel?: (what: string) => string;
  /** 4 when the row sits under a device's own heading (several sessions on one device); 3 otherwise. */
  headingLevel?: 3 | 4;
  /** "Details": the session's own page (its history). Off where the session is not the reader's (an admin's view of a member). */
  detailsLink?: boolean;
}

/** The page of one of the reader's sessions (session-page.tsx). */
export function sessionPagePath(id: string): string {
  return `/settings/security/session?id=${encodeURIComponent(id)}`;
}

/** A relative time ("3 minutes ago") with the exact one on hover. */
export function Time({ iso, now, timeZone }: { iso: string; now: Date; timeZone: string | undefined }) {
  return (
    <time dateTime={iso} title={formatExact(iso, messages.locale, timeZone)}>
      {formatRelative(iso, now, messages.locale)}
    </time>
  );
}

/**
 * Where and when a session signed in, its last activity and how it signed in: the facts its row
 * and its own page show alike. `secondFactor`: the sign-in's, where known (its history); `children`
 * are further facts of the same list.
 */
export function SessionFacts({
  session,
  now,
  timeZone,
  secondFactor,
  className,
  children,
}: {
  session: Session;
  now: Date;
  timeZone: string | undefined;
  secondFactor?: string;
  className?: string;
  children?: ReactNode;
}) {
  const m = messages.sessions;
  const location = formatLocation(session.location);
  return (
    <dl className={className === undefined ? 'facts' : `facts ${className}`}>
      <div className="fact fact-location">
        <dt>{m.location}</dt>
        <dd title={location.detail}>
          {location.text}
          {location.known && <span className="muted"> ({m.approximate})</span>}
        </dd>
      </div>
      <div className="fact fact-ip">
        <dt>{m.ip}</dt>
        <dd className="mono">{session.ip}</dd>
      </div>
      <div className="fact fact-signed-in">
        <dt>{m.signedIn}</dt>
        <dd>
          <Time iso={session.signed_in_at} now={now} timeZone={timeZone} />
        </dd>
      </div>
      <div className="fact fact-last-active">
        <dt>{m.lastActive}</dt>
        <dd>
          {session.current ? (
            <span title={formatExact(session.last_active_at, messages.locale, timeZone)}>{m.activeNow}</span>
          ) : (
            <Time iso={session.last_active_at} now={now} timeZone={timeZone} />
          )}
        </dd>
      </div>
      <div className="fact fact-method">
        <dt>{m.signInMethod}</dt>
        <dd>{signInMethodText(session.auth_method, secondFactor)}</dd>
      </div>
      {children}
    </dl>
  );
}

/** One session: what, where, when, and its Sign out button. Every server string renders as text. */
export function SessionRow({
  session,
  now,
  onSignOut,
  onTrust,
  onUntrust,
  timeZone,
  signOutText,
  signOutLabel,
  onReplaceDevice,
  replaceDeviceText,
  replaceDeviceLabel,
  headingLevel = 3,
  detailsLink = true,
}: SessionRowProps) {
  const m = messages.sessions;
  const nameId = `session-${session.id}-name`;
  const detail = formatDeviceDetail(session.device);
  const deviceName = session.device.name.trim() === '' ? m.unknownDevice : session.device.name;
  const Heading = headingLevel === 4 ? 'h4' : 'h3';

  return (
    <li className={session.current ? 'session session-current' : 'session'} aria-labelledby={nameId} data-session-id={session.id}>
      <div className="session-icon">
        {/* An unknown device type (a CLI, a service) is better pictured by its app. */}
        {session.device.type === 'unknown' ? <AppIcon kind={session.client.kind} size={24} /> : <DeviceIcon type={session.device.type} />}
      </div>
      <div className="session-main">
        <div className="session-head">
          <Heading id={nameId} className="session-name">
            {deviceName}
          </Heading>
          {session.current && <span className="badge badge-current">{m.thisDevice}</span>}
          {session.trusted && (
            <span className="badge badge-trusted" title={m.trustedHint}>
              {m.trusted}
            </span>
          )}
          {session.trusted && session.trusted_until != null && (
            <span className="session-trust-until muted" title={formatExact(session.trusted_until, messages.locale, timeZone)}>
              {m.trustedUntil(formatDay(session.trusted_until, now, messages.locale, timeZone))}
            </span>
          )}
        </div>
        <p className="session-sub">
          <span className="session-app" title={m.kinds[session.client.kind] ?? session.client.kind}>
            <AppIcon kind={session.client.kind} />
            <span className="visually-hidden">{m.app}: </span>
            {session.client.name}
          </span>
          {detail !== '' && (
            <>
              <span aria-hidden="true" className="sep">
                ·
              </span>
              <span className="session-device">{detail}</span>
            </>
          )}
        </p>
        <SessionFacts session={session} now={now} timeZone={timeZone} />
      </div>
      <div className="session-actions">
        {detailsLink && (
          <Link
            href={sessionPagePath(session.id)}
            className="button button-quiet session-details-link"
            aria-label={messages.sessionPage.detailsLabel(session.current ? m.thisDevice.toLowerCase() : describeSession(session))}
          >
            {messages.sessionPage.details}
          </Link>
        )}
        {onTrust !== undefined && session.current && session.auth_method === 'mfa' && !session.trusted && (
          <button type="button" className="button" title={m.trustThisHint} onClick={() => onTrust(session)}>
            {m.trustThis}
          </button>
        )}
        {onUntrust !== undefined && session.trusted && (
          <button
            type="button"
            className="button"
            aria-label={m.stopTrustingLabel(session.current ? m.thisDevice.toLowerCase() : describeSession(session))}
            onClick={() => onUntrust(session)}
          >
            {m.stopTrusting}
          </button>
        )}
        <button
          type="button"
          className="button"
          aria-label={(signOutLabel ?? m.signOutLabel)(session.current ? m.thisDevice.toLowerCase() : describeSession(session))}
          onClick={(event) => onSignOut(session, event.currentTarget)}
        >
          {signOutText ?? m.signOut}
        </button>
        {onReplaceDevice !== undefined && !session.current && (
          <button
            type="button"
            className="button button-small button-quiet"
            aria-label={(replaceDeviceLabel ?? m.lostDeviceLabel)(describeSession(session))}
            onClick={(event) => onReplaceDevice(session, event.currentTarget)}
          >
            {replaceDeviceText ?? m.lostDevice}
          </button>
        )}
      </div>
    </li>
  );
}
