/**
 * Settings › Security › Active sessions. Lists where the account is signed in and lets the
 * person end any of those sessions. The list stays true without a reload: it refreshes when the
 * window regains focus or becomes visible, when the connection returns, and every 30 seconds;
 * while it refreshes the previous list stays on screen so nothing jumps.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import type { Session, UiConfig } from '../../api';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ReauthCancelled, useReauth } from '../../components/reauth-dialog';
import { SESSIONS_HEADING_ID, useReviews } from '../../components/review-banner';
import { SignedInLayout } from '../../components/signed-in-layout';
import { useDocumentTitle, useOnline } from '../../components/hooks';
import { describeSession, orderSessions } from '../../format';
import { messages } from '../../messages';
import { signInPath, useServices } from '../../services';
import { RecentActivity } from '../activity/recent-activity';
import { ConnectedAppsSection } from '../credentials/connected-apps-section';
import { DeviceSignIns } from '../credentials/device-sign-ins';
import { RelyingPartySection } from '../credentials/relying-party-section';
import { TokensSection } from '../credentials/tokens-section';
import type { RevokeInclude } from '../credentials/types';
import { credentialCounts, useCredentials } from '../credentials/use-credentials';
import { DeviceGroup, deviceNameOf, groupByDevice } from './device-group';
import { SessionRow } from './session-row';

/** Narrow screens (styles.css's small-screen breakpoint): the boundary folds into one line. */
export const COMPACT_QUERY = '(max-width: 40rem)';

function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = window.matchMedia?.(query);
      list?.addEventListener('change', onChange);
      return () => list?.removeEventListener('change', onChange);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia?.(query).matches ?? false,
    () => false,
  );
}

/** How often the open page re-reads the list; short enough that a revocation shows up soon. */
export const REFRESH_INTERVAL_MS = 30_000;

type Pending =
  | { kind: 'one'; session: Session }
  /** Every session on the device `session` ran on; `group`: started from the device's heading, which listed these. */
  | { kind: 'device'; session: Session; group?: Session[] }
  | { kind: 'others'; count: number }
  | { kind: 'all'; count: number };

function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.retryAfterSeconds !== undefined) return `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function SessionsPage({ timeZone }: { timeZone?: string } = {}) {
  return (
    <SignedInLayout section="sessions">
      <SessionsContent timeZone={timeZone} />
    </SignedInLayout>
  );
}

function SessionsContent({ timeZone }: { timeZone: string | undefined }) {
  const { api, now, navigate, onUnauthenticated, markSignedIn } = useServices();
  const m = messages.sessions;
  useDocumentTitle(m.title, messages.productName);
  const online = useOnline();
  const compact = useMediaQuery(COMPACT_QUERY);

  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [loadedAt, setLoadedAt] = useState<Date | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [config, setConfig] = useState<UiConfig | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [actionBusy, setActionBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const triggerRef = useRef<HTMLElement | null>(null);
  const listHeadingRef = useRef<HTMLHeadingElement>(null);
  const inFlight = useRef(false);
  const mounted = useRef(true);
  // Ending other sessions and trusting this device need a recent password or code (sudo mode).
  const reauth = useReauth();
  const [trustError, setTrustError] = useState<string | null>(null);
  // Bumped after a sign-out or trust change made here, so "Recent security activity" shows it.
  const [activityKey, setActivityKey] = useState(0);
  // Confirming a review (the banner above) is on the timeline too.
  const { reviewed } = useReviews();
  // Connected apps, "Signed in with your account" and personal access tokens (issue 11).
  const credentials = useCredentials();
  const reloadCredentials = credentials.reload;
  // "Also remove connected apps and revoke personal access tokens" in the bulk dialogs.
  const [alsoCredentials, setAlsoCredentials] = useState(false);

  const refresh = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setRefreshing(true);
    try {
      const list = await api.listSessions();
      if (!mounted.current) return;
      markSignedIn();
      setSessions(orderSessions(list));
      setLoadedAt(now());
      setLoadError(null);
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setLoadError(errorText(err));
    } finally {
      inFlight.current = false;
      if (mounted.current) setRefreshing(false);
    }
  }, [api, now, onUnauthenticated, markSignedIn]);

  useEffect(() => {
    mounted.current = true;
    void refresh();
    api.getUiConfig().then(
      (c) => mounted.current && setConfig(c),
      (err: unknown) => {
        if (!mounted.current || isUnauthenticated(err)) return;
        setConfigError(m.configError(errorText(err)));
      },
    );
    const refreshAll = () => {
      void refresh();
      void reloadCredentials();
    };
    const onFocus = refreshAll;
    const onVisible = () => {
      if (document.visibilityState === 'visible') refreshAll();
    };
    // A hidden tab skips the timer; it catches up on the focus/visibility event when shown.
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') refreshAll();
    }, REFRESH_INTERVAL_MS);
    window.addEventListener('focus', onFocus);
    window.addEventListener('online', onFocus);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      mounted.current = false;
      window.clearInterval(timer);
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('online', onFocus);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [api, refresh, reloadCredentials, m]);

  function open(next: Pending, trigger: HTMLElement) {
    triggerRef.current = trigger;
    setActionError(null);
    setAlsoCredentials(false);
    setPending(next);
  }

  function close() {
    setPending(null);
    setActionBusy(false);
    setActionError(null);
  }

  async function confirm() {
    if (pending === null) return;
    setActionBusy(true);
    setActionError(null);
    try {
      if (pending.kind === 'one' && pending.session.current) {
        await api.signOut();
        navigate(signInPath('signed_out', null), { replace: true });
        return;
      }
      const include: RevokeInclude[] | undefined = alsoCredentials && counts !== null ? ['connected_apps', 'tokens'] : undefined;
      if (pending.kind === 'all') {
        const n = await reauth.run(() => api.revokeAllSessions(include));
        navigate(signInPath('signed_out_everywhere', null, n), { replace: true });
        return;
      }
      if (pending.kind === 'one') {
        const { id } = pending.session;
        try {
          await reauth.run(() => api.revokeSession(id));
          setNotice(m.revokedOne(deviceNameOf(pending.session), pending.session.client.name));
        } catch (err) {
          // Already ended (elsewhere, or it expired): the goal is met; say so and refresh.
          if (!(err instanceof ApiError && err.code === 'not_found')) throw err;
          setNotice(m.alreadyGone);
        }
        setSessions((list) => list?.filter((s) => s.id !== id) ?? null);
      } else if (pending.kind === 'device') {
        // "I lost this device": every session on it ends, so the refresh below drops more rows than this one.
        const { id } = pending.session;
        const gone = new Set(pending.group?.map((s) => s.id) ?? [id]);
        try {
          const done = await reauth.run(() => api.replaceDevice(id));
          setNotice(m.lostDone(done.revoked, done.untrusted));
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 'not_found')) throw err;
          setNotice(m.alreadyGone);
        }
        setSessions((list) => list?.filter((s) => !gone.has(s.id)) ?? null);
      } else {
        const n = await reauth.run(() => api.revokeOtherSessions(include));
        // One other session that this page listed: say which, as for a single sign-out.
        const listed = sessions?.filter((s) => !s.current) ?? [];
        const only = n === 1 && listed.length === 1 ? listed[0] : undefined;
        const sessionsText =
          n === 0 ? m.revokedNone : only !== undefined ? m.revokedOne(deviceNameOf(only), only.client.name) : m.revokedCount(n);
        // What else ended, as the dialog said (the lists are read again below).
        const also =
          include !== undefined && counts !== null ? messages.credentials.alsoEnded(counts.apps, counts.devices, counts.tokens) : '';
        setNotice(also === '' ? sessionsText : `${sessionsText} ${also}`);
        setSessions((list) => list?.filter((s) => s.current) ?? null);
        if (include !== undefined) void reloadCredentials();
      }
      // The button that opened the dialog goes away with its row (or with the other sessions),
      // so focus moves to the list heading instead of falling back to <body>.
      triggerRef.current = null;
      close();
      setActivityKey((k) => k + 1);
      void refresh();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setActionError(errorText(err));
      setActionBusy(false);
    }
  }

  async function setTrust(session: Session, trust: boolean) {
    setNotice(null);
    setTrustError(null);
    try {
      if (trust) await reauth.run(() => api.trustThisDevice());
      else await api.stopTrustingDevice(session.id);
      setNotice(trust ? m.trustedNow : m.untrustedNow);
      setActivityKey((k) => k + 1);
      void refresh();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setTrustError(err instanceof ReauthCancelled ? err.message : errorText(err));
    }
  }

  const others = sessions?.filter((s) => !s.current).length ?? 0;
  const counts = credentialCounts(credentials);
  const credentialsTotal = counts === null ? 0 : counts.apps + counts.devices + counts.tokens;
  const nowDate = now();
  const boundaryItems = (
    <>
      <div className="boundary-item">
        <h2 className="boundary-title">{m.covers}</h2>
        <p>{config?.sessions_page.covers ?? '\u00a0'}</p>
      </div>
      <div className="boundary-item">
        <h2 className="boundary-title">{m.excludes}</h2>
        <p>{config?.sessions_page.excludes ?? '\u00a0'}</p>
      </div>
    </>
  );

  return (
    <>
      <h1 className="page-title">{m.title}</h1>
      <p className="lead">{m.intro}</p>

      {compact ? (
        // A phone: one line that opens, so the first session is on the first screen.
        <details className="boundary-compact">
          <summary>{m.boundarySummary}</summary>
          <div className="boundary-compact-body">{boundaryItems}</div>
        </details>
      ) : (
        <section className="boundary" aria-label={m.covers}>
          {boundaryItems}
        </section>
      )}
      {configError !== null && (
        <p className="alert alert-error boundary-error" role="alert">
          {configError}
        </p>
      )}

      {!online && (
        <p className="alert alert-warning" role="status">
          {messages.common.offline}
        </p>
      )}

      <div className="list-header">
        <h2 className="section-title" ref={listHeadingRef} tabIndex={-1} id={SESSIONS_HEADING_ID}>
          {m.listLabel}
          {sessions !== null && <span className="count"> ({sessions.length})</span>}
        </h2>
        {/* Reserved line: "Refreshing…" replaces "Updated …" in place, so rows never move. */}
        <p className="status-line" aria-live="off">
          {refreshing && sessions !== null ? m.refreshing : loadedAt !== null ? m.updatedAt(formatTime(loadedAt)) : '\u00a0'}
        </p>
      </div>

      <div className="notice-slot" role="status" aria-live="polite">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>

      {trustError !== null && (
        <p className="alert alert-error" role="alert">
          {trustError}
        </p>
      )}

      {loadError !== null && (
        <div className="alert alert-error" role="alert">
          <p>{sessions === null ? `${m.loadError} ${loadError}` : m.refreshError(loadError)}</p>
          <button type="button" className="button button-small" onClick={() => void refresh()} disabled={refreshing}>
            {messages.common.retry}
          </button>
        </div>
      )}

      {sessions === null && loadError === null && <LoadingList />}

      {sessions !== null && sessions.length === 0 && <p className="empty">{m.empty}</p>}

      {sessions !== null && sessions.length > 0 && (
        <ul className="sessions" aria-labelledby={SESSIONS_HEADING_ID} aria-busy={refreshing}>
          {groupByDevice(sessions).map((entry) =>
            entry.kind === 'session' ? (
              <SessionRow
                key={entry.session.id}
                session={entry.session}
                now={nowDate}
                timeZone={timeZone}
                onSignOut={(session, trigger) => open({ kind: 'one', session }, trigger)}
                onTrust={(session) => void setTrust(session, true)}
                onUntrust={(session) => void setTrust(session, false)}
                onReplaceDevice={(session, trigger) => open({ kind: 'device', session }, trigger)}
              />
            ) : (
              <DeviceGroup
                key={entry.group}
                group={entry.group}
                sessions={entry.sessions}
                now={nowDate}
                timeZone={timeZone}
                onSignOut={(session, trigger) => open({ kind: 'one', session }, trigger)}
                onTrust={(session) => void setTrust(session, true)}
                onUntrust={(session) => void setTrust(session, false)}
                onSignOutDevice={(group, trigger) => open({ kind: 'device', session: group[0]!, group }, trigger)}
              />
            ),
          )}
        </ul>
      )}

      <DeviceSignIns credentials={credentials} timeZone={timeZone} onChanged={() => setActivityKey((k) => k + 1)} />

      {sessions !== null && sessions.length > 0 && (
        <section className="bulk" aria-labelledby="bulk-heading">
          <h2 id="bulk-heading" className="section-title">
            {others > 0 ? m.bulkHeading : m.bulkHeadingAlone}
          </h2>
          <div className="bulk-actions">
            {others > 0 ? (
              <button
                type="button"
                className="button button-danger"
                onClick={(event) => open({ kind: 'others', count: others }, event.currentTarget)}
              >
                {m.signOutOthers}
              </button>
            ) : (
              <p className="muted only-session">
                {counts !== null && counts.devices > 0 ? m.onlyThisSessionBesidesDevices : m.onlyThisSession}
              </p>
            )}
            <button
              type="button"
              className="button button-danger"
              onClick={(event) => open({ kind: 'all', count: sessions.length }, event.currentTarget)}
            >
              {m.signOutEverywhere}
            </button>
          </div>
        </section>
      )}

      <ConnectedAppsSection credentials={credentials} timeZone={timeZone} onChanged={() => setActivityKey((k) => k + 1)} />
      <RelyingPartySection credentials={credentials} timeZone={timeZone} onChanged={() => setActivityKey((k) => k + 1)} />
      <TokensSection credentials={credentials} timeZone={timeZone} onChanged={() => setActivityKey((k) => k + 1)} />

      <RecentActivity refreshKey={activityKey + reviewed} timeZone={timeZone} />

      <p className="attribution">
        {m.attributionLead} <a href="https://db-ip.com">{m.attribution}</a>
      </p>

      {pending !== null && (
        <ConfirmDialog
          {...withCredentialsChoice(
            dialogText(pending),
            (pending.kind === 'others' || pending.kind === 'all') && counts !== null && credentialsTotal > 0 ? counts : null,
            alsoCredentials,
            setAlsoCredentials,
            actionBusy,
          )}
          busyLabel={m.working}
          busy={actionBusy}
          error={actionError}
          onConfirm={() => void confirm()}
          onCancel={close}
          returnFocusTo={() => triggerRef.current}
          fallbackFocus={() => listHeadingRef.current}
        />
      )}
      {reauth.dialog}
    </>
  );
}

function dialogText(p: Pending): { title: string; body: ReactNode; confirmLabel: string } {
  const m = messages.sessions;
  switch (p.kind) {
    case 'one':
      return p.session.current
        ? { title: m.confirmCurrentTitle, body: m.confirmCurrentBody, confirmLabel: m.confirm }
        : { title: m.confirmOneTitle, body: m.confirmOneBody(describeSession(p.session)), confirmLabel: m.confirm };
    case 'device':
      if (p.group !== undefined)
        return {
          title: m.confirmDeviceTitle(deviceNameOf(p.session)),
          body: (
            <>
              <p>{m.confirmDeviceLead(p.group.length)}</p>
              <ul className="dialog-list">
                <li>{m.confirmLostTrust}</li>
              </ul>
              <p>{m.confirmLostStays}</p>
            </>
          ),
          confirmLabel: m.confirmLost,
        };
      return {
        title: m.confirmLostTitle,
        body: (
          <>
            <p>{m.confirmLostLead(describeSession(p.session))}</p>
            <ul className="dialog-list">
              <li>{m.confirmLostSessions}</li>
              <li>{m.confirmLostTrust}</li>
            </ul>
            <p>{m.confirmLostStays}</p>
          </>
        ),
        confirmLabel: m.confirmLost,
      };
    case 'others':
      return { title: m.confirmOthersTitle, body: m.confirmOthersBody(p.count), confirmLabel: m.confirmOthers };
    case 'all':
      return { title: m.confirmAllTitle, body: m.confirmAllBody(p.count), confirmLabel: m.confirmAll };
  }
}

/**
 * The bulk sign-outs' body with "Also remove connected apps and revoke personal access tokens"
 * (off by default) and, beside it, exactly what ticking it ends, counted from the lists on the
 * page. `counts` null: nothing of the kind to end (or a server without them), so no choice.
 */
function withCredentialsChoice(
  text: { title: string; body: ReactNode; confirmLabel: string },
  counts: { apps: number; devices: number; tokens: number } | null,
  checked: boolean,
  onChange: (checked: boolean) => void,
  busy: boolean,
): { title: string; body: ReactNode; confirmLabel: string } {
  if (counts === null) return text;
  const c = messages.credentials;
  return {
    ...text,
    body: (
      <>
        {typeof text.body === 'string' ? <p>{text.body}</p> : text.body}
        <div className="field-check bulk-credentials">
          <input
            id="bulk-also-credentials"
            type="checkbox"
            checked={checked}
            disabled={busy}
            aria-describedby="bulk-also-credentials-what"
            onChange={(e) => onChange(e.target.checked)}
          />
          <label htmlFor="bulk-also-credentials">{c.alsoCredentials}</label>
        </div>
        <p id="bulk-also-credentials-what" className="hint" aria-live="polite">
          {checked ? c.alsoEnds(counts.apps, counts.devices, counts.tokens) : c.keptCredentials}
        </p>
      </>
    ),
  };
}

function formatTime(date: Date): string {
  return new Intl.DateTimeFormat(messages.locale, { hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(date);
}

/** Two placeholder rows of the real rows' height, so the first render does not jump. */
function LoadingList() {
  return (
    <div className="sessions-loading" aria-busy="true">
      <p className="visually-hidden" role="status">
        {messages.sessions.loading}
      </p>
      <div className="session session-skeleton" aria-hidden="true" />
      <div className="session session-skeleton" aria-hidden="true" />
    </div>
  );
}
