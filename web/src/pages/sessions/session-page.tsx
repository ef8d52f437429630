/**
 * Settings › Security › Active sessions › one session (`/settings/security/session?id=…`),
 * reached from its row's "Details": what the session is, a Sign out button while it lasts, every
 * address it was used from with its approximate place, and its history — its sign-in, each time
 * it confirmed it was the owner, its device's trust changes and how it ended — newest first.
 * An ended session keeps its page (as long as the server keeps the session); an id that is not
 * one of the reader's sessions is "Session not found".
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import type { SessionAddress, SessionHistory } from '../../api';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useDocumentTitle } from '../../components/hooks';
import { AppIcon, DeviceIcon } from '../../components/icons';
import { Link } from '../../components/link';
import { ReauthCancelled, useReauth } from '../../components/reauth-dialog';
import { SignedInLayout } from '../../components/signed-in-layout';
import { describeSession, formatDay, formatDeviceDetail, formatExact, formatLocation } from '../../format';
import { messages } from '../../messages';
import { useLocation } from '../../router';
import { signInPath, useServices } from '../../services';
import { EventItem } from '../activity/event-item';
import { SessionFacts, Time } from './session-row';

export const SESSIONS_PATH = '/settings/security/sessions';

type State = { kind: 'loading' } | { kind: 'loaded'; history: SessionHistory } | { kind: 'missing' } | { kind: 'error'; message: string };

function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    return err.retryAfterSeconds !== undefined ? `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function SessionPage({ timeZone }: { timeZone?: string } = {}) {
  return (
    <SignedInLayout section="sessions">
      <SessionContent timeZone={timeZone} />
    </SignedInLayout>
  );
}

function SessionContent({ timeZone }: { timeZone: string | undefined }) {
  const { api, now, navigate, onUnauthenticated, markSignedIn } = useServices();
  const p = messages.sessionPage;
  const id = useLocation().search.get('id');
  const [state, setState] = useState<State>(() => (id === null || id === '' ? { kind: 'missing' } : { kind: 'loading' }));
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const triggerRef = useRef<HTMLElement | null>(null);
  const mounted = useRef(true);
  const reauth = useReauth();

  const load = useCallback(async () => {
    if (id === null || id === '') return setState({ kind: 'missing' });
    try {
      const history = await api.getSessionHistory(id);
      if (!mounted.current) return;
      markSignedIn();
      setState({ kind: 'loaded', history });
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      if (err instanceof ApiError && err.code === 'not_found') return setState({ kind: 'missing' });
      setState({ kind: 'error', message: errorText(err) });
    }
  }, [api, id, markSignedIn, onUnauthenticated]);

  useEffect(() => {
    mounted.current = true;
    void load();
    return () => {
      mounted.current = false;
    };
  }, [load]);

  const history = state.kind === 'loaded' ? state.history : null;
  const session = history?.session ?? null;
  const deviceName = session === null ? '' : session.device.name.trim() === '' ? messages.sessions.unknownDevice : session.device.name;
  const title =
    session !== null ? p.title(deviceName, session.client.name) : state.kind === 'missing' ? p.notFoundTitle : messages.sessions.title;
  useDocumentTitle(title, messages.productName);

  async function signOut() {
    if (session === null) return;
    setBusy(true);
    setActionError(null);
    try {
      if (session.current) {
        await api.signOut();
        navigate(signInPath('signed_out', null), { replace: true });
        return;
      }
      try {
        await reauth.run(() => api.revokeSession(session.id));
      } catch (err) {
        // Already ended elsewhere: the page shows how, after the reload below.
        if (!(err instanceof ApiError && err.code === 'not_found')) throw err;
      }
      setNotice(p.signedOut(deviceName, session.client.name));
      // The button that opened the dialog goes away with the live session: focus moves to the heading.
      triggerRef.current = null;
      setConfirming(false);
      setBusy(false);
      await load();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setActionError(err instanceof ReauthCancelled ? err.message : errorText(err));
      setBusy(false);
    }
  }

  const nowDate = now();
  const back = (
    <p className="back-link">
      <Link href={SESSIONS_PATH} aria-label={p.backLabel}>
        <span aria-hidden="true">← </span>
        {p.back}
      </Link>
    </p>
  );

  if (state.kind === 'missing') {
    return (
      <>
        {back}
        <h1 className="page-title" ref={headingRef} tabIndex={-1}>
          {p.notFoundTitle}
        </h1>
        <p className="lead">{id === null || id === '' ? p.noId : p.notFound}</p>
      </>
    );
  }

  if (state.kind !== 'loaded' || history === null || session === null) {
    return (
      <>
        {back}
        <h1 className="page-title">{messages.sessions.title}</h1>
        {state.kind === 'error' ? (
          <div className="alert alert-error" role="alert">
            <p>{`${p.loadError} ${state.message}`}</p>
            <button type="button" className="button button-small" onClick={() => void load()}>
              {messages.common.retry}
            </button>
          </div>
        ) : (
          <p className="muted" role="status">
            {p.loading}
          </p>
        )}
      </>
    );
  }

  const m = messages.sessions;
  const ended = history.ended;
  const detail = formatDeviceDetail(session.device);

  return (
    <>
      {back}
      <div className="session-page-head">
        <div className="session-icon" aria-hidden="true">
          {session.device.type === 'unknown' ? <AppIcon kind={session.client.kind} size={24} /> : <DeviceIcon type={session.device.type} />}
        </div>
        <div className="session-page-title">
          <h1 className="page-title" ref={headingRef} tabIndex={-1}>
            {title}
          </h1>
          <p className="session-page-badges">
            {session.current && <span className="badge badge-current">{m.thisDevice}</span>}
            {ended === null && session.trusted && (
              <span className="badge badge-trusted" title={m.trustedHint}>
                {m.trusted}
              </span>
            )}
            {ended !== null && <span className="badge badge-ended">{p.ended}</span>}
            {detail !== '' && <span className="session-device muted">{detail}</span>}
          </p>
        </div>
      </div>

      <div className="notice-slot" role="status" aria-live="polite">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>

      <SessionFacts
        className="session-page-facts"
        session={session}
        now={nowDate}
        timeZone={timeZone}
        secondFactor={history.events.find((e) => e.kind === 'sign_in')?.second_factor}
      >
        {ended === null ? (
          <div className="fact">
            <dt>{p.expires}</dt>
            <dd title={formatExact(session.expires_at, messages.locale, timeZone)}>
              {formatDay(session.expires_at, nowDate, messages.locale, timeZone)}
            </dd>
          </div>
        ) : (
          <div className="fact fact-ended">
            <dt>{p.endedHow}</dt>
            <dd>
              {p.endedReasons[ended.reason] ?? ended.reason}
              {', '}
              <Time iso={ended.at} now={nowDate} timeZone={timeZone} />
            </dd>
          </div>
        )}
      </SessionFacts>

      {ended === null && (
        <div className="session-page-actions">
          <button
            type="button"
            className="button button-danger"
            onClick={(event) => {
              triggerRef.current = event.currentTarget;
              setActionError(null);
              setConfirming(true);
            }}
          >
            {session.current ? p.signOutHere : p.signOutThis}
          </button>
        </div>
      )}
      {actionError !== null && !confirming && (
        <p className="alert alert-error" role="alert">
          {actionError}
        </p>
      )}

      <section className="session-page-section" aria-labelledby="addresses-heading">
        <h2 className="section-title" id="addresses-heading">
          {p.addressesTitle}
          <span className="count"> ({history.addresses.length})</span>
        </h2>
        <p className="muted section-intro">{p.addressesIntro}</p>
        {history.addresses.length === 0 ? (
          <p className="empty">{p.noAddresses}</p>
        ) : (
          <ul className="addresses" aria-label={p.addressesLabel}>
            {history.addresses.map((a) => (
              <AddressItem key={a.ip} address={a} now={nowDate} timeZone={timeZone} />
            ))}
          </ul>
        )}
      </section>

      <section className="session-page-section" aria-labelledby="history-heading">
        <h2 className="section-title" id="history-heading">
          {p.historyTitle}
        </h2>
        <p className="muted section-intro">{p.historyIntro}</p>
        {history.events.length === 0 ? (
          <p className="empty">{p.noHistory}</p>
        ) : (
          <ol className="events" aria-label={p.historyLabel}>
            {history.events.map((e) => (
              <EventItem key={e.id} event={e} now={nowDate} timeZone={timeZone} reviewLink={false} />
            ))}
          </ol>
        )}
      </section>

      <p className="attribution">
        {m.attributionLead} <a href="https://db-ip.com">{m.attribution}</a>
      </p>

      {confirming && (
        <ConfirmDialog
          title={session.current ? m.confirmCurrentTitle : m.confirmOneTitle}
          body={session.current ? m.confirmCurrentBody : m.confirmOneBody(describeSession(session))}
          confirmLabel={m.confirm}
          busyLabel={m.working}
          busy={busy}
          error={actionError}
          onConfirm={() => void signOut()}
          onCancel={() => {
            setConfirming(false);
            setBusy(false);
            setActionError(null);
          }}
          returnFocusTo={() => triggerRef.current}
          fallbackFocus={() => headingRef.current}
        />
      )}
      {reauth.dialog}
    </>
  );
}

/** One address: where it is (approximately), first and last seen. Server strings render as text. */
function AddressItem({ address, now, timeZone }: { address: SessionAddress; now: Date; timeZone: string | undefined }) {
  const p = messages.sessionPage;
  const place = formatLocation(address.location);
  return (
    <li className="address">
      <p className="address-where">
        <span className="mono address-ip">{address.ip}</span>
        <span className="address-place" title={place.detail}>
          {place.text}
          {place.known && <span className="muted"> ({messages.sessions.approximate})</span>}
        </span>
      </p>
      <dl className="address-times">
        <div>
          <dt>{p.firstSeen}</dt>
          <dd>
            <Time iso={address.first_seen_at} now={now} timeZone={timeZone} />
          </dd>
        </div>
        <div>
          <dt>{p.lastSeen}</dt>
          <dd>
            <Time iso={address.last_seen_at} now={now} timeZone={timeZone} />
          </dd>
        </div>
      </dl>
    </li>
  );
}
