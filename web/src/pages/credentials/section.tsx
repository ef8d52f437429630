/**
 * The frame the credential sections share: heading and intro, a status line for what was just
 * done, the list's loading, failure (with Try again) and empty states. A list this server does
 * not have (404) leaves the whole section out.
 */
import type { ReactNode, Ref } from 'react';
import { messages } from '../../messages';
import type { Loaded } from './use-credentials';

export function CredentialSection<T>({
  id,
  title,
  intro,
  loaded,
  headingRef,
  loadError,
  notice,
  count,
  empty,
  onRetry,
  children,
  after,
}: {
  id: string;
  title: string;
  intro: string;
  loaded: Loaded<T>;
  headingRef: Ref<HTMLHeadingElement>;
  loadError: string;
  notice: string | null;
  /** How many items the list has (0: the empty state). */
  count: (value: T) => number;
  empty: string;
  onRetry: () => void;
  /** The list, once loaded and not empty. */
  children: (value: T) => ReactNode;
  /** Below the list whatever its state (a form, the dialogs). */
  after?: ReactNode;
}) {
  if (loaded.state === 'absent') return null;
  const headingId = `${id}-heading`;
  const failure = loaded.state === 'error' ? `${loadError} ${loaded.message}` : loaded.state === 'ready' ? (loaded.error ?? null) : null;
  return (
    <section className="credential-section" aria-labelledby={headingId}>
      <h2 className="section-title" id={headingId} ref={headingRef} tabIndex={-1}>
        {title}
        {loaded.state === 'ready' && count(loaded.value) > 0 && <span className="count"> ({count(loaded.value)})</span>}
      </h2>
      <p className="muted section-intro">{intro}</p>
      <div className="notice-slot" role="status" aria-live="polite">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>
      {failure !== null && (
        <div className="alert alert-error" role="alert">
          <p>{loaded.state === 'ready' ? messages.sessions.refreshError(failure) : failure}</p>
          <button type="button" className="button button-small" onClick={onRetry}>
            {messages.common.retry}
          </button>
        </div>
      )}
      {loaded.state === 'loading' && (
        <p className="muted" aria-busy="true">
          {messages.credentials.loading}
        </p>
      )}
      {loaded.state === 'ready' && (count(loaded.value) === 0 ? <p className="empty">{empty}</p> : children(loaded.value))}
      {after}
    </section>
  );
}
