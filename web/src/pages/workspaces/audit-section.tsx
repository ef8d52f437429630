/**
 * The workspace's audit trail for its administrators: newest first, a page at a time ("Load
 * more"), and the whole trail as a JSON Lines or CSV download (ordinary links: the browser sends
 * the session cookie and saves the file). Reloads when `refreshKey` changes, after an action
 * taken on the page.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { auditDownloadUrl, isUnauthenticated } from '../../api';
import type { AuditEntry, WorkspaceMember } from '../../api';
import { formatExact, formatRelative } from '../../format';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { describeAuditEntry, errorText, personName } from './wording';

export const AUDIT_PAGE_SIZE = 20;

export function AuditSection({
  workspaceId,
  members,
  refreshKey,
  timeZone,
}: {
  workspaceId: string;
  members: ReadonlyMap<string, WorkspaceMember>;
  refreshKey: number;
  timeZone: string | undefined;
}) {
  const { api, now, onUnauthenticated } = useServices();
  const m = messages.workspaces;
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const mounted = useRef(true);
  const firstNewRef = useRef<HTMLLIElement>(null);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);

  const load = useCallback(async () => {
    try {
      const page = await api.listWorkspaceAudit(workspaceId, { limit: AUDIT_PAGE_SIZE });
      if (!mounted.current) return;
      setEntries(page.entries);
      setCursor(page.next_cursor);
      setError(null);
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(errorText(err));
    }
  }, [api, workspaceId, onUnauthenticated]);

  useEffect(() => {
    mounted.current = true;
    void load();
    return () => {
      mounted.current = false;
    };
  }, [load, refreshKey]);

  // After "Load more", focus the first new entry so keyboard and screen reader users carry on there.
  useEffect(() => {
    if (focusIndex !== null) firstNewRef.current?.focus();
  }, [focusIndex]);

  async function more() {
    if (cursor === null || entries === null) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.listWorkspaceAudit(workspaceId, { cursor, limit: AUDIT_PAGE_SIZE });
      if (!mounted.current) return;
      setFocusIndex(entries.length);
      setEntries([...entries, ...page.entries]);
      setCursor(page.next_cursor);
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setMoreError(m.auditMoreError(errorText(err)));
    } finally {
      if (mounted.current) setLoadingMore(false);
    }
  }

  const nowDate = now();

  return (
    <section className="audit" aria-labelledby="audit-heading">
      <h3 className="section-title" id="audit-heading">
        {m.auditTitle}
      </h3>
      <p className="muted">{m.auditIntro}</p>
      <p className="audit-downloads">
        {m.auditDownload}{' '}
        <a href={auditDownloadUrl(workspaceId, 'jsonl')} download>
          {m.auditJsonl}
        </a>{' '}
        ·{' '}
        <a href={auditDownloadUrl(workspaceId, 'csv')} download>
          {m.auditCsv}
        </a>
      </p>
      {error !== null && (
        <div className="alert alert-error" role="alert">
          <p>{`${m.auditLoadError} ${error}`}</p>
          <button type="button" className="button button-small" onClick={() => void load()}>
            {messages.common.retry}
          </button>
        </div>
      )}
      {entries === null && error === null && <p className="muted">{m.auditLoading}</p>}
      {entries !== null && entries.length === 0 && <p className="empty">{m.auditEmpty}</p>}
      {entries !== null && entries.length > 0 && (
        <ol className="events audit-entries" aria-label={m.auditLabel}>
          {entries.map((e, i) => (
            <li key={e.id} className="event" ref={i === focusIndex ? firstNewRef : undefined} tabIndex={i === focusIndex ? -1 : undefined}>
              <div className="event-head">
                <p className="event-title">{describeAuditEntry(e, members)}</p>
                <time className="event-time" dateTime={e.at} title={formatExact(e.at, messages.locale, timeZone)}>
                  {formatRelative(e.at, nowDate, messages.locale)}
                </time>
              </div>
              <p className="event-by">
                {m.auditBy(personName(e.actor_id, members))}
                {typeof e.details.key === 'string' && ` ${m.auditWithKey}`}
                {e.ip !== null && <span className="mono"> {m.auditFrom(e.ip)}</span>}
              </p>
            </li>
          ))}
        </ol>
      )}
      {moreError !== null && (
        <p className="alert alert-error" role="alert">
          {moreError}
        </p>
      )}
      {cursor !== null && entries !== null && (
        <p className="events-more">
          <button type="button" className="button" onClick={() => void more()} disabled={loadingMore}>
            {loadingMore ? m.auditLoadingMore : m.auditMore}
          </button>
        </p>
      )}
    </section>
  );
}
