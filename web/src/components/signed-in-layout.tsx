/**
 * The frame of every signed-in page: product name, who is signed in, a Sign out button,
 * the Settings › Security breadcrumb (Settings › Workspaces there) and the section tabs (Instance
 * only for instance administrators). It asks the server who is signed in;
 * a 401 there sends the person to sign-in like any other call. Above each page, the "Review your
 * sessions" banner while a review is pending (review-banner.tsx); pages reach it through
 * `useReviews()`.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, isUnauthenticated } from '../api';
import type { Api, User } from '../api';
import { messages } from '../messages';
import { signInPath, useServices } from '../services';
import { Link } from './link';
import { ReviewBanner, ReviewsContext } from './review-banner';
import type { ReviewsContextValue } from './review-banner';

export type Section = 'sessions' | 'activity' | 'password' | 'mfa' | 'passkeys' | 'workspaces' | 'instance';

/** `security` pages sit under Settings › Security; the others directly under Settings. */
const sections: { id: Section; href: string; label: string; security: boolean }[] = [
  { id: 'sessions', href: '/settings/security/sessions', label: messages.nav.sessions, security: true },
  { id: 'activity', href: '/settings/security/activity', label: messages.nav.activity, security: true },
  { id: 'password', href: '/settings/security/password', label: messages.nav.password, security: true },
  { id: 'mfa', href: '/settings/security/mfa', label: messages.nav.mfa, security: true },
  { id: 'passkeys', href: '/settings/security/passkeys', label: messages.nav.passkeys, security: true },
  { id: 'workspaces', href: '/settings/workspaces', label: messages.nav.workspaces, security: false },
  { id: 'instance', href: '/settings/instance', label: messages.nav.instance, security: false },
];

/**
 * Whether the signed-in person is an instance administrator: the instance's overview answers them
 * 200 (403 to anyone else). Asked once per page load (per API client), not on every page.
 */
const instanceAdmin = new WeakMap<Api, Promise<boolean>>();
function isInstanceAdmin(api: Api): Promise<boolean> {
  let known = instanceAdmin.get(api);
  if (known === undefined) {
    known = api.getInstanceOverview('24h').then(
      () => true,
      () => false,
    );
    instanceAdmin.set(api, known);
  }
  return known;
}

export function SignedInLayout({ section, children }: { section: Section; children: ReactNode }) {
  const { api, navigate, onUnauthenticated, markSignedIn } = useServices();
  const [user, setUser] = useState<User | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = sections.find((s) => s.id === section);
  const [admin, setAdmin] = useState(false);
  const shown = sections.filter((s) => s.id !== 'instance' || admin || section === 'instance');
  const [reviewsKey, setReviewsKey] = useState(0);
  const [reviewed, setReviewed] = useState(0);
  const reviews = useMemo<ReviewsContextValue>(() => ({ refreshReviews: () => setReviewsKey((k) => k + 1), reviewed }), [reviewed]);

  useEffect(() => {
    let live = true;
    api.getCurrentSession().then(
      (me) => {
        if (!live) return;
        markSignedIn();
        setUser(me.user);
      },
      (err: unknown) => {
        if (!live) return;
        if (isUnauthenticated(err)) onUnauthenticated(err);
        // Other failures are shown by the page itself, which makes its own calls.
      },
    );
    return () => {
      live = false;
    };
  }, [api, onUnauthenticated, markSignedIn]);

  useEffect(() => {
    let live = true;
    void isInstanceAdmin(api).then((yes) => {
      if (live) setAdmin(yes);
    });
    return () => {
      live = false;
    };
  }, [api]);

  async function signOut() {
    setSigningOut(true);
    setError(null);
    try {
      await api.signOut();
      navigate(signInPath('signed_out', null), { replace: true });
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(err instanceof ApiError ? err.message : String(err));
      setSigningOut(false);
    }
  }

  return (
    <>
      <a className="skip-link" href="#main">
        {messages.nav.skipToContent}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <span className="brand">{messages.productName}</span>
          <div className="topbar-user">
            <span className="signed-in-as" aria-live="off">
              {user === null ? '\u00a0' : messages.nav.signedInAs(user.email)}
            </span>
            <button type="button" className="button button-small" onClick={() => void signOut()} disabled={signingOut}>
              {signingOut ? messages.nav.signingOut : messages.nav.signOut}
            </button>
          </div>
        </div>
        {error !== null && (
          <p className="alert alert-error topbar-alert" role="alert">
            {error}
          </p>
        )}
      </header>
      <div className="page">
        <nav aria-label={messages.nav.breadcrumb} className="breadcrumb">
          <ol>
            <li>{messages.nav.settings}</li>
            {current?.security !== false && <li>{messages.nav.security}</li>}
            <li aria-current="page">{current?.label}</li>
          </ol>
        </nav>
        <nav aria-label={messages.nav.sectionNav} className="tabs">
          <ul>
            {shown.map((s) => (
              <li key={s.id}>
                <Link href={s.href} aria-current={s.id === section ? 'page' : undefined} className="tab">
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <ReviewsContext.Provider value={reviews}>
            <ReviewBanner refreshKey={reviewsKey} onSessionsPage={section === 'sessions'} onReviewed={() => setReviewed((n) => n + 1)} />
            {children}
          </ReviewsContext.Provider>
        </main>
      </div>
    </>
  );
}
