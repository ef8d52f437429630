/**
 * Settings › Security › Security activity: the account's append-only security timeline, newest
 * first, one page of 20 at a time ("Load more" follows the server's cursor). When the window
 * regains focus or the connection returns, newer events are added on top without losing the
 * pages already loaded.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import { useDocumentTitle, useOnline } from '../../components/hooks';
import { SignedInLayout } from '../../components/signed-in-layout';
import { messages } from '../../messages';
import type { SecurityEvent, SecurityEventPage } from '../../api';
import { useServices } from '../../services';
import { EventItem } from './event-item';

export const PAGE_SIZE = 20;

function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    return err.retryAfterSeconds !== undefined ? `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Newer events from a fresh first page go on top of what is loaded. When the fresh page shares
 * no event with the list, the gap cannot be known, so the fresh page replaces the list.
 */
export function mergeNewest(
  current: { events: SecurityEvent[]; next: string | null },
  fresh: SecurityEventPage,
): { events: SecurityEvent[]; next: string | null } {
  const known = new Set(current.events.map((e) => e.id));
  if (current.events.length > 0 && !fresh.events.some((e) => known.has(e.id))) {
    return { events: fresh.events, next: fresh.next_cursor };
  }
  const added = fresh.events.filter((e) => !known.has(e.id));
  return { events: [...added, ...current.events], next: current.events.length === 0 ? fresh.next_cursor : current.next };
}

export function ActivityPage({ timeZone }: { timeZone?: string } = {}) {
  return (
    <SignedInLayout section="activity">
      <ActivityContent timeZone={timeZone} />
    </SignedInLayout>
  );
}

function ActivityContent({ timeZone }: { timeZone: string | undefined }) {
  const { api, now, onUnauthenticated, markSignedIn } = useServices();
  const a = messages.activity;
  useDocumentTitle(a.title, messages.productName);
  const online = useOnline();

  const [list, setList] = useState<{ events: SecurityEvent[]; next: string | null } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [moreBusy, setMoreBusy] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const mounted = useRef(true);
  const inFlight = useRef(false);
  const listRef = useRef(list);
  listRef.current = list;
  const firstNewRef = useRef<string | null>(null);

  const loadNewest = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setLoading(true);
    try {
      const page = await api.listSecurityEvents({ limit: PAGE_SIZE });
      if (!mounted.current) return;
      markSignedIn();
      setList((current) => (current === null ? { events: page.events, next: page.next_cursor } : mergeNewest(current, page)));
      setLoadError(null);
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setLoadError(errorText(err));
    } finally {
      inFlight.current = false;
      if (mounted.current) setLoading(false);
    }
  }, [api, markSignedIn, onUnauthenticated]);

  async function loadMore() {
    const current = listRef.current;
    if (current === null || current.next === null || moreBusy) return;
    setMoreBusy(true);
    setMoreError(null);
    try {
      const page = await api.listSecurityEvents({ cursor: current.next, limit: PAGE_SIZE });
      if (!mounted.current) return;
      firstNewRef.current = page.events[0]?.id ?? null;
      setList((l) => {
        if (l === null) return l;
        const known = new Set(l.events.map((e) => e.id));
        return { events: [...l.events, ...page.events.filter((e) => !known.has(e.id))], next: page.next_cursor };
      });
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setMoreError(a.moreError(errorText(err)));
    } finally {
      if (mounted.current) setMoreBusy(false);
    }
  }

  // After "Load more", focus moves to the first new event so keyboard and screen reader users
  // continue reading where the list grew, instead of staying on a button that may be gone.
  useEffect(() => {
    const id = firstNewRef.current;
    if (id === null) return;
    firstNewRef.current = null;
    document.getElementById(`event-${id}-title`)?.closest('li')?.focus();
  }, [list]);

  useEffect(() => {
    mounted.current = true;
    void loadNewest();
    const refresh = () => void loadNewest();
    const onVisible = () => {
      if (document.visibilityState === 'visible') void loadNewest();
    };
    window.addEventListener('focus', refresh);
    window.addEventListener('online', refresh);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      mounted.current = false;
      window.removeEventListener('focus', refresh);
      window.removeEventListener('online', refresh);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [loadNewest]);

  const nowDate = now();

  return (
    <>
      <h1 className="page-title">{a.title}</h1>
      <p className="lead">{a.intro}</p>

      {!online && (
        <p className="alert alert-warning" role="status">
          {a.offline}
        </p>
      )}

      {loadError !== null && (
        <div className="alert alert-error" role="alert">
          <p>{list === null ? `${a.loadError} ${loadError}` : loadError}</p>
          <button type="button" className="button button-small" onClick={() => void loadNewest()} disabled={loading}>
            {messages.common.retry}
          </button>
        </div>
      )}

      <h2 className="visually-hidden" id="events-heading">
        {a.listLabel}
      </h2>

      {list === null && loadError === null && <LoadingEvents label={a.loading} />}

      {list !== null && list.events.length === 0 && <p className="empty">{a.empty}</p>}

      {list !== null && list.events.length > 0 && (
        <ol className="events" aria-labelledby="events-heading" aria-busy={loading || moreBusy}>
          {list.events.map((e) => (
            <EventItem key={e.id} event={e} now={nowDate} timeZone={timeZone} />
          ))}
        </ol>
      )}

      {moreError !== null && (
        <p className="alert alert-error" role="alert">
          {moreError}
        </p>
      )}

      {list !== null && list.next !== null && (
        <div className="events-more">
          <button
            type="button"
            className="button"
            onClick={() => void loadMore()}
            disabled={moreBusy || !online}
            aria-describedby="events-heading"
          >
            {moreBusy ? a.loadingMore : a.loadMore}
          </button>
        </div>
      )}
    </>
  );
}

/** Placeholder rows while the first page loads, so the page does not jump. */
export function LoadingEvents({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div className="events-loading" aria-busy="true">
      <p className="visually-hidden" role="status">
        {label}
      </p>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="event event-skeleton" aria-hidden="true" />
      ))}
    </div>
  );
}
