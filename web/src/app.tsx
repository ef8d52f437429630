/** The routes and the services every page shares. */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { createApi, unauthenticatedReason } from './api';
import { messages } from './messages';
import type { Api } from './api';
import { ActivityPage } from './pages/activity/activity-page';
import { ConsentPage } from './pages/consent/consent-page';
import { MfaPage } from './pages/mfa/mfa-page';
import { NotFoundPage } from './pages/not-found/not-found-page';
import { PasskeysPage } from './pages/passkeys/passkeys-page';
import { PasswordPage } from './pages/password/password-page';
import { ReportPage } from './pages/report/report-page';
import { ResetConfirmPage, ResetRequestPage } from './pages/reset-password/reset-password-pages';
import { SessionPage } from './pages/sessions/session-page';
import { SessionsPage } from './pages/sessions/sessions-page';
import { SignInPage } from './pages/sign-in/sign-in-page';
import { SignUpConfirmPage } from './pages/sign-up/sign-up-confirm-page';
import { WorkspaceJoinPage } from './pages/workspaces/workspace-join-page';
import { WorkspacesPage } from './pages/workspaces/workspaces-page';
import pageRoutes from './page-routes.json';
import { navigate as historyNavigate, useLocation } from './router';
import { ServicesProvider, signInPath } from './services';
import type { Services } from './services';
import { browserWebAuthn } from './webauthn';
import type { WebAuthn } from './webauthn';

// The overview pages draw charts (uPlot): loaded when opened, so no other page downloads the library.
const WorkspaceOverviewPage = lazy(async () => ({ default: (await import('./pages/overview/overview-pages')).WorkspaceOverviewPage }));
const InstanceOverviewPage = lazy(async () => ({ default: (await import('./pages/overview/overview-pages')).InstanceOverviewPage }));

/** Every page, by name; the server serves the app document at the same list (page-routes.json). */
export const routes = pageRoutes.pages;

const systemNow = () => new Date();

export function App(props: { api?: Api; now?: () => Date; webauthn?: WebAuthn }) {
  const [api] = useState(() => props.api ?? createApi());
  const now = props.now ?? systemNow;
  const webauthn = props.webauthn ?? browserWebAuthn;
  const location = useLocation();
  const signedInSeen = useRef(false);
  const redirecting = useRef(false);
  const reason = useRef<string | null>(null);
  const pathRef = useRef(location.path);
  pathRef.current = location.path;

  const services = useMemo<Services>(
    () => ({
      api,
      now,
      webauthn,
      navigate: (to, options) => {
        redirecting.current = false;
        // A deliberate move (signing out, signing in) leaves an earlier reason behind.
        reason.current = null;
        historyNavigate(to, options);
      },
      markSignedIn: () => {
        signedInSeen.current = true;
        reason.current = null;
      },
      onUnauthenticated: (err, options = {}) => {
        // Several calls can fail at once; the first one decides where to go.
        if (redirecting.current) return;
        redirecting.current = true;
        reason.current = unauthenticatedReason(err);
        const notice = options.notice ?? (signedInSeen.current ? 'session_ended' : 'sign_in_required');
        signedInSeen.current = false;
        historyNavigate(signInPath(notice, options.next ?? pathRef.current), { replace: true });
      },
      signInReason: () => reason.current,
    }),
    [api, now, webauthn],
  );

  // After an in-page navigation, put focus at the top of the new page, as a page load would.
  const first = useRef(true);
  useEffect(() => {
    redirecting.current = false;
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus();
  }, [location.pathname]);

  useEffect(() => {
    if (location.pathname === '/') historyNavigate(routes.sessions, { replace: true });
  }, [location.pathname]);

  let page;
  switch (location.pathname.replace(/\/+$/, '') || '/') {
    case routes.signIn:
      page = <SignInPage />;
      break;
    case routes.sessions:
    case '/':
      page = <SessionsPage />;
      break;
    case routes.session:
      page = <SessionPage />;
      break;
    case routes.activity:
      page = <ActivityPage />;
      break;
    case routes.password:
      page = <PasswordPage />;
      break;
    case routes.resetPassword:
      page = <ResetRequestPage />;
      break;
    case routes.resetPasswordConfirm:
      page = <ResetConfirmPage />;
      break;
    case routes.reportSignIn:
      page = <ReportPage />;
      break;
    case routes.signUpConfirm:
      page = <SignUpConfirmPage />;
      break;
    case routes.mfa:
      page = <MfaPage />;
      break;
    case routes.passkeys:
      page = <PasskeysPage />;
      break;
    case routes.workspaces:
      page = <WorkspacesPage />;
      break;
    case routes.workspaceOverview:
      page = <WorkspaceOverviewPage />;
      break;
    case routes.instance:
      page = <InstanceOverviewPage />;
      break;
    case routes.workspaceJoin:
      page = <WorkspaceJoinPage />;
      break;
    case routes.oauthConsent:
      page = <ConsentPage />;
      break;
    default:
      page = <NotFoundPage />;
  }
  return (
    <ServicesProvider value={services}>
      <Suspense fallback={<p className="muted page-loading">{messages.common.loadingPage}</p>}>{page}</Suspense>
    </ServicesProvider>
  );
}
