/**
 * "Recent security activity" on the Active sessions page: the latest few events and a link to
 * the full timeline. It reloads with the page (focus, connection back) and when `refreshKey`
 * changes (after a sign-out made on the page), keeping the old list on screen meanwhile.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import { Link } from '../../components/link';
import { messages } from '../../messages';
import type { SecurityEvent } from '../../api';
import { useServices } from '../../services';
import { LoadingEvents } from './activity-page';
import { EventItem } from './event-item';

export const ACTIVITY_PATH = '/settings/security/activity';
export const SUMMARY_SIZE = 5;

export function RecentActivity({ refreshKey = 0, timeZone }: { refreshKey?: number; timeZone?: string | undefined }) {
  const { api, now, onUnauthenticated } = useServices();
  const a = messages.activity;
  const [events, setEvents] = useState<SecurityEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const mounted = useRef(true);
  const inFlight = useRef(false);

  const load = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setLoading(true);
    try {
      const page = await api.listSecurityEvents({ limit: SUMMARY_SIZE });
      if (!mounted.current) return;
      setEvents(page.events);
      setError(null);
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      inFlight.current = false;
      if (mounted.current) setLoading(false);
    }
  }, [api, onUnauthenticated]);

  useEffect(() => {
    mounted.current = true;
    const refresh = () => void load();
    window.addEventListener('focus', refresh);
    window.addEventListener('online', refresh);
    return () => {
      mounted.current = false;
      window.removeEventListener('focus', refresh);
      window.removeEventListener('online', refresh);
    };
  }, [load]);

  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const nowDate = now();

  return (
    <section className="recent-activity" aria-labelledby="recent-activity-heading">
      <div className="list-header">
        <h2 className="section-title" id="recent-activity-heading">
          {a.title}
        </h2>
        <Link href={ACTIVITY_PATH} className="see-all">
          {a.seeAll}
        </Link>
      </div>
      {error !== null && (
        <div className="alert alert-error" role="status">
          <p>{events === null ? `${a.loadError} ${error}` : error}</p>
          <button type="button" className="button button-small" onClick={() => void load()} disabled={loading}>
            {messages.common.retry}
          </button>
        </div>
      )}
      {events === null && error === null && <LoadingEvents label={a.loading} rows={2} />}
      {events !== null && events.length === 0 && <p className="empty">{a.empty}</p>}
      {events !== null && events.length > 0 && (
        <ol className="events events-compact" aria-labelledby="recent-activity-heading" aria-busy={loading}>
          {events.map((e) => (
            <EventItem key={e.id} event={e} now={nowDate} timeZone={timeZone} reviewLink={false} />
          ))}
        </ol>
      )}
    </section>
  );
}
