/**
 * "Review your sessions": shown at the top of every signed-in page (SignedInLayout) while
 * `GET /v1/me/reviews` lists anything. It says why the person is asked (a workspace asked, they
 * joined one, their password was reset, an unusual sign-in), leads to the Active sessions list,
 * and offers "I have reviewed my sessions" (`POST /v1/me/reviews/complete`); then it goes away and
 * says how many sessions were signed out since the person was asked.
 *
 * A region with a heading, so it is in the landmarks list and the skip link lands just above it.
 * The confirmation is said in a live region and gets focus, since the button that was pressed
 * is gone with the banner. A banner that cannot be loaded stays away: the page shows its own errors.
 */
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import type { MouseEvent } from 'react';
import { ApiError, isUnauthenticated } from '../api';
import type { PendingReview } from '../api';
import { messages as defaultMessages } from '../messages';
import type { Messages } from '../messages';
import pageRoutes from '../page-routes.json';
import { useServices } from '../services';
import { Link } from './link';

/** The id of the Active sessions page's list heading, where "Jump to the list" goes. */
export const SESSIONS_HEADING_ID = 'sessions-heading';

export interface ReviewsContextValue {
  /** Read the pending reviews again (after the page did something that may have asked for one). */
  refreshReviews: () => void;
  /** Goes up each time the person confirms a review on this page (to reload what shows it). */
  reviewed: number;
}

export const ReviewsContext = createContext<ReviewsContextValue>({ refreshReviews: () => undefined, reviewed: 0 });

export function useReviews(): ReviewsContextValue {
  return useContext(ReviewsContext);
}

/** Why the person is asked, one line per distinct reason, oldest request first. */
export function reviewReasons(reviews: readonly PendingReview[], m: Messages = defaultMessages): string[] {
  const r = m.reviews.reasons;
  const lines = reviews.map((review) => {
    switch (review.reason) {
      case 'workspace_request':
        return r.workspaceRequest(review.workspace_name);
      case 'onboarding':
        return r.onboarding(review.workspace_name);
      case 'password_reset':
        return r.password_reset;
      case 'suspicious_sign_in':
        return r.suspicious_sign_in;
      default:
        return r.other;
    }
  });
  return [...new Set(lines)];
}

function errorText(err: unknown, m: Messages): string {
  if (err instanceof ApiError) {
    return err.retryAfterSeconds !== undefined ? `${err.message} ${m.common.retryAfter(err.retryAfterSeconds)}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function ReviewBanner({
  refreshKey,
  onSessionsPage,
  onReviewed,
}: {
  refreshKey: number;
  /** On the Active sessions page the list is right below: the link jumps to it. */
  onSessionsPage: boolean;
  onReviewed: () => void;
}) {
  const { api, onUnauthenticated } = useServices();
  const m = defaultMessages.reviews;
  const [reviews, setReviews] = useState<PendingReview[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    const load = () =>
      api.listMyReviews().then(
        (list) => {
          if (!mounted.current) return;
          setReviews(list);
          // Asked again after confirming: the new request replaces the thanks.
          if (list.length > 0) setDone(null);
        },
        // A 401 is the layout's to handle (it asks who is signed in); anything else hides the banner.
        () => undefined,
      );
    void load();
    // Someone may ask while the page is open: look again when the person comes back to it.
    const onFocus = () => void load();
    window.addEventListener('focus', onFocus);
    return () => {
      mounted.current = false;
      window.removeEventListener('focus', onFocus);
    };
  }, [api, refreshKey]);

  useEffect(() => {
    if (done !== null) doneRef.current?.focus();
  }, [done]);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const result = await api.completeMyReviews();
      if (!mounted.current) return;
      setReviews([]);
      setDone(m.done(result.sign_outs));
      onReviewed();
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(errorText(err, defaultMessages));
    } finally {
      if (mounted.current) setBusy(false);
    }
  }

  function jumpToList(event: MouseEvent<HTMLAnchorElement>) {
    const heading = document.getElementById(SESSIONS_HEADING_ID);
    if (heading === null) return;
    event.preventDefault();
    heading.focus();
  }

  if (reviews === null || (reviews.length === 0 && done === null)) return null;

  return (
    <div className="review-slot">
      {reviews.length > 0 && (
        <section className="review-banner" aria-labelledby="review-banner-heading">
          <h2 className="review-banner-title" id="review-banner-heading">
            {m.title}
          </h2>
          <p className="review-banner-why" id="review-banner-why">
            {m.whyLabel}
          </p>
          <ul className="review-reasons" aria-labelledby="review-banner-why">
            {reviewReasons(reviews).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p>{onSessionsPage ? m.stepsHere : m.steps}</p>
          {error !== null && (
            <div className="alert alert-error" role="alert">
              <p className="alert-title">{m.errorTitle}</p>
              <p>{error}</p>
            </div>
          )}
          <div className="review-actions">
            {onSessionsPage ? (
              <a className="button" href={`#${SESSIONS_HEADING_ID}`} onClick={jumpToList}>
                {m.toListHere}
              </a>
            ) : (
              <Link className="button" href={pageRoutes.pages.sessions}>
                {m.toList}
              </Link>
            )}
            <button type="button" className="button button-primary" onClick={() => void confirm()} disabled={busy}>
              {busy ? m.confirming : m.confirm}
            </button>
          </div>
        </section>
      )}
      <div className="notice-slot" role="status" aria-live="polite">
        {done !== null && (
          <p className="alert alert-success" ref={doneRef} tabIndex={-1}>
            {done}
          </p>
        )}
      </div>
    </div>
  );
}
