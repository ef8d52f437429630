/**
 * Session reviews, for the workspace's administrators: "Ask everyone to review their sessions"
 * (each active member then sees the banner until they confirm), and who has reviewed (when, and
 * how many sessions they signed out first), who is pending and who was never asked. Asking needs
 * no recent authentication: it ends nothing.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { isUnauthenticated } from '../../api';
import type { ReviewStatus } from '../../api';
import { formatExact, formatRelative } from '../../format';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { errorText, reviewState, reviewSummary } from './wording';
import type { ReviewState } from './wording';

const STATE_CLASS: Record<ReviewState, string> = {
  done: 'badge badge-review-done',
  pending: 'badge badge-review-pending',
  never: 'badge badge-review-never',
};

export function ReviewSection({
  workspaceId,
  workspaceName,
  meId,
  refreshKey,
  timeZone,
  onAsked,
}: {
  workspaceId: string;
  workspaceName: string;
  meId: string | null;
  refreshKey: number;
  timeZone: string | undefined;
  /** Members were asked: the audit trail has a new entry, and the caller may be among them. */
  onAsked: () => void;
}) {
  const { api, now, onUnauthenticated } = useServices();
  const m = messages.workspaces;
  const [list, setList] = useState<ReviewStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [askError, setAskError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const mounted = useRef(true);

  const load = useCallback(async () => {
    try {
      const found = await api.listWorkspaceReviews(workspaceId);
      if (!mounted.current) return;
      setList(found);
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

  async function ask() {
    setAsking(true);
    setAskError(null);
    setNotice(null);
    try {
      const asked = await api.requestWorkspaceReview(workspaceId);
      if (!mounted.current) return;
      setNotice(m.reviewsAsked(asked));
      onAsked();
      void load();
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setAskError(errorText(err));
    } finally {
      if (mounted.current) setAsking(false);
    }
  }

  const nowDate = now();
  const when = (iso: string | null) =>
    iso === null ? (
      <span className="muted">{m.reviewNotYet}</span>
    ) : (
      <time dateTime={iso} title={formatExact(iso, messages.locale, timeZone)}>
        {formatRelative(iso, nowDate, messages.locale)}
      </time>
    );

  return (
    <section className="reviews" aria-labelledby="reviews-heading">
      <h3 className="section-title" id="reviews-heading">
        {m.reviewsTitle}
      </h3>
      <p className="muted">{m.reviewsIntro}</p>
      <p className="reviews-ask">
        <button type="button" className="button" onClick={() => void ask()} disabled={asking}>
          {asking ? m.reviewsAsking : m.reviewsAsk}
        </button>
      </p>
      <div className="notice-slot" role="status" aria-live="polite">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>
      {askError !== null && (
        <div className="alert alert-error" role="alert">
          <p className="alert-title">{m.errorTitle}</p>
          <p>{askError}</p>
        </div>
      )}
      {error !== null && (
        <div className="alert alert-error" role="alert">
          <p>{`${m.reviewsLoadError} ${error}`}</p>
          <button type="button" className="button button-small" onClick={() => void load()}>
            {messages.common.retry}
          </button>
        </div>
      )}
      {list === null && error === null && <p className="muted">{m.reviewsLoading}</p>}
      {list !== null && list.length === 0 && <p className="empty">{m.reviewsEmpty}</p>}
      {list !== null && list.length > 0 && (
        <>
          <p className="reviews-summary">{reviewSummary(list)}</p>
          <table className="members review-table">
            <caption className="visually-hidden">{m.reviewsCaption(workspaceName)}</caption>
            <thead>
              <tr>
                <th scope="col">{m.reviewColumns.member}</th>
                <th scope="col">{m.reviewColumns.status}</th>
                <th scope="col">{m.reviewColumns.asked}</th>
                <th scope="col">{m.reviewColumns.completed}</th>
                <th scope="col">{m.reviewColumns.signOuts}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((x) => {
                const state = reviewState(x);
                return (
                  <tr key={x.user_id} data-member-id={x.user_id}>
                    <th scope="row" data-label={m.reviewColumns.member}>
                      <span className="member-email">{x.email}</span>
                      {x.user_id === meId && <span className="muted"> {m.you}</span>}
                    </th>
                    <td data-label={m.reviewColumns.status}>
                      <span className={STATE_CLASS[state]}>
                        {state === 'done' ? m.reviewDone : state === 'pending' ? m.reviewPending : m.reviewNever}
                      </span>
                    </td>
                    <td data-label={m.reviewColumns.asked}>{when(x.requested_at)}</td>
                    <td data-label={m.reviewColumns.completed}>{when(x.completed_at)}</td>
                    <td data-label={m.reviewColumns.signOuts}>
                      {state === 'done' && x.sign_outs !== null ? (
                        m.reviewSignOuts(x.sign_outs)
                      ) : (
                        <span className="muted">{m.reviewNotYet}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
